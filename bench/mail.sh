#!/usr/bin/env bash
# Benchmark (not a test): how fast the outbox's worker delivers mail to a
# local SMTP server (aiosmtpd, from scripts/smtp_sink.py). BENCH_MAILS
# pratiche (default 1000) are registered through the API with an applicant's
# address while no SMTP server is configured, so their first mails wait in
# the outbox; the server is then restarted with the SMTP server, and the time
# from its start until the last mail arrived is measured.
#
#   bench/mail.sh        # goal (issue 21): >= 100 mails/s

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${BENCH_PORT:-3997}"
MAILS="${BENCH_MAILS:-1000}"
DATA="$(mktemp -d)"
BASE="http://127.0.0.1:$PORT"

ensure_build_tools
ensure_test_python
build_release

cleanup() {
    [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null
    [[ -n "${SINK_PID:-}" ]] && kill "$SINK_PID" 2>/dev/null
    rm -rf "$DATA"
}
trap cleanup EXIT

step "A fresh server without SMTP: $MAILS pratiche with an applicant's address"
serve_demo "$PORT" "$DATA/server"
token=$(demo_api_token "$BASE")
[[ -n "$token" ]] || { echo "no token" >&2; exit 1; }
type_id=$(curl -s -H "Authorization: Bearer $token" "$BASE/api/v1/procedure-types" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
submitted=$(date -u -d '10 days ago' +%F)
for n in $(seq "$MAILS"); do
    curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"own_reference\":\"MAIL/$n\",\"procedure_type_id\":$type_id,\"subject\":\"Benchmark\",\"submitted_on\":\"$submitted\",\"office\":\"SUE\",\"responsible\":\"Bench\",\"responsible_contact\":\"bench@example.it\",\"applicant_email\":\"bench$n@example.it\",\"email_consent\":true}" \
        "$BASE/api/v1/pratiche"
done | sort | uniq -c
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true

step "The SMTP server, then the server again with it: delivering"
mkdir -p "$DATA/mail"
coproc SINK { exec "$PRATICHE_TEST_PYTHON" "$REPO_ROOT/scripts/smtp_sink.py" "$DATA/mail"; }
SINK_PID=$SINK_PID
read -r smtp_port <&"${SINK[0]}"
export PRATICHE_SMTP_HOST=127.0.0.1 PRATICHE_SMTP_PORT="$smtp_port" PRATICHE_SMTP_TLS=none
export PRATICHE_MAIL_FROM="Pratiche <avvisi@pratiche.example.it>"
start=$(date +%s.%N)
serve_demo "$PORT" "$DATA/server"
while [[ $(find "$DATA/mail" -name '*.eml' | wc -l) -lt "$MAILS" ]]; do
    if (($(echo "$(date +%s.%N) - $start > 300" | bc))); then
        echo "only $(find "$DATA/mail" -name '*.eml' | wc -l) of $MAILS mails in 300 s" >&2
        exit 1
    fi
    sleep 0.05
done
end=$(date +%s.%N)
python3 -c "import sys; mails, seconds = int(sys.argv[1]), float(sys.argv[2]); print(f'{mails} mails in {seconds:.2f} s (server start included): {mails / seconds:.0f} mails/s')" \
    "$MAILS" "$(echo "$end - $start" | bc)"
