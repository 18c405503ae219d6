#!/usr/bin/env bash
# Pastes the README's "Try it" blocks, then docs/try-searches.md's, unedited and in order, into one shell in a fresh clone of
# this repository, as a newcomer would: npm ci, the embedded PGlite, the admin token the first start
# generates, port 8080. Between the poll and getAsyncResult it polls until the job has ended, as
# the README tells the reader to, and it checks what each block answers.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

blocks=$(awk '/^## Try it/{on=1; next} /^## /{on=0} on && /^```sh$/{inblock=1; n++; next} on && /^```$/{inblock=0; next} inblock{print n "\t" $0}' README.md)
# Try it goes on in docs/try-searches.md, whose blocks follow in the same shell.
more=$(awk '/^```sh$/{inblock=1; n++; next} /^```$/{inblock=0; next} inblock{print n "\t" $0}' docs/try-searches.md)
block() { printf '%s\n' "$blocks" | awk -F'\t' -v n="$1" '$1==n{print $2}'; }
moreBlock() { printf '%s\n' "$more" | awk -F'\t' -v n="$1" '$1==n{print $2}'; }
start=$(block 1) create=$(block 2) signing=$(block 3) poll=$(block 4) result=$(block 5) submit=$(block 6)
define=$(moreBlock 1) saved=$(moreBlock 2) get=$(moreBlock 3) update=$(moreBlock 4) delete=$(moreBlock 5) deleted=$(moreBlock 6)
for part in "$start" "$create" "$signing" "$poll" "$result" "$submit"; do
  [ -n "$part" ] || { echo "README: could not find the six sh blocks under '## Try it'"; exit 1; }
done
for part in "$define" "$saved" "$get" "$update" "$delete" "$deleted"; do
  [ -n "$part" ] || { echo "docs/try-searches.md: could not find its six sh blocks"; exit 1; }
done
if curl -s -o /dev/null localhost:8080; then echo "README example: something already answers on port 8080, which the README's commands use"; exit 1; fi

