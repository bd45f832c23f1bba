//! The citizen's lookup, end to end through the real server binary, on SQLite
//! and on PostgreSQL.
//!
//! Long because each test drives one whole scenario through the real server.

use pratiche_db::demo::{EXPIRED_CODE, SHOWCASE_CODES};
use pratiche_domain::CaseCode;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER};

use crate::support::api::{Call, valdoria_api};
use crate::support::{Backend, TestServer, without_code};

const UNDER_REVIEW: &str = SHOWCASE_CODES[0];
const SUSPENDED: &str = SHOWCASE_CODES[1];

on_both_databases!(
    form_lookup_answers_303_to_the_canonical_page,
    case_page_shows_the_public_view_only,
    suspended_pratica_says_what_was_asked,
    unknown_and_expired_codes_get_one_identical_answer,
    unknown_codes_get_the_page_leptos_renders_in_each_language,
    found_pages_are_the_page_leptos_renders_in_each_language,
    a_subject_is_text_in_the_title,
    malformed_codes_get_the_form_back,
    home_offers_the_form_and_every_body_contact,
    pages_follow_the_language_asked_for,
    lookups_are_rate_limited_per_client,
    forwarded_for_is_believed_only_from_trusted_proxies,
    logs_never_hold_a_whole_code,
    health_answers_while_the_database_does,
    ambiguous_paths_are_refused_before_routing,
    every_public_read_of_a_pratica_by_code_charges_the_limit,
    every_forwarded_for_line_counts,
    every_answer_carries_the_security_headers,
    the_search_answers_in_place_charging_one_lookup_each,
    a_search_that_cannot_be_read_is_refused_and_charges_nothing,
);

async fn start(backend: Backend) -> Option<TestServer> {
    TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
}

fn assert_private(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["x-robots-tag"], "noindex", "{}", response.url());
    assert_eq!(headers[CACHE_CONTROL], "no-store", "{}", response.url());
    assert_eq!(
        headers[REFERRER_POLICY],
        "same-origin",
        "{}",
        response.url()
    );
}

async fn form_lookup_answers_303_to_the_canonical_page(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let canonical = format!("/p/{UNDER_REVIEW}");

    let messy = UNDER_REVIEW.to_lowercase().replace('-', " ");
    let response = server
        .client
        .get(server.url("/cerca"))
        .query(&[("codice", &messy)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], canonical.as_str());
    assert_private(&response);

    let compact = UNDER_REVIEW.replace('-', "").to_lowercase();
    let response = server.get(&format!("/p/{compact}")).await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(response.headers()[LOCATION], canonical.as_str());

    let response = server.get(&canonical).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_private(&response);
}

