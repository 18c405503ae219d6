#!/usr/bin/python3
"""A nightly-sync connector's run with Python zeep: search, upsertList, asyncAddList, get, update,
delete, getDeleted.

Builds a client from the WSDL the emulator serves and does what a connector syncing customers
does, printing one line a step:
  1. search: how many of the run's customers exist already (CustomerSearchBasic, externalId anyOf);
  2. upsertList: writes the first three customers at once;
  3. asyncAddList: submits forty more, polls checkAsyncStatus until the job ends and reads every
     page of getAsyncResult;
  4. get: reads the first customer the job added back by its internalId;
  5. update: sends that record back with its companyName changed, as get returned it: with the
     preferences header ignoreReadOnlyFields, as NetSuite's dates (dateCreated, lastModifiedDate)
     are read-only; then get shows the new name and a later lastModifiedDate;
  6. delete: deletes it; get then answers RCRD_DSNT_EXIST;
  7. getDeleted: customers deleted since the run began (on the server's clock) include it.
Every call carries a tokenPassport signed for that call (token-based authentication).

Needs Debian's python3-zeep (apt-get install python3-zeep); run it with /usr/bin/python3.

Environment (defaults: the demo account a fresh emulator creates, on http://localhost:8080):
  EMULATOR_URL           base URL of the emulator             http://localhost:8080
  NS_VERSION             SuiteTalk version of the endpoint    2023_2
  NS_ACCOUNT             account id                           TSTDRV1234567
  NS_CONSUMER_KEY        integration's consumer key           demo-consumer-key
  NS_CONSUMER_SECRET     integration's consumer secret        demo-consumer-secret
  NS_TOKEN_ID            token id                             demo-token-id
  NS_TOKEN_SECRET        token secret                         demo-token-secret
  NS_EXTERNAL_ID_PREFIX  the customers' externalIds are PREFIX-1..43 (default: new each run)

Exit status: 0 when every step found what it should; 1 on a fault, an unreachable server, a record
that was not written (its code is printed), an unexpected answer, or a job still running after
120 seconds.
"""

import base64
import hashlib
import hmac
import os
import secrets
import sys
import time

try:
    import requests
    import zeep
    from zeep.exceptions import Fault
except ImportError as error:
    sys.exit(f"error: zeep is not importable ({error}): install it with apt-get install python3-zeep, and run this with /usr/bin/python3")

UPSERTS = 3
ADDS = 40
POLL_SECONDS = 0.5
POLL_TIMEOUT_SECONDS = 120
ENDED = ("finished", "finishedWithErrors", "failed")
SHOWN_REFUSALS = 5


def setting(name, default):
    return os.environ.get(name) or default


EMULATOR_URL = setting("EMULATOR_URL", "http://localhost:8080").rstrip("/")
VERSION = setting("NS_VERSION", "2023_2")
ACCOUNT = setting("NS_ACCOUNT", "TSTDRV1234567")
CONSUMER_KEY = setting("NS_CONSUMER_KEY", "demo-consumer-key")
CONSUMER_SECRET = setting("NS_CONSUMER_SECRET", "demo-consumer-secret")
TOKEN_ID = setting("NS_TOKEN_ID", "demo-token-id")
TOKEN_SECRET = setting("NS_TOKEN_SECRET", "demo-token-secret")
EXTERNAL_ID_PREFIX = setting("NS_EXTERNAL_ID_PREFIX", f"sync-{int(time.time())}-{secrets.token_hex(3)}")

CORE = f"urn:core_{VERSION}.platform.webservices.netsuite.com"
COMMON = f"urn:common_{VERSION}.platform.webservices.netsuite.com"
MESSAGES = f"urn:messages_{VERSION}.platform.webservices.netsuite.com"
RELATIONSHIPS = f"urn:relationships_{VERSION}.lists.webservices.netsuite.com"


class Failure(Exception):
    """What went wrong, in words for the person running the example."""


def token_passport(client):
    """A tokenPassport with a new nonce and the current time: NetSuite refuses a nonce twice."""
    nonce = secrets.token_hex(16)
    timestamp = int(time.time())
    base = "&".join((ACCOUNT, CONSUMER_KEY, TOKEN_ID, nonce, str(timestamp)))
    key = f"{CONSUMER_SECRET}&{TOKEN_SECRET}"
    signature = base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()).decode()
    passport = client.get_type(f"{{{CORE}}}TokenPassport")
    signature_type = client.get_type(f"{{{CORE}}}TokenPassportSignature")
    return passport(
        account=ACCOUNT,
        consumerKey=CONSUMER_KEY,
        token=TOKEN_ID,
        nonce=nonce,
        timestamp=timestamp,
        signature=signature_type(signature, algorithm="HMAC-SHA256"),
    )


