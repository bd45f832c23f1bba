//! Builds the application from its settings: database, demo data, routes and
//! middleware, and a bound listener.
//!
//! The router and its whole middleware stack stay in one place, so their
//! order reads top to bottom.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::Utc;
use ipnet::IpNet;
use leptos::prelude::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use pratiche_app::context::{AppContext, LookupLimit, LookupReceipts};
use pratiche_app::csp::content_security_policy;
use pratiche_app::paths;
use pratiche_app::{App, shell};
use pratiche_db::cases::WriteError;
use pratiche_db::demo::DEMO_PASSWORD;
use pratiche_db::group_commit::GroupCommit;
use pratiche_db::{DatabaseConnection, DbErr};
use pratiche_domain::account::NewPassword;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::alerts::Alerts;
use crate::api::auth::{ApiTokens, ClientRows, TokenFailures};
use crate::api::idempotency;
use crate::api::{self, Api};
use crate::auth::devices::Devices;
use crate::auth::handlers;
use crate::auth::keys::{self, KeyError};
use crate::auth::passwords::Passwords;
use crate::auth::session::{self, Sessions};
use crate::auth::tokens::TokenSigner;
use crate::config::{LimitStore, Settings};
use crate::csrf::{self, CrossSite, SiteOrigin};
use crate::language;
use crate::lifecycle::Lifecycle;
use crate::notify::IoSending;
use crate::notify::io::IoClient;
use crate::notify::{self, email::Mailer, links::Links};
use crate::office::BackOffice;
use crate::page_nonce;
use crate::pages::{self, PageContext, case::CasePages};
use crate::rate_limit::{self, KeyedLimiter, LookupLimiter};
use crate::remembered;
use crate::responses::SecureCookies;
use crate::telemetry::{self, PathRedactor};
use crate::{admin, backoffice, case_feed, jobs, path_spelling, server_fn_errors, transparency};
use pratiche_db::transparency::ProcessingTimesCache;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(#[source] DbErr),
    #[error("cannot apply the migrations: {0}")]
    Migrations(#[source] DbErr),
    #[error("cannot load the demo data: {0}")]
    Demo(#[source] WriteError),
    #[error(
        "demo accounts exist but demo mode is off: delete them (or the database) first, or set PRATICHE_DEMO=1"
    )]
    DemoUsersOutsideDemo,
    #[error(
        "PRATICHE_DEMO=1 on a database with real accounts: demo accounts, whose password is published, never go beside them; use an empty database for the demo"
    )]
    DemoBesideRealAccounts,
    #[error(transparent)]
    SigningKey(#[from] KeyError),
    #[error("cannot set up the SMTP connection: {0}")]
    Mail(#[source] lettre::transport::smtp::Error),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// `/metrics` on its own address, when configured.
    metrics: Option<(TcpListener, Router)>,
    lifecycle: Lifecycle,
    /// How long `/healthz` says 503 before the listener closes.
    drain: std::time::Duration,
}

impl Application {
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        if let Some(start) = settings.clock_start {
            pratiche_db::clock::start_clock_at(start);
            tracing::warn!(%start, "demo mode: the clock was started at a chosen instant");
        }
        let db = open_database(settings).await?;
        let lifecycle = Lifecycle::default();
        let signing_key = keys::load(settings)?;
        let signer = TokenSigner::new(&signing_key);
        let passwords = Passwords::new();
        if settings.demo {
            if pratiche_db::accounts::has_users(&db, false)
                .await
                .map_err(StartupError::Database)?
            {
                return Err(StartupError::DemoBesideRealAccounts);
            }
            let now = pratiche_db::clock::now();
            let today = pratiche_db::clock::rome_date(now);
            let demo_password =
                NewPassword::parse(DEMO_PASSWORD).expect("the demo password meets the policy");
            let demo_hash = passwords.hash(&demo_password).await;
            if pratiche_db::demo::load_if_empty(&db, now, today, &demo_hash)
                .await
                .map_err(StartupError::Demo)?
            {
                tracing::info!("demo data loaded");
            }
        } else if pratiche_db::accounts::has_users(&db, true)
            .await
            .map_err(StartupError::Database)?
        {
            return Err(StartupError::DemoUsersOutsideDemo);
        }
        let trusted_proxies: Arc<[IpNet]> = settings.trusted_proxies.clone().into();
        let context = AppContext {
            db: db.clone(),
            installation_name: Arc::from(settings.installation_name.as_str()),
            public_url: Arc::from(settings.public_url.as_str()),
            installation_email: Arc::from(settings.installation_email.as_str()),
            retention: chrono::Duration::days(i64::from(settings.retention_days)),
            lookups: lookup_limit(settings, &db, &trusted_proxies),
            alerts_by_mail: settings.mail.is_some(),
            app_io: settings.secrets_key.is_some(),
            processing_times: Default::default(),
            receipts: LookupReceipts::new(settings.secure_cookies().0),
        };
        jobs::spawn_every(THROTTLE_PURGE_EVERY, "expired sign-in counters purged", {
            let db = db.clone();
            move || {
                let db = db.clone();
                async move { pratiche_db::accounts::purge_throttles(&db, Utc::now()).await }
            }
        });
        spawn_retention(settings, &db);
        jobs::spawn_every(
            ProcessingTimesCache::REFRESH_EVERY,
            "bodies' processing times computed",
            {
                let (db, cache) = (db.clone(), context.processing_times.clone());
                move || {
                    let (db, cache) = (db.clone(), cache.clone());
                    async move { cache.refresh(&db).await }
                }
            },
        );
        if settings.limit_store == LimitStore::Database {
            jobs::spawn_every(rate_limit::PURGE_INTERVAL, "full rate limits forgotten", {
                let db = db.clone();
                move || {
                    let db = db.clone();
                    async move {
                        pratiche_db::rate_limits::purge(&db, pratiche_db::rate_limits::now_ns())
                            .await
                    }
                }
            });
        }
        let back_office = BackOffice {
            sessions: Sessions::new(db.clone(), signer, settings.secure_cookies()),
            devices: Devices::new(&signing_key, settings.secure_cookies()),
            passwords,
            trusted_proxies: trusted_proxies.clone(),
            options: settings.leptos.clone(),
            context: context.clone(),
            api_client_rows: ClientRows::default(),
            io: settings.secrets_key.clone().map(|secrets| IoSending {
                client: IoClient::new(&settings.io_url),
                secrets,
            }),
            secrets: settings.secrets_key.clone(),
            outbound: settings.outbound,
        };
        if let Some(secrets) = settings.secrets_key.clone() {
            crate::webhooks::Worker::new(db.clone(), secrets, settings.outbound).spawn(&lifecycle);
        }
        let api = api_state(
            settings,
            db.clone(),
            &signing_key,
            back_office.api_client_rows.clone(),
            trusted_proxies,
        );
        let alerts = start_notifications(settings, &db, &signing_key, &lifecycle, &back_office)?;
        let metrics = match settings.metrics_addr {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .map_err(|source| StartupError::Listen { address, source })?;
                Some((
                    listener,
                    crate::metrics::router(crate::metrics::install(), db.clone()),
                ))
            }
            None => None,
        };
        let router = router(
            settings,
            context,
            db,
            back_office,
            api,
            alerts,
            lifecycle.clone(),
        );
        let address = settings.leptos.site_addr;
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartupError::Listen { address, source })?;
        Ok(Self {
            listener,
            router,
            metrics,
            lifecycle,
            drain: settings.drain,
        })
    }

    /// The address actually bound (the port may have been 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where `/metrics` is served, if it is.
    pub fn metrics_addr(&self) -> Option<std::io::Result<SocketAddr>> {
        self.metrics
            .as_ref()
            .map(|(listener, _)| listener.local_addr())
    }

    /// Serves until Ctrl-C or SIGTERM, then stops as [`crate::lifecycle`]
    /// says: `/healthz` 503 for the drain period, the listener closed, the
    /// requests and the deliveries under way finished.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some((listener, router)) = self.metrics {
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics listener stopped");
                }
            });
        }
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let (lifecycle, drain) = (self.lifecycle.clone(), self.drain);
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                lifecycle.begin_stop();
                tracing::info!(
                    ?drain,
                    "stopping: /healthz answers 503 while the proxy drains"
                );
                tokio::time::sleep(drain).await;
                tracing::info!("stopping: no new connections; finishing the requests under way");
            })
            .await?;
        self.lifecycle.finish().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Opens the configured database (creating the SQLite folder if needed) and
