//! The staff entrance: sign-in at `/area-riservata`, and the account page
//! (who is signed in, recent sign-ins, sign out, sign out everywhere, the
//! address for technical notices, change the password). Plain forms posting to the server's handlers.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Rome;
use http::StatusCode;
use http::header::{HeaderValue, LOCATION, RETRY_AFTER};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_router::hooks::use_query_map;
use pratiche_db::accounts::{find_user_by_id, recent_sessions};

use pratiche_domain::account::Role;

use crate::components::{Crumb, PageLayout, answer_privately};
use crate::context::{AppContext, SignedIn};
use crate::i18n::use_i18n;
use crate::paths;

/// Why a sign-in was refused, handed to the page by the server's handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    WrongCredentials {
        username: String,
    },
    Locked {
        retry_after_secs: u64,
    },
    /// Too many password checks at once: try again in a moment (503).
    Busy {
        retry_after_secs: u64,
    },
}

/// The refusals of the back office's handlers and server functions, in
/// both languages (they answer before any page is rendered).
pub const ONLY_BODY_STAFF: &str =
    "Solo il personale di un ente gestisce le pratiche. / Only a body's staff handle applications.";
pub const NOT_OWN_PRATICA: &str =
    "Nessuna pratica del suo ente ha questo codice. / No application of your body has this code.";

pub(crate) fn signed_in() -> Option<SignedIn> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
}

/// The signed-in member of a body's staff calling a server function, and
/// their body, as the staff's pages and form handlers require: 401 without
/// a session, 403 for an account of no body (the province's).
pub(crate) fn body_staff() -> Result<(SignedIn, i32), ServerFnError> {
    let Some(user) = signed_in() else {
        answer_privately(StatusCode::UNAUTHORIZED);
        return Err(ServerFnError::ServerError(
            "Accesso richiesto. / Sign-in required.".into(),
        ));
    };
    let Some(body_id) = user.body_id else {
        answer_privately(StatusCode::FORBIDDEN);
        return Err(ServerFnError::ServerError(ONLY_BODY_STAFF.into()));
    };
    Ok((user, body_id))
}

/// A server function's answer when the database does not answer: 503,
/// logged with what was being done.
pub(crate) fn database_unavailable(doing: &str, error: &pratiche_db::DbErr) -> ServerFnError {
    tracing::error!(%error, "cannot {doing}");
    answer_privately(StatusCode::SERVICE_UNAVAILABLE);
    ServerFnError::ServerError("database unavailable".into())
}

/// A back-office form as a server function receives it: URL-encoded, as
/// the browser posts it, read with the form handler's own struct. Anything
/// else is the caller's mistake (400).
pub(crate) fn read_posted<T: serde::de::DeserializeOwned>(
    posted: &str,
) -> Result<T, ServerFnError> {
    serde_urlencoded::from_str(posted)
        .map_err(|error| ServerFnError::Args(format!("not the form's fields: {error}")))
}

