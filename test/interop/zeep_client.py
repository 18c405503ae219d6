#!/usr/bin/python3
"""Python zeep as a SuiteTalk async client, for test/interop/zeep.test.ts.

Usage: zeep_client.py WSDL_URL credentials=JSON ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID records=JSON
   or: zeep_client.py WSDL_URL credentials=JSON jobs=stdin records=JSON
With jobs=stdin it writes "ready" on stderr once its client is built, and reads the job ids as one
JSON object ({"ok": JOB_ID, ...}) on stdin: zeep takes seconds to read the WSDL's schemas, and
the jobs are made to start soon after they are created, so the first poll can see one pending.

Builds a zeep client from the served WSDL (and the XSDs it imports), then does what a client of
NetSuite's asynchronous API does: polls checkAsyncStatus until a job ends, pages getAsyncResult,
and handles the async faults. Then it submits real records (RECORDS in interop.ts, given as
records=JSON) built from the WSDL's types with client.get_type, acting for an account of their
own: add, getList, update, search, an advanced search (asyncSearch, search, searchMoreWithId),
a saved search (getSavedSearch, then run by its script id through search and searchMoreWithId,
asyncSearch and getAsyncResult, two pages each), a search of customers by a custom field with
their contacts' columns (search), and an update of a missing record. Every call carries a tokenPassport header signed for that
call (token-based authentication) with the credentials given: credentials=JSON for the jobs'
account, records.credentials for the records'. Last, one call is signed with HMAC-SHA1 and one
with a wrong token secret.
Prints one JSON object on stdout (the shape is ClientReport in interop.ts) describing what zeep
read, with Python type names where the type matters. Each part is reported on its own, so one
failing part does not hide the others.

Run it with Debian's /usr/bin/python3, where python3-zeep is installed.
"""

import base64
import hashlib
import hmac
import json
import secrets
import string
import sys
import time

try:
    import zeep
    from lxml import etree
    from zeep.exceptions import Fault
    from zeep.plugins import HistoryPlugin
except ImportError as error:  # pragma: no cover - the test checks this before running us
    sys.stderr.write(f"zeep is not importable ({error}): install python3-zeep: apt-get install python3-zeep\n")
    sys.exit(3)

TERMINAL = ("finished", "finishedWithErrors", "failed")
POLL_SECONDS = 0.1
POLL_TIMEOUT_SECONDS = 30
MAX_PAGES = 10
UNREACHABLE_PAGE = 99
NONCE_ALPHABET = string.ascii_letters + string.digits
NONCE_LENGTH = 20
DIGESTS = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}


def type_name(value):
    return type(value).__name__


def local_name(tag):
    return etree.QName(tag).localname


def namespace_of(tag):
    return etree.QName(tag).namespace


def body_of(response, element):
    """The named part of a response: zeep returns header and body when the output has headers."""
    body = getattr(response, "body", None)
    holder = body if body is not None else response
    return getattr(holder, element)


def namespace_of_area(client, area):
    """A version's namespace for one schema area (core, common, relationships, sales, messages),
    found among the namespaces zeep read from the WSDL's schemas."""
    for namespace in client.wsdl.types.prefix_map.values():
        if namespace.startswith(f"urn:{area}_"):
            return namespace
    raise LookupError(f"the WSDL has no urn:{area}_ namespace: {sorted(client.wsdl.types.prefix_map.values())}")


class TokenPassportSigner:
    """Token-based authentication as NetSuite verifies it: HMAC of
    account&consumerKey&token&nonce&timestamp keyed with consumerSecret&tokenSecret, base64.
    NetSuite refuses a nonce it has seen, so headers() signs anew for every call."""

    def __init__(self, zeep_client, credentials, algorithm="HMAC-SHA256"):
        core = namespace_of_area(zeep_client, "core")
        self.passport_type = zeep_client.get_type(f"{{{core}}}TokenPassport")
        self.signature_type = zeep_client.get_type(f"{{{core}}}TokenPassportSignature")
        self.credentials = credentials
        self.algorithm = algorithm

    @property
    def account(self):
        return self.credentials["account"]

    def headers(self):
        """The _soapheaders of one call: a tokenPassport with a new nonce and the current time."""
        credentials = self.credentials
        nonce = "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))
        timestamp = int(time.time())
        base = "&".join((credentials["account"], credentials["consumerKey"], credentials["tokenId"], nonce, str(timestamp)))
        key = f"{credentials['consumerSecret']}&{credentials['tokenSecret']}"
        digest = hmac.new(key.encode("utf-8"), base.encode("utf-8"), DIGESTS[self.algorithm]).digest()
        return {
            "tokenPassport": self.passport_type(
                account=credentials["account"],
                consumerKey=credentials["consumerKey"],
                token=credentials["tokenId"],
                nonce=nonce,
                timestamp=timestamp,
                signature=self.signature_type(base64.b64encode(digest).decode("ascii"), algorithm=self.algorithm),
            )
        }


