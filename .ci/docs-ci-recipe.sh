#!/usr/bin/env bash
# Runs the first workflow of docs/ci-recipes.md (the yaml block under "## A workflow on the
# embedded database") as GitHub Actions runs its steps: each `run:` step unedited, in order, in a
# `bash -e` of its own with the workflow's, job's and step's env, in a workspace whose emulator/ is
# a fresh clone of this repository (for actions/checkout) on this machine's Node (for
# actions/setup-node); `if: always()` and `if: failure()` are honoured. Fails when a step fails.
# With RECIPE_DATABASE_URL (a database of its own on a Postgres server), the steps run a second
# time with DATABASE_URL set to it, as the page's Postgres variant sets it. On exit, whatever the
# steps left running in the workspace is ended and the workspace removed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
heading='## A workflow on the embedded database'

workflow=$(awk -v heading="$heading" '$0 == heading {on = 1; next} on && /^## / {exit} on && /^```yaml$/ {inblock = 1; next} inblock && /^```$/ {exit} inblock {print}' docs/ci-recipes.md)
[ -n "$workflow" ] || { echo "CI recipe: no yaml block under '$heading' in docs/ci-recipes.md"; exit 1; }
if curl -s -o /dev/null localhost:8080; then echo "CI recipe: something already answers on port 8080, which the workflow uses"; exit 1; fi

work=$(mktemp -d)
# A step may start a service in a session of its own (setsid): find what is left by where it works.
left_running() {
  # find fails on a process that ends while it looks; what it found still counts.
  { find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$work" -o -lname "$work/*" \) 2>/dev/null || true; } | cut -d/ -f3 | tr '\n' ' '
}
cleanup() {
  local pids
  pids=$(left_running)
  if [ -n "$pids" ]; then
    echo "CI recipe: ending what the steps left running: $pids"
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 30); do [ -n "$(left_running)" ] || break; sleep 0.5; done
    pids=$(left_running)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
git clone -q "$repo" "$work/emulator"

# One script per step (its env exported, then its run: text as written) and a list: file, condition, name.
mkdir "$work/steps"
printf '%s\n' "$workflow" > "$work/steps/workflow.yaml"
node - "$work/steps" <<'JS'
const fs = require('node:fs');
const YAML = require('yaml');
const dir = process.argv[2];
const workflow = YAML.parse(fs.readFileSync(`${dir}/workflow.yaml`, 'utf8'));
const job = Object.values(workflow.jobs)[0];
const quote = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;
const exports = (env) => Object.entries(env ?? {}).map(([name, value]) => `export ${name}=${quote(value)}\n`).join('');
const list = job.steps.map((step, index) => {
  const unknown = Object.keys(step).filter((key) => !['name', 'uses', 'with', 'run', 'env', 'if'].includes(key));
  if (unknown.length) throw new Error(`step ${index + 1}: ${unknown.join(', ')} is not emulated`);
  const when = step.if ?? 'success()';
  if (!['success()', 'always()', 'failure()'].includes(when)) throw new Error(`step ${index + 1}: if: ${when} is not emulated`);
  if (step.uses) {
    if (!/^actions\/(checkout|setup-node)@/.test(step.uses)) throw new Error(`step ${index + 1}: ${step.uses} is not emulated`);
    return null;
  }
  const file = `${dir}/step-${index + 1}.sh`;
  fs.writeFileSync(file, exports(workflow.env) + exports(job.env) + exports(step.env) + step.run);
  return [file, when, step.name ?? step.run.split('\n')[0]].join('\t');
});
fs.writeFileSync(`${dir}/list`, list.filter(Boolean).join('\n') + '\n');
JS

# The emulator's settings from this shell (.ci/run exports some) are not the workflow's.
unset ADMIN_TOKEN DATABASE_URL PORT HOST CLOCK CLOCK_START DATA_DIR PUBLIC_URL

run_steps() {
  local failed=0 file when name began
  while IFS=$'\t' read -r file when name; do
    case "$when" in
      'success()') [ "$failed" -eq 0 ] || continue ;;
      'failure()') [ "$failed" -eq 1 ] || continue ;;
    esac
    echo "== step: $name"
    began=$(date +%s)
    # A step's output may not end its last line: the verdict starts a line of its own.
    if (cd "$work" && timeout 900 bash -e "$file" < /dev/null); then
      printf '\n== step ended in %s s: %s\n' "$(($(date +%s) - began))" "$name"
    else
      printf '\nCI recipe: step failed: %s\n' "$name"
      failed=1
    fi
  done < "$work/steps/list"
  return "$failed"
}

began=$(date +%s)
echo "== the workflow on the embedded database"
run_steps || { echo "CI recipe: the workflow failed on the embedded database"; exit 1; }
[ -z "$(left_running)" ] || { echo "CI recipe: the workflow left the service running"; exit 1; }
if [ -n "${RECIPE_DATABASE_URL:-}" ]; then
  echo "== the same steps on the Postgres server in RECIPE_DATABASE_URL"
  export DATABASE_URL=$RECIPE_DATABASE_URL
  run_steps || { echo "CI recipe: the workflow failed on the Postgres server"; exit 1; }
  [ -z "$(left_running)" ] || { echo "CI recipe: the workflow left the service running (Postgres server)"; exit 1; }
fi
echo "CI recipe: every step of the workflow in docs/ci-recipes.md passed in $(($(date +%s) - began)) s"
