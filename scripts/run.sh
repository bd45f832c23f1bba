#!/usr/bin/env bash
# Runs Pratiche on the embedded SQLite database, with demo data, at
# http://127.0.0.1:3000 (installing the build tools first if missing).
# Environment variables from the README's configuration table apply.

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
build_release

step "Starting Pratiche (Ctrl-C stops it)"
cd "$REPO_ROOT"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO_ROOT/target/site}"
# The demo is asked for here, never by default: the server allows it only on
# a loopback address, into an empty database or one that holds only demo data.
export PRATICHE_DEMO="${PRATICHE_DEMO:-1}"
exec "$CARGO_TARGET_DIR/release/pratiche-server"