class AsyncClient:
    def __init__(self, wsdl_url, credentials):
        # The history keeps the last envelope sent, for the report of a step that fails.
        self.history = HistoryPlugin(maxlen=1)
        self.client = zeep.Client(wsdl_url, plugins=[self.history])
        # The calls act for the scripted jobs' account unless given another signer.
        self.signer = self.signer_for(credentials)

    def signer_for(self, credentials, algorithm="HMAC-SHA256"):
        return TokenPassportSigner(self.client, credentials, algorithm)

    @property
    def endpoint(self):
        return self.client.service._binding_options.get("address")

    def status(self, job_id, signer=None):
        headers = (signer or self.signer).headers()
        return body_of(self.client.service.checkAsyncStatus(jobId=job_id, _soapheaders=headers), "asyncStatusResult")

    def result(self, job_id, page_index, signer=None):
        headers = (signer or self.signer).headers()
        return body_of(self.client.service.getAsyncResult(jobId=job_id, pageIndex=page_index, _soapheaders=headers), "asyncResult")

    def fault_report(self, fault):
        """What zeep gives for a SOAP fault: Fault.code/.message, and the detail as an lxml element."""
        report = {
            "raised": True,
            "faultcode": fault.code,
            "faultstring": fault.message,
            "detailElement": None,
            "detailNamespace": None,
            "detailType": None,
            "code": None,
            "message": None,
        }
        detail = fault.detail
        if detail is None:
            return report
        element = next((child for child in detail if isinstance(child.tag, str)), None)
        if element is None:
            return report
        ns = namespace_of(element.tag)
        report["detailElement"] = local_name(element.tag)
        report["detailNamespace"] = ns
        code = element.find(f"{{{ns}}}code")
        message = element.find(f"{{{ns}}}message")
        report["code"] = code.text if code is not None else None
        report["message"] = message.text if message is not None else None
        # The detail element is declared in the WSDL's schemas: zeep can read it as its type too.
        try:
            typed = self.client.get_element(element.tag).parse(element, self.client.wsdl.types)
            report["detailType"] = type_name(typed)
            report["typedCode"] = typed.code
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            report["detailTypeError"] = f"{type_name(error)}: {error}"
        return report


def section(function):
    """Runs one part of the report; an exception becomes {"error": ...} instead of ending the run."""
    try:
        return function()
    except Fault as fault:
        return {"error": f"unexpected SOAP fault {fault.code}: {fault.message}"}
    except Exception as error:  # noqa: BLE001
        return {"error": f"{type_name(error)}: {error}"}


def observe(status):
    return {
        "status": status.status,
        "percentCompleted": status.percentCompleted,
        "percentCompletedType": type_name(status.percentCompleted),
        "estRemainingDuration": status.estRemainingDuration,
        "estRemainingDurationType": type_name(status.estRemainingDuration),
    }


def poll(client, job_id, until=TERMINAL, signer=None):
    observations = []
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while True:
        observation = observe(client.status(job_id, signer))
        observations.append(observation)
        if observation["status"] in until:
            return {"observations": observations}
        if time.monotonic() > deadline:
            return {"observations": observations, "error": f"job {job_id} did not reach {until} in {POLL_TIMEOUT_SECONDS} s"}
        time.sleep(POLL_SECONDS)


def status_report(status):
    if status is None:
        return None
    details = [
        {"code": detail.code, "message": detail.message, "type": detail.type}
        for detail in (status.statusDetail or [])
    ]
    return {"isSuccess": status.isSuccess, "isSuccessType": type_name(status.isSuccess), "statusDetails": details}


def result_type(result):
    xsd_type = getattr(result, "_xsd_type", None)
    qname = getattr(xsd_type, "qname", None)
    return (qname.localname, qname.namespace) if qname is not None else (type_name(result), None)


def write_response(response):
    """One writeResponse: its status and baseRef (the type zeep built, from its xsi:type, and attributes)."""
    ref = response.baseRef
    record = status_report(response.status)
    record["baseRef"] = None if ref is None else {
        "refType": result_type(ref)[0],
        "internalId": ref.internalId,
        "externalId": ref.externalId,
        "type": ref.type,
    }
    return record


def write_page(result, page_index):
    name, ns = result_type(result)
    response_list = getattr(result, "writeResponseList", None)
    records = [write_response(response) for response in (response_list.writeResponse or [])] if response_list is not None else []
    return {
        "pageIndex": page_index,
        "resultType": name,
        "resultTypeNamespace": ns,
        "hasWriteResponseList": response_list is not None,
        "listStatus": status_report(response_list.status) if response_list is not None else None,
        "records": records,
    }


