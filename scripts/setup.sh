# Installs what Pratiche needs to build, run and test, skipping whatever is
# already there. Sourced by scripts/run.sh and scripts/test.sh; every step
# says what it does.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${PRATICHE_CACHE_DIR:-$HOME/.cache/pratiche}"
TOOLS_DIR="$CACHE_DIR/tools"
# One build folder outside the clone, shared by every checkout and CI run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE_DIR/target}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
# Incremental caches only grow in a shared build folder; CI builds afresh.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

CARGO_LEPTOS_VERSION="0.3.10"
SCHEMATHESIS_VERSION="4.32.5"
BINARYEN_VERSION="132.0.0"
# Real peers for the integration tests: an SMTP server, a feed parser,
# what the App IO stub checks requests with (IO's OpenAPI is YAML)...
AIOSMTPD_VERSION="1.4.6"
FEEDPARSER_VERSION="6.0.11"
JSONSCHEMA_VERSION="4.23.0"
PYYAML_VERSION="6.0.2"
# ...the official verifier of Standard Webhooks' signatures, and the
# official Prometheus client's parser of the metrics text.
STANDARDWEBHOOKS_VERSION="1.0.0"
PROMETHEUS_CLIENT_VERSION="0.21.1"

step() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$REPO_ROOT/Cargo.lock"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_build_tools() {
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        step "wasm32 target: present"
    else
        step "wasm32 target: installing"
        rustup target add wasm32-unknown-unknown
    fi

    if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
        step "cargo-leptos $CARGO_LEPTOS_VERSION: present"
    else
        step "cargo-leptos $CARGO_LEPTOS_VERSION: installing (about 20-30 minutes, once per machine)"
        cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
    fi

    local bindgen
    bindgen="$(wasm_bindgen_version)"
    if wasm-bindgen --version 2>/dev/null | grep -q " $bindgen\$"; then
        step "wasm-bindgen-cli $bindgen: present"
    else
        step "wasm-bindgen-cli $bindgen: installing (about 7 minutes, once per machine)"
        # Not --locked: its lockfile names a release the registry lacks.
        cargo install wasm-bindgen-cli --version "$bindgen"
    fi

    if wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
        step "wasm-opt (binaryen $BINARYEN_VERSION): present"
    else
        step "wasm-opt (binaryen $BINARYEN_VERSION): installing from npm into $TOOLS_DIR"
        mkdir -p "$TOOLS_DIR"
        npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
    fi
}

ensure_browser_tools() {
    if command -v chromium >/dev/null; then
        step "Chromium: present ($(chromium --version 2>/dev/null))"
    else
        step "Chromium: installing Debian's package"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    fi

    if [ -d "$REPO_ROOT/end2end/node_modules/@playwright/test" ] &&
        cmp -s "$REPO_ROOT/end2end/package-lock.json" "$REPO_ROOT/end2end/node_modules/.package-lock.json.installed"; then
        step "end2end npm packages: present"
    else
        step "end2end npm packages: installing (no browser download)"
        (cd "$REPO_ROOT/end2end" &&
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund &&
            cp package-lock.json node_modules/.package-lock.json.installed)
    fi
}

