#!/usr/bin/env bash
# The benchmark (not a test): Pratiche's release build against a bare
# reference server (bench/reference: axum + sqlx, no framework) reading the
# same database, driven by wrk on loopback. Prints every figure absolute and
# as a ratio to the reference where the reference does the same job, and
# writes the table to bench/.data/latest-<database>.md for bench/RESULTS.md.
#
#   bench/run.sh            # 100,000 pratiche (BENCH_CASES), 10 s per run
#   bench/run.sh --smoke    # 300 pratiche, 1 s per run: CI, so it cannot rot
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pratiche_bench bench/run.sh
#
# The database is generated once and reused (bench/.data for SQLite; the
# PostgreSQL database must exist). Rate limits of the app are off.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${1:-}" == "--smoke" ]]; then
    SMOKE=true SUFFIX=-smoke
    CASES="${BENCH_CASES:-300}" SECONDS_PER_RUN=1 PUSH_PRATICHE=20 STARTS=1
else
    SMOKE=false SUFFIX=
    CASES="${BENCH_CASES:-100000}" SECONDS_PER_RUN="${BENCH_SECONDS:-10}" PUSH_PRATICHE=200 STARTS=5
fi
PORT="${BENCH_PORT:-3990}"
REFERENCE_PORT=$((PORT + 1))
APP_BASE="http://127.0.0.1:$PORT"
REFERENCE_BASE="http://127.0.0.1:$REFERENCE_PORT"
choose_database "$CASES"
WORK="$(mktemp -d)"
# A smoke run starts from nothing each time.
$SMOKE && DATA="$WORK/data"
REPORT="$REPO_ROOT/bench/.data/latest-$DATABASE$SUFFIX.md"
mkdir -p "$(dirname "$REPORT")"
FAILED=()

