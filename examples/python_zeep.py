#!/usr/bin/python3
"""asyncAddList -> checkAsyncStatus -> getAsyncResult with Python zeep.

Builds a client from the WSDL the emulator serves, submits three customers, polls the job until
it ends, reads result page 1 and prints what became of each record. Every call carries a
tokenPassport signed for that call (token-based authentication).

Needs Debian's python3-zeep (apt-get install python3-zeep); run it with /usr/bin/python3.

Environment (defaults: the demo account a fresh emulator creates, on http://localhost:8080):
  EMULATOR_URL           base URL of the emulator             http://localhost:8080
  NS_VERSION             SuiteTalk version of the endpoint    2023_2
  NS_ACCOUNT             account id                           TSTDRV1234567
  NS_CONSUMER_KEY        integration's consumer key           demo-consumer-key
  NS_CONSUMER_SECRET     integration's consumer secret        demo-consumer-secret
  NS_TOKEN_ID            token id                             demo-token-id
  NS_TOKEN_SECRET        token secret                         demo-token-secret
  NS_EXTERNAL_ID_PREFIX  the customers' externalIds are PREFIX-1..3 (default: new each run)

Exit status: 0 when every customer was added; 1 on a fault, an unreachable server, a job that did
not finish cleanly (each failed record is printed) or one still running after 120 seconds.
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

CUSTOMERS = ["Acme Rockets", "Globex Freight", "Initech Supplies"]
POLL_SECONDS = 0.5
POLL_TIMEOUT_SECONDS = 120
ENDED = ("finished", "finishedWithErrors", "failed")


def setting(name, default):
    return os.environ.get(name) or default


EMULATOR_URL = setting("EMULATOR_URL", "http://localhost:8080").rstrip("/")
VERSION = setting("NS_VERSION", "2023_2")
ACCOUNT = setting("NS_ACCOUNT", "TSTDRV1234567")
CONSUMER_KEY = setting("NS_CONSUMER_KEY", "demo-consumer-key")
CONSUMER_SECRET = setting("NS_CONSUMER_SECRET", "demo-consumer-secret")
TOKEN_ID = setting("NS_TOKEN_ID", "demo-token-id")
TOKEN_SECRET = setting("NS_TOKEN_SECRET", "demo-token-secret")
EXTERNAL_ID_PREFIX = setting("NS_EXTERNAL_ID_PREFIX", f"example-{int(time.time())}-{secrets.token_hex(3)}")

CORE = f"urn:core_{VERSION}.platform.webservices.netsuite.com"
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


def call(client, operation, part, **arguments):
    """Calls one operation, signed; returns the named part of its answer's body."""
    try:
        response = getattr(client.service, operation)(**arguments, _soapheaders={"tokenPassport": token_passport(client)})
    except Fault as fault:
        code = fault.detail.findtext(".//{*}code") if fault.detail is not None else None
        raise Failure(f"{operation} answered a SOAP fault{f' ({code})' if code else ''}: {fault.message}") from None
    except requests.exceptions.RequestException as error:
        raise Failure(f"{operation}: could not reach {EMULATOR_URL}: {error}") from None
    # The operations answer a documentInfo header too, so zeep returns header and body.
    return getattr(response.body, part)


def run():
    wsdl = f"{EMULATOR_URL}/wsdl/v{VERSION}_0/netsuite.wsdl"
    try:
        client = zeep.Client(wsdl)
    except (requests.exceptions.RequestException, zeep.exceptions.Error) as error:
        raise Failure(f"could not load the WSDL {wsdl}: {error}") from None

    customer = client.get_type(f"{{{RELATIONSHIPS}}}Customer")
    records = [customer(companyName=name, externalId=f"{EXTERNAL_ID_PREFIX}-{n}") for n, name in enumerate(CUSTOMERS, 1)]
    job = call(client, "asyncAddList", "asyncStatusResult", record=records).jobId
    print(f"submitted job {job} ({len(CUSTOMERS)} customers to {EMULATOR_URL} as {ACCOUNT})")

    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    last = None
    while True:
        status = call(client, "checkAsyncStatus", "asyncStatusResult", jobId=job)
        line = f"status {status.status} {status.percentCompleted:.1f}%"
        if status.status == "processing":
            line += f" (about {status.estRemainingDuration:.1f} s left)"
        if line != last:
            print(line)
        last = line
        if status.status in ENDED:
            break
        if time.monotonic() > deadline:
            raise Failure(f"job {job} is still {status.status} after {POLL_TIMEOUT_SECONDS} seconds")
        time.sleep(POLL_SECONDS)

    result = call(client, "getAsyncResult", "asyncResult", jobId=job, pageIndex=1)
    print("getAsyncResult page 1:")
    added = 0
    for response in result.writeResponseList.writeResponse:
        ref = response.baseRef
        if response.status.isSuccess:
            added += 1
            print(f"  added {ref.externalId} internalId {ref.internalId}")
        else:
            detail = response.status.statusDetail[0]
            print(f"  failed {ref.externalId} {detail.code}: {detail.message}")
    summary = f"job {job} {status.status}, {added} of {len(CUSTOMERS)} customers added"
    print(f"done: {summary}")
    if status.status != "finished":
        raise Failure(summary)


if __name__ == "__main__":
    try:
        run()
    except Failure as failure:
        sys.stdout.flush()
        sys.exit(f"error: {failure}")
