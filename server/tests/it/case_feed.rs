//! A pratica's Atom feed through the real server, read by a real feed
//! parser (`feedparser` from PyPI), on SQLite and PostgreSQL.

use std::io::Write;
use std::process::{Command, Stdio};

use pratiche_domain::CaseCode;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use serde_json::{Value, json};

use crate::support::api::{Call, valdoria_api};
use crate::support::python::test_python;
use crate::support::{Backend, TestServer};

on_both_databases!(
    the_feed_is_the_public_history_and_a_poll_with_nothing_new_gets_304,
    the_feed_is_charged_to_the_lookup_limit_and_unknown_codes_get_404,
);

/// What `feedparser` makes of `xml`: whether it complained, the feed's
/// title, language and self link, and each entry's title and content.
fn parse_feed(xml: &str) -> Value {
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.read())
print(json.dumps({
    "bozo": bool(d.bozo),
    "version": d.version,
    "title": d.feed.get("title"),
    "language": d.feed.get("language"),
    "self": [l["href"] for l in d.feed.get("links", []) if l.get("rel") == "self"],
    "entries": [{"id": e.get("id"), "title": e.get("title"),
                 "content": [c["value"] for c in e.get("content", [])]} for e in d.entries],
}))
"#;
    let mut child = Command::new(test_python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python with feedparser (scripts/test.sh installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "feedparser ran");
    serde_json::from_slice(&output.stdout).expect("its JSON")
}

async fn get_feed(server: &TestServer, code: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = server
        .client
        .get(server.url(&format!("/p/{code}/aggiornamenti.atom")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn the_feed_is_the_public_history_and_a_poll_with_nothing_new_gets_304(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0950", 5).await;
    call.record_now(
        &code,
        "Richiesta integrazioni",
        json!({
            "public_note": "Serve la relazione geologica <firmata> & timbrata.",
            "internal_note": "Sollecitato dal geom. Neri",
            "reply_by": (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string(),
        }),
    )
    .await;
    let page = server
        .get(&format!("/p/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/p/{code}/aggiornamenti.atom\"")));

    let answer = get_feed(&server, &code, &[("accept-language", "en")]).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.headers()[CONTENT_TYPE],
        "application/atom+xml; charset=utf-8"
    );
    let etag = answer.headers()[ETAG].to_str().unwrap().to_owned();
    let last_modified = answer.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
    let xml = answer.text().await.unwrap();
    assert!(!xml.contains("geom. Neri"), "never the internal note");
    let feed = parse_feed(&xml);
    assert_eq!(feed["bozo"], false, "{xml}");
    assert_eq!(feed["version"], "atom10");
    assert_eq!(feed["language"], "en");
    assert_eq!(
        feed["title"],
        format!("Application {code}: Ampliamento di un capannone")
    );
    assert_eq!(
        feed["self"][0],
        format!("http://127.0.0.1:3000/p/{code}/aggiornamenti.atom")
    );
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the submission and the request: {feed}");
    assert_eq!(entries[0]["title"], "Documents requested");
    assert_eq!(
        entries[0]["content"][0],
        "Serve la relazione geologica <firmata> & timbrata."
    );
    assert_eq!(entries[1]["title"], "Submitted");
    assert_ne!(entries[0]["id"], entries[1]["id"]);

    // Nothing new: 304, either way of asking.
    let same = get_feed(
        &server,
        &code,
        &[("accept-language", "en"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(same.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(same.headers()[ETAG], etag.as_str());
    assert!(same.text().await.unwrap().is_empty());
    let since = get_feed(
        &server,
        &code,
        &[(IF_MODIFIED_SINCE.as_str(), &last_modified)],
    )
    .await;
    assert_eq!(
        since.status(),
        StatusCode::NOT_MODIFIED,
        "{last_modified} {:?}",
        since.headers()
    );
    // Another language is another representation.
    let italian = get_feed(&server, &code, &[("if-none-match", &etag)]).await;
    assert_eq!(italian.status(), StatusCode::OK);

    call.record_now(
        &code,
        "Istruttoria",
        json!({"public_note": "Documenti ricevuti"}),
    )
    .await;
    let changed = get_feed(
        &server,
        &code,
        &[("accept-language", "en"), (IF_NONE_MATCH.as_str(), &etag)],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[ETAG], etag.as_str());
    let feed = parse_feed(&changed.text().await.unwrap());
    assert_eq!(feed["entries"].as_array().unwrap().len(), 3);
    assert_eq!(feed["entries"][0]["content"][0], "Documenti ricevuti");
}

async fn the_feed_is_charged_to_the_lookup_limit_and_unknown_codes_get_404(backend: Backend) {
    let Some(server) = TestServer::start(
        backend,
        &[
            ("PRATICHE_LOOKUP_PER_MINUTE", "1"),
            ("PRATICHE_LOOKUP_BURST", "2"),
        ],
    )
    .await
    else {
        return;
    };
    let unknown = CaseCode::generate().to_string();
    let first = get_feed(&server, &unknown, &[]).await;
    assert_eq!(first.status(), StatusCode::NOT_FOUND);
    let lowercase = get_feed(&server, &unknown.to_lowercase(), &[]).await;
    assert_eq!(
        lowercase.status(),
        StatusCode::PERMANENT_REDIRECT,
        "one spelling"
    );
    let second = get_feed(&server, &unknown, &[]).await;
    assert_eq!(second.status(), StatusCode::NOT_FOUND);
    let third = get_feed(&server, &unknown, &[]).await;
    assert_eq!(
        third.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the page's limit"
    );
    assert!(third.headers().contains_key("retry-after"));
}
