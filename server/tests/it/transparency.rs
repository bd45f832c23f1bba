//! What a body publishes, through the real server on SQLite and PostgreSQL:
//! the bodies' index, a body's procedures, a procedure's sheet with every
//! art. 35 item and its processing times (table, chart, "dati insufficienti"),
//! the open data files (documented columns, licence, the figures the pages
//! show), "di solito si conclude in N giorni" on the case page, and a body
//! admin writing the sheet. No code, subject, reference or note of a
//! pratica appears in any of them.

use chrono::Utc;
use pratiche_app::open_data::COLUMNS;
use pratiche_db::entity::{body, case, procedure_type, status_event};
use pratiche_db::transparency::body_times;
use pratiche_domain::CaseCode;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::support::{Backend, TestServer};

on_both_databases!(
    the_public_pages_and_files_show_counts_and_durations_only,
    a_body_admin_writes_the_public_sheet
);

/// Words put into pratiche's subjects, references and notes: none may reach
/// the public pages or files.
const SECRETS: [&str; 4] = [
    "OGGETTO-RISERVATO",
    "RIFERIMENTO-RISERVATO",
    "NOTA-PUBBLICA-DELLA-PRATICA",
    "NOTA-INTERNA-RISERVATA",
];

async fn body_by_slug(db: &pratiche_db::DatabaseConnection, slug: &str) -> body::Model {
    body::Entity::find()
        .filter(body::Column::Slug.eq(slug))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn type_named(
    db: &pratiche_db::DatabaseConnection,
    body_id: i32,
    name: &str,
) -> procedure_type::Model {
    procedure_type::Entity::find()
        .filter(procedure_type::Column::BodyId.eq(body_id))
        .filter(procedure_type::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn text_of(server: &TestServer, path: &str) -> (StatusCode, String) {
    let response = server.get(path).await;
    (response.status(), response.text().await.unwrap())
}

async fn the_public_pages_and_files_show_counts_and_durations_only(backend: Backend) {
    let Some(mut server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    // Histories over the last 400 days.
    let today = pratiche_db::clock::rome_date(Utc::now());
    pratiche_db::load::generate(&db, 600, 150, 5, today)
        .await
        .unwrap();
    let valdoria = body_by_slug(&db, "valdoria").await;
    let permit = type_named(&db, valdoria.id, "Permesso di costruire").await;
    let empty = procedure_type::ActiveModel {
        body_id: Set(valdoria.id),
        // A name a spreadsheet would take for a formula.
        name: Set("=Procedimento senza pratiche".into()),
        term_days: Set(30),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    // Secrets in the pratiche that must not leak.
    case::Entity::update_many()
        .col_expr(case::Column::Subject, Expr::value(SECRETS[0]))
        .col_expr(
            case::Column::OwnReference,
            Expr::cust(format!("'{}-' || id", SECRETS[1])),
        )
        .filter(case::Column::BodyId.eq(valdoria.id))
        .exec(&db)
        .await
        .unwrap();
    status_event::Entity::update_many()
        .col_expr(status_event::Column::PublicNote, Expr::value(SECRETS[2]))
        .col_expr(status_event::Column::InternalNote, Expr::value(SECRETS[3]))
        .filter(status_event::Column::BodyId.eq(valdoria.id))
        .exec(&db)
        .await
        .unwrap();
    let codes: Vec<CaseCode> = case::Entity::find()
        .filter(case::Column::BodyId.eq(valdoria.id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|case| *case.code)
        .collect();
    assert!(codes.len() > 100);
    // Figures are computed at the start (and every ten minutes).
    server.restart_in_place().await;
    let expected = body_times(&db, valdoria.id, Utc::now()).await.unwrap();
    let permit_times = expected.of_type(permit.id, today);
    let measured = permit_times
        .last_twelve_months
        .times
        .expect("enough permits were concluded to be measured");

    // The index, the body, the sheet.
    let (status, index) = text_of(&server, "/enti").await;
    assert_eq!(status, StatusCode::OK);
    assert!(index.contains("href=\"/enti/valdoria\""), "{index}");
    assert!(index.contains("href=\"/enti/val-serena\""));
    assert!(index.contains("/enti/tempi-di-conclusione.csv"));
    let (status, body_page) = text_of(&server, "/enti/valdoria").await;
    assert_eq!(status, StatusCode::OK);
    let sheet_path = format!("/enti/valdoria/procedimenti/{}", permit.id);
    assert!(body_page.contains(&format!("href=\"{sheet_path}\"")));
    assert!(body_page.contains("Procedimento senza pratiche"));
    let (status, sheet) = text_of(&server, &sheet_path).await;
    assert_eq!(status, StatusCode::OK);
    for item in [
        // Written by the body (the demo's sheet).
        "Il permesso di costruire autorizza",
        "D.P.R. 380/2001 (Testo unico dell'edilizia)",
        "Progetto firmato da un tecnico abilitato",
        "Diritti di segreteria: 100 euro",
        "href=\"https://servizi.valdoria.example.it/edilizia/permesso-di-costruire\"",
        // Known already.
        "60 giorni dalla presentazione (D.P.R. 380/2001, art. 20)",
        "Titolare del potere sostitutivo",
        "ricorso al Tribunale amministrativo regionale entro 60 giorni",
        "Come conoscere lo stato della pratica",
        "No: il procedimento si conclude con un provvedimento espresso.",
        // The service page's feedback element and the open data.
        "data-element=\"feedback\"",
        "Quanto sono chiare le informazioni su questa pagina?",
        "data-element=\"accessibility-link\"",
        "CC BY 4.0",
        "/enti/valdoria/tempi-di-conclusione.json",
        "<svg",
        "role=\"img\"",
    ] {
        assert!(sheet.contains(item), "{item} is missing from the sheet");
    }
    let summary = format!(
        "Negli ultimi 12 mesi si sono concluse {} pratiche, il {}% entro il termine. Di solito servono {} giorni; 9 pratiche su 10 si concludono entro {} giorni.",
        permit_times.last_twelve_months.concluded,
        measured.in_time_percent,
        measured.median_days,
        measured.p90_days
    );
    assert!(sheet.contains(&summary), "{summary}\n{sheet}");
    // One table row per half year, from the first with a pratica.
    assert_eq!(
        sheet.matches("<th scope=\"row\">").count(),
        permit_times.half_years.len()
    );
    assert!(permit_times.half_years.len() >= 2);
    assert!(!sheet.contains("<script"), "the sheet needs no JavaScript");
    let (_, empty_sheet) = text_of(
        &server,
        &format!("/enti/valdoria/procedimenti/{}", empty.id),
    )
    .await;
    assert!(empty_sheet.contains("Dati insufficienti"), "{empty_sheet}");
    assert!(empty_sheet.contains("Non indicato dall'ente"));

    // Unknown or another body's: not found.
    let serena = body_by_slug(&db, "val-serena").await;
    let theirs = procedure_type::Entity::find()
        .filter(procedure_type::Column::BodyId.eq(serena.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    for path in [
        "/enti/nessuno".to_owned(),
        format!("/enti/valdoria/procedimenti/{}", theirs.id),
        "/enti/valdoria/procedimenti/abc".to_owned(),
        "/enti/nessuno/tempi-di-conclusione.csv".to_owned(),
    ] {
        assert_eq!(
            server.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // The files: documented columns, the licence, the pages' figures.
    let csv_answer = server.get("/enti/valdoria/tempi-di-conclusione.csv").await;
    assert_eq!(csv_answer.status(), StatusCode::OK);
    assert_eq!(
        csv_answer.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv_text = csv_answer.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let documented: Vec<String> = COLUMNS.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(header, documented);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let permit_row = rows
        .iter()
        .find(|row| row[2] == permit.id.to_string() && &row[5] == "ultimi-12-mesi")
        .expect("the permit's twelve months");
    assert_eq!(
        (&permit_row[9], &permit_row[12], &permit_row[13]),
        (
            permit_times
                .last_twelve_months
                .concluded
                .to_string()
                .as_str(),
            measured.median_days.to_string().as_str(),
            measured.p90_days.to_string().as_str()
        )
    );
    let empty_row = rows
        .iter()
        .find(|row| row[2] == empty.id.to_string())
        .expect("the empty type's row");
    assert_eq!(&empty_row[12], "", "no median from nothing");
    assert_eq!(
        &empty_row[3], "'=Procedimento senza pratiche",
        "not a formula"
    );
    let json_answer = server.get("/enti/valdoria/tempi-di-conclusione.json").await;
    assert_eq!(json_answer.status(), StatusCode::OK);
    let json_text = json_answer.text().await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(document["licenza"], "CC BY 4.0");
    let names: Vec<&str> = document["colonne"]
        .as_array()
        .unwrap()
        .iter()
        .map(|column| column["nome"].as_str().unwrap())
        .collect();
    assert_eq!(names, documented);
    assert_eq!(document["righe"].as_array().unwrap().len(), rows.len());
    let (status, province) = text_of(&server, "/enti/tempi-di-conclusione.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(province.contains("val-serena") && province.contains("valdoria"));

    // Nothing of a pratica anywhere.
    for (name, text) in [
        ("index", &index),
        ("body", &body_page),
        ("sheet", &sheet),
        ("csv", &csv_text),
        ("json", &json_text),
        ("province csv", &province),
    ] {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} in the {name}");
        }
        for code in &codes {
            assert!(
                !text.contains(&code.compact()) && !text.contains(&code.to_string()),
                "a code in the {name}"
            );
        }
    }

    // The case page: how long such pratiche usually take.
    let code = *case::Entity::find()
        .filter(case::Column::ProcedureTypeId.eq(permit.id))
        .order_by_desc(case::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .code;
    let (status, page) = text_of(&server, &format!("/p/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    let usually = format!(
        "Di solito si conclude in {} giorni (mediana delle {} pratiche",
        measured.median_days, measured.measured
    );
    assert!(page.contains(&usually), "{usually}");
    assert!(page.contains(&format!("href=\"{sheet_path}\"")));
}

async fn a_body_admin_writes_the_public_sheet(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    let valdoria = body_by_slug(&db, "valdoria").await;
    let books = type_named(&db, valdoria.id, "Contributo per i libri di testo").await;
    let cookie = server.sign_in_demo("demo-admin-valdoria").await;
    let form_path = format!("/area-riservata/procedimenti/{}/scheda", books.id);
    let sheet_path = format!("/enti/valdoria/procedimenti/{}", books.id);

    // A refused address: the form again with its message, nothing written.
    let refused = server
        .post_form(
            &form_path,
            &cookie,
            &[
                ("description", "Un contributo per le famiglie."),
                ("silence_rule", "silenzio_assenso"),
                ("online_service_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Indicare un indirizzo web completo"),
        "{page}"
    );
    assert!(
        page.contains("Un contributo per le famiglie."),
        "what was typed stays"
    );
    let unchanged = type_named(&db, valdoria.id, "Contributo per i libri di testo").await;
    assert_eq!(unchanged, books);
    let odd_rule = server
        .post_form(&form_path, &cookie, &[("silence_rule", "sempre")])
        .await;
    assert_eq!(odd_rule.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let saved = server
        .post_form(
            &form_path,
            &cookie,
            &[
                ("description", "Un contributo per le famiglie."),
                ("legal_references", "L. 448/1998, art. 27"),
                ("documents_needed", "ISEE in corso di validità"),
                ("silence_rule", "silenzio_assenso"),
                ("payments", "Nessun pagamento."),
                (
                    "online_service_url",
                    "https://servizi.valdoria.example.it/libri",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, sheet) = text_of(&server, &sheet_path).await;
    for item in [
        "Un contributo per le famiglie.",
        "L. 448/1998, art. 27",
        "ISEE in corso di validità",
        "Silenzio-assenso: se l'amministrazione non risponde",
        "Nessun pagamento.",
        "href=\"https://servizi.valdoria.example.it/libri\"",
    ] {
        assert!(sheet.contains(item), "{item} is missing\n{sheet}");
    }
    let audited = pratiche_db::entity::audit_entry::Entity::find()
        .filter(pratiche_db::entity::audit_entry::Column::Action.eq("update_sheet"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    // Citizens rate the sheet: a number from 1 to 5, nothing else kept.
    let rating_path = format!("{sheet_path}/valutazione");
    let rated = server.post_form(&rating_path, "", &[("voto", "4")]).await;
    assert_eq!(rated.status(), StatusCode::SEE_OTHER);
    let thanked = rated.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        thanked,
        format!("{sheet_path}?valutazione=grazie#valutazione")
    );
    let (_, thanks) = text_of(&server, &thanked).await;
    assert!(thanks.contains("Grazie: la sua valutazione è registrata"));
    assert!(thanks.contains("data-element=\"feedback-title\""));
    for refused in ["9", "0", "quattro", ""] {
        let answer = server
            .post_form(&rating_path, "", &[("voto", refused)])
            .await;
        assert_eq!(
            answer.headers()["location"],
            format!("{sheet_path}?valutazione=mancante#valutazione").as_str(),
            "{refused}"
        );
    }
    let (_, asked) = text_of(&server, &format!("{sheet_path}?valutazione=mancante")).await;
    assert!(asked.contains("Scelga un voto da 1 a 5"));
    // Another body's type under this body's name, and a cross-site post.
    let serena = body_by_slug(&db, "val-serena").await;
    let theirs = procedure_type::Entity::find()
        .filter(procedure_type::Column::BodyId.eq(serena.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let elsewhere = server
        .post_form(
            &format!("/enti/valdoria/procedimenti/{}/valutazione", theirs.id),
            "",
            &[("voto", "5")],
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    let cross_site = reqwest::Client::new()
        .post(server.url(&rating_path))
        .header("sec-fetch-site", "cross-site")
        .form(&[("voto", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let ratings: Vec<(i32, i16)> = pratiche_db::entity::sheet_rating::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|rating| (rating.procedure_type_id, rating.rating))
        .collect();
    assert_eq!(ratings, [(books.id, 4)]);
    let (_, admin_page) = server
        .page(
            &cookie,
            &format!("/area-riservata/procedimenti/{}", books.id),
        )
        .await;
    assert!(admin_page.contains("chiarezza della scheda: 1, media 4.0 su 5"));

    // A clerk may not write it.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let forbidden = server
        .post_form(&form_path, &clerk, &[("description", "no")])
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}
