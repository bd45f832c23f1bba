//! "Le mie pratiche" and the cross-site guard, through the real server on
//! SQLite and PostgreSQL.

use pratiche_db::demo::SHOWCASE_CODES;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::support::{Backend, TestServer};

on_both_databases!(
    a_code_is_remembered_listed_and_forgotten,
    cross_site_posts_are_refused_before_anything_else,
    nothing_about_remembered_codes_is_stored_or_logged,
    listing_charges_one_lookup_per_code_and_other_pages_none,
);

const UNDER_REVIEW: &str = SHOWCASE_CODES[0];
const SUSPENDED: &str = SHOWCASE_CODES[1];

/// The `name=value` part of the response's cookie, and the whole header.
fn set_cookie(response: &reqwest::Response) -> (String, String) {
    let header = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    (header.split(';').next().unwrap().to_owned(), header)
}

async fn a_code_is_remembered_listed_and_forgotten(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let response = server
        .post_form(
            "/mie-pratiche",
            "",
            &[("codice", &UNDER_REVIEW.to_lowercase())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        format!("/p/{UNDER_REVIEW}").as_str()
    );
    let (cookie, header) = set_cookie(&response);
    assert_eq!(cookie, "mie_pratiche=JYRHCM4Q3DY4B");
    for attribute in ["Path=/", "Max-Age=31536000", "HttpOnly", "SameSite=Lax"] {
        assert!(header.contains(attribute), "{header}");
    }
    assert!(!header.contains("Secure"), "Secure without https: {header}");

    let response = server
        .post_form("/mie-pratiche", &cookie, &[("codice", SUSPENDED)])
        .await;
    let (cookie, _) = set_cookie(&response);
    assert_eq!(cookie, "mie_pratiche=HA1HG56P8QX6T.JYRHCM4Q3DY4B");

    let case = server
        .client
        .get(server.url(&format!("/p/{UNDER_REVIEW}")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(
        case.text()
            .await
            .unwrap()
            .contains("Questa pratica è ricordata su questo dispositivo")
    );

    let home = server
        .client
        .get(server.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.headers()[CACHE_CONTROL], "no-store");
    let page = home.text().await.unwrap();
    let list = &page[page.find("Le mie pratiche").expect("the list")..];
    assert!(
        list.find(SUSPENDED).unwrap() < list.find(UNDER_REVIEW).unwrap(),
        "newest first"
    );
    assert!(list.contains("Integrazione richiesta") && list.contains("In lavorazione"));

    let response = server
        .post_form(
            "/mie-pratiche/rimuovi",
            &cookie,
            &[("codice", SUSPENDED), ("torna", "home")],
        )
        .await;
    assert_eq!(response.headers()[LOCATION], "/");
    let (cookie, _) = set_cookie(&response);
    assert_eq!(cookie, "mie_pratiche=JYRHCM4Q3DY4B");

    let response = server
        .post_form("/mie-pratiche/dimentica", &cookie, &[])
        .await;
    let (cookie, header) = set_cookie(&response);
    assert_eq!(cookie, "mie_pratiche=");
    assert!(header.contains("Max-Age=0"));
    let home = server.client.get(server.url("/")).send().await.unwrap();
    assert!(!home.text().await.unwrap().contains("Le mie pratiche"));

    // Bad input changes nothing.
    let response = server
        .post_form(
            "/mie-pratiche",
            "mie_pratiche=JYRHCM4Q3DY4B",
            &[("codice", "JYRH-CM4Q-3DY4-C")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(SET_COOKIE).is_none());
}

async fn cross_site_posts_are_refused_before_anything_else(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
    ] {
        for path in ["/mie-pratiche", "/mie-pratiche/dimentica", "/nowhere"] {
            let response = server
                .client
                .post(server.url(path))
                .header(name, value)
                .form(&[("codice", UNDER_REVIEW)])
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} with {name}: {value}"
            );
            assert!(response.headers().get(SET_COOKIE).is_none());
        }
    }
}

/// Row counts of every table, to show a request wrote nothing about a
/// pratica. The shared lookup limit's counters are left out: reading the
/// remembered list is charged to the client's address (on PostgreSQL, in
/// the database), and the test shows those rows hold no code.
async fn row_counts(server: &TestServer) -> Vec<(String, i64)> {
    let db = server.database().await;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        _ => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        }
    };
    let tables = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap();
    let mut counts = Vec::new();
    for row in tables {
        let table: String = row.try_get("", "name").unwrap();
        if table == "rate_limits" {
            continue;
        }
        let count = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{table}\""),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.push((table, count.try_get::<i64>("", "n").unwrap()));
    }
    assert!(counts.len() >= 6, "{counts:?}");
    counts
}