def call(client, operation, part, headers=None, **arguments):
    """Calls one operation, signed (with any other headers given); returns the named part of its answer's body."""
    soap_headers = {"tokenPassport": token_passport(client), **(headers or {})}
    try:
        response = getattr(client.service, operation)(**arguments, _soapheaders=soap_headers)
    except Fault as fault:
        code = fault.detail.findtext(".//{*}code") if fault.detail is not None else None
        raise Failure(f"{operation} answered a SOAP fault{f' ({code})' if code else ''}: {fault.message}") from None
    except requests.exceptions.RequestException as error:
        raise Failure(f"{operation}: could not reach {EMULATOR_URL}: {error}") from None
    # The operations answer a documentInfo header too, so zeep returns header and body.
    return getattr(response.body, part)


def failure_of(status):
    """A refused record's first status detail, as "CODE: message"."""
    details = status.statusDetail or []
    return f"{details[0].code}: {details[0].message}" if details else "no status detail"


def written(operation, response):
    """The internalId of a record a write answered for; a Failure when it was refused."""
    if not response.status.isSuccess:
        raise Failure(f"{operation} refused {response.baseRef.externalId if response.baseRef else 'the record'}: {failure_of(response.status)}")
    return response.baseRef.internalId


def get_customer(client, internal_id):
    """get by internalId: the readResponse (its status says whether the customer exists)."""
    ref = client.get_type(f"{{{CORE}}}RecordRef")(internalId=internal_id, type="customer")
    return call(client, "get", "readResponse", baseRef=ref)


def read_customer(client, internal_id):
    response = get_customer(client, internal_id)
    if not response.status.isSuccess:
        raise Failure(f"get of customer {internal_id} answered {failure_of(response.status)}")
    return response.record