/// applies pending migrations.
pub async fn open_database(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    if settings.database.url.starts_with("sqlite:") {
        let path = &settings.database.data_dir;
        std::fs::create_dir_all(path).map_err(|source| StartupError::DataDir {
            path: path.display().to_string(),
            source,
        })?;
    }
    let db = pratiche_db::connect(&settings.database.url)
        .await
        .map_err(StartupError::Database)?;
    pratiche_db::migrate(&db)
        .await
        .map_err(StartupError::Migrations)?;
    Ok(db)
}

/// When e-mail or App IO is configured, starts the reminders and the
/// outbox's worker; the citizens' alert forms' state, when mail is.
fn start_notifications(
    settings: &Settings,
    db: &DatabaseConnection,
    signing_key: &keys::SigningKey,
    lifecycle: &Lifecycle,
    back_office: &BackOffice,
) -> Result<Option<Alerts>, StartupError> {
    let mailer = settings
        .mail
        .as_ref()
        .map(Mailer::new)
        .transpose()
        .map_err(StartupError::Mail)?;
    if mailer.is_none() {
        tracing::warn!("no SMTP server configured (PRATICHE_SMTP_HOST): no e-mail alerts");
    }
    let io = back_office.io.clone();
    if io.is_none() {
        tracing::warn!("no PRATICHE_SECRETS_KEY: bodies can use neither App IO nor webhooks");
    }
    if mailer.is_none() && io.is_none() {
        return Ok(None);
    }
    jobs::spawn_every(REMINDERS_EVERY, "reminders due", {
        let db = db.clone();
        move || {
            let db = db.clone();
            async move {
                let now = Utc::now();
                let today = pratiche_db::clock::rome_date(now);
                let due = pratiche_db::notifications::queue_reminders(&db, today, now).await?;
                Ok(u64::try_from(due).unwrap_or(u64::MAX))
            }
        }
    });
    let links = Links::new(signing_key, &settings.public_url);
    let by_mail = mailer.is_some();
    notify::Worker {
        db: db.clone(),
        mailer,
        io,
        links: links.clone(),
        public_url: settings.public_url.clone(),
        retention: chrono::Duration::days(i64::from(settings.retention_days)),
        coalesce: settings.coalesce,
    }
    .spawn(lifecycle);
    Ok(by_mail.then(|| Alerts {
        office: back_office.clone(),
        links,
    }))
}

