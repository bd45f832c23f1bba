#!/usr/bin/env bash
# What counting the lookup limit costs the case page (not a test): the same
# wrk run on the case page with the limit off, counted in this instance's
# memory, and counted in the database every instance shares (PostgreSQL's
# default). The limit is set far above the load, so nothing is refused: the
# figure is the cost of the counting. Each store is measured with one client
# (every request charges one row: the worst case for the database) and with
# 10,000 clients (X-Forwarded-For from the trusted 127.0.0.1).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pratiche_bench bench/limits.sh
#
# Uses the database bench/run.sh generates (BENCH_CASES pratiche, default
# 100,000); prints a table for bench/RESULTS.md.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CASES="${BENCH_CASES:-100000}" SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
PORT="${BENCH_PORT:-3990}"
APP_BASE="http://127.0.0.1:$PORT"
[[ "${DATABASE_URL:-}" == postgres* ]] || { echo "set DATABASE_URL to a PostgreSQL database" >&2; exit 1; }
export PRATICHE_SIGNING_KEY="${PRATICHE_SIGNING_KEY:-pratiche-benchmark-key-not-a-secret-0123456789}"
DATA="$REPO_ROOT/bench/.data/postgres-$(echo "$DATABASE_URL" | md5sum | cut -c1-8)"
WORK="$(mktemp -d)"
trap 'stop_server; rm -rf "$WORK"' EXIT

build_bench
prepare_load_data "$DATA" "$CASES" "$PORT" || exit 1
"$REFERENCE" codes 5000 | sed 's|^|/p/|' >"$WORK/pages.txt"
[[ -s "$WORK/pages.txt" ]] || { echo "no codes in the database" >&2; exit 1; }
export PRATICHE_TRUSTED_PROXIES=127.0.0.1 PRATICHE_LOOKUP_BURST=100000000

echo "| case page, 50 connections | clients | req/s | p50 ms | p95 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
for store in off memory database; do
    if [[ "$store" == off ]]; then
        export BENCH_LOOKUP_PER_MINUTE=0
    else
        export BENCH_LOOKUP_PER_MINUTE=100000000 PRATICHE_RATE_LIMIT_STORE="$store"
    fi
    serve_demo "$PORT" "$DATA" >/dev/null
    for clients in 1 10000; do
        BENCH_CLIENTS=$clients measure 50 "$SECONDS_PER_RUN" "$BENCH_DIR/paths.lua" "$APP_BASE" -- "$WORK/pages.txt"
        [[ "$errors" -eq 0 && "$requests" -gt 0 ]] || echo "FAILED: $store, $clients clients: $errors errors" >&2
        echo "| limit $store | $clients | $rps | $p50_ms | $p95_ms | $p99_ms |"
    done
    stop_server
done