def page_through(client, job_id, signer=None):
    """getAsyncResult pages 1, 2, ... until the service answers INVALID_PAGE_INDEX."""
    pages = []
    for page_index in range(1, MAX_PAGES + 1):
        try:
            result = client.result(job_id, page_index, signer)
        except Fault as fault:
            return {"pages": pages, "end": dict(client.fault_report(fault), pageIndex=page_index)}
        pages.append(write_page(result, page_index))
    return {"pages": pages, "end": None, "error": f"still paging after {MAX_PAGES} pages"}


CONTACT_FIELDS = ("entityId", "firstName", "lastName", "email", "isInactive")


def search_report(result, record_of):
    """An AsyncSearchResult page, each record read by record_of."""
    name, ns = result_type(result)
    search_result = getattr(result, "searchResult", None)
    report = {"resultType": name, "resultTypeNamespace": ns, "hasSearchResult": search_result is not None, "records": []}
    if search_result is None:
        return report
    report["status"] = status_report(search_result.status)
    for field_name in ("totalRecords", "pageSize", "totalPages", "pageIndex"):
        value = getattr(search_result, field_name)
        report[field_name] = value
        report[f"{field_name}Type"] = type_name(value)
    records = search_result.recordList.record if search_result.recordList is not None else []
    report["records"] = [record_of(record) for record in records or []]
    return report


def contact_report(record):
    record_name, record_ns = result_type(record)
    fields = {field_name: getattr(record, field_name, None) for field_name in CONTACT_FIELDS}
    return {
        "recordType": record_name,
        "recordTypeNamespace": record_ns,
        "internalId": record.internalId,
        "externalId": record.externalId,
        "fields": fields,
        "fieldTypes": {field_name: type_name(value) for field_name, value in fields.items()},
    }


def search(client, job_id):
    poll(client, job_id)
    return search_report(client.result(job_id, 1), contact_report)


def expect_fault(client, call, **extra):
    try:
        answer = call()
    except Fault as fault:
        return dict(client.fault_report(fault), **extra)
    return dict({"raised": False, "answer": str(answer)}, **extra)


def job_not_complete(client, job_id):
    running = poll(client, job_id, until=("processing",) + TERMINAL)
    status_before = running["observations"][-1]["status"]
    report = expect_fault(client, lambda: client.result(job_id, 1), statusBefore=status_before)
    report["statusAfter"] = client.status(job_id).status
    return report


def signed_with_sha1(client, job_id, credentials):
    signer = client.signer_for(credentials, algorithm="HMAC-SHA1")
    return {"algorithm": signer.algorithm, "status": client.status(job_id, signer).status}


def wrong_token_secret(client, job_id, credentials):
    """A call whose signature is keyed with a token secret that is not the token's: refused."""
    signer = client.signer_for(dict(credentials, tokenSecret=credentials["tokenSecret"] + "-wrong"))
    return expect_fault(client, lambda: client.status(job_id, signer))


# ---------------------------------------------------------------------------------------------
# Real records, built from the WSDL's types.

RECORD_FIELDS = ("companyName", "email", "isInactive", "memo")
ADDRESS_FIELDS = ("country", "addr1", "city", "zip")


def field(value, name):
    """An element or attribute of a zeep object, None when absent or not in its type."""
    if value is None:
        return None
    try:
        return getattr(value, name)
    except AttributeError:
        return None


def ref_report(ref):
    if ref is None:
        return None
    return {"internalId": ref.internalId, "externalId": ref.externalId, "type": ref.type}


def record_report(record):
    """What zeep made of one record: its concrete type and fields, sublists included."""
    name, ns = result_type(record)
    fields = {key: field(record, key) for key in RECORD_FIELDS}
    addressbook = []
    for entry in field(field(record, "addressbookList"), "addressbook") or []:
        address = entry.addressbookAddress
        addressbook.append({
            "defaultShipping": entry.defaultShipping,
            "defaultShippingType": type_name(entry.defaultShipping),
            "defaultBilling": entry.defaultBilling,
            "label": entry.label,
            "address": None if address is None else {key: getattr(address, key) for key in ADDRESS_FIELDS},
        })
    custom_fields = []
    for custom in field(field(record, "customFieldList"), "customField") or []:
        custom_name, custom_ns = result_type(custom)
        value = field(custom, "value")
        custom_fields.append({"type": custom_name, "typeNamespace": custom_ns, "scriptId": custom.scriptId, "value": value, "valueType": type_name(value)})
    items = []
    for line in field(field(record, "itemList"), "item") or []:
        items.append({
            "item": ref_report(line.item),
            "quantity": line.quantity,
            "quantityType": type_name(line.quantity),
            "rate": line.rate,
            "amount": line.amount,
            "description": line.description,
        })
    return {
        "recordType": name,
        "recordTypeNamespace": ns,
        "internalId": record.internalId,
        "externalId": record.externalId,
        "fields": fields,
        "fieldTypes": {key: type_name(value) for key, value in fields.items()},
        "addressbook": addressbook,
        "customFields": custom_fields,
        "entity": ref_report(field(record, "entity")),
        "items": items,
    }