/// The citizens' alert forms, when mail is configured.
fn alert_routes(alerts: Option<Alerts>) -> Router<LeptosOptions> {
    let Some(alerts) = alerts else {
        return Router::new();
    };
    Router::new()
        .route(paths::CASE_ALERTS, post(crate::alerts::subscribe))
        .route(paths::ALERTS_CONFIRM, post(crate::alerts::confirm))
        .route(paths::ALERTS_STOP, post(crate::alerts::stop))
        .with_state(alerts)
}

/// How often the day's reminders are queued (each once: their keys hold
/// their date).
const REMINDERS_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// How often pratiche closed past the retention period are erased (and at
/// every start).
const RETENTION_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// How often sign-in counters that no longer count are deleted.
const THROTTLE_PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Erases the pratiche closed past the retention period, daily, keeping
/// their anonymous figures (`pratiche_db::retention`).
fn spawn_retention(settings: &Settings, db: &DatabaseConnection) {
    let retention = chrono::Duration::days(i64::from(settings.retention_days));
    let db = db.clone();
    jobs::spawn_every(
        RETENTION_EVERY,
        "pratiche closed past the retention period erased",
        move || {
            let db = db.clone();
            async move {
                let now = Utc::now();
                let erased =
                    pratiche_db::retention::erase_closed(&db, now - retention, now).await?;
                Ok(erased.values().map(|body| body.pratiche).sum())
            }
        },
    );
}

