#!/usr/bin/env bash
# asyncAddList → checkAsyncStatus → getAsyncResult with nothing but bash, curl and openssl.
#
# Submits three customers, polls the job until it ends, reads result page 1 and prints what
# became of each record. Every request carries a tokenPassport signed for that request
# (token-based authentication: HMAC-SHA256 over account&consumerKey&token&nonce&timestamp,
# keyed with consumerSecret&tokenSecret).
#
# Environment (defaults: the demo account a fresh emulator creates, on http://localhost:8080):
#   EMULATOR_URL           base URL of the emulator             http://localhost:8080
#   NS_VERSION             SuiteTalk version of the endpoint    2023_2
#   NS_ACCOUNT             account id                           TSTDRV1234567
#   NS_CONSUMER_KEY        integration's consumer key           demo-consumer-key
#   NS_CONSUMER_SECRET     integration's consumer secret        demo-consumer-secret
#   NS_TOKEN_ID            token id                             demo-token-id
#   NS_TOKEN_SECRET        token secret                         demo-token-secret
#   NS_EXTERNAL_ID_PREFIX  the customers' externalIds are PREFIX-1..3 (default: new each run)
#
# Exit status: 0 when every customer was added; 1 on a fault, an HTTP error, a job that did not
# finish cleanly (each failed record is printed) or one still running after 120 seconds.
set -euo pipefail

