//! The benchmarks' yardstick: what a bare hand-written server does with the
//! same data file as Pratiche. axum and sqlx only, no framework, no
//! templates: the public case page as a small HTML page with the same
//! fields, the API's pratica as JSON (without authentication), and a status
//! push reduced to its durable writes (no idempotency key, transition check,
//! due-date recomputation or audit entry).
//!
//! ```text
//! DATABASE_URL=sqlite://…/pratiche.db pratiche-bench-reference serve 127.0.0.1:4000
//! DATABASE_URL=… pratiche-bench-reference codes 5000 [BODY_SLUG]   # existing codes
//! pratiche-bench-reference unknown-codes 5000                      # well-formed, absent
//! ```
//!
//! One file on purpose: the yardstick is a bare server anyone can read top to
//! bottom.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Pratiche's own pool size and SQLite settings (`pratiche_db::connect`).
const POOL_SIZE: u32 = 8;
/// Pratiche's default retention of closed pratiche on the public page.
const RETENTION_DAYS: i64 = 365;

#[derive(Clone)]
enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same sqlx expression on whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

impl Store {
    async fn open(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("postgres") {
            let pool = PgPoolOptions::new()
                .max_connections(POOL_SIZE)
                .connect(url)
                .await?;
            return Ok(Self::Postgres(pool));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    /// The statement that opens a write transaction taking the write lock.
    fn begin_write(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "BEGIN IMMEDIATE",
            Self::Postgres(_) => "BEGIN",
        }
    }
}

const CASE_PAGE_SQL: &str = "SELECT c.id, c.subject, c.submitted_on, c.office_name, \
    c.responsible_name, c.responsible_contact, c.current_phase, c.due_explanation, \
    t.name AS procedure_name, s.citizen_text, b.name AS body_name, b.contact_office, \
    b.contact_phone, b.contact_email, b.contact_address, b.contact_hours, \
    b.substitute_name, b.substitute_office, b.substitute_contact \
    FROM cases c JOIN bodies b ON b.id = c.body_id \
    JOIN procedure_types t ON t.id = c.procedure_type_id \
    JOIN procedure_states s ON s.id = c.current_state_id \
    WHERE c.code = $1 AND (c.closed_at IS NULL OR c.closed_at >= $2)";

const CASE_PAGE_EVENTS_SQL: &str = "SELECT occurred_at, public_phase, public_note, \
    correction_reason FROM status_events WHERE case_id = $1 \
    ORDER BY occurred_at DESC, recorded_at DESC, id DESC";

#[derive(sqlx::FromRow)]
struct CasePage {
    id: i32,
    subject: String,
    submitted_on: NaiveDate,
    office_name: String,
    responsible_name: String,
    responsible_contact: String,
    current_phase: String,
    due_explanation: Option<sqlx::types::Json<Clock>>,
    procedure_name: String,
    citizen_text: Option<String>,
    body_name: String,
    contact_office: String,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    contact_address: Option<String>,
    contact_hours: Option<String>,
    substitute_name: Option<String>,
    substitute_office: Option<String>,
    substitute_contact: Option<String>,
}

/// The one field of the stored clock explanation the page shows.
#[derive(Deserialize)]
struct Clock {
    due_on: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct PageEvent {
    occurred_at: DateTime<Utc>,
    public_phase: String,
    public_note: Option<String>,
    correction_reason: Option<String>,
}

/// `GET /p/{code}`: the same fields as Pratiche's case page.
async fn case_page(State(store): State<Store>, Path(code): Path<String>) -> Response {
    let code = code.replace('-', "").to_ascii_uppercase();
    let closed_after = Utc::now() - chrono::Days::new(RETENTION_DAYS as u64);
    let found = on_pool!(&store, pool => {
        let case = sqlx::query_as::<_, CasePage>(CASE_PAGE_SQL)
            .bind(&code)
            .bind(closed_after)
            .fetch_optional(pool)
            .await;
        match case {
            Ok(Some(case)) => sqlx::query_as::<_, PageEvent>(CASE_PAGE_EVENTS_SQL)
                .bind(case.id)
                .fetch_all(pool)
                .await
                .map(|events| Some((case, events))),
            Ok(None) => Ok(None),
            Err(error) => Err(error),
        }
    });
    match found {
        Ok(Some((case, events))) => Html(render_page(&code, &case, &events)).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Pratica non trovata</title><h1>Pratica non trovata</h1>"),
        )
            .into_response(),
        Err(error) => unavailable(error),
    }
}

fn render_page(code: &str, case: &CasePage, events: &[PageEvent]) -> String {
    let mut html = String::with_capacity(4096);
    let due = case.due_explanation.as_ref().map_or_else(
        || "non calcolata".to_owned(),
        |clock| clock.due_on.to_string(),
    );
    let _ = write!(
        html,
        "<!doctype html><html lang=\"it\"><meta charset=\"utf-8\"><title>Pratica {code}</title>\
         <h1>{subject}</h1><p>{procedure}</p><p>Stato: {phase}</p><p>{state_text}</p>\
         <p>Scadenza: {due}</p><dl><dt>Ente</dt><dd>{body}</dd><dt>Ufficio</dt><dd>{office}</dd>\
         <dt>Responsabile</dt><dd>{responsible}</dd><dt>Contatto</dt><dd>{contact}</dd>\
         <dt>Presentata il</dt><dd>{submitted}</dd></dl>\
         <p>{contact_office} {phone} {email} {address} {hours}</p>\
         <p>{substitute} {substitute_office} {substitute_contact}</p><ol>",
        subject = escape(&case.subject),
        procedure = escape(&case.procedure_name),
        phase = escape(&case.current_phase),
        state_text = escape(case.citizen_text.as_deref().unwrap_or_default()),
        body = escape(&case.body_name),
        office = escape(&case.office_name),
        responsible = escape(&case.responsible_name),
        contact = escape(&case.responsible_contact),
        submitted = case.submitted_on,
        contact_office = escape(&case.contact_office),
        phone = escape(case.contact_phone.as_deref().unwrap_or_default()),
        email = escape(case.contact_email.as_deref().unwrap_or_default()),
        address = escape(case.contact_address.as_deref().unwrap_or_default()),
        hours = escape(case.contact_hours.as_deref().unwrap_or_default()),
        substitute = escape(case.substitute_name.as_deref().unwrap_or_default()),
        substitute_office = escape(case.substitute_office.as_deref().unwrap_or_default()),
        substitute_contact = escape(case.substitute_contact.as_deref().unwrap_or_default()),
    );
    for event in events {
        let _ = write!(
            html,
            "<li>{day} {phase}{correction} {note}</li>",
            day = event.occurred_at.date_naive(),
            phase = escape(&event.public_phase),
            correction = if event.correction_reason.is_some() {
                " (rettifica)"
            } else {
                ""
            },
            note = escape(event.public_note.as_deref().unwrap_or_default()),
        );
    }
    html.push_str("</ol></html>");
    html
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

const API_CASE_SQL: &str = "SELECT c.id, c.code, c.own_reference, c.procedure_type_id, \
    t.name AS procedure_type, c.subject, c.submitted_on, c.office_name AS office, \
    c.responsible_name AS responsible, c.responsible_contact, c.current_state_id AS state_id, \
    c.current_phase AS phase, c.closed_at, c.due_date, c.due_explanation \
    FROM cases c JOIN procedure_types t ON t.id = c.procedure_type_id WHERE c.code = $1";

const API_EVENTS_SQL: &str = "SELECT e.state_id, s.name AS state, e.public_phase AS phase, \
    e.occurred_at, e.recorded_at, e.public_note, e.internal_note, e.source, e.reply_by, \
    e.extension_days, e.extension_basis, e.observations_on, e.correction_reason \
    FROM status_events e JOIN procedure_states s ON s.id = e.state_id WHERE e.case_id = $1 \
    ORDER BY e.occurred_at DESC, e.recorded_at DESC, e.id DESC";

#[derive(sqlx::FromRow, Serialize)]
struct ApiCase {
    #[serde(skip)]
    id: i32,
    code: String,
    own_reference: Option<String>,
    procedure_type_id: i32,
    procedure_type: String,
    subject: String,
    submitted_on: NaiveDate,
    office: String,
    responsible: String,
    responsible_contact: String,
    state_id: i32,
    phase: String,
    closed_at: Option<DateTime<Utc>>,
    due_date: Option<NaiveDate>,
    due_explanation: Option<sqlx::types::Json<serde_json::Value>>,
    #[sqlx(skip)]
    history: Vec<ApiEvent>,
}

#[derive(sqlx::FromRow, Serialize)]
struct ApiEvent {
    state_id: i32,
    state: String,
    phase: String,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    public_note: Option<String>,
    internal_note: Option<String>,
    source: String,
    reply_by: Option<NaiveDate>,
    extension_days: Option<i32>,
    extension_basis: Option<String>,
    observations_on: Option<NaiveDate>,
    correction_reason: Option<String>,
}

/// `GET /api/v1/pratiche/{code}`: the pratica and its whole history as JSON.
async fn api_case(State(store): State<Store>, Path(code): Path<String>) -> Response {
    let code = code.replace('-', "").to_ascii_uppercase();
    let found = on_pool!(&store, pool => {
        match sqlx::query_as::<_, ApiCase>(API_CASE_SQL).bind(&code).fetch_optional(pool).await {
            Ok(Some(mut case)) => sqlx::query_as::<_, ApiEvent>(API_EVENTS_SQL)
                .bind(case.id)
                .fetch_all(pool)
                .await
                .map(|history| {
                    case.history = history;
                    Some(case)
                }),
            other => other,
        }
    });
    match found {
        Ok(Some(case)) => Json(case).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => unavailable(error),
    }
}

#[derive(Deserialize)]
struct PushedEvent {
    state_id: i32,
    occurred_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PushTarget {
    id: i32,
    body_id: i32,
    public_phase: String,
}

const PUSH_TARGET_SQL: &str = "SELECT c.id, c.body_id, s.public_phase FROM cases c \
    JOIN procedure_states s ON s.id = $2 AND s.procedure_type_id = c.procedure_type_id \
    WHERE c.code = $1";
const NEXT_FEED_POSITION_SQL: &str =
    "UPDATE bodies SET feed_position = feed_position + 1 WHERE id = $1 RETURNING feed_position";
const INSERT_EVENT_SQL: &str = "INSERT INTO status_events (case_id, state_id, public_phase, \
    occurred_at, recorded_at, source, body_id, feed_position) \
    VALUES ($1, $2, $3, $4, $5, 'api', $6, $7)";
const UPDATE_CASE_SQL: &str = "UPDATE cases SET current_state_id = $1, current_phase = $2, \
    updated_at = $3, version = version + 1 WHERE id = $4";

/// `POST /api/v1/pratiche/{code}/events`: the event and the pratica's new
/// state in one durable transaction, nothing more.
async fn push_event(
    State(store): State<Store>,
    Path(code): Path<String>,
    Json(event): Json<PushedEvent>,
) -> Response {
    let code = code.replace('-', "").to_ascii_uppercase();
    let begin = store.begin_write();
    let now = Utc::now();
    let written: Result<bool, sqlx::Error> = on_pool!(&store, pool => async {
        let mut txn = pool.begin_with(begin).await?;
        let Some(target) = sqlx::query_as::<_, PushTarget>(PUSH_TARGET_SQL)
            .bind(&code)
            .bind(event.state_id)
            .fetch_optional(&mut *txn)
            .await?
        else {
            return Ok(false);
        };
        let position: i64 = sqlx::query_scalar(NEXT_FEED_POSITION_SQL)
            .bind(target.body_id)
            .fetch_one(&mut *txn)
            .await?;
        sqlx::query(INSERT_EVENT_SQL)
            .bind(target.id)
            .bind(event.state_id)
            .bind(&target.public_phase)
            .bind(event.occurred_at)
            .bind(now)
            .bind(target.body_id)
            .bind(position)
            .execute(&mut *txn)
            .await?;
        sqlx::query(UPDATE_CASE_SQL)
            .bind(event.state_id)
            .bind(&target.public_phase)
            .bind(now)
            .bind(target.id)
            .execute(&mut *txn)
            .await?;
        txn.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await);
    match written {
        Ok(true) => StatusCode::CREATED.into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => unavailable(error),
    }
}

fn unavailable(error: sqlx::Error) -> Response {
    eprintln!("database error: {error}");
    let mut headers = HeaderMap::new();
    headers.insert(header::RETRY_AFTER, "1".parse().expect("a header value"));
    (StatusCode::SERVICE_UNAVAILABLE, headers).into_response()
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    code: String,
}

/// Prints up to `count` existing codes in random order (of one body if
/// `body_slug` is given), in the form citizens see.
async fn print_codes(
    store: &Store,
    count: i64,
    body_slug: Option<&str>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "SELECT c.code FROM cases c JOIN bodies b ON b.id = c.body_id \
        WHERE ($1 IS NULL OR b.slug = $1) AND c.closed_at IS NULL ORDER BY random() LIMIT $2";
    let rows = on_pool!(store, pool => sqlx::query_as::<_, CodeRow>(SQL)
        .bind(body_slug)
        .bind(count)
        .fetch_all(pool)
        .await)?;
    for row in rows {
        match CaseCode::parse(&row.code) {
            Ok(code) => println!("{code}"),
            Err(error) => eprintln!("skipping a stored code that does not parse: {error}"),
        }
    }
    Ok(())
}

/// Prints the last position of the changes feed of the body `body_slug`:
/// the feed scenario reads pages after cursors below it.
async fn print_feed_end(store: &Store, body_slug: &str) -> Result<(), sqlx::Error> {
    const SQL: &str = "SELECT feed_position FROM bodies WHERE slug = $1";
    let end = on_pool!(store, pool => sqlx::query_scalar::<_, i64>(SQL)
        .bind(body_slug)
        .fetch_one(pool)
        .await)?;
    println!("{end}");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    if let ["unknown-codes", count] = arguments.as_slice() {
        // 60 random bits: 100,000 stored codes make a collision vanishingly rare.
        for _ in 0..count.parse::<u32>().unwrap_or(0) {
            println!("{}", CaseCode::generate());
        }
        return ExitCode::SUCCESS;
    }
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("DATABASE_URL is not set");
        return ExitCode::FAILURE;
    };
    let store = match Store::open(&url).await {
        Ok(store) => store,
        Err(error) => {
            eprintln!("cannot open {url}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match arguments.as_slice() {
        ["serve", address] => serve(store, address).await,
        ["codes", count, rest @ ..] if rest.len() <= 1 => {
            print_codes(&store, count.parse().unwrap_or(0), rest.first().copied())
                .await
                .map_err(|error| error.to_string())
        }
        ["feed-end", body_slug] => print_feed_end(&store, body_slug)
            .await
            .map_err(|error| error.to_string()),
        _ => Err("usage: pratiche-bench-reference serve ADDRESS | codes COUNT [BODY_SLUG] | feed-end BODY_SLUG | unknown-codes COUNT".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(store: Store, address: &str) -> Result<(), String> {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/p/{code}", get(case_page))
        .route("/api/v1/pratiche/{code}", get(api_case))
        .route("/api/v1/pratiche/{code}/events", post(push_event))
        .with_state(store);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    axum::serve(listener, app)
        .await
        .map_err(|error| error.to_string())
}
