//! The clerk's dashboard and pratica record, through the real server on
//! SQLite and PostgreSQL: what a clerk sees, and that no body sees another's.

use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::support::{Backend, TestServer};

on_both_databases!(
    the_dashboard_lists_filters_and_counts_the_bodys_pratiche,
    searches_matching_many_or_few_list_what_a_plain_query_lists,
    a_body_with_more_pratiche_than_are_counted_still_pages_them,
    a_record_shows_the_whole_history_to_its_body_only,
    staff_pages_need_a_session,
    a_clerk_registers_a_pratica_and_gets_its_receipt,
    a_wrong_registration_changes_nothing,
    the_registration_check_tells_each_fields_problem_as_the_form_would,
);

/// A page with its request's nonce (its islands' scripts carry one) written
/// as `NONCE`, so that two answers compare.
fn without_nonce(page: &str) -> String {
    match page
        .split_once("nonce=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
    {
        Some((nonce, _)) => page.replace(nonce, "NONCE"),
        None => page.to_owned(),
    }
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
    let valdoria = server.sign_in_demo("demo-operatore-valdoria").await;
    let (status, all) = server.page(&valdoria, "/area-riservata/pratiche").await;
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
        // Too short for a trigram: read from the body's texts instead.
        ("?q=TT", vec!["7JXQ-V9JC-317T-V"]),
        // Words of another body's pratica.
        ("?q=dehors+stagionale", vec![]),
        ("?scadenza=scadute", vec!["XJMV-NN29-WY74-G"]),
        ("?q=SF0P-Y0B2-F55Z-C", vec![]),
        (
            "?fase=nonsense&pagina=-3",
            listed(&all).iter().map(String::as_str).collect(),
        ),
        (
            "?pagina=18446744073709551615",
            listed(&all).iter().map(String::as_str).collect(),
        ),
    ] {
        let (status, found) = server
            .page(&valdoria, &format!("/area-riservata/pratiche{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(listed(&found), expected, "{query}");
        // The live filter (the dashboard island's server function) lists
        // the same, counts alike, and gives the address that lists it.
        let (status, answer) = live_filter(&server, &valdoria, "same-origin", &query[1..]).await;
        assert_eq!(status, StatusCode::OK, "{query}: {answer}");
        let update: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(
            listed(update["results"].as_str().unwrap()),
            expected,
            "{query}"
        );
        let total = update["total"].as_str().unwrap();
        assert!(found.contains(total), "{query}: {total}");
        let address = update["address"].as_str().unwrap();
        let (_, again) = server.page(&valdoria, address).await;
        assert_eq!(listed(&again), expected, "{address}");
    }
    for (cookie, site, posted, expected) in [
        (
            "",
            "same-origin",
            serde_json::json!("q=ha1h"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            valdoria.as_str(),
            "cross-site",
            serde_json::json!("q=ha1h"),
            StatusCode::FORBIDDEN,
        ),
        (
            valdoria.as_str(),
            "same-origin",
            serde_json::json!(["q"]),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, answer) = server
            .call_server_function(
                "/area-riservata/filtra-pratiche",
                cookie,
                site,
                &serde_json::json!({ "posted": posted }),
            )
            .await;
        assert_eq!(status, expected, "{posted} from {site}: {answer}");
    }

    let serena = server.sign_in_demo("demo-operatore-serena").await;
    let (_, theirs) = server.page(&serena, "/area-riservata/pratiche").await;
    // Four in the demo, one of them erased at start (closed past retention).
    assert_eq!(listed(&theirs).len(), 3);
    assert!(theirs.contains("SF0P-Y0B2-F55Z-C") && !theirs.contains("JYRH-CM4Q-3DY4-B"));

    let province = server.sign_in_demo("demo-provincia").await;
    let (status, none) = server.page(&province, "/area-riservata/pratiche").await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.contains("non appartiene a un ente") && listed(&none).is_empty());
    let (status, _) = live_filter(&server, &province, "same-origin", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The dashboard's live filter (its island's server function) for the
/// filter form's values `posted`, URL-encoded.
async fn live_filter(
    server: &TestServer,
    cookie: &str,
    site: &str,
    posted: &str,
) -> (StatusCode, String) {
    server
        .call_server_function(
            "/area-riservata/filtra-pratiche",
            cookie,
            site,
            &serde_json::json!({ "posted": posted }),
        )
        .await
}

/// The codes of page `page` of `query` in due-date order, as a plain query
/// gives them: what the dashboard must list.
async fn page_in_due_order(
    db: &pratiche_db::DatabaseConnection,
    query: sea_orm::Select<pratiche_db::entity::case::Entity>,
    page: u64,
) -> Vec<String> {
    use pratiche_db::entity::case;
    use sea_orm::{QueryOrder, QuerySelect};
    query
        .order_by_asc(case::Column::DueDate)
        .order_by_asc(case::Column::Id)
        .offset((page - 1) * 25)
        .limit(25)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|case| case.code.to_string())
        .collect()
}

/// The dashboard finds a search's matches one way when they are many (more
/// than it counts) and another when they are few: both list the pages a
/// plain `LIKE` query in due-date order lists.
async fn searches_matching_many_or_few_list_what_a_plain_query_lists(backend: Backend) {
    use pratiche_db::entity::{body, case};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    let today = pratiche_db::clock::rome_date(chrono::Utc::now());
    // About half for each demo body: 1,200 "PROT." references in Valdoria.
    pratiche_db::load::generate(&db, 2400, pratiche_db::load::HISTORIES, 11, today)
        .await
        .unwrap();
    let valdoria = body::Entity::find()
        .filter(body::Column::Slug.eq("valdoria"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let plain = |folded: &'static str| {
        case::Entity::find()
            .filter(case::Column::BodyId.eq(valdoria))
            .filter(case::Column::SearchText.contains(folded))
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    // The query, its folded words, whether they match more than are counted.
    for (query, folded, many) in [
        ("PROT.", "prot", true),
        ("ampliamento", "ampliamento", false),
        ("tt", "tt", false),
    ] {
        let matches = plain(folded).count(&db).await.unwrap();
        assert_eq!(matches > 1000, many, "{query} matches {matches}");
        for page in [1, 2] {
            let (status, html) = server
                .page(
                    &clerk,
                    &format!("/area-riservata/pratiche?q={query}&pagina={page}"),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let expected = page_in_due_order(&db, plain(folded), page).await;
            assert_eq!(listed(&html), expected, "{query}, page {page}");
            let total = if many {
                "Più di 1000 pratiche trovate".to_owned()
            } else {
                format!("{matches} pratiche trovate")
            };
            assert!(html.contains(&total), "{query}: {total:?} missing");
        }
        assert!(matches > 25, "{query} matches one page only: {matches}");
    }
}

/// Past 10,000 pratiche the dashboard says "more than" instead of counting
/// them all, and still pages through them, and through each procedure
/// type's, in due-date order.
async fn a_body_with_more_pratiche_than_are_counted_still_pages_them(backend: Backend) {
    use pratiche_db::entity::{body, case};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    let today = pratiche_db::clock::rome_date(chrono::Utc::now());
    // About half for each demo body.
    pratiche_db::load::generate(&db, 24_000, 300, 13, today)
        .await
        .unwrap();
    let valdoria = body::Entity::find()
        .filter(body::Column::Slug.eq("valdoria"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let of_valdoria = || case::Entity::find().filter(case::Column::BodyId.eq(valdoria));
    assert!(of_valdoria().count(&db).await.unwrap() > 10_000);
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    for page in [1, 2] {
        let (status, html) = server
            .page(&clerk, &format!("/area-riservata/pratiche?pagina={page}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Più di 10000 pratiche trovate"),
            "page {page}"
        );
        assert!(html.contains(&format!("Pagina {page}")), "page {page}");
        assert!(
            html.contains(&format!("pagina={}", page + 1)),
            "no next page"
        );
        let expected = page_in_due_order(&db, of_valdoria(), page).await;
        assert_eq!(listed(&html), expected, "page {page}");
    }
    // Each procedure type of the body, filtered, in the same order.
    for procedure in pratiche_db::procedure_types::procedure_types_of(&db, valdoria)
        .await
        .unwrap()
    {
        let (id, name) = procedure;
        let of_type = || of_valdoria().filter(case::Column::ProcedureTypeId.eq(id));
        for page in [1, 2] {
            let (_, html) = server
                .page(
                    &clerk,
                    &format!("/area-riservata/pratiche?tipo={id}&pagina={page}"),
                )
                .await;
            let expected = page_in_due_order(&db, of_type(), page).await;
            assert_eq!(listed(&html), expected, "{name}, page {page}");
        }
    }
}

async fn a_record_shows_the_whole_history_to_its_body_only(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let valdoria = server.sign_in_demo("demo-operatore-valdoria").await;
    let (status, record) = server
        .page(&valdoria, "/area-riservata/pratiche/HA1H-G56P-8QX6-T")
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
    let (theirs, other_page) = server
        .page(&valdoria, "/area-riservata/pratiche/SF0P-Y0B2-F55Z-C")
        .await;
    let (unknown, unknown_page) = server
        .page(&valdoria, "/area-riservata/pratiche/7K3M-Q9XR-2HDP-C")
        .await;
    assert_eq!(
        (theirs, unknown),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert!(!other_page.contains("Dehors") && !other_page.contains("Val Serena"));
    assert_eq!(
        without_nonce(&other_page).replace("SF0P-Y0B2-F55Z-C", "X"),
        without_nonce(&unknown_page).replace("7K3M-Q9XR-2HDP-C", "X")
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

async fn type_id(server: &TestServer, name: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = server.database().await;
    pratiche_db::entity::procedure_type::Entity::find()
        .filter(pratiche_db::entity::procedure_type::Column::Name.eq(name))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn case_count(server: &TestServer) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    pratiche_db::entity::case::Entity::find()
        .count(&server.database().await)
        .await
        .unwrap()
}

async fn a_clerk_registers_a_pratica_and_gets_its_receipt(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (status, form) = server.page(&clerk, "/area-riservata/registra").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("Contributo per i libri di testo")
            && !form.contains("Occupazione di suolo pubblico")
    );

    let tipo = type_id(&server, "Contributo per i libri di testo").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
        .to_string();
    let response = server
        .post_form(
            "/area-riservata/registra",
            &clerk,
            &[
                ("tipo", &tipo),
                ("oggetto", "Contributo per i libri di testo, a.s. 2027/2028"),
                ("protocollo", "SCU/2026/999"),
                ("presentata_il", &today),
                ("ufficio", "Ufficio Servizi Scolastici"),
                ("responsabile", "Dott. Marco Bellini"),
                ("contatto", "scuola@comune.valdoria.example.it"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let receipt_path = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let code = receipt_path
        .trim_start_matches("/area-riservata/pratiche/")
        .trim_end_matches("/ricevuta")
        .to_owned();
    assert!(
        pratiche_domain::CaseCode::parse(&code).is_ok(),
        "{receipt_path}"
    );

    let (status, receipt) = server.page(&clerk, &receipt_path).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        code.as_str(),
        "<svg",
        &format!("http://127.0.0.1:3000/p/{code}"),
        "Comune di Valdoria",
        "a.s. 2027/2028",
        "mancano",
    ] {
        assert!(receipt.contains(expected), "the receipt lacks {expected:?}");
    }
    // Its words are searchable at once.
    let (_, found) = server
        .page(&clerk, "/area-riservata/pratiche?q=a.s.+2027%2F2028")
        .await;
    assert_eq!(listed(&found), vec![code.clone()]);
    // Another body's clerk gets no receipt.
    let serena = server.sign_in_demo("demo-operatore-serena").await;
    assert_eq!(
        server.page(&serena, &receipt_path).await.0,
        StatusCode::NOT_FOUND
    );

    let public = server
        .get(&format!("/p/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("a.s. 2027/2028")
            && public.contains("Presentata")
            && public.contains("mancano")
    );
    assert!(!public.contains("SCU/2026/999"));
    let (_, record) = server
        .page(&clerk, &format!("/area-riservata/pratiche/{code}"))
        .await;
    assert!(record.contains("Demo – Operatore di Valdoria") && record.contains("tramite web"));
}

async fn a_wrong_registration_changes_nothing(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let before = case_count(&server).await;
    let ours = type_id(&server, "Permesso di costruire").await;
    let theirs = type_id(&server, "Occupazione di suolo pubblico").await;
    let complete =
        |tipo: String, oggetto: &'static str, protocollo: &'static str, date: &'static str| {
            vec![
                ("tipo", tipo),
                ("oggetto", oggetto.to_owned()),
                ("protocollo", protocollo.to_owned()),
                ("presentata_il", date.to_owned()),
                ("ufficio", "SUE".to_owned()),
                ("responsabile", "Arch. Ferri".to_owned()),
                ("contatto", "sue@example.it".to_owned()),
            ]
        };
    for (form, expected) in [
        (
            complete(ours.clone(), "", "", "2999-01-01"),
            "Indicare una data valida, non futura.",
        ),
        (
            complete(ours.clone(), "Recinzione", "PROT. 2026/14503", "2026-11-02"),
            "già usato da un'altra pratica",
        ),
        (
            complete(theirs, "Recinzione", "", "2026-11-02"),
            "Scegliere un procedimento dell&#x27;ente.",
        ),
    ] {
        let form: Vec<(&str, &str)> = form
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let response = server
            .post_form("/area-riservata/registra", &clerk, &form)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let page = response.text().await.unwrap();
        assert!(
            page.contains(expected) || page.contains(&expected.replace("&#x27;", "'")),
            "missing {expected:?}"
        );
        // The form's island runs: its scripts carry the nonce the policy names.
        let scripts = page.matches("<script").count();
        assert!(scripts > 0, "{page}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split_once('\''))
            .map(|(nonce, _)| nonce)
            .unwrap_or_else(|| panic!("no nonce in {policy}"));
        assert_eq!(
            page.matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count()
                + page.matches(&format!("<script nonce=\"{nonce}\"")).count(),
            scripts,
            "a script without the policy's nonce"
        );
        assert!(page.contains("SUE"), "what was typed is lost");
    }
    let province = server.sign_in_demo("demo-provincia").await;
    let form = complete(ours, "Recinzione", "", "2026-11-02");
    let form: Vec<(&str, &str)> = form
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    assert_eq!(
        server
            .post_form("/area-riservata/registra", &province, &form)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        case_count(&server).await,
        before,
        "a refused registration wrote something"
    );
}

/// The registration form's check (the server function its island calls as
/// the clerk leaves a field) with `posted` as the form's URL-encoded body,
/// as `cookie` from `site`: its status and its answer.
async fn check_registration(
    server: &TestServer,
    cookie: &str,
    site: &str,
    posted: &serde_json::Value,
) -> (StatusCode, String) {
    server
        .call_server_function(
            "/area-riservata/registra/controlla",
            cookie,
            site,
            &serde_json::json!({ "posted": posted }),
        )
        .await
}

/// The check answers a draft with the problems the form's handler would
/// give, field by field, in its words: the rules of each field, the
/// body's own reference already used, another body's procedure type; a
/// right draft has none. It is the page's: a session of a body's staff,
/// same site; a body that is not a form is refused; nothing is written.
async fn the_registration_check_tells_each_fields_problem_as_the_form_would(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let before = case_count(&server).await;
    let ours = type_id(&server, "Permesso di costruire").await;
    let theirs = type_id(&server, "Occupazione di suolo pubblico").await;
    let draft = |tipo: &str, oggetto: &str, protocollo: &str, date: &str| {
        serde_json::Value::String(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("tipo", tipo),
                    ("oggetto", oggetto),
                    ("protocollo", protocollo),
                    ("presentata_il", date),
                    ("ufficio", "SUE"),
                    ("responsabile", "Arch. Ferri"),
                    ("contatto", ""),
                ])
                .finish(),
        )
    };
    let cases = [
        (
            draft(&ours, "", "PROT. 2026/14503", "2999-01-01"),
            vec![
                ("oggetto", "Campo obbligatorio."),
                ("presentata_il", "Indicare una data valida, non futura."),
                ("contatto", "Campo obbligatorio."),
                ("protocollo", "già usato da un'altra pratica"),
            ],
        ),
        (
            draft(&theirs, "Recinzione", "", "2026-11-02"),
            vec![
                ("tipo", "Scegliere un procedimento dell'ente."),
                ("contatto", "Campo obbligatorio."),
            ],
        ),
    ];
    for (posted, expected) in cases {
        let (status, answer) = check_registration(&server, &clerk, "same-origin", &posted).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let problems: Vec<(String, String)> =
            serde_json::from_str::<Vec<serde_json::Value>>(&answer)
                .unwrap()
                .into_iter()
                .map(|problem| {
                    (
                        problem["field"].as_str().unwrap().to_owned(),
                        problem["message"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
        assert_eq!(problems.len(), expected.len(), "{problems:?}");
        for (field, words) in expected {
            assert!(
                problems
                    .iter()
                    .any(|(name, message)| name == field && message.contains(words)),
                "{field}: {words:?} not in {problems:?}"
            );
        }
        // The form's handler says the same of the same draft.
        let form: Vec<(String, String)> =
            form_urlencoded::parse(posted.as_str().unwrap().as_bytes())
                .into_owned()
                .collect();
        let page = server
            .post_form(
                "/area-riservata/registra",
                &clerk,
                &form
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect::<Vec<_>>(),
            )
            .await
            .text()
            .await
            .unwrap()
            .replace("&#x27;", "'");
        // Each field the form's page marks, the check marks in the same
        // words (the check also tells the body's rules while other fields
        // are still wrong, where the handler stops at the fields' rules).
        let marked: Vec<(&str, &str)> = page
            .split("<p id=\"")
            .skip(1)
            .filter_map(|rest| {
                let (id, rest) =
                    rest.split_once("-error\" class=\"field-message field-message-error\">")?;
                Some((id, rest.split_once("</p>")?.0))
            })
            .collect();
        assert!(!marked.is_empty(), "{page}");
        for (field, message) in marked {
            assert!(
                problems
                    .iter()
                    .any(|(name, said)| name == field && said == message),
                "the form says {field}: {message:?}, the check {problems:?}"
            );
        }
    }
    let right = serde_json::Value::String(format!(
        "tipo={ours}&oggetto=Recinzione&presentata_il=2026-11-02&ufficio=SUE&responsabile=Ferri&contatto=sue%40example.it"
    ));
    assert_eq!(
        check_registration(&server, &clerk, "same-origin", &right).await,
        (StatusCode::OK, "[]".to_owned())
    );

    let province = server.sign_in_demo("demo-provincia").await;
    for (cookie, site, posted, expected) in [
        ("", "same-origin", &right, StatusCode::UNAUTHORIZED),
        (
            province.as_str(),
            "same-origin",
            &right,
            StatusCode::FORBIDDEN,
        ),
        (clerk.as_str(), "cross-site", &right, StatusCode::FORBIDDEN),
        (
            clerk.as_str(),
            "same-origin",
            &serde_json::json!(5),
            StatusCode::BAD_REQUEST,
        ),
        (
            clerk.as_str(),
            "same-origin",
            &serde_json::json!("tipo=1&tipo=2"),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, answer) = check_registration(&server, cookie, site, posted).await;
        assert_eq!(status, expected, "{posted} from {site}: {answer}");
    }
    assert_eq!(case_count(&server).await, before, "a check wrote something");
}
