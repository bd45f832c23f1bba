#!/usr/bin/env bash
# Runs Pratiche on the embedded SQLite database, with demo data, at
# http://127.0.0.1:3000 (installing the build tools first if missing).
# Environment variables from the README's configuration table apply.

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
ensure_test_python
build_release

step "Starting Pratiche (Ctrl-C stops it)"
cd "$REPO_ROOT"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO_ROOT/target/site}"
# The demo is asked for here, never by default: the server allows it only on
# a loopback address, into an empty database or one that holds only demo data.
export PRATICHE_DEMO="${PRATICHE_DEMO:-1}"
# A stopping demo closes at once (a service keeps the default drain).
export PRATICHE_DRAIN_SECONDS="${PRATICHE_DRAIN_SECONDS:-0}"
# Without a configured SMTP server, the demo sends its mails to one on this
# machine that keeps each as a file, so the e-mail alerts can be tried.
if [[ -z "${PRATICHE_SMTP_HOST:-}" ]]; then
    mail_dir="$(realpath -m "${PRATICHE_DATA_DIR:-data}")/mail"
    mkdir -p "$mail_dir"
    coproc SINK { exec "$PRATICHE_TEST_PYTHON" "$REPO_ROOT/scripts/smtp_sink.py" "$mail_dir"; }
    trap 'kill "$SINK_PID" 2>/dev/null' EXIT
    read -r smtp_port <&"${SINK[0]}"
    export PRATICHE_SMTP_HOST=127.0.0.1 PRATICHE_SMTP_PORT="$smtp_port" PRATICHE_SMTP_TLS=none
    export PRATICHE_MAIL_FROM="Pratiche demo <avvisi@pratiche.invalid>"
    step "Demo mail: every mail the server sends is kept in $mail_dir, one .eml file each"
fi
# The demo seals App IO keys and webhook secrets with a key of its own, made
# once beside its database, and lets webhooks reach a receiver on this
# machine (the demo itself only listens on loopback).
if [[ -z "${PRATICHE_SECRETS_KEY:-}" ]]; then
    data_dir="$(realpath -m "${PRATICHE_DATA_DIR:-data}")"
    mkdir -p "$data_dir"
    [[ -s "$data_dir/secrets-key" ]] || (umask 077 && head -c 32 /dev/urandom | base64 > "$data_dir/secrets-key")
    PRATICHE_SECRETS_KEY="$(cat "$data_dir/secrets-key")"
    export PRATICHE_SECRETS_KEY
    export PRATICHE_WEBHOOK_ALLOW_HTTP="${PRATICHE_WEBHOOK_ALLOW_HTTP:-1}"
    export PRATICHE_WEBHOOK_ALLOW_LOOPBACK="${PRATICHE_WEBHOOK_ALLOW_LOOPBACK:-1}"
    step "Demo secrets: App IO keys and webhook secrets are sealed with $data_dir/secrets-key; webhooks may go to http://127.0.0.1"
fi
"$CARGO_TARGET_DIR/release/pratiche-server"
