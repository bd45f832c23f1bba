//! The admins' pages through the real server on SQLite and PostgreSQL: a
//! body admin's staff, body details, procedure types; the province's bodies
//! and statistics; the audit log, written in the same transaction as each
//! change.
//!
//! Long because each test drives one admin's whole scenario through the real
//! server.

use pratiche_db::entity::{audit_entry, case, procedure_type};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::{Backend, TestServer};

on_both_databases!(
    a_body_admin_manages_the_staff,
    a_body_admin_sets_details_terms_states_and_transitions,
    the_province_creates_bodies_and_reads_statistics,
);

const ADMIN: &str = "demo-admin-valdoria";
const NEW_PASSWORD: &str = "una frase lunga per il nuovo operatore";

async fn audit_count(server: &TestServer) -> u64 {
    audit_entry::Entity::find()
        .count(&server.database().await)
        .await
        .unwrap()
}

async fn last_audit(server: &TestServer) -> audit_entry::Model {
    audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .one(&server.database().await)
        .await
        .unwrap()
        .expect("an audit entry")
}

async fn user_id(server: &TestServer, username: &str) -> i32 {
    pratiche_db::accounts::find_user(
        &server.database().await,
        &pratiche_domain::account::Username::parse(username).unwrap(),
    )
    .await
    .unwrap()
    .expect(username)
    .id
}

async fn sign_in_status(server: &TestServer, username: &str, password: &str) -> StatusCode {
    server
        .post_form(
            "/area-riservata/accedi",
            "",
            &[("username", username), ("password", password)],
        )
        .await
        .status()
}