async fn nothing_about_remembered_codes_is_stored_or_logged(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let before = row_counts(&server).await;
    let response = server
        .post_form("/mie-pratiche", "", &[("codice", SUSPENDED)])
        .await;
    let (cookie, _) = set_cookie(&response);
    let home = server
        .client
        .get(server.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(home.text().await.unwrap().contains(SUSPENDED));
    server
        .post_form("/mie-pratiche/dimentica", &cookie, &[])
        .await;
    assert_eq!(
        row_counts(&server).await,
        before,
        "remembering wrote to the database"
    );
    let db = server.database().await;
    let counters = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT key FROM rate_limits",
        ))
        .await
        .unwrap();
    for counter in counters {
        let key: String = counter.try_get("", "key").unwrap();
        assert!(key.starts_with("lookup:127.0.0.1"), "{key}");
    }

    let log = server.settled_log().await;
    let value = cookie.split_once('=').unwrap().1;
    for line in log
        .lines()
        .filter(|line| !line.contains("demo mode: try the codes"))
    {
        assert!(
            !line.contains(value) && !line.contains(SUSPENDED),
            "the log pairs a remembered code: {line}"
        );
    }
}

/// The list reads each remembered pratica by code: each one is a lookup.
async fn listing_charges_one_lookup_per_code_and_other_pages_none(backend: Backend) {
    let Some(server) = TestServer::start_with_lookup_burst(backend, 3).await else {
        return;
    };
    let home = |client: &'static str, cookie: &'static str| {
        server
            .client
            .get(server.url("/"))
            .header("x-forwarded-for", client)
            .header(COOKIE, cookie)
            .send()
    };
    // Pages that read no pratica by code never count.
    for path in [
        "/",
        "/",
        "/",
        "/accessibilita",
        "/privacy",
        "/cerca?codice=x",
        "/favicon.svg",
    ] {
        let response = server
            .client
            .get(server.url(path))
            .header("x-forwarded-for", "203.0.113.1")
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
    // Two codes cost two of the three lookups: the list shows once...
    let two = "mie_pratiche=JYRHCM4Q3DY4B.HA1HG56P8QX6T";
    let page = home("203.0.113.1", two)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("In lavorazione"), "the list is missing");
    // ... and then is refused, while the home page itself never is.
    let page = home("203.0.113.1", two).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Troppe ricerche da questa connessione") && !page.contains("In lavorazione")
    );
    // The one lookup left still opens a pratica, then none is left.
    let lookup = |client: &'static str| {
        server
            .client
            .get(server.url(&format!("/p/{UNDER_REVIEW}")))
            .header("x-forwarded-for", client)
            .send()
    };
    assert_eq!(
        lookup("203.0.113.1").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        lookup("203.0.113.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // More codes than the burst are never listed at once.
    let four = "mie_pratiche=JYRHCM4Q3DY4B.HA1HG56P8QX6T.XJMVNN29WY74G.92KWG8NBRNGSM";
    let page = home("203.0.113.2", four)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Troppe ricerche da questa connessione"));
    // The client was not charged for what it could not have.
    assert_eq!(
        lookup("203.0.113.2").await.unwrap().status(),
        StatusCode::OK
    );
}