class RecordsClient:
    """The submit operations with records built from zeep's types, every call signed for the records' account."""

    def __init__(self, client, credentials):
        self.client = client
        self.signer = client.signer_for(credentials)
        self.last_submitted = None
        zeep_client = client.client
        self.ns = {area: namespace_of_area(zeep_client, area) for area in ("messages", "core", "common", "relationships", "sales")}
        self.type = lambda area, name: zeep_client.get_type(f"{{{self.ns[area]}}}{name}")

    def ref(self, spec):
        return self.type("core", "RecordRef")(**spec)

    def customer(self, spec):
        address_type = self.type("common", "Address")
        entry_type = self.type("relationships", "CustomerAddressbook")
        addressbook = [
            entry_type(defaultShipping=entry["defaultShipping"], defaultBilling=entry["defaultBilling"], label=entry["label"], addressbookAddress=address_type(**entry["address"]))
            for entry in spec["addressbook"]
        ]
        custom_fields = [self.type("core", custom["type"])(scriptId=custom["scriptId"], value=custom["value"]) for custom in spec["customFields"]]
        return self.type("relationships", "Customer")(
            externalId=spec["externalId"],
            addressbookList=self.type("relationships", "CustomerAddressbookList")(addressbook=addressbook),
            customFieldList=self.type("core", "CustomFieldList")(customField=custom_fields),
            **spec["fields"],
        )

    def sales_order(self, spec, customer_id):
        line_type = self.type("sales", "SalesOrderItem")
        lines = [
            line_type(item=self.ref(line["item"]), quantity=line["quantity"], rate=line["rate"], amount=line["amount"], description=line["description"])
            for line in spec["items"]
        ]
        return self.type("sales", "SalesOrder")(
            externalId=spec["externalId"],
            entity=self.ref({"internalId": customer_id, "type": "customer"}),
            itemList=self.type("sales", "SalesOrderItemList")(item=lines),
            **spec["fields"],
        )

    def call(self, operation, extra_headers=None, **body):
        """Calls an operation signed for the records' account, keeping the request it sent."""
        headers = dict(self.signer.headers(), **(extra_headers or {}))
        before = self.client.history.last_sent
        try:
            return getattr(self.client.client.service, operation)(_soapheaders=headers, **body)
        finally:
            # None when zeep failed before sending (the history still holds the previous request).
            sent = self.client.history.last_sent
            self.last_submitted = None if sent is before else etree.tostring(sent["envelope"], encoding="unicode")

    def run(self, operation, extra_headers=None, **body):
        """Submits, polls checkAsyncStatus to the end, reads page 1 of getAsyncResult."""
        submitted = body_of(self.call(operation, extra_headers, **body), "asyncStatusResult")
        polled = poll(self.client, submitted.jobId, signer=self.signer)
        if "error" in polled:
            raise TimeoutError(polled["error"])
        job = {
            "jobId": submitted.jobId,
            "submittedStatus": submitted.status,
            "submittedPercentCompleted": submitted.percentCompleted,
            "status": polled["observations"][-1]["status"],
        }
        return job, self.client.result(submitted.jobId, 1, self.signer)

    def write(self, operation, records):
        job, result = self.run(operation, record=records)
        return dict(job, page=write_page(result, 1))

    def get_list(self, refs):
        job, result = self.run("asyncGetList", baseRef=[self.ref(ref) for ref in refs])
        name, ns = result_type(result)
        response_list = field(result, "readResponseList")
        reads = []
        for response in field(response_list, "readResponse") or []:
            read = status_report(response.status)
            read["record"] = None if response.record is None else record_report(response.record)
            reads.append(read)
        return dict(job, resultType=name, resultTypeNamespace=ns, listStatus=status_report(field(response_list, "status")), reads=reads)

    def search(self, contains, page_size):
        string_field = self.type("core", "SearchStringField")
        search_record = self.type("common", "CustomerSearchBasic")(companyName=string_field(searchValue=contains, operator="contains"))
        preferences = self.client.client.get_element(f"{{{self.ns['messages']}}}searchPreferences")(bodyFieldsOnly=False, pageSize=page_size)
        job, result = self.run("asyncSearch", extra_headers={"searchPreferences": preferences}, searchRecord=search_record)
        return dict(job, search=search_report(result, record_report))

    def advanced_search(self, spec, customer_id, page_size):
        """RECORDS.advancedSearch by asyncSearch, search and searchMoreWithId, each part typed as
        TransactionSearchAdvanced's schema declares it (the row parts' and columns' types looked up there)."""
        search_type = self.type("core", "SearchMultiSelectField")
        criteria = self.type("sales", "TransactionSearch")(
            customerJoin=self.type("common", "CustomerSearchBasic")(
                internalId=search_type(operator="anyOf", searchValue=[self.ref({"internalId": customer_id})])
            )
        )
        row_type = self.type("sales", "TransactionSearchRow")
        parts = {}
        for part_name, columns in spec["columns"].items():
            part_type = dict(row_type.elements)[part_name].type
            column_types = dict(part_type.elements)
            parts[part_name] = part_type(**{column["name"]: [column_types[column["name"]].type(customLabel=column.get("customLabel"))] for column in columns})
        search_record = self.type("sales", "TransactionSearchAdvanced")(criteria=criteria, columns=row_type(**parts))
        headers = {"searchPreferences": self.client.client.get_element(f"{{{self.ns['messages']}}}searchPreferences")(pageSize=page_size)}
        read = lambda search_result: rows_page(search_result, spec["columns"])  # noqa: E731
        attempt = self.attempt

        def by_async_search():
            job, result = self.run("asyncSearch", extra_headers=headers, searchRecord=search_record)
            return dict(job, resultType=result_type(result)[0], page=read(result.searchResult))

        def search_more(search_id):
            return read(body_of(self.call("searchMoreWithId", extra_headers=headers, searchId=search_id, pageIndex=1), "searchResult"))

        report = {"asyncSearch": attempt(by_async_search)}
        report["search"] = attempt(lambda: read(body_of(self.call("search", extra_headers=headers, searchRecord=search_record), "searchResult")))
        search_id = report["search"].get("searchId")
        report["searchMore"] = attempt(lambda: search_more(search_id)) if search_id else {"error": f"no searchId from the search: {report['search']}"}
        return report

    def custom_field_search(self, spec, page_size):
        """RECORDS.customFieldSearch by search: a CustomerSearchAdvanced whose criteria basic's
        customFieldList holds the criterion and whose row basic's customFieldList the custom field
        columns, each customField built as its concrete kind (customField is declared abstract), the
        row parts' and columns' types looked up in CustomerSearchRow's schema."""
        criterion = spec["criterion"]
        custom_criterion = self.type("core", criterion["type"])(scriptId=criterion["scriptId"], operator=criterion["operator"], searchValue=criterion["searchValue"])
        criteria = self.type("relationships", "CustomerSearch")(
            basic=self.type("common", "CustomerSearchBasic")(customFieldList=self.type("core", "SearchCustomFieldList")(customField=[custom_criterion]))
        )
        row_type = self.type("relationships", "CustomerSearchRow")
        parts = {}
        for part_name, columns in spec["columns"].items():
            part_type = dict(row_type.elements)[part_name].type
            column_types = dict(part_type.elements)
            values = {column["name"]: [column_types[column["name"]].type()] for column in columns}
            if part_name == "basic":
                custom_columns = [self.type("core", column["type"])(scriptId=column["scriptId"], customLabel=column["customLabel"]) for column in spec["customColumns"]]
                values["customFieldList"] = self.type("core", "SearchColumnCustomFieldList")(customField=custom_columns)
            parts[part_name] = part_type(**values)
        search_record = self.type("relationships", "CustomerSearchAdvanced")(criteria=criteria, columns=row_type(**parts))
        headers = {"searchPreferences": self.client.client.get_element(f"{{{self.ns['messages']}}}searchPreferences")(pageSize=page_size)}
        return rows_page(body_of(self.call("search", extra_headers=headers, searchRecord=search_record), "searchResult"), spec["columns"], custom=True)

    def attempt(self, function):
        """One call of several; when it fails, the error shows the request zeep submitted."""
        self.last_submitted = None
        part = section(function)
        if set(part) == {"error"} and self.last_submitted:
            part["error"] += f"\nthe request zeep submitted: {self.last_submitted}"
        return part

    def saved_search(self, spec, page_size):
        """RECORDS.savedSearch: getSavedSearch of its searchType (a GetSavedSearchRecord), then a
        TransactionSearchAdvanced naming only savedSearchScriptId, the first script id listed, by
        search and searchMoreWithId(searchId, 2), and by asyncSearch and getAsyncResult pages 1 and 2."""
        record = self.type("core", "GetSavedSearchRecord")(searchType=spec["searchType"])
        report = {"getSavedSearch": self.attempt(lambda: saved_search_list(body_of(self.call("getSavedSearch", record=record), "getSavedSearchResult")))}
        refs = report["getSavedSearch"].get("refs") or []
        script_id = refs[0]["scriptId"] if refs else None
        if not script_id:
            error = {"error": f"no script id from getSavedSearch: {report['getSavedSearch']}"}
            return dict(report, search=error, searchMore=error, asyncSearch=error, asyncPage2=error)
        search_record = self.type("sales", "TransactionSearchAdvanced")(savedSearchScriptId=script_id)
        headers = {"searchPreferences": self.client.client.get_element(f"{{{self.ns['messages']}}}searchPreferences")(pageSize=page_size)}
        read = lambda search_result: rows_page(search_result, spec["columns"])  # noqa: E731

        report["search"] = self.attempt(lambda: read(body_of(self.call("search", extra_headers=headers, searchRecord=search_record), "searchResult")))
        search_id = report["search"].get("searchId")
        report["searchMore"] = (
            self.attempt(lambda: read(body_of(self.call("searchMoreWithId", extra_headers=headers, searchId=search_id, pageIndex=2), "searchResult")))
            if search_id
            else {"error": f"no searchId from the search: {report['search']}"}
        )

        def by_async_search():
            job, result = self.run("asyncSearch", extra_headers=headers, searchRecord=search_record)
            return dict(job, resultType=result_type(result)[0], page=read(result.searchResult))

        def async_page_2(job_id):
            result = self.client.result(job_id, 2, signer=self.signer)
            return {"resultType": result_type(result)[0], "page": read(result.searchResult)}

        report["asyncSearch"] = self.attempt(by_async_search)
        job_id = report["asyncSearch"].get("jobId")
        report["asyncPage2"] = self.attempt(lambda: async_page_2(job_id)) if job_id else {"error": f"no job from the asyncSearch: {report['asyncSearch']}"}
        return report


    def connector(self, spec):
        """RECORDS.connector: each step on its own (one failing does not hide the others; those
        needing an earlier step's answer say so), every customer built as zeep's Customer, and the
        round trip's update sending back the Customer zeep read."""
        customer_type = self.type("relationships", "Customer")
        report = {}
        attempt = self.attempt

        def server_time():
            served = body_of(self.call("getServerTime"), "getServerTimeResult").serverTime
            return {"serverTime": served.isoformat() if hasattr(served, "isoformat") else served}

        def search():
            string_field = self.type("core", "SearchStringField")
            search_record = self.type("common", "CustomerSearchBasic")(companyName=string_field(searchValue=spec["companyNamePrefix"], operator="startsWith"))
            result = body_of(self.call("search", searchRecord=search_record), "searchResult")
            return {"isSuccess": result.status.isSuccess, "totalRecords": result.totalRecords, "records": len(field(field(result, "recordList"), "record") or [])}

        def upsert_list():
            records = [customer_type(externalId=one["externalId"], companyName=one["companyName"]) for one in spec["upserts"]]
            responses = body_of(self.call("upsertList", record=records), "writeResponseList")
            return {"records": [write_response(response) for response in responses.writeResponse or []]}

        def async_add_list():
            records = [customer_type(externalId=one["externalId"], companyName=one["companyName"]) for one in spec["adds"]]
            submitted = body_of(self.call("asyncAddList", record=records), "asyncStatusResult")
            polled = poll(self.client, submitted.jobId, signer=self.signer)
            if "error" in polled:
                raise TimeoutError(polled["error"])
            return {
                "jobId": submitted.jobId,
                "submittedStatus": submitted.status,
                "submittedPercentCompleted": submitted.percentCompleted,
                "status": polled["observations"][-1]["status"],
                "paged": page_through(self.client, submitted.jobId, self.signer),
            }

        def target(index=spec["deleteIndex"]):
            """The added customer at index (of adds), as a RecordRef."""
            job = report["asyncAddList"]
            if "error" in job:
                raise RuntimeError(f"no added customer: {job['error']}")
            records = [record for page in job["paged"]["pages"] for record in page["records"]]
            internal_id = records[index]["baseRef"]["internalId"] if len(records) > index else None
            if not internal_id:
                raise RuntimeError(f"no added customer {index + 1}: {records}")
            return self.ref({"internalId": internal_id, "type": "customer"})

        def get(index=spec["deleteIndex"]):
            return read_report(body_of(self.call("get", baseRef=target(index)), "readResponse"))

        def read_report(response):
            read = status_report(response.status)
            record = response.record
            text = lambda value: value.isoformat() if hasattr(value, "isoformat") else value  # noqa: E731
            read["record"] = None if record is None else {
                "recordType": result_type(record)[0],
                "internalId": record.internalId,
                "externalId": record.externalId,
                "companyName": field(record, "companyName"),
                "dateCreated": text(field(record, "dateCreated")),
                "lastModifiedDate": text(field(record, "lastModifiedDate")),
            }
            return read

        def get_deleted():
            started = report["serverTime"].get("serverTime")
            if not started:
                raise RuntimeError(f"no flow start: {report['serverTime']}")
            date_field = self.type("core", "SearchDateField")
            enum_field = self.type("core", "SearchEnumMultiSelectField")
            deleted_filter = self.type("core", "GetDeletedFilter")(
                deletedDate=date_field(operator="onOrAfter", searchValue=started), type=enum_field(operator="anyOf", searchValue=["customer"])
            )
            result = body_of(self.call("getDeleted", getDeletedFilter=deleted_filter, pageIndex=1), "getDeletedResult")
            deleted = []
            for one in field(field(result, "deletedRecordList"), "deletedRecord") or []:
                ref = one.record
                deleted.append({
                    "deletedDate": one.deletedDate.isoformat() if hasattr(one.deletedDate, "isoformat") else one.deletedDate,
                    "refType": result_type(ref)[0] if ref is not None else None,
                    "internalId": field(ref, "internalId"),
                    "externalId": field(ref, "externalId"),
                    "type": field(ref, "type"),
                })
            return {"isSuccess": result.status.isSuccess, "totalRecords": result.totalRecords, "deleted": deleted}

        report["serverTime"] = attempt(server_time)
        report["search"] = attempt(search)
        report["upsertList"] = attempt(upsert_list)
        report["asyncAddList"] = attempt(async_add_list)
        report["get"] = attempt(get)
        report["delete"] = attempt(lambda: write_response(body_of(self.call("delete", baseRef=target()), "writeResponse")))
        report["getAgain"] = attempt(get)
        report["getDeleted"] = attempt(get_deleted)

        # The round trip: the Customer object get answered, sent back by update with companyName changed.
        as_read = {}

        def round_trip_get():
            response = body_of(self.call("get", baseRef=target(spec["roundTripIndex"])), "readResponse")
            as_read["record"] = response.record
            return read_report(response)

        def send_back(extra_headers=None):
            record = as_read.get("record")
            if record is None:
                raise RuntimeError(f"no record from get: {report['roundTripGet']}")
            record.companyName = spec["roundTripCompanyName"]
            response = write_response(body_of(self.call("update", extra_headers, record=record), "writeResponse"))
            return dict(response, request=self.last_submitted)

        # The preferences header, built from the WSDL's element, sent next to the tokenPassport.
        preferences = self.client.client.get_element(f"{{{self.ns['messages']}}}preferences")(ignoreReadOnlyFields=True)
        report["roundTripGet"] = attempt(round_trip_get)
        report["updateAsRead"] = attempt(send_back)
        report["getAfterRefusal"] = attempt(lambda: get(spec["roundTripIndex"]))
        report["updateIgnoringReadOnly"] = attempt(lambda: send_back({"preferences": preferences}))
        report["getAfterUpdate"] = attempt(lambda: get(spec["roundTripIndex"]))
        return report