EMULATOR_URL=${EMULATOR_URL:-http://localhost:8080}
NS_VERSION=${NS_VERSION:-2023_2}
NS_ACCOUNT=${NS_ACCOUNT:-TSTDRV1234567}
NS_CONSUMER_KEY=${NS_CONSUMER_KEY:-demo-consumer-key}
NS_CONSUMER_SECRET=${NS_CONSUMER_SECRET:-demo-consumer-secret}
NS_TOKEN_ID=${NS_TOKEN_ID:-demo-token-id}
NS_TOKEN_SECRET=${NS_TOKEN_SECRET:-demo-token-secret}
NS_EXTERNAL_ID_PREFIX=${NS_EXTERNAL_ID_PREFIX:-example-$(date +%s)-$(openssl rand -hex 3)}

ENDPOINT="$EMULATOR_URL/services/NetSuitePort_$NS_VERSION"
MESSAGES_NS="urn:messages_$NS_VERSION.platform.webservices.netsuite.com"
CORE_NS="urn:core_$NS_VERSION.platform.webservices.netsuite.com"
RELATIONSHIPS_NS="urn:relationships_$NS_VERSION.lists.webservices.netsuite.com"
CUSTOMERS=("Acme Rockets" "Globex Freight" "Initech Supplies")
POLL_SECONDS=0.5
POLL_TIMEOUT_SECONDS=120

fail() {
  echo "error: $*" >&2
  exit 1
}

for program in curl openssl; do
  command -v "$program" >/dev/null || fail "$program is not installed (Debian: apt-get install $program)"
done

xml_escape() {
  local text=$1
  text=${text//&/&amp;}
  text=${text//</&lt;}
  text=${text//>/&gt;}
  text=${text//\"/&quot;}
  printf '%s' "$text"
}

# A tokenPassport header with a new nonce and the current time: NetSuite refuses a nonce twice.
token_passport() {
  local nonce timestamp signature
  nonce=$(openssl rand -hex 16)
  timestamp=$(date +%s)
  signature=$(printf '%s' "$NS_ACCOUNT&$NS_CONSUMER_KEY&$NS_TOKEN_ID&$nonce&$timestamp" |
    openssl dgst -sha256 -hmac "$NS_CONSUMER_SECRET&$NS_TOKEN_SECRET" -binary | openssl base64 -A)
  cat <<EOF
<platformMsgs:tokenPassport xmlns:platformCore="$CORE_NS">
  <platformCore:account>$(xml_escape "$NS_ACCOUNT")</platformCore:account>
  <platformCore:consumerKey>$(xml_escape "$NS_CONSUMER_KEY")</platformCore:consumerKey>
  <platformCore:token>$(xml_escape "$NS_TOKEN_ID")</platformCore:token>
  <platformCore:nonce>$nonce</platformCore:nonce>
  <platformCore:timestamp>$timestamp</platformCore:timestamp>
  <platformCore:signature algorithm="HMAC-SHA256">$signature</platformCore:signature>
</platformMsgs:tokenPassport>
EOF
}

# The response's elements and attributes one per line, as "name value" (prefixes dropped,
# attributes as "@name value"), so the answers below can be read with grep and awk.
flatten() {
  sed -e 's/></>\n</g' |
    awk '
      function unescape(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
      /^<[^\/?]/ {
        tag = $0; sub(/^</, "", tag); sub(/[ \/>].*/, "", tag); sub(/^.*:/, "", tag)
        attrs = $0; sub(/^<[^ >]*/, "", attrs); sub(/>.*$/, "", attrs)
        print tag
        while (match(attrs, /[A-Za-z:]+="[^"]*"/)) {
          pair = substr(attrs, RSTART, RLENGTH); attrs = substr(attrs, RSTART + RLENGTH)
          name = pair; sub(/=.*/, "", name); sub(/^.*:/, "", name)
          value = pair; sub(/^[^"]*"/, "", value); sub(/"$/, "", value)
          print "@" name " " unescape(value)
        }
        if (match($0, />[^<]+</)) print "=" unescape(substr($0, RSTART + 1, RLENGTH - 2))
      }'
}

# The text of the first element with this local name.
first_text() {
  awk -v name="$1" 'prev == name && /^=/ { print substr($0, 2); exit } { prev = $0 }'
}

# Posts one SOAP operation; prints the flattened answer, or stops with the fault's words.
soap_call() {
  local operation=$1 body=$2 response status
  response=$(mktemp)
  status=$(curl -sS -o "$response" -w '%{http_code}' "$ENDPOINT" \
    -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: $operation" --data-binary @- <<EOF
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:platformMsgs="$MESSAGES_NS"
    xmlns:listRel="$RELATIONSHIPS_NS">
  <soapenv:Header>$(token_passport)</soapenv:Header>
  <soapenv:Body>$body</soapenv:Body>
</soapenv:Envelope>
EOF
  ) || { rm -f "$response"; fail "$operation: could not reach $ENDPOINT"; }
  local answer
  answer=$(flatten < "$response")
  rm -f "$response"
  if grep -qx 'Fault' <<<"$answer"; then
    local faultstring code
    faultstring=$(first_text faultstring <<<"$answer")
    code=$(first_text code <<<"$answer")
    fail "$operation answered a SOAP fault${code:+ ($code)}: $faultstring"
  fi
  [ "$status" = 200 ] || fail "$operation: HTTP $status from $ENDPOINT"
  printf '%s\n' "$answer"
}

records=""
for i in "${!CUSTOMERS[@]}"; do
  externalId="$NS_EXTERNAL_ID_PREFIX-$((i + 1))"
  records+="<platformMsgs:record xsi:type=\"listRel:Customer\" externalId=\"$(xml_escape "$externalId")\">
  <listRel:companyName>$(xml_escape "${CUSTOMERS[$i]}")</listRel:companyName></platformMsgs:record>"
done

submitted=$(soap_call asyncAddList "<platformMsgs:asyncAddList>$records</platformMsgs:asyncAddList>")
job=$(first_text jobId <<<"$submitted")
[ -n "$job" ] || fail "asyncAddList answered no jobId"
echo "submitted job $job (${#CUSTOMERS[@]} customers to $EMULATOR_URL as $NS_ACCOUNT)"

deadline=$(($(date +%s) + POLL_TIMEOUT_SECONDS))
last=""
while :; do
  answer=$(soap_call checkAsyncStatus "<platformMsgs:checkAsyncStatus><platformMsgs:jobId>$job</platformMsgs:jobId></platformMsgs:checkAsyncStatus>")
  status=$(first_text status <<<"$answer")
  percent=$(first_text percentCompleted <<<"$answer")
  remaining=$(first_text estRemainingDuration <<<"$answer")
  line="status $status $percent%"
  [ "$status" = processing ] && line+=" (about $remaining s left)"
  [ "$line" != "$last" ] && echo "$line"
  last=$line
  case $status in
    finished | finishedWithErrors | failed) break ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "job $job is still $status after $POLL_TIMEOUT_SECONDS seconds"
  sleep "$POLL_SECONDS"
done

result=$(soap_call getAsyncResult "<platformMsgs:getAsyncResult><platformMsgs:jobId>$job</platformMsgs:jobId><platformMsgs:pageIndex>1</platformMsgs:pageIndex></platformMsgs:getAsyncResult>")
echo "getAsyncResult page 1:"
# One writeResponse per record: its status (isSuccess, statusDetail code and message), then its baseRef.
report=$(awk '
  function emit() {
    if (!open) return
    if (ok == "true") print "  added " externalId " internalId " internalId
    else print "  failed " externalId " " code ": " message
    open = 0
  }
  $0 == "writeResponse" { emit(); open = 1; ok = code = message = internalId = externalId = element = ""; next }
  !open { next }
  /^@/ {
    name = substr($0, 2, index($0, " ") - 2); value = substr($0, index($0, " ") + 1)
    if (element == "status" && name == "isSuccess" && ok == "") ok = value
    if (element == "baseRef" && name == "internalId") internalId = value
    if (element == "baseRef" && name == "externalId") externalId = value
    next
  }
  /^=/ { if (element == "code") code = substr($0, 2); if (element == "message") message = substr($0, 2); next }
  { element = $0 }
  END { emit() }
  ' <<<"$result")
echo "$report"
added=$(grep -c '^  added ' <<<"$report" || true)
summary="job $job $status, $added of ${#CUSTOMERS[@]} customers added"
echo "done: $summary"
[ "$status" = finished ] || fail "$summary"
