#!/usr/bin/env bash
# publish-check: publish AutoLynx and the standalone Vapi simulator in Release, start the published app as production
# runs it (ASPNETCORE_ENVIRONMENT=Production, PostgreSQL, demo off, Vapi = the simulator), and check that it becomes
# ready and healthy, serves its pages and static assets with the security headers (requests sent as the TLS-terminating
# proxy would: X-Forwarded-Proto https from a known proxy), answers `AutoLynx probe`, and stops with exit 0 on SIGTERM.
#
#   AUTOLYNX_TEST_PG="Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx" scripts/publish-check.sh
#
# A temporary database is created and dropped (also on failure). Prints "publish-check: PASS" and exits 0, or
# "publish-check: FAIL: <why>" (with the app's log) and exits 1.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG="${AUTOLYNX_TEST_PG:-Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx}"
READY_TIMEOUT="${PUBLISH_CHECK_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${PUBLISH_CHECK_STOP_TIMEOUT:-30}"
PUBLISH_TIMEOUT="${PUBLISH_CHECK_PUBLISH_TIMEOUT:-600}"

WORK="$(mktemp -d -t autolynx-publish-XXXXXX)"
APP_PID="" SIM_PID="" DB_CREATED=""
DB="autolynx_publish_$(date +%s)_$$"

log() { echo "publish-check: $*"; }

# Key=Value;… → one value (key compared case-insensitively, spaces around it ignored).
pg_part() {
    local want="${1,,}" part key
    IFS=';' read -ra parts <<<"$PG"
    for part in "${parts[@]}"; do
        key="${part%%=*}"; key="${key// /}"
        [[ "${key,,}" == "$want" ]] && { echo "${part#*=}"; return; }
    done
}
PG_HOST="$(pg_part Host)"; PG_PORT="$(pg_part Port)"; PG_USER="$(pg_part Username)"; PG_PASSWORD="$(pg_part Password)"
PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}"