def saved_search_list(result):
    """getSavedSearch's getSavedSearchResult: each recordRef's type (from its xsi:type), attributes and name."""
    refs = [
        {"refType": result_type(ref)[0], "internalId": field(ref, "internalId"), "scriptId": field(ref, "scriptId"), "type": field(ref, "type"), "name": field(ref, "name")}
        for ref in field(field(result, "recordRefList"), "recordRef") or []
    ]
    return {"isSuccess": result.status.isSuccess, "totalRecords": result.totalRecords, "refs": refs}


def column_report(values):
    """One column of a row part (zeep gives a list: the schema allows it repeated), its RecordRef as ref_report."""
    if not values:
        return None
    reports = []
    for value in values:
        search_value = field(value, "searchValue")
        is_ref = search_value is not None and result_type(search_value)[0] == "RecordRef"
        reports.append({"searchValue": ref_report(search_value) if is_ref else search_value, "customLabel": field(value, "customLabel")})
    # More than one would be a column answered twice: reported as the list, which no expectation matches.
    return reports[0] if len(reports) == 1 else reports


def custom_column_report(custom):
    """A custom field column of a row basic's customFieldList: the type zeep built (from its xsi:type), attributes and elements."""
    name, ns = result_type(custom)
    return {
        "type": name,
        "typeNamespace": ns,
        "scriptId": field(custom, "scriptId"),
        "internalId": field(custom, "internalId"),
        "customLabel": field(custom, "customLabel"),
        "searchValue": field(custom, "searchValue"),
    }