/// The per-client limit on lookups, charged by the pages where they read a
/// pratica by code; `None` when turned off.
fn lookup_limit(
    settings: &Settings,
    db: &DatabaseConnection,
    trusted_proxies: &Arc<[IpNet]>,
) -> Option<Arc<dyn LookupLimit>> {
    let Some(limit) = settings.lookup_limit else {
        tracing::warn!("lookup rate limit turned off");
        return None;
    };
    let limiter = KeyedLimiter::new(limit, settings.limit_store, db, "lookup");
    Some(Arc::new(LookupLimiter::new(
        limiter,
        Arc::clone(trusted_proxies),
    )))
}

/// The routes that set the citizen's own cookies: language, "Le mie
/// pratiche".
fn cookie_forms() -> Vec<(&'static str, MethodRouter<SecureCookies>)> {
    vec![
        (paths::LANGUAGE, get(language::switch_language)),
        (paths::REMEMBERED, post(remembered::remember)),
        (paths::REMEMBERED_REMOVE, post(remembered::forget)),
        (paths::REMEMBERED_FORGET, post(remembered::forget_all)),
    ]
}

fn cookie_routes(secure: SecureCookies) -> Router<LeptosOptions> {
    cookie_forms()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .with_state(secure)
}

/// Every form handler of the staff area, by path. The router is built from
/// this table, and the body-isolation test enumerates it: a handler missing
/// from the test's own table fails the test.
pub fn back_office_forms() -> Vec<(&'static str, MethodRouter<BackOffice>)> {
    use admin::{api_clients, app_io, bodies, body, procedures, staff, webhooks};
    use backoffice::{registration, status_change};
    vec![
        (paths::SIGN_IN_FORM, post(handlers::sign_in)),
        (paths::SIGN_OUT, post(handlers::sign_out)),
        (
            paths::SIGN_OUT_EVERYWHERE,
            post(handlers::sign_out_everywhere),
        ),
        (paths::PASSWORD, post(handlers::change_password)),
        (paths::ACCOUNT_EMAIL, post(handlers::change_email)),
        (paths::REGISTRATION, post(registration::register_pratica)),
        (
            paths::CASE_EVENTS,
            post(status_change::record_status_change),
        ),
        (paths::STAFF, post(staff::create_member)),
        (paths::STAFF_MEMBER_STATE, post(staff::set_member_disabled)),
        (
            paths::STAFF_MEMBER_PASSWORD,
            post(staff::reset_member_password),
        ),
        (paths::BODY, post(body::update_body)),
        (paths::BODY_IO, post(app_io::save_io_key)),
        (paths::BODY_IO_CHECK, post(app_io::check_io_key)),
        (paths::PROCEDURES, post(procedures::create_procedure)),
        (paths::PROCEDURE, post(procedures::update_procedure)),
        (
            paths::PROCEDURE_PUBLIC_SHEET,
            post(procedures::update_sheet),
        ),
        (paths::PROCEDURE_STATES, post(procedures::create_state)),
        (paths::PROCEDURE_STATE, post(procedures::edit_state)),
        (
            paths::PROCEDURE_TRANSITIONS,
            post(procedures::replace_transitions),
        ),
        (paths::API_CLIENTS, post(api_clients::create_client)),
        (paths::WEBHOOKS, post(webhooks::create_webhook)),
        (paths::WEBHOOK_ACTION, post(webhooks::webhook_action)),
        (
            paths::API_CLIENT_STATE,
            post(api_clients::set_client_disabled),
        ),
        (paths::BODIES, post(bodies::create_new_body)),
        (paths::BODY_ADMINS, post(bodies::create_body_admin)),
    ]
}

