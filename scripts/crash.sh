#!/usr/bin/env bash
# Crash safety, many rounds: the server is killed with SIGKILL during
# concurrent registrations and events, restarted, and every acknowledged
# write must be there once, every lost one (sent again with its key) once;
# on SQLite and PostgreSQL. The test suite runs 5 rounds (the smoke run).
#   scripts/crash.sh [ROUNDS]   (default 50)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_test_python
export PRATICHE_TEST_POSTGRES="${PRATICHE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
export PRATICHE_CRASH_ROUNDS="${1:-50}"
cd "$REPO_ROOT"
cargo test -p pratiche-server --test it crash -- --nocapture
