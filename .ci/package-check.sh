#!/usr/bin/env bash
# The package as a user gets it, with no clone: npm pack, check what the tarball holds, install it
# with production dependencies into an empty folder, start it with `npx async-status-emulator` on
# PGlite, call it, fetch the WSDL and the dashboard from it, stop it with SIGTERM (exit 0 required).
# That folder is the image's layout (Dockerfile), which Docker cannot build here: its lint runs too.
# docs/run-without-cloning.md shows these commands.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

work=$(mktemp -d)
server_pid=""
cleanup() {
  # setsid made the server its own process group: end npx, sh and node together.
  [ -n "$server_pid" ] && kill -KILL -- "-$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package check: $1"
  [ -f "$work/service.log" ] && tail -n 40 "$work/service.log"
  exit 1
}
ms() { date +%s%3N; }

echo "== the Dockerfile and docker-compose.yml (lint: Docker does not run here)"
node tools/check-dockerfile.js

echo "== npm pack"
mkdir "$work/pack"
npm pack --pack-destination "$work/pack" > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "npm pack failed"; }
tarball=$(ls "$work"/pack/async-status-emulator-*.tgz)
listing=$(tar -tzf "$tarball")
unwanted=$(printf '%s\n' "$listing" | grep -E '^package/(src|test|bench|tools|examples|node_modules|\.ci|data)/|/node_modules/|\.ts$' | grep -v '\.d\.ts$' || true)
[ -z "$unwanted" ] || fail "the tarball holds what only a clone needs:
$unwanted"
for needed in bin/async-status-emulator.js dist/cli/main.js dist/compose/journal-thread-worker.js dist/dashboard/ui/index.html wsdl/netsuite.wsdl README.md; do
  printf '%s\n' "$listing" | grep -qx "package/$needed" || fail "the tarball lacks $needed"
done
echo "$(basename "$tarball"): $(stat -c %s "$tarball") bytes, $(printf '%s\n' "$listing" | wc -l) files"

echo "== install it into an empty folder, production dependencies only"
mkdir "$work/app"
cd "$work/app"
started=$(ms)
npm init -y > /dev/null
npm install --omit=dev --no-audit --no-fund "$tarball"
echo "installed in $(($(ms) - started)) ms: $(du -sh node_modules | cut -f1) in node_modules"
[ ! -e node_modules/typescript ] || fail "a dev dependency (typescript) was installed"
[ ! -e node_modules/async-status-emulator/src ] || fail "the installed package has src/"

echo "== npx async-status-emulator --help"
help=$(npx async-status-emulator --help)
printf '%s' "$help" | grep -q 'with no command, serve' || fail "--help does not say that no command is serve: $help"

echo "== npx async-status-emulator (no command: serve) on PGlite"
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
export ADMIN_TOKEN="package-check-$$-$(date +%s)"
url="http://127.0.0.1:$port"
started=$(ms)
env -u DATABASE_URL NODE_ENV=production HOST=127.0.0.1 PORT="$port" DATA_DIR="$work/data" setsid npx async-status-emulator > "$work/service.log" 2>&1 &
server_pid=$!
# A hang guard only: a first start on PGlite takes seconds.
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the service exited before /readyz answered 200"
  sleep 0.5
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] || fail "/readyz did not answer 200 within 120 s"
echo "ready in $(($(ms) - started)) ms"

echo "== a scripted job through the admin API, read through the progress API"
created=$(curl -s -X POST "$url/admin/jobs" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{
  "operation": "asyncAddList", "recordType": "customer", "items": 3, "ratePerSecond": 10 }')
job=$(printf '%s' "$created" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$job" ] || fail "POST /admin/jobs answered: $created"
for _ in $(seq 1 60); do
  progress=$(curl -s -u demo-token-id:demo-token-secret "$url/progress/jobs/$job")
  printf '%s' "$progress" | grep -qF '"status":"finished"' && break
  sleep 0.5
done
printf '%s' "$progress" | grep -qF '"status":"finished"' || fail "job $job did not finish within 30 s: $progress"
echo "job $job finished"

echo "== the WSDL, an XSD and the dashboard (files the package ships)"
# Read whole before grep: grep -q stops at the first match, and curl would fail on the closed pipe.
has() { body=$(curl -sf "$url$1") || fail "GET $1 failed"; printf '%s' "$body" | grep -qi "$2" || fail "GET $1 lacks $2"; }
has /wsdl/v2023_2_0/netsuite.wsdl checkAsyncStatus
has /xsd/platform/v2023_2_0/core.xsd AsyncStatusResult
has /ui/ '<html'
has /ui/dashboard.css '{'

echo "== SIGTERM to the service's node process"
# npx runs the bin through sh: the node process running the bin is the one an orchestrator signals.
node_pid=""
for pid in $(pgrep -g "$server_pid"); do
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "^node .*async-status-emulator" && node_pid=$pid
done
[ -n "$node_pid" ] || fail "no node process of the service under npx"
kill -TERM "$node_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" = 0 ] || fail "the service exited $status on SIGTERM, not 0"
grep -q '"shutting down"' "$work/service.log" || fail "the service did not log its shutdown"
if grep -q 'DeprecationWarning' "$work/service.log"; then fail "Node printed a deprecation warning"; fi
echo "stopped cleanly (exit 0)"
cd "$repo"
echo "== package check passed"
