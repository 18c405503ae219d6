#!/usr/bin/env bash
# Runs the "One job, three faces" page's commands (docs/three-faces.md), as written, against a server at
# localhost:$PORT on a fresh database, and checks what they answer. The page's sample ids (the
# JOB=, STEP= and SYS_ID= lines) are replaced by the ones the create command returned.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}

blocks=$(awk '/^```sh$/{inblock=1; n++; next} /^```$/{inblock=0; next} inblock{print n "\t" $0}' docs/three-faces.md)
block() { printf '%s\n' "$blocks" | awk -F'\t' -v n="$1" '$1==n{print $2}' | sed "s/localhost:8080/localhost:$port/g"; }
create=$(block 1) report=$(block 2) servicenow=$(block 3) salesforce=$(block 4)
[ -n "$create" ] && [ -n "$report" ] && [ -n "$servicenow" ] && [ -n "$salesforce" ] || { echo "docs/three-faces.md: could not find its four sh blocks"; exit 1; }
fail() { echo "docs/three-faces.md example: $1"; exit 1; }

created=$(bash -c "$create")
read -r job sys_id step < <(printf '%s' "$created" | node -e '
  let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
    const job = JSON.parse(text); console.log(job.id, job.sysId, job.steps[0].sysId); });') || fail "POST /progress/jobs answered: $created"
[ -n "$step" ] || fail "POST /progress/jobs answered: $created"

reported=$(printf '%s\n' "$report" | sed "s/^JOB=.*/JOB=$job STEP=$step/" | bash)
for expected in '"status":"processing"' '"percentComplete":50,' '"failedItems":2' ; do
  printf '%s' "$reported" | grep -qF "$expected" || fail "the report lacks $expected: $reported"
done

tracked=$(printf '%s\n' "$servicenow" | sed "s/^SYS_ID=.*/SYS_ID=$sys_id/" | bash)
for expected in 'sysparm_processor="AJAXProgressStatusChecker"' 'answer="{&quot;name&quot;:&quot;Bulk repricing&quot;' '{"name":"Bulk repricing","state":"1"' '"percent_complete":"50"' '"children":[{"name":"Validate","state":"2"'; do
  printf '%s' "$tracked" | grep -qF "$expected" || fail "the ServiceNow answers lack $expected: $tracked"
done

status=$(bash -c "$salesforce")
for expected in '"code":200' '"asyncProcessName":"Bulk repricing"' '"status":"InProgress"' '"stepName":"Price","currentStepNumber":1,"totalNumberOfSteps":2' \
  '"status":"Failed","currentNumberOfItemsProccessed":3,"totalNumberOfItemsToBeProccessed":3,"message":"Completed with errors"' \
  '"failed":[{"items":["line-2",{"sku":"X-9"}],"code":5001}]'; do
  printf '%s' "$status" | grep -qF "$expected" || fail "the Salesforce answer lacks $expected: $status"
done
echo "docs/three-faces.md example: job $job reported through the progress API reads as the README says on ServiceNow and Salesforce"
