#!/usr/bin/env bash
# Profile (not a test): where a page's time goes, function by function. Builds
# the server with frame pointers (profile `profiling`, in its own target
# folder), starts it on the benchmark database (SQLite, or PostgreSQL when
# DATABASE_URL names it), drives one scenario with wrk at 50 connections for
# BENCH_SECONDS (8) while `perf record --call-graph fp` samples the server,
# and prints the functions by the share of samples under them (children)
# and by their own (self). The raw profile stays in bench/.data/.
#
#   bench/profile.sh case          # random existing pratiche
#   bench/profile.sh not-found     # random well-formed unknown codes
#   bench/profile.sh floor         # the accessibility statement (no database read)

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCENARIO="${1:-case}"
CASES="${BENCH_CASES:-100000}"
PORT="${BENCH_PORT:-3999}"
choose_database "$CASES"
PROFILE_TARGET="${CARGO_TARGET_DIR}-fp"

command -v perf >/dev/null || { step "perf: installing (Debian package)"; as_root apt-get install -y linux-perf; }
build_bench
prepare_load_data "$DATA" "$CASES" "$PORT"
step "Building the server with frame pointers (profile profiling, $PROFILE_TARGET)"
(cd "$REPO_ROOT" && RUSTFLAGS="-C force-frame-pointers=yes" CARGO_TARGET_DIR="$PROFILE_TARGET" \
    cargo build --profile profiling -p pratiche-server --no-default-features)

WORK="$REPO_ROOT/bench/.data/profile"
mkdir -p "$WORK"
case "$SCENARIO" in
    case) DATABASE_URL="$(database_url "$DATA")" "$REFERENCE" codes 5000 | sed 's|^|/p/|' >"$WORK/paths.txt" ;;
    not-found) "$REFERENCE" unknown-codes 5000 | sed 's|^|/p/|' >"$WORK/paths.txt"; export BENCH_EXPECT_STATUS=404 ;;
    floor) echo /accessibilita >"$WORK/paths.txt" ;;
    *) echo "unknown scenario: $SCENARIO (case, not-found, floor)" >&2; exit 2 ;;
esac

step "Starting the server with frame pointers"
SERVER_BINARY="$PROFILE_TARGET/profiling/pratiche-server" serve_demo "$PORT" "$DATA"
trap stop_server EXIT
# Warm the caches, then profile a run of its own.
measure 50 2 "$BENCH_DIR/paths.lua" "http://127.0.0.1:$PORT" -- "$WORK/paths.txt"
perf record -F 999 --call-graph fp -p "$SERVER_PID" -o "$WORK/$SCENARIO.perf" -- sleep "${BENCH_SECONDS:-8}" 2>/dev/null &
PERF_PID=$!
measure 50 "${BENCH_SECONDS:-8}" "$BENCH_DIR/paths.lua" "http://127.0.0.1:$PORT" -- "$WORK/paths.txt"
wait "$PERF_PID"
step "$SCENARIO: $rps req/s, p99 $p99_ms ms while profiled"
step "Children: the share of samples under each function (top 60)"
perf report -i "$WORK/$SCENARIO.perf" --children --sort symbol --stdio -g none 2>/dev/null |
    awk '/^ +[0-9]/ && ++n <= 60'
step "Self: each function's own samples (top 30)"
perf report -i "$WORK/$SCENARIO.perf" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
    awk '/^ +[0-9]/ && ++n <= 30'
