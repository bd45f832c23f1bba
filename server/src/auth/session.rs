//! The back-office session cookie: a short-lived JWT naming a session row.
//! A middleware checks it on every request, puts the [`SignedIn`] user into
//! the request, and renews the token while the user is active (30 minutes
//! idle, 10 hours absolute).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use pratiche_app::context::SignedIn;
use pratiche_db::DatabaseConnection;
use pratiche_db::accounts;

use super::tokens::TokenSigner;
use crate::responses::{SameSite, SecureCookies};

/// A token lives this long without activity.
pub const IDLE: Duration = Duration::minutes(30);
/// A session lives at most this long.
pub const ABSOLUTE: Duration = Duration::hours(10);
/// Tokens younger than this are not renewed yet (one write a minute at most).
const RENEW_AFTER: Duration = Duration::seconds(60);

/// How the session cookie is named and flagged: `__Host-` and `Secure`
/// exactly when the public URL is https.
#[derive(Clone)]
pub struct Sessions {
    pub db: DatabaseConnection,
    pub signer: TokenSigner,
    secure: SecureCookies,
}

impl Sessions {
    pub fn new(db: DatabaseConnection, signer: TokenSigner, secure: SecureCookies) -> Self {
        Self { db, signer, secure }
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure.0 {
            "__Host-pratiche_session"
        } else {
            "pratiche_session"
        }
    }

    /// The `Set-Cookie` value carrying `token` (or clearing it).
    pub fn cookie(&self, token: Option<&str>) -> HeaderValue {
        let max_age = if token.is_some() {
            IDLE.num_seconds()
        } else {
            0
        };
        self.secure.cookie(
            self.cookie_name(),
            token.unwrap_or(""),
            max_age,
            SameSite::Strict,
        )
    }

    /// The token's expiry: idle time from now, never past the session's end.
    pub fn token_expiry(now: DateTime<Utc>, session_end: DateTime<Utc>) -> DateTime<Utc> {
        (now + IDLE).min(session_end)
    }

    fn token_in(&self, headers: &HeaderMap) -> Option<String> {
        pratiche_app::cookies::read(headers, self.cookie_name())
    }
}

pub async fn check_session(
    State(sessions): State<Sessions>,
    mut request: Request,
    next: Next,
) -> Response {
    // Static files carry no cookie: nothing of a session is checked, renewed
    // or cleared on them (they may be cached, and shared by caches).
    if crate::path_spelling::is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(token) = sessions.token_in(request.headers()) else {
        return next.run(request).await;
    };
    let now = Utc::now();
    let live = match sessions.signer.verify(&token) {
        Some(claims) => match accounts::live_session(&sessions.db, &claims.sid, now).await {
            Ok(Some((session, user))) if user.id.to_string() == claims.sub => {
                Some((claims, session, user))
            }
            Ok(_) => None,
            Err(error) => {
                tracing::error!(%error, "cannot check a session");
                None
            }
        },
        None => None,
    };
    let Some((claims, session, user)) = live else {
        // A stale or forged cookie: forget it; pages then ask to sign in.
        let mut response = next.run(request).await;
        response
            .headers_mut()
            .append(header::SET_COOKIE, sessions.cookie(None));
        return response;
    };
    let renew = now.timestamp() - claims.iat >= RENEW_AFTER.num_seconds();
    request.extensions_mut().insert(SignedIn {
        user_id: user.id,
        session_id: session.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.to_string(),
        body_id: user.body_id,
    });
    let mut response = next.run(request).await;
    let signed_out = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|value| {
            value
                .to_str()
                .is_ok_and(|cookie| cookie.starts_with(&format!("{}=;", sessions.cookie_name())))
        });
    if renew && !signed_out {
        if let Err(error) = accounts::touch_session(&sessions.db, &session.id, now).await {
            tracing::error!(%error, "cannot renew a session");
            return response;
        }
        let token = sessions.signer.issue(
            user.id,
            &session.id,
            now,
            Sessions::token_expiry(now, session.expires_at),
        );
        response
            .headers_mut()
            .append(header::SET_COOKIE, sessions.cookie(Some(&token)));
    }
    response
}