/// The paths of every page (GET) of the app, as registered with the router.
pub fn page_paths() -> Vec<String> {
    generate_route_list(App)
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// Every server function registered (`leptos_routes` serves them), as
/// (method, path): for the tests that must see each one.
pub fn server_functions() -> Vec<(axum::http::Method, &'static str)> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method, path))
        .collect()
}

fn back_office_routes(back_office: BackOffice) -> Router<LeptosOptions> {
    back_office_forms()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .with_state(back_office)
}

/// The API's shared state; starts its rate limiter's and idempotency keys'
/// purges.
fn api_state(
    settings: &Settings,
    db: DatabaseConnection,
    key: &keys::SigningKey,
    client_rows: ClientRows,
    trusted_proxies: Arc<[IpNet]>,
) -> Api {
    let limiter = settings
        .api_limit
        .map(|limit| KeyedLimiter::new(limit, settings.limit_store, &db, "api"));
    if limiter.is_none() {
        tracing::warn!("API rate limit turned off");
    }
    idempotency::spawn_purge(
        db.clone(),
        chrono::Duration::hours(i64::from(settings.idempotency_retention_hours)),
    );
    Api {
        writes: GroupCommit::start(db.clone(), crate::metrics::observe_group_commit),
        db,
        tokens: ApiTokens::new(key),
        client_rows,
        limiter,
        token_failures: TokenFailures::default(),
        public_url: Arc::from(settings.public_url.as_str()),
        trusted_proxies,
        secrets: settings.secrets_key.clone(),
        outbound: settings.outbound,
    }
}

/// The API's routes; a panic in one of them becomes a problem+json 500.
fn api_routes(api: Api) -> Router<LeptosOptions> {
    let (routes, _) = api::api_router().split_for_parts();
    routes.layer(api_panic_guard()).with_state(api)
}

fn router(
    settings: &Settings,
    context: AppContext,
    db: DatabaseConnection,
    back_office: BackOffice,
    api: Api,
    alerts: Option<Alerts>,
    lifecycle: Lifecycle,
) -> Router {
    let sessions = back_office.sessions.clone();
    let options = settings.leptos.clone();
    let routes = generate_route_list(App);
    let feed = get(case_feed::case_feed).with_state(context.clone());
    let open_data = transparency::routes().with_state(context.clone());
    let page_context = PageContext {
        context,
        trusted_proxies: back_office.trusted_proxies.clone(),
    };
    let provide_app_context = {
        let page_context = page_context.clone();
        move || page_context.provide()
    };
    // The case page has its own handler (`pages::case`), which renders the
    // app's page when it does not answer itself.
    let case_page =
        get(pages::case::case_page).with_state(CasePages::new(page_context, options.clone()));
    let routes = routes
        .into_iter()
        .filter(|route| route.path() != paths::CASE_PAGE)
        .collect();
    let redactor = path_redactor();

    let router = Router::new()
        .route("/healthz", get(health).with_state((db, lifecycle)))
        .route(paths::CASE_PAGE, case_page)
        .route(paths::CASE_FEED, feed)
        .merge(open_data)
        .merge(back_office_routes(back_office))
        .merge(api_routes(api))
        .merge(cookie_routes(settings.secure_cookies()))
        .merge(alert_routes(alerts))
        .leptos_routes_with_context(&options, routes, provide_app_context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        });
    // Counted per route template, when metrics are served.
    let router = if settings.metrics_addr.is_some() {
        router.route_layer(middleware::from_fn(crate::metrics::track))
    } else {
        router
    };
    let router = router
        .fallback(file_and_error_handler_with_context(
            provide_app_context,
            shell,
        ))
        .with_state(options);

    // The middleware wraps the router once, as one service, rather than
    // each route (`Router::layer`): axum clones a route's whole stack of
    // layers on every request, once per layer, so per-route layers cost a
    // clone of every handler's state per layer (bench/RESULTS.md).
    let hashed_bundle = settings.leptos.hash_files;
    let https = settings.secure_cookies().0;
    let default_policy = HeaderValue::from_str(&content_security_policy(None))
        .expect("the policy is a valid header value");
    let middleware = ServiceBuilder::new()
        // axum's own response type, as `axum::serve` wants it.
        .map_response(IntoResponse::into_response)
        .map_request(telemetry::keep_plain_request_id)
        .layer(telemetry::request_id())
        .layer(telemetry::answer_request_id())
        .layer(telemetry::access_log(redactor.clone()))
        .layer(middleware::from_fn(path_spelling::reject_ambiguous))
        // A cross-site write is refused before any other processing.
        .layer(middleware::from_fn_with_state(
            CrossSite {
                origin: SiteOrigin::from_public_url(&settings.public_url),
                redactor,
            },
            csrf::reject_cross_site,
        ))
        // Headers every answer carries: a Content-Security-Policy unless the
        // answer set its own (pages set one with their nonce), no framing, no
        // referrer to other sites (the site's own no-JavaScript forms keep
        // theirs), no content sniffing, no powerful browser features, and
        // HSTS under https.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            default_policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        .layer(middleware::from_fn(page_nonce::with_page_nonce))
        .layer(panic_guard())
        .layer(middleware::from_fn(
            server_fn_errors::unreadable_calls_are_bad_requests,
        ))
        .layer(middleware::from_fn(pages::drop_hydration_data))
        .layer(middleware::from_fn_with_state(
            sessions,
            session::check_session,
        ))
        .layer(middleware::from_fn(move |request, next| {
            cache_static_files(hashed_bundle, request, next)
        }));
    Router::new().fallback_service(middleware.service(router))
}