pub(crate) fn redirect(to: &'static str) -> AnyView {
    answer_privately(StatusCode::SEE_OTHER);
    expect_context::<ResponseOptions>().insert_header(LOCATION, HeaderValue::from_static(to));
    ().into_any()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    if let Some(user) = signed_in() {
        return redirect(if user.body_id.is_some() {
            paths::DASHBOARD
        } else {
            paths::ACCOUNT
        });
    }
    let i18n = use_i18n();
    let problem = use_context::<SignInProblem>();
    let response = expect_context::<ResponseOptions>();
    let (message, username) = match &problem {
        Some(SignInProblem::WrongCredentials { username }) => {
            answer_privately(StatusCode::UNAUTHORIZED);
            (Some(i18n.t("signin-wrong")), username.clone())
        }
        Some(SignInProblem::Locked { retry_after_secs }) => {
            answer_privately(StatusCode::TOO_MANY_REQUESTS);
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            let minutes = retry_after_secs.div_ceil(60).max(1);
            (
                Some(i18n.t_with("signin-locked", &[("minutes", minutes.into())])),
                String::new(),
            )
        }
        Some(SignInProblem::Busy { retry_after_secs }) => {
            answer_privately(StatusCode::SERVICE_UNAVAILABLE);
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            (Some(i18n.t("signin-busy")), String::new())
        }
        None => {
            answer_privately(StatusCode::OK);
            (None, String::new())
        }
    };
    let title = i18n.t("signin-title");
    let email = expect_context::<AppContext>().installation_email;
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <h1>{title}</h1>
            <p class="lead">{i18n.t("signin-intro")}</p>
            {message.map(|message| view! { <p class="form-error" role="alert" id="signin-error">{message}</p> })}
            <form class="staff-form" method="post" action=paths::SIGN_IN_FORM>
                <label class="field-label" for="username">{i18n.t("signin-username")}</label>
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
                    spellcheck="false" required value=username/>
                <label class="field-label" for="password">{i18n.t("signin-password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button class="button" type="submit">{i18n.t("signin-submit")}</button>
            </form>
            <p class="hint">
                {i18n.t("staff-contact")}" "
                <a href=format!("mailto:{email}")>{email.to_string()}</a>
                "."
            </p>
        </PageLayout>
    }
    .into_any()
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    answer_privately(StatusCode::OK);
    let i18n = use_i18n();
    let outcome = use_query_map().read_untracked().get("esito");
    let shown = |outcomes: &[&str], prefix: &str, successes: &[&str]| {
        let outcome = outcome
            .as_deref()
            .filter(|outcome| outcomes.contains(outcome))?;
        let class = if successes.contains(&outcome) {
            "form-success"
        } else {
            "form-error"
        };
        Some(view! { <p class=class role="status">{i18n.t(&format!("{prefix}{outcome}"))}</p> })
    };
    let password_outcome = shown(
        &[
            "password-changed",
            "wrong-current",
            "too-short",
            "too-long",
            "mismatch",
            "locked",
            "busy",
        ],
        "account-password-",
        &["password-changed"],
    );
    let email_outcome = shown(
        &["email-saved", "email-removed", "email-invalid"],
        "account-",
        &["email-saved", "email-removed"],
    );
    let email_field = Suspend::new({
        let db = expect_context::<AppContext>().db;
        let user_id = user.user_id;
        async move {
            let email = find_user_by_id(&db, user_id)
                .await
                .ok()
                .flatten()
                .and_then(|user| user.email)
                .unwrap_or_default();
            view! { <input id="email" name="email" type="email" autocomplete="email" maxlength="254" aria-describedby="email-hint" value=email/> }
        }
    });
    let db = expect_context::<AppContext>().db;
    let current_session = user.session_id.clone();
    let sessions = Suspend::new(async move {
        let sessions = recent_sessions(&db, user.user_id, 10)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "cannot list sign-ins");
                Vec::new()
            });
        let i18n = use_i18n();
        let now = Utc::now();
        sessions
            .into_iter()
            .map(|session| {
                let state = if session.id == current_session {
                    i18n.t("account-session-current")
                } else if session.revoked_at.is_none() && session.expires_at > now {
                    i18n.t("account-session-active")
                } else {
                    i18n.t("account-session-ended")
                };
                view! {
                    <tr>
                        <td>{rome_time(&i18n, session.created_at)}</td>
                        <td>{session.client_address.unwrap_or_default()}</td>
                        <td class="user-agent">{session.user_agent.unwrap_or_default()}</td>
                        <td>{state}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    let title = i18n.t("account-title");
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <StaffNav/>
            <h1>{title}</h1>
            <dl class="details">
                <dt>{i18n.t("account-name")}</dt>
                <dd>{user.display_name.clone()}</dd>
                <dt>{i18n.t("account-username")}</dt>
                <dd>{user.username.clone()}</dd>
                <dt>{i18n.t("account-role")}</dt>
                <dd>{i18n.t(&format!("account-role-{}", user.role))}</dd>
            </dl>
            <form method="post" action=paths::SIGN_OUT>
                <button class="button" type="submit">{i18n.t("account-sign-out")}</button>
            </form>

            <h2>{i18n.t("account-sessions-title")}</h2>
            <div class="table-scroll">
                <table class="sessions">
                    <thead>
                        <tr>
                            <th scope="col">{i18n.t("account-session-when")}</th>
                            <th scope="col">{i18n.t("account-session-where")}</th>
                            <th scope="col">{i18n.t("account-session-device")}</th>
                            <th scope="col">{i18n.t("account-session-state")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <Suspense fallback=|| ()>{sessions}</Suspense>
                    </tbody>
                </table>
            </div>
            <form method="post" action=paths::SIGN_OUT_EVERYWHERE>
                <button class="button button-secondary" type="submit">{i18n.t("account-sign-out-everywhere")}</button>
            </form>

            <h2 id="email-title">{i18n.t("account-email-title")}</h2>
            {email_outcome}
            <form class="staff-form" method="post" action=paths::ACCOUNT_EMAIL aria-labelledby="email-title">
                <label class="field-label" for="email">{i18n.t("account-email-label")}</label>
                <p id="email-hint" class="hint">{i18n.t("account-email-hint")}</p>
                <Suspense fallback=|| ()>{email_field}</Suspense>
                <button class="button" type="submit">{i18n.t("account-email-submit")}</button>
            </form>

            <h2 id="password-title">{i18n.t("account-password-title")}</h2>
            {password_outcome}
            <form class="staff-form" method="post" action=paths::PASSWORD aria-labelledby="password-title">
                <input type="text" name="username" autocomplete="username" value=user.username.clone() hidden/>
                <label class="field-label" for="current">{i18n.t("account-password-current")}</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                <label class="field-label" for="new">{i18n.t("account-password-new")}</label>
                <p id="new-hint" class="hint">{i18n.t("account-password-hint")}</p>
                <input id="new" name="new" type="password" autocomplete="new-password" aria-describedby="new-hint" required/>
                <label class="field-label" for="confirm">{i18n.t("account-password-confirm")}</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" required/>
                <button class="button" type="submit">{i18n.t("account-password-submit")}</button>
            </form>
        </PageLayout>
    }
    .into_any()
}

/// "27 novembre 2026, 14:05" in Europe/Rome.
pub(crate) fn rome_time(i18n: &crate::i18n::I18n, instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&Rome);
    format!(
        "{}, {}",
        i18n.date(local.date_naive()),
        local.format("%H:%M")
    )
}

/// The staff area's own navigation.
#[component]
pub fn StaffNav() -> impl IntoView {
    let i18n = use_i18n();
    let role = signed_in().and_then(|user| user.role.parse::<Role>().ok());
    let links: &[(&str, &str)] = match role {
        Some(Role::ProvinceAdmin) => &[
            (paths::BODIES, "bo-nav-bodies"),
            (paths::AUDIT, "bo-nav-audit"),
        ],
        Some(Role::BodyAdmin) => &[
            (paths::DASHBOARD, "bo-nav-cases"),
            (paths::REGISTRATION, "bo-nav-register"),
            (paths::STAFF, "bo-nav-staff"),
            (paths::PROCEDURES, "bo-nav-procedures"),
            (paths::BODY, "bo-nav-body"),
            (paths::API_CLIENTS, "bo-nav-api"),
            (paths::AUDIT, "bo-nav-audit"),
        ],
        _ => &[
            (paths::DASHBOARD, "bo-nav-cases"),
            (paths::REGISTRATION, "bo-nav-register"),
        ],
    };
    view! {
        <nav class="staff-nav" aria-label=i18n.t("bo-nav-label")>
            <ul>
                {links.iter().map(|(href, key)| view! { <li><a href=*href>{i18n.t(key)}</a></li> }).collect_view()}
                <li><a href=paths::ACCOUNT>{i18n.t("bo-nav-account")}</a></li>
            </ul>
        </nav>
    }
}