def run():
    wsdl = f"{EMULATOR_URL}/wsdl/v{VERSION}_0/netsuite.wsdl"
    try:
        client = zeep.Client(wsdl)
    except (requests.exceptions.RequestException, zeep.exceptions.Error) as error:
        raise Failure(f"could not load the WSDL {wsdl}: {error}") from None
    customer = client.get_type(f"{{{RELATIONSHIPS}}}Customer")
    external_ids = [f"{EXTERNAL_ID_PREFIX}-{n}" for n in range(1, UPSERTS + ADDS + 1)]
    names = {external_id: f"Sync Customer {n}" for n, external_id in enumerate(external_ids, 1)}

    # The server's clock, not ours, dates the deletions getDeleted finds.
    started = call(client, "getServerTime", "getServerTimeResult").serverTime
    print(f"run {EXTERNAL_ID_PREFIX}: {EMULATOR_URL} as {ACCOUNT}, server time {started.isoformat()}")

    # 1. Which of this run's customers does the account hold already?
    ref = client.get_type(f"{{{CORE}}}RecordRef")
    criteria = client.get_type(f"{{{COMMON}}}CustomerSearchBasic")(
        externalId=client.get_type(f"{{{CORE}}}SearchMultiSelectField")(operator="anyOf", searchValue=[ref(externalId=one) for one in external_ids])
    )
    result = call(client, "search", "searchResult", searchRecord=criteria)
    if not result.status.isSuccess:
        raise Failure(f"search answered {failure_of(result.status)}")
    print(f"search: {result.totalRecords} of the run's {len(external_ids)} customers exist")

    # 2. upsertList: written by externalId, added or updated whichever they are.
    upserts = [customer(externalId=one, companyName=names[one]) for one in external_ids[:UPSERTS]]
    responses = call(client, "upsertList", "writeResponseList", record=upserts).writeResponse
    upserted = [written("upsertList", response) for response in responses]
    print(f"upsertList: {len(upserted)} customers written, internalIds {', '.join(upserted)}")

    # 3. asyncAddList: the bulk of the sync, as a job; every page of its result read.
    adds = [customer(externalId=one, companyName=names[one]) for one in external_ids[UPSERTS:]]
    job = call(client, "asyncAddList", "asyncStatusResult", record=adds).jobId
    submitted = time.monotonic()
    while True:
        status = call(client, "checkAsyncStatus", "asyncStatusResult", jobId=job)
        if status.status in ENDED:
            break
        if time.monotonic() - submitted > POLL_TIMEOUT_SECONDS:
            raise Failure(f"job {job} is still {status.status} ({status.percentCompleted:.1f}%) after {POLL_TIMEOUT_SECONDS} seconds")
        time.sleep(POLL_SECONDS)
    took = time.monotonic() - submitted
    # A write job's result pages carry no page count: read pages until every record has its answer.
    added, refused, pages = [], [], 0
    while len(added) + len(refused) < ADDS:
        pages += 1
        responses = call(client, "getAsyncResult", "asyncResult", jobId=job, pageIndex=pages).writeResponseList.writeResponse
        if not responses:
            raise Failure(f"getAsyncResult page {pages} of job {job} is empty after {len(added) + len(refused)} of {ADDS} answers")
        for response in responses:
            if response.status.isSuccess:
                added.append(response.baseRef.internalId)
            else:
                refused.append(f"{response.baseRef.externalId} {failure_of(response.status)}")
    summary = f"job {job} {status.status} in {took:.1f} s, {pages} result page{'s' if pages > 1 else ''}, {len(added)} of {ADDS} customers added"
    print(f"asyncAddList: {summary}")
    if status.status != "finished" or len(added) != ADDS:
        for line in refused[:SHOWN_REFUSALS]:
            print(f"  refused {line}")
        if len(refused) > SHOWN_REFUSALS:
            print(f"  and {len(refused) - SHOWN_REFUSALS} more refused")
        raise Failure(f"asyncAddList: {summary}")

    # 4. get: the first customer the job added, by the internalId its result gave.
    target = added[0]
    record = read_customer(client, target)
    expected = names[external_ids[UPSERTS]]
    if record.companyName != expected or record.lastModifiedDate is None:
        raise Failure(f"get of customer {target} answered companyName {record.companyName!r} last modified {record.lastModifiedDate}, not {expected!r}")
    print(f"get: customer {target} is {record.companyName!r}, last modified {record.lastModifiedDate.isoformat()}")

    # 5. update: the record get returned, one field changed. Its dates are NetSuite's to set:
    # ignoreReadOnlyFields drops them, where without it the record is refused (INSUFFICIENT_PERMISSION).
    before = record.lastModifiedDate
    record.companyName = f"{expected} (renamed)"
    preferences = client.get_element(f"{{{MESSAGES}}}preferences")(ignoreReadOnlyFields=True)
    written("update", call(client, "update", "writeResponse", headers={"preferences": preferences}, record=record))
    updated = read_customer(client, target)
    if updated.companyName != record.companyName or updated.lastModifiedDate is None or updated.lastModifiedDate <= before:
        raise Failure(
            f"after update, get of customer {target} answered companyName {updated.companyName!r} last modified "
            f"{updated.lastModifiedDate}, not {record.companyName!r} after {before.isoformat()}"
        )
    print(f"update: customer {target} is {updated.companyName!r}, last modified {updated.lastModifiedDate.isoformat()}")

    # 6. delete; a get afterwards must find nothing.
    written("delete", call(client, "delete", "writeResponse", baseRef=ref(internalId=target, type="customer")))
    gone = get_customer(client, target)
    code = gone.status.statusDetail[0].code if not gone.status.isSuccess and gone.status.statusDetail else None
    if code != "RCRD_DSNT_EXIST":
        raise Failure(f"after delete, get of customer {target} answered {failure_of(gone.status) if code else 'the customer'}, not RCRD_DSNT_EXIST")
    print(f"delete: customer {target} deleted, get answers {code}")

    # 7. getDeleted: what a connector asks for to sync deletions since its last run.
    deleted_filter = client.get_type(f"{{{CORE}}}GetDeletedFilter")(
        deletedDate=client.get_type(f"{{{CORE}}}SearchDateField")(operator="after", searchValue=started),
        type=client.get_type(f"{{{CORE}}}SearchEnumMultiSelectField")(operator="anyOf", searchValue=["customer"]),
    )
    result = call(client, "getDeleted", "getDeletedResult", getDeletedFilter=deleted_filter, pageIndex=1)
    if not result.status.isSuccess:
        raise Failure(f"getDeleted answered {failure_of(result.status)}")
    deleted = [one for one in (result.deletedRecordList.deletedRecord if result.deletedRecordList else []) if one.record.internalId == target]
    if not deleted:
        raise Failure(f"getDeleted of customers deleted after {started.isoformat()} does not list customer {target} ({result.totalRecords} listed)")
    print(f"getDeleted: {result.totalRecords} customer{'s' if result.totalRecords != 1 else ''} deleted since the run began, customer {target} at {deleted[0].deletedDate.isoformat()}")
    print(f"done: run {EXTERNAL_ID_PREFIX} synced {UPSERTS + ADDS} customers")


if __name__ == "__main__":
    try:
        run()
    except Failure as failure:
        sys.stdout.flush()
        sys.exit(f"error: {failure}")
