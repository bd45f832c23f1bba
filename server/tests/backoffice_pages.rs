//! The clerk's dashboard and pratica record, through the real server on
//! SQLite and PostgreSQL: what a clerk sees, and that no body sees another's.

mod support;

use pratiche_db::demo::DEMO_PASSWORD;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use support::{Backend, TestServer};

on_both_databases!(
    the_dashboard_lists_filters_and_counts_the_bodys_pratiche,
    a_record_shows_the_whole_history_to_its_body_only,
    staff_pages_need_a_session,
);

async fn cookie_of(server: &TestServer, username: &str) -> String {
    let response = server
        .client
        .post(server.url("/area-riservata/accedi"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", username), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn page(server: &TestServer, cookie: &str, path: &str) -> (StatusCode, String) {
    let response = server
        .client
        .get(server.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The codes listed in a dashboard page.
fn listed(page: &str) -> Vec<String> {
    page.split("href=\"/area-riservata/pratiche/")
        .skip(1)
        .map(|rest| rest[..16].to_owned())
        .collect()
}

async fn the_dashboard_lists_filters_and_counts_the_bodys_pratiche(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let valdoria = cookie_of(&server, "demo-operatore-valdoria").await;
    let (status, all) = page(&server, &valdoria, "/area-riservata/pratiche").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("Pratiche di Comune di Valdoria"));
    assert_eq!(listed(&all).len(), 8, "{:?}", listed(&all));
    assert!(all.contains("8 pratiche trovate") && all.contains("1 pratica scaduta"));
    assert!(
        !all.contains("SF0P-Y0B2-F55Z-C"),
        "another body's pratica is listed"
    );

    for (query, expected) in [
        ("?fase=documents_requested", vec!["HA1H-G56P-8QX6-T"]),
        ("?q=fabbricato+ARTIGIANALE", vec!["HA1H-G56P-8QX6-T"]),
        ("?q=PROT.+2026%2F13877", vec!["HA1H-G56P-8QX6-T"]),
        ("?q=ha1hg56p8qx6t", vec!["HA1H-G56P-8QX6-T"]),
        ("?scadenza=scadute", vec!["XJMV-NN29-WY74-G"]),
        ("?q=SF0P-Y0B2-F55Z-C", vec![]),
        (
            "?fase=nonsense&pagina=-3",
            listed(&all).iter().map(String::as_str).collect(),
        ),
    ] {
        let (status, found) = page(
            &server,
            &valdoria,
            &format!("/area-riservata/pratiche{query}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(listed(&found), expected, "{query}");
    }

    let serena = cookie_of(&server, "demo-operatore-serena").await;
    let (_, theirs) = page(&server, &serena, "/area-riservata/pratiche").await;
    assert_eq!(listed(&theirs).len(), 4);
    assert!(theirs.contains("SF0P-Y0B2-F55Z-C") && !theirs.contains("JYRH-CM4Q-3DY4-B"));

    let province = cookie_of(&server, "demo-provincia").await;
    let (status, none) = page(&server, &province, "/area-riservata/pratiche").await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.contains("non appartiene a un ente") && listed(&none).is_empty());
}

async fn a_record_shows_the_whole_history_to_its_body_only(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let valdoria = cookie_of(&server, "demo-operatore-valdoria").await;
    let (status, record) = page(
        &server,
        &valdoria,
        "/area-riservata/pratiche/HA1H-G56P-8QX6-T",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Ampliamento di fabbricato artigianale",
        "PROT. 2026/13877",
        "Richiesta integrazioni",
        "Relazione geologica mancante, prospetti non quotati.",
        "Rispondere entro il",
        "dati dimostrativi",
        "Come è calcolata questa data",
    ] {
        assert!(record.contains(expected), "missing {expected:?}");
    }
    // Another body's pratica answers exactly like an unknown code.
    let (theirs, other_page) = page(
        &server,
        &valdoria,
        "/area-riservata/pratiche/SF0P-Y0B2-F55Z-C",
    )
    .await;
    let (unknown, unknown_page) = page(
        &server,
        &valdoria,
        "/area-riservata/pratiche/7K3M-Q9XR-2HDP-C",
    )
    .await;
    assert_eq!(
        (theirs, unknown),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert!(!other_page.contains("Dehors") && !other_page.contains("Val Serena"));
    assert_eq!(
        other_page.replace("SF0P-Y0B2-F55Z-C", "X"),
        unknown_page.replace("7K3M-Q9XR-2HDP-C", "X")
    );
}

async fn staff_pages_need_a_session(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    for path in [
        "/area-riservata/pratiche",
        "/area-riservata/pratiche/JYRH-CM4Q-3DY4-B",
        "/area-riservata/account",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()[LOCATION], "/area-riservata", "{path}");
    }
}
