"""A connector's retry logic, in zeep: poll a job with checkAsyncStatus, and when NetSuite answers
exceededConcurrentRequestLimitFault / WS_REQUEST_BLOCKED, wait (doubling) and try again, at most
five times. Prints what each attempt got, as JSON.

Usage: zeep_retry.py <wsdl url> <credentials JSON> <job id>
"""

import base64
import hashlib
import hmac
import json
import secrets
import sys
import time

try:
    import zeep
    from zeep.exceptions import Fault
except ImportError as error:
    sys.stderr.write(f"zeep is not importable ({error}): install python3-zeep: apt-get install python3-zeep\n")
    sys.exit(3)

RETRIED = "WS_REQUEST_BLOCKED"
MAX_ATTEMPTS = 5


def main(wsdl_url, credentials, job_id):
    client = zeep.Client(wsdl_url)
    core = next(ns for ns in client.namespaces.values() if ns.startswith("urn:core_"))
    passport_type = client.get_type(f"{{{core}}}TokenPassport")
    signature_type = client.get_type(f"{{{core}}}TokenPassportSignature")

    def headers():
        nonce = secrets.token_hex(16)
        timestamp = int(time.time())
        base = "&".join((credentials["account"], credentials["consumerKey"], credentials["tokenId"], nonce, str(timestamp)))
        key = f"{credentials['consumerSecret']}&{credentials['tokenSecret']}"
        signature = base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()).decode()
        return {
            "tokenPassport": passport_type(
                account=credentials["account"], consumerKey=credentials["consumerKey"], token=credentials["tokenId"],
                nonce=nonce, timestamp=timestamp, signature=signature_type(signature, algorithm="HMAC-SHA256"),
            )
        }

    attempts = []
    for attempt in range(MAX_ATTEMPTS):
        try:
            answer = client.service.checkAsyncStatus(jobId=job_id, _soapheaders=headers())
        except Fault as fault:
            detail = next((child for child in fault.detail if isinstance(child.tag, str)), None) if fault.detail is not None else None
            namespace, element = detail.tag[1:].split("}") if detail is not None else (None, None)
            code = detail.findtext(f"{{{namespace}}}code") if detail is not None else None
            attempts.append({"fault": code, "element": element, "message": fault.message})
            if code != RETRIED:
                break
            time.sleep(0.02 * 2 ** attempt)
            continue
        # zeep returns header and body when the output has headers (documentInfo).
        body = getattr(answer, "body", None)
        result = getattr(body if body is not None else answer, "asyncStatusResult")
        attempts.append({"status": result.status, "jobId": result.jobId})
        break
    print(json.dumps({"attempts": attempts}))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3])