cleanup() {
    [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null
    [[ -n "${REFERENCE_PID:-}" ]] && kill "$REFERENCE_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

build_bench
prepare_load_data "$DATA" "$CASES" "$PORT" || exit 1

# One row of the report: the app's figures from the last `measure`, and the
# reference's when `reference_rps`... are set (then cleared).
report_row() {
    local name="$1" ratio="—" p99_ratio="—" reference="—"
    if [[ "$requests" -eq 0 || "$errors" -ne 0 ]]; then
        FAILED+=("$name: $requests requests, $errors errors")
    fi
    if [[ -n "${reference_rps:-}" ]]; then
        reference="$reference_rps req/s, p99 $reference_p99_ms ms"
        ratio=$(awk -v a="$rps" -v b="$reference_rps" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }')
        p99_ratio=$(awk -v a="$p99_ms" -v b="$reference_p99_ms" 'BEGIN { printf "%.1f×", (b > 0 ? a / b : 0) }')
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50_ms" "$p95_ms" \
        "$p99_ms" "$reference" "$ratio" "$p99_ratio" | tee -a "$REPORT"
    unset reference_rps reference_p99_ms
}

# Measures the app, then the reference on the same paths; one report row.
# Arguments: name, connections, lua script, path or "" (for paths.lua), then
# wrk arguments given to both.
versus_reference() {
    local name="$1" connections="$2" script="$3"
    shift 3
    measure "$connections" "$SECONDS_PER_RUN" "$script" "$REFERENCE_BASE" "$@"
    [[ "$requests" -gt 0 && "$errors" -eq 0 ]] || FAILED+=("reference $name: $requests requests, $errors errors")
    local saved_rps="$rps" saved_p99="$p99_ms"
    measure "$connections" "$SECONDS_PER_RUN" "$script" "$APP_BASE" "$@"
    reference_rps="$saved_rps" reference_p99_ms="$saved_p99"
    LAST_REFERENCE_RPS="$saved_rps" LAST_REFERENCE_P99="$saved_p99"
    report_row "$name"
}

# Milliseconds from starting a server (the command $2...) to a ready
# /healthz on port $1; the server is stopped again.
time_to_ready() {
    local port="$1" started pid
    shift
    started=$(date +%s%N)
    "$@" &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "the server exited" >&2; return 1; }
        sleep 0.005
    done
    echo $((($(date +%s%N) - started) / 1000000))
    kill "$pid" && wait "$pid" 2>/dev/null
    return 0
}

# The median of its arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

{
    echo "## $(date -u +%F) · $DATABASE · $CASES pratiche${SUFFIX:+ (smoke)}"
    echo
    echo "Commit $(git -C "$REPO_ROOT" rev-parse --short HEAD)$(git -C "$REPO_ROOT" diff --quiet HEAD || echo ' (with uncommitted changes)');" \
        "$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);" \
        "$(free -g | awk '/Mem:/ { print $2 }') GiB; $(uname -sr); wrk -t2, $SECONDS_PER_RUN s per run."
    echo
} | tee "$REPORT"

step "Start-up to a ready /healthz on the $CASES-pratiche database ($STARTS starts each)"
export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    PRATICHE_DATA_DIR="$DATA" PRATICHE_PUBLIC_URL="$APP_BASE" PRATICHE_DEMO=1 RUST_LOG=warn
app_starts=() reference_starts=()
for _ in $(seq "$STARTS"); do
    app_starts+=("$(time_to_ready "$PORT" "$APP")")
    reference_starts+=("$(DATABASE_URL="$(database_url "$DATA")" time_to_ready "$REFERENCE_PORT" \
        "$REFERENCE" serve "127.0.0.1:$REFERENCE_PORT")")
done
ready_ms=$(median "${app_starts[@]}")
reference_ready_ms=$(median "${reference_starts[@]}")
# A start's retention job erases the generated pratiche closed over a year
# ago (many, the first time on a day): on PostgreSQL, vacuum now what
# autovacuum would within a minute (migration 17), so the figures are those
# of healthy tables.
if [[ "$DATABASE" == postgresql ]]; then
    psql -q "$DATABASE_URL" -c "VACUUM ANALYZE cases, status_events"
fi

step "Starting the app (rate limits OFF: PRATICHE_LOOKUP_PER_MINUTE=0, PRATICHE_API_PER_MINUTE=0) and the reference"
serve_demo "$PORT" "$DATA"
serve_reference "$REFERENCE_PORT" "$DATA"

"$REFERENCE" unknown-codes 5000 | sed 's|^|/p/|' >"$WORK/unknown.txt"
DATABASE_URL="$(database_url "$DATA")" "$REFERENCE" codes 5000 | sed 's|^|/p/|' >"$WORK/pages.txt"
DATABASE_URL="$(database_url "$DATA")" "$REFERENCE" codes 5000 valdoria | sed 's|^|/api/v1/pratiche/|' >"$WORK/api.txt"
[[ -s "$WORK/pages.txt" && -s "$WORK/api.txt" ]] || { echo "no codes in the database" >&2; exit 1; }
token=$(demo_api_token "$APP_BASE")
[[ -n "$token" ]] || { echo "no API token" >&2; exit 1; }

{
    echo "| scenario | req/s | p50 ms | p95 ms | p99 ms | reference | req/s vs reference | p99 vs reference |"
    echo "|---|---|---|---|---|---|---|---|"
} | tee -a "$REPORT"
step "Public case page, API JSON, not found"
versus_reference "case page, 50 connections" 50 "$BENCH_DIR/paths.lua" -- "$WORK/pages.txt"
# The framework's floor: a page of the app that reads no database, against
# the reference's case page (two queries). The case page, which renders more
# and reads the database too, stays below this ratio.
echo /accessibilita >"$WORK/static.txt"
measure 50 "$SECONDS_PER_RUN" "$BENCH_DIR/paths.lua" "$APP_BASE" -- "$WORK/static.txt"
reference_rps="$LAST_REFERENCE_RPS" reference_p99_ms="$LAST_REFERENCE_P99"
report_row "floor: a page with no database read, 50 connections"
versus_reference "case page, 10 connections" 10 "$BENCH_DIR/paths.lua" -- "$WORK/pages.txt"
BENCH_EXPECT_STATUS=404 versus_reference "not found, 50 connections" 50 "$BENCH_DIR/paths.lua" -- "$WORK/unknown.txt"
versus_reference "API pratica JSON, 50 connections" 50 "$BENCH_DIR/paths.lua" \
    -H "Authorization: Bearer $token" -- "$WORK/api.txt"
# The body's changes feed, 100 changes a page after random cursors, as a
# body's software catching up reads it (the reference has no feed).
feed_end=$(DATABASE_URL="$(database_url "$DATA")" "$REFERENCE" feed-end valdoria)
awk -v end="$feed_end" 'BEGIN { srand(7); for (i = 0; i < 5000; i++) printf "/api/v1/changes?after=%d&limit=100\n", int(rand() * end) }' >"$WORK/changes.txt"
measure 10 "$SECONDS_PER_RUN" "$BENCH_DIR/paths.lua" "$APP_BASE" -H "Authorization: Bearer $token" -- "$WORK/changes.txt"
report_row "changes feed, 100 a page, 10 connections"

step "Status push through the API ($PUSH_PRATICHE pratiche each, 8 connections)"
# Each server pushes to pratiche of its own: the app reads and recomputes a
# pratica's whole history on each event, so pushing after the reference to
# the same pratiche would hand it the reference's thousands of events too.
state=$(prepare_push "$APP_BASE" "$PUSH_PRATICHE" "$token" "$WORK/push-reference.txt" BENCH-REF)
prepare_push "$APP_BASE" "$PUSH_PRATICHE" "$token" "$WORK/push.txt" >/dev/null
push_events "$REFERENCE_BASE" "$token" "$WORK/push-reference.txt" "$state" "$SECONDS_PER_RUN" 8
reference_rps="$rps" reference_p99_ms="$p99_ms"
push_events "$APP_BASE" "$token" "$WORK/push.txt" "$state" "$SECONDS_PER_RUN" 8
report_row "status push, 8 connections"

step "Dashboard filters of a clerk (10 connections)"
dashboard_filters "$APP_BASE" "$SECONDS_PER_RUN" 10

app_rss=$(peak_rss_mb "$SERVER_PID")
reference_rss=$(peak_rss_mb "$REFERENCE_PID")
{
    echo
    echo "| measure | app | reference | ratio |"
    echo "|---|---|---|---|"
    awk -v a="$ready_ms" -v b="$reference_ready_ms" \
        'BEGIN { printf "| ready /healthz, median of '"$STARTS"' starts | %d ms | %d ms | %.1f× |\n", a, b, (b > 0 ? a / b : 0) }'
    awk -v a="$app_rss" -v b="$reference_rss" \
        'BEGIN { printf "| peak RSS after every scenario above | %d MB | %d MB | %.1f× |\n", a, b, (b > 0 ? a / b : 0) }'
} | tee -a "$REPORT"

if ! $SMOKE; then
    step "Page sizes (the citizen-experience weight check, in Chromium)"
    "$REPO_ROOT/scripts/page-weight.sh" | tee "$WORK/weight.txt"
    { echo; echo '```'; grep -E '^\s*(page|home|check|not found|case|accessibility|privacy)' "$WORK/weight.txt"; echo '```'; } >>"$REPORT"
fi

echo
echo "Report: $REPORT"
if [[ ${#FAILED[@]} -gt 0 ]]; then
    printf 'FAILED: %s\n' "${FAILED[@]}" >&2
    exit 1
fi
