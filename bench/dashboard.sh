#!/usr/bin/env bash
# Benchmark (not a test): p95 latency of each dashboard filter of a clerk on a
# database of 100,000 pratiche (BENCH_CASES), release build, wrk on loopback
# with BENCH_CONNECTIONS connections for BENCH_SECONDS per filter. The
# database is the one bench/run.sh uses, generated once and reused: SQLite,
# or PostgreSQL when DATABASE_URL names it.
#
#   bench/dashboard.sh            # goal (docs/rules.md, Budgets): p95 <= 200 ms per filter
#   BENCH_CASES=1000000 DATABASE_URL=postgres://…/pratiche_bench_1m bench/dashboard.sh

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_load_database

report_row() {
    printf '%-40s %8s %8s %8s %8s %7s\n' "$1" "$rps" "$p50_ms" "$p95_ms" "$p99_ms" "$errors"
}
step "Dashboard filters: ${BENCH_CONNECTIONS:-10} connections, ${BENCH_SECONDS:-10} s each (goal p95 <= 200 ms)"
printf '%-40s %8s %8s %8s %8s %7s\n' filter req/s p50_ms p95_ms p99_ms errors
dashboard_filters "http://127.0.0.1:$PORT" "${BENCH_SECONDS:-10}" "${BENCH_CONNECTIONS:-10}"
