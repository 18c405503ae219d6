#!/usr/bin/python3
"""A legacy connector in Python zeep, for test/interop/legacy-session.test.ts.

Usage: zeep_session.py WSDL_URL ACCOUNT EMAIL PASSWORD

Builds a zeep client from a 2017_1-era WSDL and works the way connectors did before token-based
authentication: login with a passport in the body, then every call with the JSESSIONID cookie
alone (zeep's HTTP session keeps it), no header credentials: asyncDeleteList of two records,
checkAsyncStatus until the job ends, getAsyncResult, logout; then one more checkAsyncStatus,
which must be refused. Prints one JSON object describing what it saw.
"""

import json
import sys
import time

try:
    import zeep
    from zeep.exceptions import Fault
except ImportError as error:  # pragma: no cover - the test checks this before running us
    sys.stderr.write(f"zeep is not importable ({error}): install python3-zeep: apt-get install python3-zeep\n")
    sys.exit(3)

TERMINAL = ("finished", "finishedWithErrors", "failed")


def namespace(client, area):
    for uri in client.wsdl.types.prefix_map.values():
        if uri.startswith(f"urn:{area}_"):
            return uri
    raise LookupError(f"no urn:{area}_ namespace in the WSDL")


def fault_of(fault):
    detail = fault.detail
    element = next((child for child in detail if isinstance(child.tag, str)), None) if detail is not None else None
    code = None
    if element is not None:
        found = [child for child in element if isinstance(child.tag, str) and child.tag.endswith("}code")]
        code = found[0].text if found else None
    return {"faultstring": fault.message, "detail": element.tag.split("}")[-1] if element is not None else None, "code": code}


def main():
    wsdl_url, account, email, password = sys.argv[1:5]
    client = zeep.Client(wsdl_url)
    core = namespace(client, "core")
    report = {}

    passport = client.get_type(f"{{{core}}}Passport")(email=email, password=password, account=account)
    session = client.service.login(passport=passport)
    session = getattr(session, "body", session).sessionResponse
    report["login"] = {"isSuccess": session.status.isSuccess, "roles": [role.role.internalId for role in session.wsRoleList.wsRole]}
    report["cookie"] = sorted(cookie.name for cookie in client.transport.session.cookies)

    record_ref = client.get_type(f"{{{core}}}RecordRef")
    submitted = client.service.asyncDeleteList(baseRef=[record_ref(internalId="101", type="customer"), record_ref(internalId="102", type="customer")])
    status = getattr(submitted, "body", submitted).asyncStatusResult
    job_id = status.jobId
    report["submitted"] = {"jobId": job_id, "status": status.status}

    seen = []
    deadline = time.time() + 30
    while True:
        polled = client.service.checkAsyncStatus(jobId=job_id)
        polled = getattr(polled, "body", polled).asyncStatusResult
        seen.append(polled.status)
        if polled.status in TERMINAL or time.time() > deadline:
            break
        time.sleep(0.1)
    report["polled"] = seen

    result = client.service.getAsyncResult(jobId=job_id, pageIndex=1)
    result = getattr(result, "body", result).asyncResult
    responses = result.writeResponseList.writeResponse
    report["results"] = [{"isSuccess": item.status.isSuccess, "code": item.status.statusDetail[0].code if item.status.statusDetail else None} for item in responses]

    out = client.service.logout()
    report["logout"] = getattr(out, "body", out).sessionResponse.status.isSuccess

    try:
        client.service.checkAsyncStatus(jobId=job_id)
        report["afterLogout"] = {"refused": False}
    except Fault as fault:
        report["afterLogout"] = {"refused": True, **fault_of(fault)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
