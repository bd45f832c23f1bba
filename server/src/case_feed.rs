//! `/p/{CODE}/aggiornamenti.atom`: a pratica's public history as an Atom
//! feed (RFC 4287), for feed readers and for anyone who would rather poll
//! than give an address. It says what the case page says, nothing more;
//! it is charged to the lookup limit like the page. A poll that finds
//! nothing new reads one row and gets 304 (`ETag`, `Last-Modified`).

use std::time::SystemTime;

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Text};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::TypedHeader;
use axum_extra::headers::{ETag, Header, HeaderMapExt, IfModifiedSince, IfNoneMatch, LastModified};
use chrono::{DateTime, SubsecRound, Utc};
use pratiche_app::context::AppContext;
use pratiche_app::i18n::I18n;
use pratiche_app::paths;
use pratiche_db::public::{PublicCase, case_freshness, find_case};
use pratiche_domain::CaseCode;
use sha2::{Digest, Sha256};

use crate::office::WebError;
use crate::responses::too_many_lookups;

pub async fn case_feed(
    State(context): State<AppContext>,
    Path(typed): Path<String>,
    parts: Parts,
) -> Result<Response, WebError> {
    let Ok(code) = CaseCode::parse(&typed) else {
        return Ok(not_found());
    };
    if typed != code.to_string() {
        let canonical = paths::fill(paths::CASE_FEED, &[&code]);
        return Ok((
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, canonical)],
        )
            .into_response());
    }
    if let Err(throttled) = context.charge_lookups(&parts, 1).await {
        return Ok(too_many_lookups(throttled.retry_after_secs));
    }
    let closed_after = Utc::now() - context.retention;
    let Some((version, updated_at)) = case_freshness(&context.db, code, closed_after).await? else {
        return Ok(not_found());
    };
    let i18n = I18n::from_request(&parts);
    let etag: ETag = format!("\"{version}-{}\"", i18n.tag())
        .parse()
        .expect("a version and a language tag make an entity tag");
    // HTTP dates have whole seconds: compare as the client saw it.
    let modified = SystemTime::from(updated_at.trunc_subsecs(0));
    // The `If-None-Match` wins when both are sent (RFC 9110, 13.2.2).
    let unchanged = match (
        present::<IfNoneMatch>(&parts.headers),
        present::<IfModifiedSince>(&parts.headers),
    ) {
        (Some(tags), _) => !tags.precondition_passes(&etag),
        (None, Some(since)) => !since.is_modified(modified),
        (None, None) => false,
    };
    let validators = (
        TypedHeader(etag),
        TypedHeader(LastModified::from(modified)),
        [
            (header::CACHE_CONTROL, "private, no-cache"),
            (header::VARY, "cookie, accept-language"),
        ],
    );
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, validators).into_response());
    }
    let Some(case) = find_case(&context.db, code, closed_after).await? else {
        return Ok(not_found());
    };
    let feed = atom(&i18n, &context.public_url, &case, updated_at);
    Ok((
        validators,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    )
        .into_response())
}

/// The feed: one entry per public event, newest first, each titled with
/// its phase and holding its public note.
fn atom(i18n: &I18n, public_url: &str, case: &PublicCase, updated_at: DateTime<Utc>) -> Feed {
    let code = case.code.to_string();
    let page = format!("{public_url}{}", paths::case_page(case.code));
    let label = i18n.t_with("case-label", &[("code", code.clone().into())]);
    let link = |href: String, rel: &str, kind: &str| {
        let mut link = Link::default();
        link.set_href(href);
        link.set_rel(rel);
        link.set_mime_type(Some(kind.to_owned()));
        link
    };
    let entries = case
        .history
        .iter()
        .map(|event| {
            let mut title = i18n.t(&format!("phase-{}", event.phase.as_str()));
            if event.correction {
                title = format!("{title} ({})", i18n.t("case-correction"));
            }
            let mut entry = Entry::default();
            entry.set_id(format!("{page}#{}", entry_id(case.code, event.id)));
            entry.set_title(Text::plain(title));
            entry.set_updated(fixed(event.recorded_at));
            entry.set_published(Some(fixed(event.occurred_at)));
            entry.set_links(vec![link(page.clone(), "alternate", "text/html")]);
            if let Some(note) = &event.note {
                let mut content = Content::default();
                content.set_content_type(Some("text".to_owned()));
                content.set_value(Some(note.clone()));
                entry.set_content(Some(content));
            }
            entry
        })
        .collect::<Vec<_>>();
    let mut feed = Feed::default();
    feed.set_id(page.clone());
    feed.set_title(Text::plain(format!("{label}: {}", case.subject)));
    feed.set_subtitle(Some(Text::plain(format!(
        "{} — {}",
        case.body.name, case.procedure_name
    ))));
    feed.set_updated(fixed(updated_at));
    feed.set_lang(Some(i18n.tag()));
    feed.set_links(vec![
        link(page.clone(), "alternate", "text/html"),
        link(
            format!(
                "{public_url}{}",
                paths::fill(paths::CASE_FEED, &[&case.code])
            ),
            "self",
            "application/atom+xml",
        ),
    ]);
    feed.set_entries(entries);
    feed
}

/// An entry's stable identity that does not show the event's row number.
fn entry_id(code: CaseCode, event_id: i64) -> String {
    let digest = Sha256::digest(format!("{}/{event_id}", code.compact()).as_bytes());
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn fixed(instant: DateTime<Utc>) -> FixedDateTime {
    instant.fixed_offset()
}

/// A conditional header, if the request has it (and it parses): decoding
/// an absent `If-None-Match` would give an empty list, not nothing.
fn present<H: Header>(headers: &HeaderMap) -> Option<H> {
    headers
        .contains_key(H::name())
        .then(|| headers.typed_get::<H>())
        .flatten()
}

/// The same answer for an unknown and a long-closed pratica.
fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Pratica non trovata. / Application not found.",
    )
        .into_response()
}