psql_admin() { PGPASSWORD="$PG_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

cleanup() {
    [[ -n "$APP_PID" ]] && kill -KILL "$APP_PID" 2>/dev/null
    [[ -n "$SIM_PID" ]] && kill -TERM "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    if [[ -n "$DB_CREATED" ]]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || echo "publish-check: warning: could not drop database $DB" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

fail() {
    if [[ -f "$WORK/app.log" ]]; then echo "--- app log (last 60 lines) ---"; tail -n 60 "$WORK/app.log"; fi
    if [[ -f "$WORK/sim.log" ]]; then echo "--- simulator log (last 20 lines) ---"; tail -n 20 "$WORK/sim.log"; fi
    echo "publish-check: FAIL: $*"
    exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# HTTP status of a GET (000 when nobody answers).
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1"; }
# A GET as the reverse proxy forwards it (README, Production): https to the browser, a public host name.
PROXY_HEADERS=(-H "X-Forwarded-Proto: https" -H "Host: autolynx.example.com")
proxied_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${PROXY_HEADERS[@]}" "$1"; }

wait_status() { # url expected timeout-seconds pid
    local url="$1" want="$2" deadline=$((SECONDS + $3)) pid="$4" got
    while ((SECONDS < deadline)); do
        got="$(status "$url")"
        [[ "$got" == "$want" ]] && return 0
        kill -0 "$pid" 2>/dev/null || return 2
        sleep 1
    done
    return 1
}

# --- publish -----------------------------------------------------------------------------------------------------
log "publishing to $WORK"
timeout "$PUBLISH_TIMEOUT" dotnet publish "$ROOT/src/AutoLynx/AutoLynx.csproj" -c Release -o "$WORK/app" -nologo -v q >"$WORK/publish-app.log" 2>&1 \
    || { cat "$WORK/publish-app.log"; fail "dotnet publish src/AutoLynx failed"; }
timeout "$PUBLISH_TIMEOUT" dotnet publish "$ROOT/src/AutoLynx.VapiSimulator/AutoLynx.VapiSimulator.csproj" -c Release -o "$WORK/sim" -nologo -v q >"$WORK/publish-sim.log" 2>&1 \
    || { cat "$WORK/publish-sim.log"; fail "dotnet publish src/AutoLynx.VapiSimulator failed"; }
[[ -f "$WORK/app/AutoLynx.dll" ]] || fail "no AutoLynx.dll in the publish output"
[[ -f "$WORK/sim/AutoLynx.VapiSimulator.dll" ]] || fail "no AutoLynx.VapiSimulator.dll in the publish output"

# --- database ----------------------------------------------------------------------------------------------------
psql_admin -c "CREATE DATABASE \"$DB\"" >/dev/null 2>"$WORK/psql.log" || { cat "$WORK/psql.log"; fail "could not create database $DB on $PG_HOST:$PG_PORT"; }
DB_CREATED=1
log "database $DB created"

# --- simulator ---------------------------------------------------------------------------------------------------
APP_PORT="$(free_port)"; SIM_PORT="$(free_port)"
APP_URL="http://127.0.0.1:$APP_PORT"; SIM_URL="http://127.0.0.1:$SIM_PORT"
API_KEY="publish-check-key-$$"; SECRET="publish-check-secret-$RANDOM$RANDOM"

dotnet "$WORK/sim/AutoLynx.VapiSimulator.dll" --port "$SIM_PORT" --api-key "$API_KEY" --secret "$SECRET" \
    --webhook-url "$APP_URL/api/webhooks/vapi" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
deadline=$((SECONDS + 60))
until [[ "$(status "$SIM_URL/")" != "000" ]]; do
    kill -0 "$SIM_PID" 2>/dev/null || fail "the simulator exited at start"
    ((SECONDS < deadline)) || fail "the simulator did not listen on $SIM_URL within 60 s"
    sleep 1
done
log "simulator on $SIM_URL"

# --- the published app, production settings ------------------------------------------------------------------------
(
    cd "$WORK/app" || exit 1
    export HOME="$WORK/home"
    mkdir -p "$HOME"
    export ASPNETCORE_ENVIRONMENT=Production
    export ASPNETCORE_URLS="$APP_URL"
    export ForwardedHeaders__KnownProxies__0=127.0.0.1
    export Database__Provider=Postgres
    export ConnectionStrings__Default="Host=$PG_HOST;Port=$PG_PORT;Database=$DB;Username=$PG_USER;Password=$PG_PASSWORD"
    export Demo__Enabled=false
    export Vapi__BaseUrl="$SIM_URL"
    export Vapi__ApiKey="$API_KEY"
    export Vapi__WebhookSecret="$SECRET"
    export Vapi__PublicBaseUrl="$APP_URL"
    export Auth__BootstrapAdminEmail=ops@example.com
    exec dotnet "$WORK/app/AutoLynx.dll"
) >"$WORK/app.log" 2>&1 &
APP_PID=$!

wait_status "$APP_URL/readyz" 200 "$READY_TIMEOUT" "$APP_PID"
case $? in
    0) log "/readyz answered 200" ;;
    2) fail "the app exited before it was ready" ;;
    *) fail "/readyz did not answer 200 within $READY_TIMEOUT s (last: $(status "$APP_URL/readyz"))" ;;
esac
ready="$(curl -s --max-time 10 "$APP_URL/readyz")"
# Ready, with the database, Vapi (the simulator) and webhook freshness checked: nothing degraded.
[[ "$ready" == '{"status":"ready",'* && "$ready" == *'"database":{"status":"ok"}'* && "$ready" == *'"vapi":{"status":"ok"'* ]] \
  || fail "/readyz answered 200 but not ready with its database and Vapi checks ok: $ready"
live="$(curl -s --max-time 10 "$APP_URL/healthz")"
[[ "$live" == '{"status":"ok"}' ]] || fail "/healthz answered $live"
log "/readyz: $ready, /healthz: $live"

# --- static assets in Production ---------------------------------------------------------------------------------
for asset in _framework/blazor.web.js _content/MudBlazor/MudBlazor.min.css _content/MudBlazor/MudBlazor.min.js app.css; do
    got="$(proxied_status "$APP_URL/$asset")"
    [[ "$got" == 200 ]] || fail "/$asset answered $got in Production"
