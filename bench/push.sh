#!/usr/bin/env bash
# Benchmark (not a test): authenticated status pushes through the API, each
# one transaction with its event, due date, audit entry and stored answer
# (plus the idempotency key's own claim), on a fresh SQLite database with
# synchronous=FULL, release build, wrk on loopback. bench/run.sh runs the
# same pushes on its large database, beside the reference server.
#
#   bench/push.sh        # goal (docs/rules.md, Budgets): >= 500 events/s sustained
#   PUSH_NOTE="Aggiornata" PUSH_SUBSCRIBERS=1 bench/push.sh
#                        # every push told to a subscriber: queues a mail
#                        # (no SMTP server: the cost of queuing alone)
#
# BENCH_PRATICHE pratiche (default 200) are created through the API first;
# BENCH_CONNECTIONS concurrent connections (default 8) push for
# BENCH_SECONDS (default 20).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${BENCH_PORT:-3998}"
DATA="$(mktemp -d)"
BASE="http://127.0.0.1:$PORT"

ensure_wrk
ensure_build_tools
build_release

step "Starting the server on a fresh SQLite database (synchronous=FULL; rate limits off)"
trap 'stop_server; rm -rf "$DATA"' EXIT
serve_demo "$PORT" "$DATA"

step "An API client of the demo body, a token, ${BENCH_PRATICHE:-200} pratiche"
token=$(demo_api_token "$BASE")
[[ -n "$token" ]] || { echo "no token" >&2; exit 1; }
state=$(prepare_push "$BASE" "${BENCH_PRATICHE:-200}" "$token" "$DATA/codes.txt")

step "Pushing events: ${BENCH_CONNECTIONS:-8} connections for ${BENCH_SECONDS:-20} s (goal >= 500 events/s)"
push_events "$BASE" "$token" "$DATA/codes.txt" "$state" "${BENCH_SECONDS:-20}" "${BENCH_CONNECTIONS:-8}"
printf 'events/s %s  p50 %s ms  p95 %s ms  p99 %s ms  (%s events, %s errors)\n' \
    "$rps" "$p50_ms" "$p95_ms" "$p99_ms" "$requests" "$errors"
