#!/usr/bin/env bash
# Runs every test: the formatting and lint gate, unit and property tests,
# the integration tests against the real server on SQLite and on
# PostgreSQL, a release build, the browser tests in Debian's Chromium, and
# schemathesis against the API. Installs whatever is missing first.

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
ensure_browser_tools
ensure_schemathesis
ensure_test_python
ensure_nginx

# PostgreSQL for the integration tests: a fresh database per test.
export PRATICHE_TEST_POSTGRES="${PRATICHE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null; then
        step "PostgreSQL: starting the local cluster"
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
fi

cd "$REPO_ROOT"
step "Formatting and lints (cargo fmt --check, clippy with warnings as errors)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "The deployment's systemd unit (systemd-analyze verify and security)"
check_systemd_unit

step "Unit, property and integration tests (SQLite and PostgreSQL)"
cargo test --workspace

step "Each library's own tests alone (no feature borrowed from the workspace)"
for crate in pratiche-domain pratiche-app; do
    cargo test -p "$crate"
done

build_release

step "Browser tests (Playwright in Chromium, release build)"
cd "$REPO_ROOT/end2end"
npx playwright test

step "API fuzzing: schemathesis against the release server's own OpenAPI document"
cd "$REPO_ROOT"
fuzz_api

step "Benchmark smoke run on SQLite and PostgreSQL (a small database, 1 s per scenario)"
bench/run.sh --smoke
bench_database="pratiche_bench_$(date +%s)_$$"
psql -q "$PRATICHE_TEST_POSTGRES" -c "CREATE DATABASE $bench_database"
bench_status=0
DATABASE_URL="${PRATICHE_TEST_POSTGRES%/*}/$bench_database" bench/run.sh --smoke || bench_status=$?
psql -q "$PRATICHE_TEST_POSTGRES" -c "DROP DATABASE $bench_database WITH (FORCE)"
exit "$bench_status"
