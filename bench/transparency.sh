#!/usr/bin/env bash
# Benchmark (not a test): the transparency pages and files on the database of
# 100,000 pratiche (BENCH_CASES) that bench/run.sh uses, release build, wrk on
# loopback with BENCH_CONNECTIONS connections for BENCH_SECONDS each, after
# the start's computation of every body's figures (which a job repeats
# every ten minutes, so no view pays for it). SQLite, or PostgreSQL when
# DATABASE_URL names it.
#
#   bench/transparency.sh        # goal (issue 25): p95 <= 50 ms per page
#   DATABASE_URL=postgres://…/pratiche_bench bench/transparency.sh

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_load_database
base="http://127.0.0.1:$PORT"

# The demo's first procedure type, Valdoria's building permit.
PAGES=("/enti" "/enti/valdoria" "/enti/valdoria/procedimenti/1"
    "/enti/valdoria/tempi-di-conclusione.csv" "/enti/valdoria/tempi-di-conclusione.json"
    "/enti/tempi-di-conclusione.csv")

# The start's refresh of the figures, before the pages are timed.
sleep 5

step "Cached: ${BENCH_CONNECTIONS:-10} connections, ${BENCH_SECONDS:-10} s each (goal p95 <= 50 ms)"
printf '%-45s %8s %8s %8s %8s %7s\n' page req/s p50_ms p95_ms p99_ms errors
for path in "${PAGES[@]}"; do
    measure "${BENCH_CONNECTIONS:-10}" "${BENCH_SECONDS:-10}" "$BENCH_DIR/p95.lua" "$base$path"
    printf '%-45s %8s %8s %8s %8s %7s\n' "$path" "$rps" "$p50_ms" "$p95_ms" "$p99_ms" "$errors"
done