async fn case_page_shows_the_public_view_only(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let response = server.get(&format!("/p/{UNDER_REVIEW}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    for expected in [
        "Nuova costruzione di edificio residenziale unifamiliare",
        "Comune di Valdoria",
        "Permesso di costruire",
        "Sportello Unico Edilizia",
        "Arch. Giulia Ferri",
        "edilizia@comune.valdoria.example.it",
        "In lavorazione",
        "Prossimi passi",
        " — mancano ",
        "Come è calcolata questa data",
        "Se l'amministrazione non risponde",
        r#"<link href="http://127.0.0.1:3000/p/JYRH-CM4Q-3DY4-B" rel="canonical">"#,
        r#"<meta name="robots" content="noindex">"#,
    ] {
        assert!(page.contains(expected), "missing {expected:?}");
    }
    // Newest first.
    let assigned = page
        .find("Pratica assegnata all'istruttore tecnico.")
        .expect("second event");
    let received = page
        .find("Domanda ricevuta e protocollata.")
        .expect("first event");
    assert!(assigned < received, "history is not newest first");
    // Nothing the body keeps for itself, and no script at all.
    for hidden in [
        "Verificare vincolo paesaggistico",
        "PROT. 2026/14503",
        "Assegnata al responsabile",
        "<script",
        ".wasm",
    ] {
        assert!(!page.contains(hidden), "the public page shows {hidden:?}");
    }
}

async fn suspended_pratica_says_what_was_asked(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let page = server
        .get(&format!("/p/{SUSPENDED}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Integrazione richiesta"));
    let next_steps = &page[page.find("Prossimi passi").expect("next steps")..];
    assert!(
        next_steps.contains("integrare la relazione geologica"),
        "the request is not in the next steps"
    );
    assert!(
        !page.contains("Relazione geologica mancante"),
        "an internal note leaked"
    );
}

async fn unknown_and_expired_codes_get_one_identical_answer(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let unknown = CaseCode::generate().to_string();
    let mut answers = Vec::new();
    for code in [unknown.as_str(), EXPIRED_CODE] {
        let response = server.get(&format!("/p/{code}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{code}");
        assert_private(&response);
        let page = response.text().await.unwrap();
        assert!(page.contains("Pratica non trovata"));
        answers.push(without_code(&page, code));
    }
    assert_eq!(
        answers[0], answers[1],
        "unknown and expired codes answer differently"
    );
}

/// The not-found answer is served from a page prepared once per language
/// (server/src/pages/case.rs); with a query it is rendered, as its links
/// back carry the query. Both must be the same page, the code in its places.
async fn unknown_codes_get_the_page_leptos_renders_in_each_language(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for (language, title) in [
        ("en", "Application not found"),
        ("it", "Pratica non trovata"),
    ] {
        let mut pages = Vec::new();
        for query in ["", "", "?da=qr"] {
            let code = CaseCode::generate().to_string();
            let response = server
                .client
                .get(server.url(&format!("/p/{code}{query}")))
                .header("cookie", format!("lang={language}"))
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::NOT_FOUND,
                "{language}{query}"
            );
            assert_private(&response);
            assert!(
                response.headers()["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("script-src"),
                "{language}{query}"
            );
            let page = response.text().await.unwrap();
            assert!(
                page.contains(&format!(r#"<html lang="{language}">"#)),
                "{language}{query}"
            );
            assert!(page.contains(title), "{language}{query}: {page}");
            // The code in the text and in the language switch's way back.
            let in_query: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
            let back = format!(
                "torna=%2Fp%2F{in_query}{}",
                query.replace('?', "%3F").replace('=', "%3D")
            );
            assert!(page.contains(&back), "{language}{query}: no {back:?}");
            let lead = &page[page.find(r#"class="lead""#).expect("the lead")..];
            assert!(
                lead[..lead.find("</p>").unwrap()].contains(&code),
                "{language}{query}: the text does not say {code}: {page}"
            );
            pages.push(without_code(&page.replace("%3Fda%3Dqr", ""), &code));
        }
        assert_eq!(pages[0], pages[1], "{language}: two unknown codes differ");
        assert_eq!(
            pages[0], pages[2],
            "{language}: the prepared page is not the rendered one"
        );
    }
    // Served from the prepared page indeed, not rendered each time.
    let log = server.settled_log().await;
    for language in ["en", "it"] {
        assert!(
            log.lines()
                .any(|line| line.contains("the not-found page is prepared")
                    && line.contains(&format!("language=\"{language}\""))),
            "{language} is not prepared:\n{log}"
        );
    }
}

/// A found pratica's content is rendered inside a frame prepared once per
/// language and body (server/src/pages/case.rs); with a query the whole page
/// is rendered. Both must be the same page, and the content must still be
/// the citizen's own (the pratiche their device remembers).
async fn found_pages_are_the_page_leptos_renders_in_each_language(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let get = async |path: &str, cookie: &str| {
        let response = server
            .client
            .get(server.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path} {cookie}");
        assert_private(&response);
        response.text().await.unwrap()
    };
    for (language, remembered) in [
        ("en", "This application is remembered on this device"),
        ("it", "Questa pratica è ricordata su questo dispositivo"),
    ] {
        for code in SHOWCASE_CODES {
            let cookie = format!("lang={language}");
            let prepared = get(&format!("/p/{code}"), &cookie).await;
            let rendered = get(&format!("/p/{code}?da=qr"), &cookie).await;
            assert!(
                prepared.contains(&format!(r#"<html lang="{language}">"#)),
                "{language} {code}"
            );
            assert!(prepared.contains("<title>"), "{language} {code}");
            assert_eq!(
                prepared,
                rendered.replace("%3Fda%3Dqr", ""),
                "{language} {code}: the prepared page is not the rendered one"
            );
            assert!(!prepared.contains(remembered), "{language} {code}");
            // The device's own remembered pratiche, in the prepared frame.
            let remembering = format!("{cookie}; mie_pratiche={}", code.replace('-', ""));
            let page = get(&format!("/p/{code}"), &remembering).await;
            assert!(page.contains(remembered), "{language} {code}: {page}");
        }
    }
    let log = server.settled_log().await;
    for language in ["en", "it"] {
        assert!(
            log.lines()
                .any(|line| line.contains("the case page's frame is prepared")
                    && line.contains(&format!("language=\"{language}\""))),
            "{language} is not prepared:\n{log}"
        );
    }
}

/// leptos_meta writes a title's text into `<title>` as it is: a subject
/// sent by a body's software must not end the title and add markup, in the
/// prepared page or the rendered one.
async fn a_subject_is_text_in_the_title(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let mut creation = call.creation("PROT-TITLE-1", 3).await;
    creation["subject"] = serde_json::json!(r#"Tettoia </title><b>grassetto</b> & "altro""#);
    let (status, created) = call.post_json("/api/v1/pratiche", None, &creation).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let code = created["code"].as_str().unwrap();
    for query in ["", "?da=qr"] {
        let page = server
            .get(&format!("/p/{code}{query}"))
            .await
            .text()
            .await
            .unwrap();
        let title = format!(
            r#"<title>Pratica {code}: Tettoia &lt;/title&gt;&lt;b&gt;grassetto&lt;/b&gt; &amp; "altro" — Comune di Valdoria</title>"#
        );
        assert!(page.contains(&title), "{query}: {page}");
        assert!(!page.contains("<b>"), "{query}: {page}");
    }
}

async fn malformed_codes_get_the_form_back(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let wrong_check = format!("{}Z", &UNDER_REVIEW[..UNDER_REVIEW.len() - 1]);
    for (typed, expected) in [
        (wrong_check.as_str(), "controlli il codice"),
        ("ABCD-EFGH", "ha 8 simboli su 13"),
        ("JYRH-CM4Q-3DY4-BB", "ha 14 simboli"),
        ("JURH-CM4Q-3DY4-B", "Il simbolo «U»"),
        ("", "Scriva il codice"),
    ] {
        let response = server
            .client
            .get(server.url("/cerca"))
            .query(&[("codice", typed)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{typed:?}");
        assert_private(&response);
        let page = response.text().await.unwrap();
        assert!(
            page.contains(expected),
            "{typed:?} does not say {expected:?}"
        );
        assert!(page.contains("Come leggere il codice"), "{typed:?}");
        assert!(page.contains(r#"aria-invalid="true""#), "{typed:?}");
    }
    let response = server.get(&format!("/p/{wrong_check}")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Hostile input is echoed as text, never as markup.
    let hostile = r#""><script>alert(1)</script>"#;
    let response = server
        .client
        .get(server.url("/cerca"))
        .query(&[("codice", hostile)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!response.text().await.unwrap().contains("<script>alert"));
}

async fn home_offers_the_form_and_every_body_contact(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let response = server.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    for expected in [
        "Comune di Valdoria",
        "Unione dei Comuni della Val Serena",
        "urp@comune.valdoria.example.it",
        r#"action="/cerca""#,
        r#"autocapitalize="characters""#,
        r#"autocorrect="off""#,
        r#"spellcheck="false""#,
        r#"maxlength="40""#,
        r#"inputmode="text""#,
        r#"aria-describedby="codice-hint codice-message""#,
        r#"id="codice-message" aria-live="polite""#,
        "pratiche.js",
    ] {
        assert!(page.contains(expected), "home lacks {expected:?}");
    }
    assert!(
        !page.contains("pattern="),
        "the code field must not have a pattern"
    );
}

async fn pages_follow_the_language_asked_for(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let path = format!("/p/{UNDER_REVIEW}");
    let english = server
        .client
        .get(server.url(&path))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let english = english.text().await.unwrap();
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("Under review") && english.contains("Next steps"));

    let cookie = server
        .client
        .get(server.url(&path))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert!(cookie.text().await.unwrap().contains("Under review"));

    let italian = server
        .client
        .get(server.url(&path))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    let italian = italian.text().await.unwrap();
    assert!(italian.contains(r#"<html lang="it">"#) && italian.contains("In lavorazione"));
}

async fn lookups_are_rate_limited_per_client(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 2).await else {
        return;
    };
    let path = format!("/p/{UNDER_REVIEW}");
    let lookup_from = |client: &'static str| {
        server
            .client
            .get(server.url(&path))
            .header("x-forwarded-for", client)
            .send()
    };
    assert_eq!(
        lookup_from("203.0.113.5").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        lookup_from("203.0.113.5").await.unwrap().status(),
        StatusCode::OK
    );
    let limited = lookup_from("203.0.113.5").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_private(&limited);
    let retry_after: u64 = limited.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let page = limited.text().await.unwrap();
    assert!(page.contains("Troppe ricerche") && page.contains(&format!("{retry_after} secondi")));
    assert!(
        !page.contains("Nuova costruzione"),
        "a limited lookup still shows the pratica"
    );

    // Unknown codes count too: the limit is what stops guessing.
    let unknown = format!("/p/{}", CaseCode::generate());
    let response = server
        .client
        .get(server.url(&unknown))
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    assert_eq!(
        lookup_from("203.0.113.6").await.unwrap().status(),
        StatusCode::OK
    );

    // IPv6 clients are counted per /64.
    assert_eq!(
        lookup_from("2001:db8::1").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        lookup_from("2001:db8::2").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        lookup_from("2001:db8::3").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        lookup_from("2001:db8:0:1::1").await.unwrap().status(),
        StatusCode::OK
    );
}

async fn forwarded_for_is_believed_only_from_trusted_proxies(backend: Backend) {
    let limits = [
        ("PRATICHE_LOOKUP_PER_MINUTE", "1"),
        ("PRATICHE_LOOKUP_BURST", "1"),
    ];
    let Some(server) = TestServer::start(backend, &limits).await else {
        return;
    };
    let path = format!("/p/{UNDER_REVIEW}");
    let mut statuses = Vec::new();
    for client in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        let response = server
            .client
            .get(server.url(&path))
            .header("x-forwarded-for", client)
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

async fn logs_never_hold_a_whole_code(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let unknown = CaseCode::generate();
    for path in [
        format!("/p/{UNDER_REVIEW}"),
        format!("/p/{}", UNDER_REVIEW.replace('-', "")),
        format!("/p/{unknown}"),
        format!("/p/{}", unknown.compact()),
        format!("/cerca?codice={unknown}"),
        format!("/cerca?codice={}", unknown.compact()),
        // Codes anywhere in a path, mistyped or percent-encoded.
        format!("/area-riservata/pratiche/{unknown}"),
        format!("/area-riservata/pratiche/{}/eventi", unknown.compact()),
        format!("/qualunque/{}", unknown.compact().replace('0', "%30")),
    ] {
        server.get(&path).await;
    }
    let log = server.settled_log().await;
    assert!(
        log.contains("/p/JYRH…"),
        "the access log does not name lookups:\n{log}"
    );
    for whole in [
        unknown.to_string(),
        unknown.compact(),
        unknown.compact().replace('0', "%30"),
    ] {
        assert!(!log.contains(&whole), "the log holds {whole}:\n{log}");
    }
    assert!(
        log.contains("/area-riservata/pratiche/"),
        "the access log keeps the route's own words:\n{log}"
    );
    for line in log.lines() {
        let holds_code =
            line.contains(UNDER_REVIEW) || line.contains(&UNDER_REVIEW.replace('-', ""));
        assert!(
            !holds_code || line.contains("demo mode: try the codes"),
            "the log holds a code: {line}"
        );
    }
}

async fn health_answers_while_the_database_does(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let response = server.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

/// With the database gone, a mistyped code still gets its "check the code"
/// answer (no database read comes before the check), a well-formed one gets
/// a clear 503 (from the search, the same words in place), and the health check says so. PostgreSQL lets the test take
/// the database away under the running server.
#[tokio::test]
async fn malformed_code_is_answered_with_the_database_down() {
    let Some(server) = start(Backend::Postgres).await else {
        return;
    };
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
    server.drop_postgres_database().await;

    let wrong_check = format!("{}Z", &UNDER_REVIEW[..UNDER_REVIEW.len() - 1]);
    for path in [
        format!("/cerca?codice={wrong_check}"),
        format!("/p/{wrong_check}"),
    ] {
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("controlli il codice"),
            "{path}"
        );
    }
    // The search answers alike, in place.
    let (_, answer, _) = search_as(&server, "203.0.113.10", &wrong_check).await;
    assert!(refusal(&answer).contains("controlli il codice"), "{answer}");
    let (_, answer, _) = search_as(&server, "203.0.113.10", UNDER_REVIEW).await;
    assert!(
        refusal(&answer).contains("Non riusciamo a consultare le pratiche"),
        "{answer}"
    );
    let response = server.get(&format!("/p/{UNDER_REVIEW}")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Servizio momentaneamente non disponibile")
    );
    assert_eq!(
        server.get("/healthz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // The home page still works, without the list of contacts.
    assert_eq!(server.get("/").await.status(), StatusCode::OK);
}

/// The subject of the pratica under review, to tell whether a page read it.
const UNDER_REVIEW_SUBJECT: &str = "Nuova costruzione";

/// A GET of `path` as written from `client` (the server trusts
/// `X-Forwarded-For` from loopback), with "Le mie pratiche" holding the
/// pratica under review.
async fn get_as(server: &TestServer, client: &str, path: &str) -> (u16, String) {
    let remembered = format!("mie_pratiche={}", UNDER_REVIEW.replace('-', ""));
    server
        .raw_get(
            path,
            &[("X-Forwarded-For", client), ("Cookie", &remembered)],
        )
        .await
}

async fn ambiguous_paths_are_refused_before_routing(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for path in [
        format!("/./p/{UNDER_REVIEW}"),
        format!("/%2e/p/{UNDER_REVIEW}"),
        format!("/%2E/p/{UNDER_REVIEW}"),
        format!("//p/{UNDER_REVIEW}"),
        format!("/p//{UNDER_REVIEW}"),
        format!("/x/../p/{UNDER_REVIEW}"),
        format!("/x/%2e%2e/p/{UNDER_REVIEW}"),
        format!("/p/{UNDER_REVIEW}/."),
        format!("/p%2f{UNDER_REVIEW}"),
        "/area-riservata//pratiche".to_owned(),
    ] {
        let (status, body) = server.raw_get(&path, &[]).await;
        assert_eq!(status, 400, "{path}");
        assert!(
            !body.contains(UNDER_REVIEW_SUBJECT) && body.contains("Indirizzo non valido"),
            "{path}: {body}"
        );
    }
    // A trailing slash alone is sent, once, to the one spelling.
    let response = server.get(&format!("/p/{UNDER_REVIEW}/?a=1")).await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        response.headers()[LOCATION],
        format!("/p/{UNDER_REVIEW}?a=1").as_str()
    );
}

/// Every route and fallback a citizen can reach without signing in is asked
/// for with a code in it and "Le mie pratiche" set. Each one that reads the
/// pratica (its subject shows) must have charged the lookup limit: the next
/// lookup from the same client (burst of 1) is refused.
async fn every_public_read_of_a_pratica_by_code_charges_the_limit(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 1).await else {
        return;
    };
    let pages = pratiche_server::startup::page_paths()
        .into_iter()
        .filter(|path| !path.starts_with("/area-riservata"))
        .map(|path| {
            ["{code}", ":code"]
                .iter()
                .fold(path, |path, param| path.replace(param, UNDER_REVIEW))
        });
    let compact = UNDER_REVIEW.replace('-', "");
    let fallbacks = [
        format!("/p/{compact}"),
        format!("/p/{}", UNDER_REVIEW.to_lowercase()),
        format!("/p/%4A{}", &UNDER_REVIEW[1..]),
        format!("/p/{UNDER_REVIEW}?lingua=en"),
        format!("/p/{UNDER_REVIEW}/"),
        format!("/p/{UNDER_REVIEW}/x"),
        format!("/P/{UNDER_REVIEW}"),
        format!("/x/p/{UNDER_REVIEW}"),
        format!("/./p/{UNDER_REVIEW}"),
        format!("//p/{UNDER_REVIEW}"),
        format!("/%2e/p/{UNDER_REVIEW}"),
        format!("/cerca?codice={UNDER_REVIEW}"),
        format!("/{UNDER_REVIEW}"),
        "/pagina-che-non-esiste".to_owned(),
    ];
    let mut reading = Vec::new();
    for (n, path) in pages.chain(fallbacks).enumerate() {
        let client = format!("198.51.100.{}", n + 1);
        let (_, page) = get_as(&server, &client, &path).await;
        if !page.contains(UNDER_REVIEW_SUBJECT) {
            continue;
        }
        reading.push(path.clone());
        let (next, _) = get_as(&server, &client, &format!("/p/{UNDER_REVIEW}")).await;
        assert_eq!(
            next, 429,
            "{path} read the pratica without charging the lookup limit"
        );
    }
    // The enumeration works: it found the two readers there are.
    assert!(
        reading.contains(&"/".to_owned()) && reading.contains(&format!("/p/{UNDER_REVIEW}")),
        "{reading:?}"
    );
}

/// A proxy that adds its own `X-Forwarded-For` line (HAProxy) names the
/// client in the last line; the client's forged first line does not count.
async fn every_forwarded_for_line_counts(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 1).await else {
        return;
    };
    let path = format!("/p/{UNDER_REVIEW}");
    let lookup = |lines: &'static [&'static str]| {
        let mut request = server.client.get(server.url(&path));
        for line in lines {
            request = request.header("x-forwarded-for", *line);
        }
        request.send()
    };
    let first = lookup(&["203.0.113.50", "198.51.100.77"]).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    // The lookup was counted for the client the proxy saw...
    assert_eq!(
        lookup(&["198.51.100.77"]).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // ... and not for the address the client wrote.
    assert_eq!(
        lookup(&["203.0.113.50"]).await.unwrap().status(),
        StatusCode::OK
    );
}

/// The policy a response carries, as a header value.
fn csp_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("no Content-Security-Policy on {}", response.url()))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for path in [
        "/".to_owned(),
        format!("/p/{UNDER_REVIEW}"),
        format!("/p/{}", CaseCode::generate()),
        "/accessibilita".to_owned(),
        "/area-riservata".to_owned(),
        "/favicon.svg".to_owned(),
        "/api/v1/docs".to_owned(),
        "/api/v1/openapi.json".to_owned(),
        "/healthz".to_owned(),
        "/./x".to_owned(),
    ] {
        let response = server.get(&path).await;
        let headers = response.headers();
        let policy = csp_of(&response);
        assert!(
            policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"),
            "{path}: {policy}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers[REFERRER_POLICY], "same-origin", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(
            headers["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()"),
            "{path}"
        );
        // The public URL is http here: no HSTS.
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
    // The home page's islands run: its policy names the nonce its scripts
    // carry, and no inline script goes without it.
    let home = server.get("/").await;
    let policy = csp_of(&home);
    let page = home.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {policy}"));
    let scripts = page.matches("<script").count();
    assert!(scripts > 0, "the home page loads its island");
    assert_eq!(
        page.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "a script without the nonce: {page}"
    );
    // Pages without islands allow no script but their own nonce's, which
    // they do not use.
    let case = server.get(&format!("/p/{UNDER_REVIEW}")).await;
    assert!(!case.text().await.unwrap().contains("<script"));

    // Under https, HSTS too.
    let Some(https) = TestServer::start(
        backend,
        &[("PRATICHE_PUBLIC_URL", "https://127.0.0.1:3443")],
    )
    .await
    else {
        return;
    };
    for path in ["/", "/favicon.svg", "/api/v1/openapi.json"] {
        let response = https.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

/// The search server function (`POST /cerca` with `{"codice": …}`, as the
/// lookup form's island calls it) as `client`: its status, its answer and its receipt cookie.
async fn search_as(
    server: &TestServer,
    client: &str,
    typed: &str,
) -> (StatusCode, serde_json::Value, Option<String>) {
    let response = server
        .client
        .post(server.url("/cerca"))
        .header("x-forwarded-for", client)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "codice": typed }).to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let receipt = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .map(|cookie| cookie.to_str().unwrap().to_owned());
    (status, response.json().await.unwrap(), receipt)
}

/// What the search refused with, if it did.
fn refusal(answer: &serde_json::Value) -> &str {
    answer["Refused"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("not a refusal: {answer}"))
}

/// The search answers a mistyped code without charging the limit, an
/// unknown one after charging a lookup, a found one with its page's
/// address and a receipt that spares that page (and only that page) a
/// second charge: one lookup, one token. Cross-site calls are refused.
async fn the_search_answers_in_place_charging_one_lookup_each(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 3).await else {
        return;
    };
    let client = "203.0.113.7";
    for _ in 0..5 {
        let (status, answer, receipt) = search_as(&server, client, "ABCD-EFGH").await;
        assert_eq!(status, StatusCode::OK);
        assert!(refusal(&answer).contains("ha 8 simboli su 13"), "{answer}");
        assert_eq!(receipt, None);
    }

    let unknown = CaseCode::generate().to_string();
    let (_, answer, receipt) = search_as(&server, client, &unknown).await;
    assert!(
        refusal(&answer).contains("Nessuna pratica") && refusal(&answer).contains(&unknown),
        "{answer}"
    );
    assert_eq!(receipt, None);

    let messy = UNDER_REVIEW.to_lowercase().replace('-', " ");
    let (status, answer, receipt) = search_as(&server, client, &messy).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["Found"]["address"], format!("/p/{UNDER_REVIEW}"));
    let receipt = receipt.expect("a found code comes with a receipt");
    for attribute in [
        format!("Path=/p/{UNDER_REVIEW}"),
        "HttpOnly".to_owned(),
        "SameSite=Strict".to_owned(),
        "Max-Age=60".to_owned(),
    ] {
        assert!(receipt.contains(&attribute), "{receipt} lacks {attribute}");
    }
    let receipt = receipt.split(';').next().unwrap().to_owned();

    // The page the receipt is for, loaded and reloaded: not charged again.
    for _ in 0..2 {
        let (status, page) = server
            .raw_get(
                &format!("/p/{UNDER_REVIEW}"),
                &[("X-Forwarded-For", client), ("Cookie", &receipt)],
            )
            .await;
        assert_eq!(status, 200);
        assert!(page.contains(UNDER_REVIEW_SUBJECT));
    }
    // Another pratica's page does not take it: charged (the last token).
    let (status, _) = server
        .raw_get(
            &format!("/p/{SUSPENDED}"),
            &[("X-Forwarded-For", client), ("Cookie", &receipt)],
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .raw_get(
            &format!("/p/{UNDER_REVIEW}"),
            &[("X-Forwarded-For", client)],
        )
        .await;
    assert_eq!(status, 429, "the receipt paid for more than its lookup");
    let (_, answer, receipt) = search_as(&server, client, UNDER_REVIEW).await;
    assert!(refusal(&answer).contains("troppe ricerche"), "{answer}");
    assert_eq!(receipt, None);

    // A receipt altered to name another pratica pays for nothing.
    let (_, _, receipt) = search_as(&server, "203.0.113.8", UNDER_REVIEW).await;
    let forged = receipt
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .replace(UNDER_REVIEW, SUSPENDED);
    for expected in [200, 200, 200, 429] {
        let (status, _) = server
            .raw_get(
                &format!("/p/{SUSPENDED}"),
                &[("X-Forwarded-For", "203.0.113.9"), ("Cookie", &forged)],
            )
            .await;
        assert_eq!(status, expected);
    }

    let cross_site = server
        .client
        .post(server.url("/cerca"))
        .header("sec-fetch-site", "cross-site")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "codice": UNDER_REVIEW }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
}

/// A body that is not the search's arguments is the caller's mistake: 400
/// with what was wrong, and no lookup charged (the client's only token is
/// still there afterwards).
async fn a_search_that_cannot_be_read_is_refused_and_charges_nothing(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 1).await else {
        return;
    };
    let client = "203.0.113.20";
    for body in ["not json", r#"{"codice":5}"#, "{}", "[]", ""] {
        let response = server
            .client
            .post(server.url("/cerca"))
            .header("x-forwarded-for", client)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let text = response.text().await.unwrap();
        assert!(!text.is_empty(), "{body:?}: no reason given");
    }
    let (status, answer, _) = search_as(&server, client, UNDER_REVIEW).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["Found"]["address"], format!("/p/{UNDER_REVIEW}"));
}
