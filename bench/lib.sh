# Shared by the benchmark scripts (sourced, never run): the load database,
# the servers, wrk runs and the scenarios that more than one script drives.

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"

export BENCH_DIR="$REPO_ROOT/bench"
REFERENCE="$CARGO_TARGET_DIR/release/pratiche-bench-reference"
APP="$CARGO_TARGET_DIR/release/pratiche-server"

ensure_wrk() {
    command -v wrk >/dev/null || { step "wrk: installing (Debian package)"; as_root apt-get install -y wrk; }
}

# The release server with its islands, and the reference server.
build_bench() {
    ensure_wrk
    ensure_build_tools
    build_release
    step "Building the reference server (bench/reference, release profile)"
    (cd "$REPO_ROOT" && cargo build --release -p pratiche-bench-reference)
}

# Sets DATABASE (postgresql or sqlite) and DATA, the data folder, for a
# database of $1 pratiche: DATABASE_URL's when it names PostgreSQL (the data
# folder then holds only the app's files: keys, settings), else a SQLite file
# in bench/.data.
choose_database() {
    if [[ "${DATABASE_URL:-}" == postgres* ]]; then
        DATABASE=postgresql
        # Instances sharing a PostgreSQL database share a signing key.
        export PRATICHE_SIGNING_KEY="${PRATICHE_SIGNING_KEY:-pratiche-benchmark-key-not-a-secret-0123456789}"
        DATA="$REPO_ROOT/bench/.data/postgres-$(echo "$DATABASE_URL" | md5sum | cut -c1-8)"
    else
        DATABASE=sqlite
        unset DATABASE_URL
        DATA="$REPO_ROOT/bench/.data/sqlite-$1"
    fi
}

# The database the app runs on: DATABASE_URL when it names PostgreSQL,
# else the SQLite file of the data folder $1.
database_url() {
    if [[ "${DATABASE_URL:-}" == postgres* ]]; then
        echo "$DATABASE_URL"
    else
        echo "sqlite://$1/pratiche.db?mode=rwc"
    fi
}

# Makes sure the database of data folder $1 (or DATABASE_URL's) holds $2
# synthetic pratiche with 3 to 8 events each: generated once, then reused.
prepare_load_data() {
    local data="$1" cases="$2" port="$3"
    mkdir -p "$data"
    if [[ -f "$data/.generated-$cases" ]]; then
        return
    fi
    step "Generating $cases pratiche (once per database)"
    # The first start creates the schema and the demo bodies, types and accounts.
    serve_demo "$port" "$data" || return 1
    stop_server
    "$APP" generate-load "$cases" 1 || return 1
    touch "$data/.generated-$cases"
}

# For a script measuring one part: builds the release app, makes sure the
# load database of BENCH_CASES (100,000) pratiche exists (choose_database)
# and starts the app on it at BENCH_PORT (3999), limits off, until the
# script exits; sets CASES, PORT and DATA.
serve_load_database() {
    CASES="${BENCH_CASES:-100000}"
    PORT="${BENCH_PORT:-3999}"
    choose_database "$CASES"
    ensure_wrk
    ensure_build_tools
    build_release
    prepare_load_data "$DATA" "$CASES" "$PORT"
    step "Starting the server (rate limits off)"
    serve_demo "$PORT" "$DATA"
    trap stop_server EXIT
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    return 0
}

# Starts the reference server on port $1 against the database of data
# folder $2; sets REFERENCE_PID.
serve_reference() {
    DATABASE_URL="$(database_url "$2")" "$REFERENCE" serve "127.0.0.1:$1" &
    REFERENCE_PID=$!
    wait_until_ready "$1"
}

# Runs wrk and sets rps, p50_ms, p95_ms, p99_ms, requests and errors from
# the RESULT line of p95.lua (or of a script that loads it). Arguments:
# connections, seconds, lua script, URL, then extra wrk arguments.
measure() {
    local connections="$1" seconds="$2" script="$3" url="$4" line
    shift 4
    line=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$script" "$url" "$@" | grep '^RESULT')
    eval "$(echo "${line#RESULT }" | tr ' ' '\n')"
}

# Signs the demo clerk of Valdoria in at $1 and prints the session cookie.
clerk_cookie() {
    curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
        --data 'username=demo-operatore-valdoria&password=demo-pratiche-2026' \
        "$1/area-riservata/accedi" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1
}

DASHBOARD_FILTERS=("" "fase=in_review" "fase=documents_requested" "tipo=1" "scadenza=scadute"
    "scadenza=settimana" "q=capannone" "q=PROT.+2026" "q=ampliamento&fase=in_review" "pagina=200")

# Each dashboard filter of a clerk of the app at $1 for $2 seconds with $3
# connections; calls `report_row NAME` after each (rps, p50_ms... are set).
dashboard_filters() {
    local base="$1" seconds="$2" connections="$3" cookie filter
    cookie=$(clerk_cookie "$base")
    [[ -n "$cookie" ]] || { echo "sign-in failed" >&2; return 1; }
    for filter in "${DASHBOARD_FILTERS[@]}"; do
        measure "$connections" "$seconds" "$BENCH_DIR/p95.lua" \
            "$base/area-riservata/pratiche?$filter" -H "Cookie: $cookie"
        report_row "dashboard ${filter:-(no filter)}"
    done
}

# Creates $2 pratiche of the first procedure type through the API of the app
# at $1 with the token $3 (the same own references each time, so a second
# run finds them again; $5, default BENCH, names the set); writes their
# codes to the file $4 and prints the id of the state "Istruttoria", which
# may follow itself.
prepare_push() {
    local base="$1" count="$2" token="$3" codes="$4" set="${5:-BENCH}" types type_id submitted
    types=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/procedure-types")
    type_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])' <<<"$types")
    submitted=$(date -u -d '10 days ago' +%F)
    for n in $(seq "$count"); do
        # PUSH_SUBSCRIBERS=1: each pratica has a subscriber, so each push
        # that changes the public page queues a mail.
        applicant=
        [[ "${PUSH_SUBSCRIBERS:-}" == 1 ]] &&
            applicant=",\"applicant_email\":\"bench$n@example.it\",\"email_consent\":true"
        curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"own_reference\":\"$set/$n\",\"procedure_type_id\":$type_id,\"subject\":\"Benchmark\",\"submitted_on\":\"$submitted\",\"office\":\"SUE\",\"responsible\":\"Bench\",\"responsible_contact\":\"bench@example.it\"$applicant}" \
            "$base/api/v1/pratiche" | grep -o '"code":"[^"]*"' | head -n1 | cut -d'"' -f4
    done >"$codes"
    [[ $(wc -l <"$codes") -eq "$count" ]] || { echo "pratiche not created" >&2; return 1; }
    python3 -c 'import json,sys; t=json.load(sys.stdin)[0]; print([s["id"] for s in t["states"] if s["name"]=="Istruttoria"][0])' <<<"$types"
}

# Pushes status events to random pratiche of the codes file $3 at $1 with
# the token $2, state $4, for $5 seconds with $6 connections.
push_events() {
    local base="$1" token="$2" codes="$3" state="$4" seconds="$5" connections="$6"
    measure "$connections" "$seconds" "$BENCH_DIR/push.lua" "$base" \
        -- "$codes" "$token" "$state" "$(date -u -d '1 hour ago' +%FT%TZ)" "${PUSH_NOTE:-}"
}