/// The literal words of every route, so the logs keep them whole.
fn path_redactor() -> PathRedactor {
    let pages = page_paths();
    let handlers: Vec<&str> = back_office_forms()
        .into_iter()
        .map(|(path, _)| path)
        .chain(api::openapi::OPENAPI.paths.paths.keys().map(String::as_str))
        .chain(cookie_forms().into_iter().map(|(path, _)| path))
        .collect();
    PathRedactor::new(
        pages
            .iter()
            .map(String::as_str)
            .chain(handlers)
            .chain(["/healthz"]),
    )
}

/// Browser features no page of ours uses, turned off for every frame.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// What answers a request whose handler panicked.
type PanicAnswer = fn(Box<dyn std::any::Any + Send + 'static>) -> Response;

/// A panic in a handler becomes a 500 instead of a reset connection.
fn panic_guard() -> CatchPanicLayer<PanicAnswer> {
    CatchPanicLayer::custom(panic_answer as PanicAnswer)
}

/// [`panic_guard`] with the API's problem+json.
fn api_panic_guard() -> CatchPanicLayer<PanicAnswer> {
    CatchPanicLayer::custom(api_panic_answer as PanicAnswer)
}

/// [`panic_answer`] as the API's problem+json.
fn api_panic_answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    crate::api::problem::ApiError::Internal.into_response()
}

/// The answer to a request whose handler panicked: a 500 that says nothing
/// of the panic (the panic hook logs where it happened).
fn panic_answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        "Errore interno: riprovi tra poco. / Internal error: please try again shortly.",
    )
        .into_response()
}

/// Files with hashed names (the bundle when built with hashes, the fonts)
/// are cached for a year; other static files are revalidated each time
/// (`no-cache`, with `Last-Modified`). Pages set their own headers.
async fn cache_static_files(hashed_bundle: bool, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !path_spelling::is_static(&path) || !response.status().is_success() {
        return response;
    }
    let hashed = path.ends_with(".woff2") || (hashed_bundle && path.starts_with("/pkg/"));
    let policy = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// 200 when the database answers, else 503.
/// 503 once the instance is stopping (so the proxy sends requests
/// elsewhere) or when the database does not answer.
async fn health(
    State((db, lifecycle)): State<(DatabaseConnection, Lifecycle)>,
) -> impl IntoResponse {
    if lifecycle.is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    match pratiche_db::ping(&db).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn answer_of(router: Router) -> (StatusCode, String, String) {
        let response = router
            .oneshot(Request::new(Body::empty()))
            .await
            .expect("an answer");
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("a body");
        (
            status,
            content_type,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn a_panic_becomes_a_500_not_a_reset() {
        let panicking = Router::new().route("/", get(boom));
        let (status, _, body) = answer_of(panicking.layer(panic_guard())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("Errore interno") && !body.contains("boom"));

        let api_boom = Router::new().route("/", get(boom));
        let (status, content_type, body) = answer_of(api_boom.layer(api_panic_guard())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(content_type, "application/problem+json");
        assert!(body.contains("problem-internal"), "{body}");
    }
}