async fn a_body_admin_manages_the_staff(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let admin = server.sign_in_demo(ADMIN).await;
    let (status, page) = server.page(&admin, "/area-riservata/utenti").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("demo-operatore-valdoria") && !page.contains("demo-operatore-serena"));

    // A wrong form writes nothing and says what is wrong.
    let before = audit_count(&server).await;
    let response = server
        .post_form(
            "/area-riservata/utenti",
            &admin,
            &[
                ("username", "x"),
                ("display_name", "Anna Neri"),
                ("role", "province_admin"),
                ("password", "corta"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Almeno 12 caratteri.") && page.contains("Scegliere un ruolo."));
    assert!(page.contains("Anna Neri"), "what was typed is lost");
    assert!(!page.contains("corta"), "a password is typed back");
    assert_eq!(audit_count(&server).await, before);

    let response = server
        .post_form(
            "/area-riservata/utenti",
            &admin,
            &[
                ("username", "anna.neri"),
                ("display_name", "Anna Neri"),
                ("role", "clerk"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/area-riservata/utenti?fatto=utente-creato"
    );
    let entry = last_audit(&server).await;
    assert_eq!(
        (
            entry.entity.as_str(),
            entry.entity_id.as_str(),
            entry.action.as_str()
        ),
        ("user", "anna.neri", "create")
    );
    assert!(!entry.changes.to_string().contains(NEW_PASSWORD));
    assert_eq!(
        sign_in_status(&server, "anna.neri", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let taken = server
        .post_form(
            "/area-riservata/utenti",
            &admin,
            &[
                ("username", "Anna.Neri"),
                ("display_name", "Altra"),
                ("role", "clerk"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Disabling signs the clerk out at once; enabling lets them back in.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let clerk_id = user_id(&server, "demo-operatore-valdoria").await;
    let disable = server
        .post_form(
            &format!("/area-riservata/utenti/{clerk_id}/stato"),
            &admin,
            &[("disattivato", "1")],
        )
        .await;
    assert_eq!(disable.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        server.page(&clerk, "/area-riservata/pratiche").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(last_audit(&server).await.action, "disable");
    server
        .post_form(
            &format!("/area-riservata/utenti/{clerk_id}/stato"),
            &admin,
            &[("disattivato", "0")],
        )
        .await;
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;

    // A new password revokes the user's sessions.
    let reset = server
        .post_form(
            &format!("/area-riservata/utenti/{clerk_id}/password"),
            &admin,
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        server.page(&clerk, "/area-riservata/pratiche").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in_status(&server, "demo-operatore-valdoria", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(last_audit(&server).await.action, "password_set");

    // A clerk is not an admin; another body's user is not found.
    let anna = server.sign_in("anna.neri", NEW_PASSWORD).await;
    assert_eq!(
        server.page(&anna, "/area-riservata/utenti").await.0,
        StatusCode::FORBIDDEN
    );
    let before = audit_count(&server).await;
    let serena_clerk = user_id(&server, "demo-operatore-serena").await;
    for (cookie, path, expected) in [
        (
            &anna,
            format!("/area-riservata/utenti/{clerk_id}/stato"),
            StatusCode::FORBIDDEN,
        ),
        (
            &admin,
            format!("/area-riservata/utenti/{serena_clerk}/stato"),
            StatusCode::NOT_FOUND,
        ),
        (
            &admin,
            format!("/area-riservata/utenti/{serena_clerk}/password"),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let response = server
            .post_form(
                &path,
                cookie,
                &[("disattivato", "1"), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), expected, "{path}");
    }
    assert_eq!(
        audit_count(&server).await,
        before,
        "a refused write was logged or done"
    );
    assert_eq!(
        sign_in_status(
            &server,
            "demo-operatore-serena",
            pratiche_db::demo::DEMO_PASSWORD
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert!(
        !server.settled_log().await.contains(NEW_PASSWORD),
        "the log holds a password"
    );
}

async fn a_body_admin_sets_details_terms_states_and_transitions(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let admin = server.sign_in_demo(ADMIN).await;
    let db = server.database().await;

    // Details: office hours appear among the contacts on the home page.
    let (status, page) = server.page(&admin, "/area-riservata/ente").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Segretario generale"));
    let details = [
        ("name", "Comune di Valdoria"),
        ("contact_office", "Ufficio Relazioni con il Pubblico (URP)"),
        ("contact_email", "urp@comune.valdoria.example.it"),
        ("contact_hours", "lunedì–venerdì 8:30–13:00"),
        ("substitute_name", "Dott.ssa Elena Marchi"),
        ("patron_day", "02-30"),
    ];
    let refused = server
        .post_form("/area-riservata/ente", &admin, &details)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut details = details.to_vec();
    details[5] = ("patron_day", "06-24");
    let saved = server
        .post_form("/area-riservata/ente", &admin, &details)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let entry = last_audit(&server).await;
    assert_eq!(
        (entry.entity.as_str(), entry.action.as_str()),
        ("body", "update")
    );
    assert!(entry.changes.to_string().contains("8:30–13:00"));
    let public = server.get("/").await.text().await.unwrap();
    assert!(public.contains("lunedì–venerdì 8:30–13:00"));

    // A new term moves the due dates of the type's pratiche, in the same transaction.
    let books = procedure_type::Entity::find()
        .filter(procedure_type::Column::Name.eq("Contributo per i libri di testo"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let due = || async {
        case::Entity::find()
            .filter(case::Column::Code.eq("T4Y52D1FHVD11"))
            .one(&server.database().await)
            .await
            .unwrap()
            .unwrap()
            .due_date
            .unwrap()
    };
    let due_before = due().await;
    let path = format!("/area-riservata/procedimenti/{}", books.id);
    let (status, page) = server.page(&admin, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Passaggi consentiti") && page.contains("Richiesta integrazioni"));
    let refused = server
        .post_form(
            &path,
            &admin,
            &[
                ("name", "Contributo per i libri di testo"),
                ("term_days", "120"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("richiede il riferimento normativo")
    );
    assert_eq!(due().await, due_before);
    let saved = server
        .post_form(
            &path,
            &admin,
            &[
                ("name", "Contributo per i libri di testo"),
                ("term_days", "60"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(due().await > due_before, "the due date did not move");
    assert!(
        last_audit(&server)
            .await
            .changes
            .to_string()
            .contains("due_dates_recomputed")
    );

    // A new state, then transitions: only "Protocollata → Sopralluogo" is allowed.
    let added = server
        .post_form(
            &format!("{path}/stati"),
            &admin,
            &[
                ("name", "Sopralluogo"),
                ("phase", "in_review"),
                ("citizen_text", ""),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let states = pratiche_db::procedure_types::states_of(&db, books.id)
        .await
        .unwrap();
    let id_of = |name: &str| {
        states
            .iter()
            .find(|state| state.name == name)
            .expect(name)
            .id
    };
    let pair = format!("{}-{}", id_of("Protocollata"), id_of("Sopralluogo"));
    let saved = server
        .post_form(
            &format!("{path}/passaggi"),
            &admin,
            &[("transition", &pair)],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let transitions = pratiche_db::cases::transitions_of(&db, books.id)
        .await
        .unwrap();
    assert!(transitions.allows(id_of("Protocollata"), id_of("Sopralluogo")));
    assert!(!transitions.allows(id_of("Protocollata"), id_of("Istruttoria")));
    let (_, record) = server
        .page(&admin, "/area-riservata/pratiche/T4Y5-2D1F-HVD1-1")
        .await;
    let offered = record
        .split("Nuovo stato")
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap();
    assert!(
        offered.contains("Sopralluogo") && !offered.contains("Istruttoria"),
        "{offered}"
    );

    // States of another type, and another body's types, are refused.
    let serena_type = procedure_type::Entity::find()
        .filter(procedure_type::Column::Name.eq("Occupazione di suolo pubblico"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let before = audit_count(&server).await;
    let bad_pair = format!("{}-999999", id_of("Protocollata"));
    let refused = server
        .post_form(
            &format!("{path}/passaggi"),
            &admin,
            &[("transition", &bad_pair)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let theirs = format!("/area-riservata/procedimenti/{}", serena_type.id);
    assert_eq!(server.page(&admin, &theirs).await.0, StatusCode::NOT_FOUND);
    for (suffix, fields) in [
        ("", vec![("name", "Preso"), ("term_days", "30")]),
        ("/stati", vec![("name", "Preso"), ("phase", "in_review")]),
        ("/passaggi", vec![]),
    ] {
        let response = server
            .post_form(&format!("{theirs}{suffix}"), &admin, &fields)
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{suffix}");
    }
    assert_eq!(audit_count(&server).await, before);
}

async fn the_province_creates_bodies_and_reads_statistics(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let province = server.sign_in_demo("demo-provincia").await;
    let (status, page) = server.page(&province, "/area-riservata/enti").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Comune di Valdoria") && page.contains("Unione dei Comuni della Val Serena")
    );

    let created = server
        .post_form(
            "/area-riservata/enti",
            &province,
            &[
                ("name", "Comune di Monteverde"),
                ("slug", "monteverde"),
                ("kind", "comune"),
                ("contact_office", "URP"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let again = server
        .post_form(
            "/area-riservata/enti",
            &province,
            &[
                ("name", "Altro"),
                ("slug", "monteverde"),
                ("kind", "comune"),
                ("contact_office", "URP"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = pratiche_db::bodies::all_bodies(&server.database().await)
        .await
        .unwrap()
        .into_iter()
        .find(|body| body.slug == "monteverde")
        .unwrap();
    let path = format!("/area-riservata/enti/{}", body.id);
    let admin = server
        .post_form(
            &format!("{path}/amministratori"),
            &province,
            &[
                ("username", "admin.monteverde"),
                ("display_name", "Luca Bruni"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(admin.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in_status(&server, "admin.monteverde", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // Valdoria: 5 open pratiche, 1 past due; concluded in the last 12
    // months: too few for a median (the public pages' figures).
    let (_, valdoria) = server.page(&province, "/area-riservata/enti").await;
    let row = valdoria
        .split("Comune di Valdoria")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains(">5<") && row.contains(">1<") && row.contains("dati insufficienti"),
        "{row}"
    );

    // The audit log: the province reads every entry; a body admin only the body's.
    let (status, log) = server.page(&province, "/area-riservata/registro").await;
    assert_eq!(status, StatusCode::OK);
    assert!(log.contains("monteverde") && log.contains("admin.monteverde"));
    let valdoria_admin = server.sign_in_demo(ADMIN).await;
    let (status, log) = server
        .page(&valdoria_admin, "/area-riservata/registro")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !log.contains("monteverde"),
        "a body admin reads another body's log"
    );
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    assert_eq!(
        server.page(&clerk, "/area-riservata/registro").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.page(&clerk, "/area-riservata/enti").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .post_form("/area-riservata/enti", &valdoria_admin, &[("name", "X")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