work=$(mktemp -d)
clone="$work/async-status-emulator"
git clone -q "$repo" "$clone"
script="$work/try-it.sh"
{
  echo 'set -uo pipefail'
  echo 'fail() { echo "README example: $1"; exit 1; }'
  echo 'began=$(date +%s)'
  printf '%s\n' "$start"
  echo 'echo "README example: npm ci, npm start and ready in $(( $(date +%s) - began )) s"'
  echo '[ -n "$ADMIN_TOKEN" ] || fail "no adminToken in emulator.log: $(cat emulator.log)"'
  printf '%s\n' "$create"
  echo '[ -n "$JOB" ] || fail "POST /admin/jobs gave no job id"'
  printf '%s\n' "$signing"
  echo 'for _ in $(seq 1 120); do'
  echo 'answer=$('
  printf '%s\n' "$poll"
  echo ')'
  echo 'status=$(printf "%s" "$answer" | sed -n "s/.*<platformCore:status>\([A-Za-z]*\)<.*/\1/p")'
  echo 'case "$status" in pending|processing) sleep 1 ;; finishedWithErrors) break ;; *) fail "unexpected checkAsyncStatus answer: $answer" ;; esac'
  echo 'done'
  echo '[ "$status" = finishedWithErrors ] || fail "the job did not end finishedWithErrors (last: $status)"'
  echo 'answer=$('
  printf '%s\n' "$result"
  echo ')'
  echo 'for expected in '"'"'xsi:type="platformMsgs:AsyncAddListResult"'"'"' '"'"'<platformCore:code>DUP_ENTITY</platformCore:code>'"'"' '"'"'<platformMsgs:baseRef internalId="'"'"' '"'"'xsi:type="platformCore:RecordRef"'"'"'; do'
  echo '  printf "%s" "$answer" | grep -qF "$expected" || fail "getAsyncResult lacks $expected: $answer"'
  echo 'done'
  echo 'answer=$('
  printf '%s\n' "$submit"
  echo ')'
  echo 'printf "%s" "$answer" | grep -q "<platformCore:status>pending</platformCore:status>" || fail "asyncAddList answered: $answer"'
  echo 'answer=$('
  printf '%s\n' "$define"
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF "\"scriptId\":\"customsearch_acme\"" || fail "the saved search was not defined: $answer"'
  # The README runs the saved search once the job has added Acme Rockets: so does this, polling.
  echo 'for _ in $(seq 1 60); do'
  echo 'answer=$('
  printf '%s\n' "$saved"
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF "Acme Rockets" && break; sleep 1'
  echo 'done'
  echo 'for expected in '"'"'xsi:type="listRel:CustomerSearchRow"'"'"' '"'"'<platformCore:customLabel>Customer</platformCore:customLabel><platformCore:searchValue>Acme Rockets</platformCore:searchValue>'"'"' '"'"'externalId="ACME-1"'"'"'; do'
  echo '  printf "%s" "$answer" | grep -qF "$expected" || fail "the saved search answered without $expected: $answer"'
  echo 'done'
  echo 'answer=$('
  printf '%s\n' "$get"
  echo ')'
  echo 'for expected in '"'"'<platformCore:status isSuccess="true"/>'"'"' '"'"'xsi:type="listRel:Customer"'"'"' '"'"'<listRel:companyName>Acme Rockets</listRel:companyName>'"'"' '"'"'<listRel:lastModifiedDate>'"'"'; do'
  echo '  printf "%s" "$answer" | grep -qF "$expected" || fail "get answered without $expected: $answer"'
  echo 'done'
  echo 'answer=$('
  printf '%s\n' "$update"
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF "<platformCore:status isSuccess=\"true\"/><platformMsgs:baseRef internalId=" || fail "the update answered: $answer"'
  # What the page says of the update: the phone set, lastModifiedDate now, not the one sent.
  echo 'answer=$('
  printf '%s\n' "$get"
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF "<listRel:phone>555-0100</listRel:phone>" || fail "get after the update lacks the phone: $answer"'
  echo 'printf "%s" "$answer" | grep -qF "2026-01-01T00:00:00" && fail "the update set lastModifiedDate from the request: $answer"'
  echo 'answer=$('
  printf '%s\n' "$delete"
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF "<platformCore:status isSuccess=\"true\"/>" || fail "delete answered: $answer"'
  echo 'answer=$('
  printf '%s\n' "$deleted"
  echo ')'
  echo 'for expected in '"'"'<platformCore:totalRecords>1</platformCore:totalRecords>'"'"' '"'"'externalId="ACME-1" type="customer"'"'"'; do'
  echo '  printf "%s" "$answer" | grep -qF "$expected" || fail "getDeleted answered without $expected: $answer"'
  echo 'done'
  # Unsigned, the same poll is refused as NetSuite refuses it.
  echo 'answer=$('
  printf '%s\n' "$poll" | sed 's#<soapenv:Header>$(passport)</soapenv:Header>##'
  echo ')'
  echo 'printf "%s" "$answer" | grep -qF invalidSessionFault || fail "an unsigned request was answered: $answer"'
  echo 'echo "README example: job $JOB ended finishedWithErrors and its result reads as the README says; asyncAddList queued a job; the saved search answered its row; get read the customer back; update set its phone, ignoring lastModifiedDate; delete and getDeleted found it; an unsigned poll got invalidSessionFault"'
} > "$script"

# The pasted shell, its npm and the service in a process group of their own, ended together.
cd "$clone"
env -u ADMIN_TOKEN -u DATABASE_URL -u PORT -u HOST setsid timeout 900 bash "$script" &
group=$!
status=0
wait "$group" || status=$?
# The service the first block started in the background outlives the shell: end it as an operator would.
if pkill -TERM -g "$group" -f 'dist/cli/main.js serve'; then
  for _ in $(seq 1 60); do pgrep -g "$group" -f 'dist/cli/main.js serve' >/dev/null || break; sleep 0.5; done
fi
pkill -KILL -g "$group" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "README example: the pasted blocks failed (exit $status); the service's log:"
  cat emulator.log 2>/dev/null || true
  exit 1
fi
grep -q '"message":"shutting down"' emulator.log || { echo "README example: the service did not shut down on SIGTERM"; cat emulator.log; exit 1; }
rm -rf "$work"
