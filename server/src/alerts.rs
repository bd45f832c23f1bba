//! The citizen's e-mail alerts (docs/rules.md, Notifications): the case
//! page's form asks for a confirmation mail; the buttons behind the mails'
//! links confirm or stop. Thin adapters over
//! [`pratiche_db::notifications`]; the mails themselves go out through the
//! outbox ([`crate::notify`]).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use leptos::prelude::provide_context;
use pratiche_app::alert_pages::{CONFIRMED, LINK_INVALID, STOPPED};
use pratiche_app::i18n::I18n;
use pratiche_app::{ALERTS_SENT_FLAG, AlertsDraft, CaseAnswer, paths};
use pratiche_db::notifications;
use pratiche_domain::CaseCode;
use pratiche_domain::notify::EmailAddress;
use serde::Deserialize;

use crate::notify::links::Links;
use crate::office::{BackOffice, WebError};
use crate::responses::{bad_code, see_other, too_many_lookups};

/// The alerts' handlers' state: the app's (to render the case page again)
/// and the links' keys.
#[derive(Clone)]
pub struct Alerts {
    pub office: BackOffice,
    pub links: Links,
}

#[derive(Deserialize)]
pub struct SubscribeForm {
    email: String,
    /// The language of the page the form was on: the mails' language.
    lingua: String,
}

/// `POST /p/{code}/avvisi`: charged to the lookup limit like the page.
/// A refused address renders the case page again with the error; any
/// other address gets the same answer whatever happens behind it.
pub async fn subscribe(
    State(alerts): State<Alerts>,
    Path(typed): Path<String>,
    parts: Parts,
    Form(form): Form<SubscribeForm>,
) -> Result<Response, WebError> {
    let Ok(code) = CaseCode::parse(&typed) else {
        return Ok(bad_code());
    };
    let context = &alerts.office.context;
    let Ok(address) = EmailAddress::parse(&form.email) else {
        // The page shown again is charged as the page is.
        let answer = CaseAnswer::decide(context, &parts, &code.to_string()).await;
        let draft = AlertsDraft { email: form.email };
        let mut page = alerts
            .office
            .render_page_providing(&paths::case_page(code), &parts.headers, None, move || {
                provide_context(draft.clone());
                provide_context(answer.clone());
            })
            .await;
        if page.status() == StatusCode::OK {
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        return Ok(page);
    };
    if let Err(throttled) = context.charge_lookups(&parts, 1).await {
        return Ok(too_many_lookups(throttled.retry_after_secs));
    }
    let language = I18n::supported_or_default(&form.lingua);
    notifications::subscribe_email(&context.db, code, &address, &language, Utc::now()).await?;
    let (flag, value) = ALERTS_SENT_FLAG;
    Ok(see_other(
        &format!("{}?{flag}={value}#avvisi", paths::case_page(code)),
        None,
    ))
}

#[derive(Deserialize)]
pub struct LinkToken {
    t: Option<String>,
}

/// `POST /avvisi/conferma?t=…`, the confirmation page's button.
pub async fn confirm(
    State(alerts): State<Alerts>,
    Query(link): Query<LinkToken>,
) -> Result<Response, WebError> {
    let token = link.t.as_deref().and_then(|t| alerts.links.read_confirm(t));
    let confirmed = match token {
        Some(token) => {
            notifications::confirm(
                &alerts.office.context.db,
                token.subscription_id,
                token.issued_at,
                Utc::now(),
            )
            .await?
        }
        None => false,
    };
    Ok(outcome(if confirmed { CONFIRMED } else { LINK_INVALID }))
}

/// `POST /avvisi/annulla?t=…`: the stop page's button, or a mail client's
/// one-click unsubscribe (RFC 8058, body `List-Unsubscribe=One-Click`),
/// which gets 200 rather than a page. A wrong or used token gets the same
/// answer as a good one.
pub async fn stop(
    State(alerts): State<Alerts>,
    Query(link): Query<LinkToken>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, WebError> {
    if let Some(subscription_id) = link.t.as_deref().and_then(|t| alerts.links.read_stop(t)) {
        notifications::unsubscribe(&alerts.office.context.db, subscription_id, Utc::now()).await?;
    }
    let one_click = body.trim() == "List-Unsubscribe=One-Click"
        && headers.get(header::CONTENT_TYPE).is_some_and(|kind| {
            kind.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    if one_click {
        return Ok((StatusCode::OK, "Unsubscribed.").into_response());
    }
    Ok(outcome(STOPPED))
}

fn outcome(what: &str) -> Response {
    see_other(&format!("{}?esito={what}", paths::ALERTS_OUTCOME), None)
}