def rows_page(search_result, columns, custom=False):
    """A searchResult of rows: each row's type (from its xsi:type) and the columns asked, by part;
    with custom, also each customField of its basic customFieldList."""
    rows = []
    for row in field(field(search_result, "searchRowList"), "searchRow") or []:
        name, ns = result_type(row)
        parts = {part_name: {column["name"]: column_report(field(field(row, part_name), column["name"])) for column in part_columns} for part_name, part_columns in columns.items()}
        rows.append({"rowType": name, "rowTypeNamespace": ns, "parts": parts})
        if custom:
            rows[-1]["customFields"] = [custom_column_report(one) for one in field(field(field(row, "basic"), "customFieldList"), "customField") or []]
    return {
        "isSuccess": search_result.status.isSuccess,
        "totalRecords": search_result.totalRecords,
        "pageSize": search_result.pageSize,
        "totalPages": search_result.totalPages,
        "pageIndex": search_result.pageIndex,
        "searchId": field(search_result, "searchId"),
        "hasRecordList": field(search_result, "recordList") is not None,
        "rows": rows,
    }


def internal_id_of(write_job, what):
    if "error" in write_job:
        raise RuntimeError(f"no {what}: {write_job['error']}")
    responses = write_job["page"]["records"]
    internal_id = responses[0]["baseRef"]["internalId"] if responses and responses[0]["baseRef"] else None
    if not internal_id:
        raise RuntimeError(f"no {what}: the add job answered {responses}")
    return internal_id


