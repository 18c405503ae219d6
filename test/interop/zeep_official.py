#!/usr/bin/python3
"""Python zeep against NetSuite's own WSDL as the service serves it (NETSUITE_WSDL_DIR), for
test/interop/official-wsdl.test.ts.

Usage: zeep_official.py WSDL_URL credentials=JSON

Builds a zeep client from the served WSDL (every XSD it imports fetched from the service), then
runs the async flow with record types the tree declares and this project's own schemas do not:
asyncAddList of a Partner, checkAsyncStatus until it ends, getAsyncResult; asyncGetList of it;
asyncSearch with listRel:PartnerSearch holding a PartnerSearchBasic. Every call carries a
tokenPassport signed for it. Prints one JSON object on stdout with what zeep read.

Run it with Debian's /usr/bin/python3, where python3-zeep is installed.
"""

import json
import sys
import time

# zeep_client.py (beside this script) imports zeep, and says what to install when it cannot.
from zeep_client import TERMINAL, POLL_SECONDS, POLL_TIMEOUT_SECONDS, TokenPassportSigner, body_of, namespace_of_area, zeep


def main():
    wsdl_url = sys.argv[1]
    credentials = json.loads(sys.argv[2].split("=", 1)[1])
    client = zeep.Client(wsdl_url)
    core, relationships, common = (namespace_of_area(client, area) for area in ("core", "relationships", "common"))
    signer = TokenPassportSigner(client, credentials)

    def headers():
        # The tree's WSDL names its header part "header", as zeep shows it.
        return {"header": signer.headers()["tokenPassport"]}

    def run(operation, **arguments):
        submitted = body_of(getattr(client.service, operation)(_soapheaders=headers(), **arguments), "asyncStatusResult")
        deadline = time.time() + POLL_TIMEOUT_SECONDS
        status = submitted
        while status.status not in TERMINAL:
            if time.time() > deadline:
                raise TimeoutError(f"{operation} job {submitted.jobId} did not end")
            time.sleep(POLL_SECONDS)
            status = body_of(client.service.checkAsyncStatus(jobId=submitted.jobId, _soapheaders=headers()), "asyncStatusResult")
        result = body_of(client.service.getAsyncResult(jobId=submitted.jobId, pageIndex=1, _soapheaders=headers()), "asyncResult")
        return submitted, status, result

    partner = client.get_type(f"{{{relationships}}}Partner")(partnerCode="ZEEP-1", companyName="Zeep & Co", externalId="zeep-partner-1")
    submitted, status, added = run("asyncAddList", record=[partner])
    written = added.writeResponseList.writeResponse[0]
    record_ref = client.get_type(f"{{{core}}}RecordRef")(internalId=written.baseRef.internalId, type="partner")
    _, _, read = run("asyncGetList", baseRef=[record_ref])
    record = read.readResponseList.readResponse[0].record

    string_field = client.get_type(f"{{{core}}}SearchStringField")
    basic = client.get_type(f"{{{common}}}PartnerSearchBasic")(partnerCode=string_field(searchValue="ZEEP-1", operator="is"))
    search = client.get_type(f"{{{relationships}}}PartnerSearch")(basic=basic)
    _, _, found = run("asyncSearch", searchRecord=search)
    result = found.searchResult

    print(json.dumps({
        "endpoint": client.service._binding_options.get("address"),
        "submitted": {"status": submitted.status, "percentCompleted": submitted.percentCompleted},
        "ended": {"status": status.status, "percentCompleted": status.percentCompleted},
        "added": {
            "resultType": type(added).__name__,
            "isSuccess": written.status.isSuccess,
            "refType": type(written.baseRef).__name__,
            "type": written.baseRef.type,
            "externalId": written.baseRef.externalId,
        },
        "read": {
            "resultType": type(read).__name__,
            "recordType": type(record).__name__,
            "partnerCode": record.partnerCode,
            "companyName": record.companyName,
            "externalId": record.externalId,
        },
        "search": {
            "resultType": type(found).__name__,
            "totalRecords": result.totalRecords,
            "found": [found_record.externalId for found_record in result.recordList.record],
        },
    }))


if __name__ == "__main__":
    main()