done
# The fingerprinted URLs the pages link to (what a browser fetches).
page="$(curl -s -L --max-time 10 "${PROXY_HEADERS[@]}" "$APP_URL/signin")"
linked="$(grep -oE '(href|src)="[^"]*\.(css|js)"' <<<"$page" | sed -E 's/^(href|src)="//; s/"$//' | sort -u)"
[[ -n "$linked" ]] || fail "the sign-in page links no stylesheet or script"
grep -q 'MudBlazor' <<<"$linked" || fail "the sign-in page does not link MudBlazor's assets"
while read -r ref; do
    [[ "$ref" =~ ^https?:// ]] && continue
    got="$(proxied_status "$APP_URL/${ref#/}")"
    [[ "$got" == 200 ]] || fail "/${ref#/} (linked from the sign-in page) answered $got"
done <<<"$linked"
log "static assets answer 200 ($(wc -l <<<"$linked") linked from the sign-in page)"

# --- security headers: a page, the API, a static file ------------------------------------------------------------
check_headers() { # path expected-status
    local path="$1" want="$2" headers got csp
    headers="$(curl -s -o /dev/null -D - --max-time 10 "${PROXY_HEADERS[@]}" "$APP_URL$path" | tr -d '\r')"
    got="$(head -n1 <<<"$headers" | awk '{print $2}')"
    [[ "$got" == "$want" ]] || fail "$path answered $got (expected $want)"
    csp="$(grep -i '^content-security-policy:' <<<"$headers" | cut -d' ' -f2-)"
    [[ -n "$csp" ]] || fail "$path: no Content-Security-Policy header"
    for directive in "default-src 'self'" "script-src 'self' 'nonce-" "connect-src 'self'" "frame-ancestors 'none'" "object-src 'none'"; do
        [[ "$csp" == *"$directive"* ]] || fail "$path: the Content-Security-Policy lacks \"$directive\": $csp"
    done
    [[ "$csp" != *"unsafe-eval"* ]] || fail "$path: the Content-Security-Policy allows unsafe-eval: $csp"
    grep -qix 'x-content-type-options: nosniff' <<<"$headers" || fail "$path: no X-Content-Type-Options: nosniff"
    grep -qix 'x-frame-options: deny' <<<"$headers" || fail "$path: no X-Frame-Options: DENY"
    grep -qi '^referrer-policy: ' <<<"$headers" || fail "$path: no Referrer-Policy"
    grep -qiE '^strict-transport-security: max-age=[1-9]' <<<"$headers" || fail "$path: no Strict-Transport-Security behind https"
}
check_headers /signin 200
check_headers /api/campaigns 401
check_headers /favicon.svg 200
# The import map (the only inline script) carries the nonce the header allows.
login_headers="$(curl -s -D - -o "$WORK/login.html" --max-time 10 "${PROXY_HEADERS[@]}" "$APP_URL/signin" | tr -d '\r')"
nonce="$(grep -i '^content-security-policy:' <<<"$login_headers" | grep -oE "'nonce-[^']+'" | head -1 | sed -E "s/^'nonce-//; s/'$//")"
[[ -n "$nonce" ]] || fail "no nonce in the sign-in page's Content-Security-Policy"
# (the attribute is HTML-encoded, "+" as &#x2B;: compare what a browser reads)
page_nonce="$(grep -oE '<script type="importmap" nonce="[^"]*"' "$WORK/login.html" | sed -E 's/.*nonce="//; s/"$//' \
    | python3 -c 'import html,sys; print(html.unescape(sys.stdin.read().strip()))')"
[[ "$page_nonce" == "$nonce" ]] || fail "the sign-in page's import map does not carry the header's nonce: $(grep -o '<script type="importmap"[^>]*>' "$WORK/login.html")"
log "security headers on a page, the API and a static file; the import map carries the nonce"

# --- the probe command -------------------------------------------------------------------------------------------
probe_out="$(cd "$WORK/app" && dotnet "$WORK/app/AutoLynx.dll" probe "$APP_URL/readyz" 2>&1)"
probe_code=$?
[[ $probe_code == 0 ]] || fail "AutoLynx probe exited $probe_code: $probe_out"
log "probe: $probe_out"

# --- graceful stop -----------------------------------------------------------------------------------------------
kill -TERM "$APP_PID"
deadline=$((SECONDS + STOP_TIMEOUT))
while kill -0 "$APP_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
kill -0 "$APP_PID" 2>/dev/null && fail "the app did not stop within $STOP_TIMEOUT s of SIGTERM"
wait "$APP_PID"; app_code=$?
APP_PID=""
[[ $app_code == 0 ]] || fail "the app exited $app_code on SIGTERM"
log "SIGTERM: exit 0"

kill -TERM "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; SIM_PID=""

echo "publish-check: PASS"
exit 0