def records(client, spec):
    rc = RecordsClient(client, spec["credentials"])
    report = {"account": rc.signer.account}

    def step(function):
        """One step of the scenario; when it fails, the error shows the request zeep submitted."""
        part = section(function)
        if isinstance(part, dict) and set(part) == {"error"} and rc.last_submitted:
            part["error"] += f"\nthe request zeep submitted: {rc.last_submitted}"
        rc.last_submitted = None
        return part

    customer_id = lambda: internal_id_of(report["addCustomer"], "customer internalId")  # noqa: E731
    order_id = lambda: internal_id_of(report["addSalesOrder"], "sales order internalId")  # noqa: E731
    customer_type = rc.type("relationships", "Customer")
    # Each step on its own: one failing does not hide the others (those needing its id say so).
    report["addCustomer"] = step(lambda: rc.write("asyncAddList", [rc.customer(spec["customer"])]))
    report["addSalesOrder"] = step(lambda: rc.write("asyncAddList", [rc.sales_order(spec["salesOrder"], customer_id())]))
    report["getList"] = step(lambda: rc.get_list([{"internalId": customer_id(), "type": "customer"}, {"internalId": order_id(), "type": "salesOrder"}]))
    report["update"] = step(lambda: rc.write("asyncUpdateList", [customer_type(internalId=customer_id(), **spec["update"])]))
    report["search"] = step(lambda: rc.search(spec["searchFor"], spec["pageSize"]))
    report["advancedSearch"] = step(lambda: rc.advanced_search(spec["advancedSearch"], customer_id(), spec["pageSize"]))
    report["savedSearch"] = step(lambda: rc.saved_search(spec["savedSearch"], spec["pageSize"]))
    report["customFieldSearch"] = step(lambda: rc.custom_field_search(spec["customFieldSearch"], spec["pageSize"]))
    report["updateMissing"] = step(lambda: rc.write("asyncUpdateList", [customer_type(internalId=spec["missingInternalId"], **spec["update"])]))
    report["connector"] = step(lambda: rc.connector(spec["connector"]))
    return report


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    wsdl_url = argv[1]
    jobs = dict(arg.split("=", 1) for arg in argv[2:])
    job_names = {"ok", "errors", "search", "slow", "unknown"}
    from_stdin = jobs.get("jobs") == "stdin"
    missing = {"credentials", "records"} - jobs.keys() if from_stdin else ({"credentials", "records"} | job_names) - jobs.keys()
    if missing:
        sys.stderr.write(f"missing arguments: {', '.join(sorted(missing))}\n{__doc__}")
        return 2

    credentials = json.loads(jobs["credentials"])
    client = AsyncClient(wsdl_url, credentials)
    if from_stdin:
        sys.stderr.write("ready\n")
        sys.stderr.flush()
        jobs.update(json.loads(sys.stdin.readline()))
        missing = job_names - jobs.keys()
        if missing:
            sys.stderr.write(f"no job ids on stdin for: {', '.join(sorted(missing))}\n")
            return 2
    report = {
        "client": f"zeep {zeep.__version__} (Python {sys.version.split()[0]})",
        "endpoint": client.endpoint,
        "polls": {
            "ok": section(lambda: poll(client, jobs["ok"])),
            "errors": section(lambda: poll(client, jobs["errors"])),
        },
    }
    report["results"] = {
        "ok": section(lambda: page_through(client, jobs["ok"])),
        "errors": section(lambda: page_through(client, jobs["errors"])),
    }
    report["search"] = section(lambda: search(client, jobs["search"]))
    report["records"] = section(lambda: records(client, json.loads(jobs["records"])))
    report["faults"] = {
        "invalidJobIdStatus": section(lambda: expect_fault(client, lambda: client.status(jobs["unknown"]))),
        "invalidJobIdResult": section(lambda: expect_fault(client, lambda: client.result(jobs["unknown"], 1))),
        "invalidPageIndex": section(lambda: expect_fault(client, lambda: client.result(jobs["ok"], UNREACHABLE_PAGE))),
        "jobNotComplete": section(lambda: job_not_complete(client, jobs["slow"])),
    }
    report["auth"] = {
        "hmacSha1": section(lambda: signed_with_sha1(client, jobs["ok"], credentials)),
        "wrongTokenSecret": section(lambda: wrong_token_secret(client, jobs["ok"], credentials)),
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
