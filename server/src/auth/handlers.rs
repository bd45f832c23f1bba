//! `/area-riservata/*` form handlers: sign in, sign out, sign out
//! everywhere, change the password. Each attempt is counted in the database
//! before the password is checked, per account and per client (per device
//! for a browser that signed in to the account before); past a few, sign-in
//! answers 429 with `Retry-After` for a growing period. A full queue of
//! password checks answers 503 at once. Nothing here sleeps, and nothing
//! logs a password.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::{DateTime, Utc};
use pratiche_app::SignInProblem;
use pratiche_app::context::SignedIn;
use pratiche_app::paths;
use pratiche_db::accounts::{self, Attempt, Client};
use pratiche_db::audit::{self, Actor, Change, Entry};
use pratiche_db::entity::user;
use pratiche_domain::account::{
    NewPassword, PasswordError, USERNAME_MAX_CHARS, Username, username_for_log,
};
use pratiche_domain::notify::EmailAddress;
use serde::Deserialize;

use super::passwords::BUSY_RETRY_AFTER_SECS;
use super::session::{ABSOLUTE, Sessions};
use crate::office::{BackOffice, WebError};
use crate::rate_limit::client_key;
use crate::responses::see_other;

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
}

pub async fn sign_in(
    State(office): State<BackOffice>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    // No such account can exist: refused before any database access.
    let Ok(username) = Username::parse(&form.username) else {
        tracing::warn!(username = %username_for_log(&form.username), "sign-in refused: not a username");
        let username = form.username.chars().take(USERNAME_MAX_CHARS).collect();
        return Ok(office
            .sign_in_page(&headers, SignInProblem::WrongCredentials { username })
            .await);
    };
    let Ok(admission) = office.passwords.admit() else {
        tracing::warn!(%username, "sign-in turned away: password checks queue full");
        return Ok(office.sign_in_page(&headers, busy()).await);
    };
    let db = &office.sessions.db;
    let now = Utc::now();
    let (client, client_details) = office.client(peer, &headers);
    // A browser that signed in to this account before is counted alone; a
    // stranger is counted per account and per client.
    let keys = match office.devices.known_for(&headers, &username) {
        Some(device) => vec![format!("device:{device}")],
        None => vec![format!("account:{username}"), format!("client:{client}")],
    };
    let locked_after = match accounts::reserve_attempt(db, &keys, now).await {
        Ok(Attempt::Reserved { locked_after }) => locked_after,
        Ok(Attempt::Locked { until }) => {
            tracing::warn!(%username, %client, "sign-in refused: too many failures");
            metrics::counter!(crate::metrics::SIGN_IN_FAILURES).increment(1);
            return Ok(office.sign_in_page(&headers, locked(until, now)).await);
        }
        Err(error) => return Err(error.into()),
    };
    let user = accounts::find_user(db, &username)
        .await?
        .filter(|user| !user.disabled);
    // An unknown user costs the same hash as a known one.
    let stored = user.as_ref().map(|user| user.password_hash.as_str());
    let matches = office
        .passwords
        .verify(&admission, &form.password, stored)
        .await;
    drop(admission);
    let Some(user) = user.filter(|_| matches) else {
        tracing::warn!(%username, %client, "sign-in failed");
        metrics::counter!(crate::metrics::SIGN_IN_FAILURES).increment(1);
        let problem = match locked_after {
            Some(until) => locked(until, now),
            None => SignInProblem::WrongCredentials {
                username: username.into_string(),
            },
        };
        return Ok(office.sign_in_page(&headers, problem).await);
    };
    accounts::clear_failures(db, &keys).await?;
    let cookie = office.start_session(&user, client_details).await?;
    tracing::info!(%username, %client, "sign-in succeeded");
    // A body's staff land on its pratiche; province admins on their account.
    let landing = if user.body_id.is_some() {
        paths::DASHBOARD
    } else {
        paths::ACCOUNT
    };
    let mut response = see_other(landing, Some(cookie));
    response.headers_mut().append(
        header::SET_COOKIE,
        office.devices.cookie_for(&user.username, now),
    );
    Ok(response)
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> SignInProblem {
    SignInProblem::Locked {
        retry_after_secs: (until - now).num_seconds().max(1) as u64,
    }
}

fn busy() -> SignInProblem {
    SignInProblem::Busy {
        retry_after_secs: BUSY_RETRY_AFTER_SECS,
    }
}

pub async fn sign_out(
    State(office): State<BackOffice>,
    signed_in: Option<Extension<SignedIn>>,
) -> Result<Response, WebError> {
    let Some(Extension(user)) = signed_in else {
        return Ok(see_other(paths::SIGN_IN, None));
    };
    accounts::revoke_session(&office.sessions.db, &user.session_id, Utc::now()).await?;
    tracing::info!(username = %user.username, "signed out");
    Ok(see_other(
        paths::SIGN_IN,
        Some(office.sessions.cookie(None)),
    ))
}

pub async fn sign_out_everywhere(
    State(office): State<BackOffice>,
    signed_in: Option<Extension<SignedIn>>,
) -> Result<Response, WebError> {
    let Some(Extension(user)) = signed_in else {
        return Ok(see_other(paths::SIGN_IN, None));
    };
    let revoked =
        accounts::revoke_all_sessions(&office.sessions.db, user.user_id, Utc::now()).await?;
    tracing::info!(username = %user.username, revoked, "signed out everywhere");
    Ok(see_other(
        paths::SIGN_IN,
        Some(office.sessions.cookie(None)),
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(office): State<BackOffice>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    signed_in: Option<Extension<SignedIn>>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let Some(Extension(signed_in)) = signed_in else {
        return Ok(see_other(paths::SIGN_IN, None));
    };
    let (_, client) = office.client(peer, &headers);
    let db = &office.sessions.db;
    let Some(user) = accounts::find_user_by_id(db, signed_in.user_id).await? else {
        return Err(WebError::SignIn);
    };
    let outcome = |what: &str| see_other(&format!("{}?esito={what}", paths::ACCOUNT), None);
    // Guessing the current password from a stolen session is throttled
    // like sign-in.
    let Ok(admission) = office.passwords.admit() else {
        return Ok(outcome("busy"));
    };
    let keys = [format!("password:{}", user.id)];
    let locked_after = match accounts::reserve_attempt(db, &keys, Utc::now()).await {
        Ok(Attempt::Reserved { locked_after }) => locked_after,
        Ok(Attempt::Locked { .. }) => {
            tracing::warn!(username = %user.username, "password change refused: too many failures");
            return Ok(outcome("locked"));
        }
        Err(error) => return Err(error.into()),
    };
    let matches = office
        .passwords
        .verify(&admission, &form.current, Some(&user.password_hash))
        .await;
    drop(admission);
    if !matches {
        tracing::warn!(username = %user.username, "password change refused: wrong current password");
        return Ok(outcome(if locked_after.is_some() {
            "locked"
        } else {
            "wrong-current"
        }));
    }
    accounts::clear_failures(db, &keys).await?;
    let new = match NewPassword::parse(&form.new) {
        Ok(new) => new,
        Err(PasswordError::TooShort) => return Ok(outcome("too-short")),
        Err(PasswordError::TooLong) => return Ok(outcome("too-long")),
    };
    if form.new != form.confirm {
        return Ok(outcome("mismatch"));
    }
    let hash = office.passwords.hash(&new).await;
    let actor = office.actor(&signed_in, peer, &headers);
    audited_password_change(db, &actor, &user, hash).await?;
    tracing::info!(username = %user.username, "password changed; every session revoked");
    // Every earlier token is revoked; this device signs in afresh.
    let cookie = office.start_session(&user, client).await?;
    Ok(see_other(
        &format!("{}?esito=password-changed", paths::ACCOUNT),
        Some(cookie),
    ))
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

/// Sets the signed-in user's address for technical notices; an empty field
/// removes it, a malformed one changes nothing. Audited.
pub async fn change_email(
    State(office): State<BackOffice>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    signed_in: Option<Extension<SignedIn>>,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    let Some(Extension(signed_in)) = signed_in else {
        return Ok(see_other(paths::SIGN_IN, None));
    };
    let outcome = |what: &str| see_other(&format!("{}?esito={what}", paths::ACCOUNT), None);
    let typed = form.email.trim();
    let email = match typed {
        "" => None,
        typed => match EmailAddress::parse(typed) {
            Ok(address) => Some(address.as_str().to_owned()),
            Err(_) => return Ok(outcome("email-invalid")),
        },
    };
    let db = &office.sessions.db;
    let Some(user) = accounts::find_user_by_id(db, signed_in.user_id).await? else {
        return Err(WebError::SignIn);
    };
    let now = Utc::now();
    let txn = pratiche_db::begin_write(db).await?;
    accounts::set_email(&*txn, user.id, email.as_deref()).await?;
    let entry = Entry {
        body_id: user.body_id,
        entity: "user",
        entity_id: user.username.clone(),
        action: "email_set",
        changes: vec![Change::new(
            "email",
            user.email.unwrap_or_default(),
            email.clone().unwrap_or_default(),
        )],
    };
    audit::record(&*txn, &office.actor(&signed_in, peer, &headers), entry, now).await?;
    txn.commit().await?;
    Ok(outcome(if email.is_some() {
        "email-saved"
    } else {
        "email-removed"
    }))
}

impl BackOffice {
    /// Who is asking: the rate-limit key of the client (trusted-proxy aware)
    /// and the details kept with a new session.
    fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> (std::net::IpAddr, Client) {
        let address = client_key(peer.ip(), headers, &self.trusted_proxies);
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        (
            address,
            Client {
                address: Some(address.to_string()),
                user_agent,
            },
        )
    }

    /// Opens a session for `user` and returns its cookie.
    async fn start_session(
        &self,
        user: &user::Model,
        client: Client,
    ) -> Result<HeaderValue, pratiche_db::DbErr> {
        let now = Utc::now();
        let id = format!("{:032x}", rand::random::<u128>());
        let session =
            accounts::start_session(&self.sessions.db, id, user.id, client, now, now + ABSOLUTE)
                .await?;
        let token = self.sessions.signer.issue(
            user.id,
            &session.id,
            now,
            Sessions::token_expiry(now, session.expires_at),
        );
        Ok(self.sessions.cookie(Some(&token)))
    }

    /// The sign-in page rendered with what went wrong (its status and
    /// `Retry-After` come from the page).
    async fn sign_in_page(&self, headers: &HeaderMap, problem: SignInProblem) -> Response {
        self.render_page(paths::SIGN_IN, headers, None, problem)
            .await
    }
}

/// Sets a user's password (revoking their sessions) with its audit entry,
/// in one transaction. The audit log never holds a password or its hash.
pub(crate) async fn audited_password_change(
    db: &pratiche_db::DatabaseConnection,
    actor: &Actor,
    user: &pratiche_db::entity::user::Model,
    hash: String,
) -> Result<(), pratiche_db::DbErr> {
    let now = Utc::now();
    let txn = pratiche_db::begin_write(db).await?;
    accounts::set_password(&txn, user.id, hash, now).await?;
    let entry = Entry {
        body_id: user.body_id,
        entity: "user",
        entity_id: user.username.clone(),
        action: "password_set",
        changes: vec![Change::new("password", "•••", "(nuova / new)")],
    };
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await
}
