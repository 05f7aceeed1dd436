#!/usr/bin/env bash
# Runs every test of AutoLynx on a fresh machine of this kind: installs what is missing (Chromium and
# PostgreSQL from Debian's packages, the dotnet tools), starts PostgreSQL, builds, runs the unit,
# integration (SQLite + PostgreSQL) and browser tests and the publish check (scripts/publish-check.sh), and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || { echo "apt-get install failed"; echo "0 passed, 1 failed"; exit 1; }
fi

echo "== starting PostgreSQL"
cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then as_root pg_createcluster 15 main >/dev/null; cluster="15 main"; fi
as_root pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -h 127.0.0.1 || { echo "PostgreSQL did not start"; echo "0 passed, 1 failed"; exit 1; }
as_root su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'autolynx') THEN
    CREATE ROLE autolynx LOGIN SUPERUSER PASSWORD 'autolynx';
  END IF;
END$$;
SQL
export AUTOLYNX_TEST_PG="${AUTOLYNX_TEST_PG:-Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx}"

echo "== restoring tools and building"
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; echo "0 passed, 1 failed"; exit 1; }
if ! dotnet build AutoLynx.slnx -nologo -v q > "$results/build.log" 2>&1; then
  grep -E "error" "$results/build.log" | sort -u | head -30
  echo "0 passed, 1 failed"; exit 1
fi

status=0
# The published app under production settings (one check of the count): scripts/publish-check.sh.
echo "== publish-check"
if bash scripts/publish-check.sh > "$results/publish-check.log" 2>&1; then
  publish_passed=1; publish_failed=0; tail -n 1 "$results/publish-check.log"
else
  publish_passed=0; publish_failed=1; status=1; tail -n 80 "$results/publish-check.log"
fi

# One .trx per project: a project that writes none (it crashed, or did not build) counts as a failure below.
projects=(tests/AutoLynx.Vapi.Tests tests/AutoLynx.Tests tests/AutoLynx.ClientTests tests/AutoLynx.E2E)
for project in "${projects[@]}"; do
  name=$(basename "$project")
  echo "== $name"
  dotnet test "$project" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" || status=1
done

passed=$publish_passed; failed=$publish_failed
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
  f=$(echo "$counters" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  e=$(echo "$counters" | grep -o ' error="[0-9]*"' | grep -o '[0-9]*')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
expected=${#projects[@]}
found=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$found" -lt "$expected" ]; then failed=$((failed + expected - found)); status=1; fi
[ "$failed" -gt 0 ] && status=1
[ "$passed" -eq 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
