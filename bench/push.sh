#!/usr/bin/env bash
# Benchmark (not a test): authenticated status pushes through the API, each
# one transaction with its event, due date, audit entry and stored answer
# (plus the idempotency key's own claim), on SQLite with synchronous=FULL,
# release build, wrk on loopback. Prints events per second and latencies.
#
#   bench/push.sh        # SPEC goal: >= 500 events/s sustained
#
# BENCH_PRATICHE pratiche (default 200) are created through the API first;
# BENCH_CONNECTIONS concurrent connections (default 8) push for
# BENCH_SECONDS (default 20). `wrk` comes from Debian's package.

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"

PRATICHE="${BENCH_PRATICHE:-200}"
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
PORT="${BENCH_PORT:-3998}"
export BENCH_DIR="$REPO_ROOT/bench"
DATA="$(mktemp -d)"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { step "wrk: installing (Debian package)"; as_root apt-get install -y wrk; }
ensure_build_tools
build_release

step "Starting the server on a fresh SQLite database (synchronous=FULL; rate limits off)"
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$DATA"' EXIT
serve_demo "$PORT" "$DATA"

step "An API client of the demo body, a token, $PRATICHE pratiche"
token=$(demo_api_token "$BASE")
[[ -n "$token" ]] || { echo "no token" >&2; exit 1; }
types=$(curl -s -H "Authorization: Bearer $token" "$BASE/api/v1/procedure-types")
type_id=$(python3 -c 'import json,sys; t=json.load(sys.stdin)[0]; print(t["id"])' <<<"$types")
# "Istruttoria" may follow itself: every push is a legal transition.
review=$(python3 -c 'import json,sys; t=json.load(sys.stdin)[0]; print([s["id"] for s in t["states"] if s["name"]=="Istruttoria"][0])' <<<"$types")
submitted=$(date -u -d '10 days ago' +%F)
codes="$DATA/codes.txt"
for n in $(seq "$PRATICHE"); do
    curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"own_reference\":\"BENCH/$n\",\"procedure_type_id\":$type_id,\"subject\":\"Benchmark\",\"submitted_on\":\"$submitted\",\"office\":\"SUE\",\"responsible\":\"Bench\",\"responsible_contact\":\"bench@example.it\"}" \
        "$BASE/api/v1/pratiche" | grep -o '"code":"[^"]*"' | head -n1 | cut -d'"' -f4
done >"$codes"
[[ $(wc -l <"$codes") -eq "$PRATICHE" ]] || { echo "pratiche not created" >&2; exit 1; }

step "Pushing events: $CONNECTIONS connections for $SECONDS_PER_RUN s (goal >= 500 events/s)"
line=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$BENCH_DIR/push.lua" "$BASE" \
    -- "$codes" "$token" "$review" "$(date -u -d '1 hour ago' +%FT%TZ)" | grep '^RESULT')
echo "$line"
eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/local_/')"
printf 'events/s %s  p50 %s ms  p95 %s ms  p99 %s ms  (%s events, %s errors)\n' \
    "$local_rps" "$local_p50_ms" "$local_p95_ms" "$local_p99_ms" "$local_requests" "$local_errors"
