#!/usr/bin/env bash
# Runs the README's "Try it" commands, as written, against a server at localhost:$PORT, and checks
# what they answer. The README's sample job id is replaced by the one the first command returned.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}

blocks=$(awk '/^## Try it/{on=1; next} /^## /{on=0} on && /^```sh$/{inblock=1; n++; next} on && /^```$/{inblock=0; next} inblock{print n "\t" $0}' README.md)
block() { printf '%s\n' "$blocks" | awk -F'\t' -v n="$1" '$1==n{print $2}' | sed "s/localhost:8080/localhost:$port/g"; }
first=$(block 1 | grep -v '^#')
# The second block defines passport(), which signs; the blocks after it use it.
signing=$(block 2)
second=$(block 3)
third=$(block 4)
[ -n "$first" ] && [ -n "$signing" ] && [ -n "$second" ] && [ -n "$third" ] || { echo "README: could not find the four sh blocks under '## Try it'"; exit 1; }

created=$(bash -c "$first")
job=$(printf '%s' "$created" | sed -n 's/.*"jobId":"\([^"]*\)".*/\1/p')
[ -n "$job" ] || { echo "README example: POST /admin/jobs answered: $created"; exit 1; }
poll=$(printf '%s\n%s\n' "$signing" "$second" | sed "s/^JOB=.*/JOB=$job/")

for _ in $(seq 1 50); do
  answer=$(bash -c "$poll")
  status=$(printf '%s' "$answer" | sed -n 's/.*<platformCore:status>\([A-Za-z]*\)<.*/\1/p')
  case "$status" in
    pending|processing) sleep 0.2 ;;
    finishedWithErrors) break ;;
    *) echo "README example: unexpected checkAsyncStatus answer: $answer"; exit 1 ;;
  esac
done
[ "$status" = finishedWithErrors ] || { echo "README example: the job did not end finishedWithErrors (last: $status)"; exit 1; }

result=$(printf '%s\n' "$poll" | sed 's/checkAsyncStatus/getAsyncResult/g; s#</platformMsgs:jobId>#</platformMsgs:jobId><platformMsgs:pageIndex>1</platformMsgs:pageIndex>#' | bash)
for expected in 'xsi:type="platformMsgs:AsyncAddListResult"' '<platformCore:code>DUP_ENTITY</platformCore:code>' '<platformMsgs:baseRef internalId="' 'xsi:type="platformCore:RecordRef"'; do
  printf '%s' "$result" | grep -qF "$expected" || { echo "README example: getAsyncResult lacks $expected: $result"; exit 1; }
done
submitted=$(bash -c "$signing
$third")
printf '%s' "$submitted" | grep -q '<platformCore:status>pending</platformCore:status>' || { echo "README example: asyncAddList answered: $submitted"; exit 1; }
# Unsigned, the same poll is refused as NetSuite refuses it.
unsigned=$(printf '%s\n' "$poll" | sed 's#<soapenv:Header>$(passport)</soapenv:Header>##' | bash)
printf '%s' "$unsigned" | grep -qF 'invalidSessionFault' || { echo "README example: an unsigned request was answered: $unsigned"; exit 1; }
echo "README example: job $job ended finishedWithErrors and its result reads as the README says; asyncAddList queued a job; an unsigned poll got invalidSessionFault"
