#!/usr/bin/env bash
# Benchmark (not a test): p95 latency of each dashboard filter of a clerk on a
# SQLite database of 100,000 pratiche (BENCH_CASES), release build, wrk on
# loopback with BENCH_CONNECTIONS connections for BENCH_SECONDS per filter.
# The database is generated once into bench/.data and reused.
#
#   bench/dashboard.sh            # SPEC goal: p95 <= 200 ms per filter
#
# `wrk` comes from Debian's package of the same name.

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"

CASES="${BENCH_CASES:-100000}"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-10}"
PORT="${BENCH_PORT:-3999}"
DATA="$REPO_ROOT/bench/.data/dashboard-$CASES"

command -v wrk >/dev/null || { step "wrk: installing (Debian package)"; as_root apt-get install -y wrk; }
ensure_build_tools
build_release

SERVER="$CARGO_TARGET_DIR/release/pratiche-server"

start_server() {
    serve_demo "$PORT" "$DATA" || exit 1
    trap 'kill $SERVER_PID 2>/dev/null' EXIT
}

if [[ ! -f "$DATA/.generated" ]]; then
    step "Generating $CASES pratiche into $DATA (once)"
    rm -rf "$DATA" && mkdir -p "$DATA"
    # The first start loads the demo bodies, types and accounts.
    start_server && kill $SERVER_PID && wait $SERVER_PID 2>/dev/null
    "$SERVER" generate-load "$CASES" 1
    touch "$DATA/.generated"
fi

step "Starting the server (lookup rate limit off)"
start_server
cookie=$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data 'username=demo-operatore-valdoria&password=demo-pratiche-2026' \
    "http://127.0.0.1:$PORT/area-riservata/accedi" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1)
[[ -n "$cookie" ]] || { echo "sign-in failed" >&2; exit 1; }

step "Dashboard filters: $CONNECTIONS connections, $SECONDS_PER_RUN s each (goal p95 <= 200 ms)"
printf '%-34s %8s %8s %8s %8s %7s\n' filter req/s p50_ms p95_ms p99_ms errors
for filter in "" "fase=in_review" "fase=documents_requested" "tipo=1" "scadenza=scadute" \
    "scadenza=settimana" "q=capannone" "q=PROT.+2026" "q=ampliamento&fase=in_review" "pagina=200"; do
    line=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$REPO_ROOT/bench/p95.lua" \
        -H "Cookie: $cookie" "http://127.0.0.1:$PORT/area-riservata/pratiche?$filter" | grep '^RESULT')
    eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/local_/')"
    printf '%-34s %8s %8s %8s %8s %7s\n' "${filter:-(none)}" "$local_rps" "$local_p50_ms" \
        "$local_p95_ms" "$local_p99_ms" "$local_errors"
done