build_release() {
    step "Building the release server and the islands' WebAssembly (cargo leptos build --release --precompress --split)"
    # The WebAssembly keeps the source path of every panic location: the
    # crates' and ours, shortened, make it smaller and the same wherever it
    # is built (the islands' weight budget counts every byte).
    local remaps="--remap-path-prefix=$REPO_ROOT=/pratiche" index
    for index in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*; do
        remaps+=" --remap-path-prefix=$index=/crates"
    done
    (cd "$REPO_ROOT" &&
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remaps" cargo leptos build --release --precompress --split)
}

# Prints an API token of a new client of the demo body Valdoria, created
# through the back office of the demo server at $1 (for benchmarks and the
# API fuzzing run).
demo_api_token() {
    local base="$1" cookie page client_id secret token
    cookie=$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
        --data 'username=demo-admin-valdoria&password=demo-pratiche-2026' \
        "$base/area-riservata/accedi" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1)
    page=$(curl -s -H 'Sec-Fetch-Site: same-origin' -H "Cookie: $cookie" --data 'name=Script' "$base/area-riservata/api")
    client_id=$(sed -n 's/.*<dd><code>\(pc_[0-9a-f]*\)<.*/\1/p' <<<"$page" | head -n1)
    secret=$(sed -n 's/.*<code class="secret">\([0-9a-f]*\)<.*/\1/p' <<<"$page" | head -n1)
    token=$(curl -s -u "$client_id:$secret" -d grant_type=client_credentials "$base/api/v1/token" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    if [ -z "$token" ]; then
        echo "no API token from $base: the fuzzing run would test only refusals" >&2
        return 1
    fi
    printf '%s' "$token"
}

# The Python packages the integration tests start or call (in the same
# venv as schemathesis); the tests find it through PRATICHE_TEST_PYTHON.
ensure_test_python() {
    local wanted="aiosmtpd==$AIOSMTPD_VERSION feedparser==$FEEDPARSER_VERSION jsonschema==$JSONSCHEMA_VERSION PyYAML==$PYYAML_VERSION standardwebhooks==$STANDARDWEBHOOKS_VERSION prometheus_client==$PROMETHEUS_CLIENT_VERSION"
    # shellcheck disable=SC2086 # one word per requirement
    if "$TOOLS_DIR/venv/bin/python" -c "import sys; from importlib.metadata import version; sys.exit(any(version(n) != v for n, v in (r.split('==') for r in sys.argv[1:])))" $wanted 2>/dev/null; then
        step "$wanted: present"
    else
        step "$wanted: installing from PyPI into $TOOLS_DIR/venv"
        [ -x "$TOOLS_DIR/venv/bin/python" ] || python3 -m venv "$TOOLS_DIR/venv"
        "$TOOLS_DIR/venv/bin/pip" install --quiet $wanted
    fi
    export PRATICHE_TEST_PYTHON="$TOOLS_DIR/venv/bin/python"
}

# nginx (Debian's package) for the test of two instances behind the proxy,
# with deploy/nginx/pratiche.conf as it is; its service is never started.
ensure_nginx() {
    if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
        step "nginx: present"
    else
        step "nginx: installing (Debian package nginx-light)"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light
    fi
    # The proxy test's load during a rolling restart.
    if command -v wrk >/dev/null; then
        step "wrk: present"
    else
        step "wrk: installing (Debian package)"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
    fi
}

# The deployment's systemd unit is checked by systemd itself: it parses,
# and its exposure (systemd-analyze security) stays low.
check_systemd_unit() {
    if ! command -v systemd-analyze >/dev/null; then
        step "systemd-analyze: not here, deploy/pratiche.service not checked"
        return 0
    fi
    local folder
    folder="$(mktemp -d)"
    # The unit as it is, but for a binary that exists here.
    sed "s#/opt/pratiche/pratiche-server#/bin/true#" "$REPO_ROOT/deploy/pratiche.service" >"$folder/pratiche.service"
    systemd-analyze verify "$folder/pratiche.service"
    systemd-analyze security --offline=true --threshold=20 "$folder/pratiche.service" | tail -n1
    rm -rf "$folder"
}

ensure_schemathesis() {
    if "$TOOLS_DIR/venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
        step "schemathesis $SCHEMATHESIS_VERSION: present"
    else
        step "schemathesis $SCHEMATHESIS_VERSION: installing from PyPI into $TOOLS_DIR/venv"
        python3 -m venv "$TOOLS_DIR/venv"
        "$TOOLS_DIR/venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
    fi
}

# Fuzzes the API of the release server (demo data on a fresh SQLite
# database) from its own OpenAPI document, a bounded number of examples per
# operation: no server error, no answer outside the documented schemas.
fuzz_api() {
    local data port token answers status=0
    data="$(mktemp -d)"
    # A port free now: never a stale server left on a fixed one.
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    serve_demo "$port" "$data"
    token="$(demo_api_token "http://127.0.0.1:$port")" || { kill "$SERVER_PID"; rm -rf "$data"; return 1; }
    answers="$data/answers.log"
    PRATICHE_FUZZ_LOG="$answers" SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$REPO_ROOT/scripts" \
        "$TOOLS_DIR/venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
        -H "Authorization: Bearer $token" \
        --max-examples 50 --checks not_a_server_error,response_schema_conformance || status=$?
    kill "$SERVER_PID"
    # Proof that the token worked: operations behind it answered 2xx.
    local authorized
    authorized=$(grep -Ev '^(GET|POST) /api/v1/(token|openapi.json|docs) ' "$answers" | grep -c ' 2[0-9][0-9]$' || true)
    echo "fuzzing: $authorized answers 2xx from operations behind the token"
    if [ "$authorized" -eq 0 ]; then
        echo "no authenticated operation answered 2xx: the run tested only refusals" >&2
        status=1
    fi
    rm -rf "$data"
    return "$status"
}

# Starts the release server (or SERVER_BINARY) in the background on port $1
# with the data folder $2 (demo data, lookup and API rate limits off,
# warnings only), sets SERVER_PID and waits until it answers /healthz.
serve_demo() {
    export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site"
    export LEPTOS_SITE_ADDR="127.0.0.1:$1"
    export PRATICHE_DATA_DIR="$2"
    export PRATICHE_PUBLIC_URL="http://127.0.0.1:$1"
    export PRATICHE_DEMO=1
    # Limits off, unless a benchmark of the limits sets them.
    export PRATICHE_LOOKUP_PER_MINUTE="${BENCH_LOOKUP_PER_MINUTE:-0}"
    export PRATICHE_API_PER_MINUTE=0
    export PRATICHE_DRAIN_SECONDS=0
    export RUST_LOG=warn
    "${SERVER_BINARY:-$CARGO_TARGET_DIR/release/pratiche-server}" &
    SERVER_PID=$!
    wait_until_ready "$1"
}

# Waits up to 10 s for the server on port $1 to answer /healthz.
wait_until_ready() {
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server on port $1 did not become ready" >&2
    return 1
}
