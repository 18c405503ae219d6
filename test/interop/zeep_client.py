#!/usr/bin/python3
"""Python zeep as a SuiteTalk async client, for test/interop/zeep.test.ts.

Usage: zeep_client.py WSDL_URL ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID

Builds a zeep client from the served WSDL (and the XSDs it imports), then does what a client of
NetSuite's asynchronous API does: polls checkAsyncStatus until a job ends, pages getAsyncResult,
and handles the async faults. Prints one JSON object on stdout (the shape is ClientReport in
interop.ts) describing what zeep read, with Python type names where the type matters. Each part
is reported on its own, so one failing part does not hide the others.

Run it with Debian's /usr/bin/python3, where python3-zeep is installed.
"""

import json
import sys
import time

try:
    import zeep
    from lxml import etree
    from zeep.exceptions import Fault
except ImportError as error:  # pragma: no cover - the test checks this before running us
    sys.stderr.write(f"zeep is not importable ({error}): install python3-zeep: apt-get install python3-zeep\n")
    sys.exit(3)

TERMINAL = ("finished", "finishedWithErrors", "failed")
POLL_SECONDS = 0.1
POLL_TIMEOUT_SECONDS = 30
MAX_PAGES = 10
UNREACHABLE_PAGE = 99


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


class AsyncClient:
    def __init__(self, wsdl_url):
        self.client = zeep.Client(wsdl_url)

    @property
    def endpoint(self):
        return self.client.service._binding_options.get("address")

    def status(self, job_id):
        return body_of(self.client.service.checkAsyncStatus(jobId=job_id), "asyncStatusResult")

    def result(self, job_id, page_index):
        return body_of(self.client.service.getAsyncResult(jobId=job_id, pageIndex=page_index), "asyncResult")

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


def poll(client, job_id, until=TERMINAL):
    observations = []
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while True:
        observation = observe(client.status(job_id))
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


def write_page(result, page_index):
    name, ns = result_type(result)
    response_list = getattr(result, "writeResponseList", None)
    records = []
    if response_list is not None:
        for response in response_list.writeResponse or []:
            ref = response.baseRef
            record = status_report(response.status)
            record["baseRef"] = None if ref is None else {
                "refType": result_type(ref)[0],
                "internalId": ref.internalId,
                "externalId": ref.externalId,
                "type": ref.type,
            }
            records.append(record)
    return {
        "pageIndex": page_index,
        "resultType": name,
        "resultTypeNamespace": ns,
        "hasWriteResponseList": response_list is not None,
        "listStatus": status_report(response_list.status) if response_list is not None else None,
        "records": records,
    }


def page_through(client, job_id):
    """getAsyncResult pages 1, 2, ... until the service answers INVALID_PAGE_INDEX."""
    pages = []
    for page_index in range(1, MAX_PAGES + 1):
        try:
            result = client.result(job_id, page_index)
        except Fault as fault:
            return {"pages": pages, "end": dict(client.fault_report(fault), pageIndex=page_index)}
        pages.append(write_page(result, page_index))
    return {"pages": pages, "end": None, "error": f"still paging after {MAX_PAGES} pages"}


CONTACT_FIELDS = ("entityId", "firstName", "lastName", "email", "isInactive")


def search(client, job_id):
    poll(client, job_id)
    result = client.result(job_id, 1)
    name, ns = result_type(result)
    search_result = getattr(result, "searchResult", None)
    report = {"resultType": name, "resultTypeNamespace": ns, "hasSearchResult": search_result is not None, "records": []}
    if search_result is None:
        return report
    report["status"] = status_report(search_result.status)
    for field in ("totalRecords", "pageSize", "totalPages", "pageIndex"):
        value = getattr(search_result, field)
        report[field] = value
        report[f"{field}Type"] = type_name(value)
    records = search_result.recordList.record if search_result.recordList is not None else []
    for record in records or []:
        record_name, record_ns = result_type(record)
        fields = {field: getattr(record, field, None) for field in CONTACT_FIELDS}
        report["records"].append({
            "recordType": record_name,
            "recordTypeNamespace": record_ns,
            "internalId": record.internalId,
            "externalId": record.externalId,
            "fields": fields,
            "fieldTypes": {field: type_name(value) for field, value in fields.items()},
        })
    return report


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


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    wsdl_url = argv[1]
    jobs = dict(arg.split("=", 1) for arg in argv[2:])
    missing = {"ok", "errors", "search", "slow", "unknown"} - jobs.keys()
    if missing:
        sys.stderr.write(f"missing job ids: {', '.join(sorted(missing))}\n{__doc__}")
        return 2

    client = AsyncClient(wsdl_url)
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
    report["faults"] = {
        "invalidJobIdStatus": section(lambda: expect_fault(client, lambda: client.status(jobs["unknown"]))),
        "invalidJobIdResult": section(lambda: expect_fault(client, lambda: client.result(jobs["unknown"], 1))),
        "invalidPageIndex": section(lambda: expect_fault(client, lambda: client.result(jobs["ok"], UNREACHABLE_PAGE))),
        "jobNotComplete": section(lambda: job_not_complete(client, jobs["slow"])),
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
