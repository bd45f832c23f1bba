//! Body isolation, table-driven, through the real server on SQLite and
//! PostgreSQL: a clerk and an admin of Valdoria call every form handler and
//! open every staff page against Val Serena's pratiche, users, procedure
//! types and body. Everything is refused and nothing is written. The table
//! must name every registered form handler, staff page and server function
//! (but the citizen's): a new one that is missing from it fails the test.
//!
//! Long because it is one table of every staff page and form handler.

use std::collections::BTreeSet;

use pratiche_db::entity::{
    api_client, audit_entry, body, case, procedure_state, procedure_transition, procedure_type,
    status_event, user,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{Backend, TestServer};

on_both_databases!(another_bodys_things_are_out_of_reach);

/// Val Serena's pratica.
const THEIR_CODE: &str = "SF0P-Y0B2-F55Z-C";

#[derive(Clone, Copy, Debug)]
enum Actor {
    Clerk,
    Admin,
}

/// What an actor gets for a request against the other body.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Refused with this status.
    Refused(StatusCode),
    /// Answered (200), without anything of the other body.
    Shown,
}

/// Routes that act on the caller's own session or account only: they take
/// no identifier of a pratica, user, type or body.
const OWN_ACCOUNT_ONLY: [&str; 6] = [
    "/area-riservata",
    "/area-riservata/accedi",
    "/area-riservata/esci",
    "/area-riservata/esci-ovunque",
    "/area-riservata/password",
    "/area-riservata/account/email",
];

/// Server functions of the citizen's pages: they take no session and
/// answer nothing of a body's that a citizen's page would not.
const CITIZEN_SERVER_FUNCTIONS: [&str; 1] = ["/cerca"];

/// (method, path, actor, expectation) for every staff route.
fn table() -> Vec<(&'static str, &'static str, Actor, Expect)> {
    use Actor::*;
    use Expect::*;
    let forbidden = Refused(StatusCode::FORBIDDEN);
    let not_found = Refused(StatusCode::NOT_FOUND);
    vec![
        ("GET", "/area-riservata/account", Clerk, Shown),
        ("GET", "/area-riservata/pratiche", Clerk, Shown),
        ("GET", "/area-riservata/pratiche", Admin, Shown),
        ("GET", "/area-riservata/pratiche/{code}", Clerk, not_found),
        ("GET", "/area-riservata/pratiche/{code}", Admin, not_found),
        (
            "GET",
            "/area-riservata/pratiche/{code}/ricevuta",
            Clerk,
            not_found,
        ),
        ("GET", "/area-riservata/registra", Clerk, Shown),
        ("GET", "/area-riservata/utenti", Clerk, forbidden),
        ("GET", "/area-riservata/utenti", Admin, Shown),
        ("GET", "/area-riservata/ente", Clerk, forbidden),
        ("GET", "/area-riservata/ente", Admin, Shown),
        ("GET", "/area-riservata/procedimenti", Clerk, forbidden),
        ("GET", "/area-riservata/procedimenti", Admin, Shown),
        ("GET", "/area-riservata/procedimenti/{id}", Clerk, forbidden),
        ("GET", "/area-riservata/procedimenti/{id}", Admin, not_found),
        ("GET", "/area-riservata/enti", Clerk, forbidden),
        ("GET", "/area-riservata/enti", Admin, forbidden),
        ("GET", "/area-riservata/enti/{id}", Admin, forbidden),
        ("GET", "/area-riservata/registro", Clerk, forbidden),
        ("GET", "/area-riservata/registro", Admin, Shown),
        ("GET", "/area-riservata/api", Clerk, forbidden),
        ("GET", "/area-riservata/api", Admin, Shown),
        ("GET", "/area-riservata/api/webhook/{id}", Clerk, forbidden),
        ("GET", "/area-riservata/api/webhook/{id}", Admin, not_found),
        ("POST", "/area-riservata/api/webhook", Clerk, forbidden),
        (
            "POST",
            "/area-riservata/api/webhook/{id}/azione",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/api/webhook/{id}/azione",
            Admin,
            not_found,
        ),
        ("POST", "/area-riservata/api", Clerk, forbidden),
        ("POST", "/area-riservata/api/{id}/stato", Clerk, forbidden),
        ("POST", "/area-riservata/api/{id}/stato", Admin, not_found),
        // A registration naming the other body's procedure type.
        (
            "POST",
            "/area-riservata/registra",
            Clerk,
            Refused(StatusCode::UNPROCESSABLE_ENTITY),
        ),
        // Its check: told to choose a procedure type of the body.
        ("POST", "/area-riservata/registra/controlla", Clerk, Shown),
        // The dashboard's live filter, on the other body's type: the
        // caller's own pratiche only (none of that type).
        ("POST", "/area-riservata/filtra-pratiche", Clerk, Shown),
        ("POST", "/area-riservata/filtra-pratiche", Admin, Shown),
        // A status change's preview on the other body's pratica.
        ("POST", "/area-riservata/anteprima-stato", Clerk, not_found),
        ("POST", "/area-riservata/anteprima-stato", Admin, not_found),
        // The states offered for a date, and a save in place, on it.
        ("POST", "/area-riservata/stati-ammessi", Clerk, not_found),
        ("POST", "/area-riservata/stati-ammessi", Admin, not_found),
        ("POST", "/area-riservata/salva-stato", Clerk, not_found),
        ("POST", "/area-riservata/salva-stato", Admin, not_found),
        (
            "POST",
            "/area-riservata/pratiche/{code}/eventi",
            Clerk,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/pratiche/{code}/eventi",
            Admin,
            not_found,
        ),
        ("POST", "/area-riservata/utenti", Clerk, forbidden),
        (
            "POST",
            "/area-riservata/utenti/{id}/stato",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/utenti/{id}/stato",
            Admin,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/utenti/{id}/password",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/utenti/{id}/password",
            Admin,
            not_found,
        ),
        ("POST", "/area-riservata/ente", Clerk, forbidden),
        // The body's App IO key: the admin's own body only, no identifier.
        ("POST", "/area-riservata/ente/io", Clerk, forbidden),
        ("POST", "/area-riservata/ente/io/verifica", Clerk, forbidden),
        ("POST", "/area-riservata/procedimenti", Clerk, forbidden),
        (
            "POST",
            "/area-riservata/procedimenti/{id}",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}",
            Admin,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/scheda",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/scheda",
            Admin,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/stati",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/stati",
            Admin,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/stati/{state_id}",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/stati/{state_id}",
            Admin,
            not_found,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/passaggi",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/procedimenti/{id}/passaggi",
            Admin,
            not_found,
        ),
        ("POST", "/area-riservata/enti", Clerk, forbidden),
        ("POST", "/area-riservata/enti", Admin, forbidden),
        (
            "POST",
            "/area-riservata/enti/{id}/amministratori",
            Clerk,
            forbidden,
        ),
        (
            "POST",
            "/area-riservata/enti/{id}/amministratori",
            Admin,
            forbidden,
        ),
    ]
}

/// Leptos names path parameters `:name`, axum `{name}`.
fn axum_style(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_table_covers_every_registered_staff_route() {
    let covered: BTreeSet<(&str, String)> = table()
        .into_iter()
        .map(|(method, path, _, _)| (method, path.to_owned()))
        .collect();
    let exempt = |path: &str| OWN_ACCOUNT_ONLY.contains(&path);
    let forms = pratiche_server::startup::back_office_forms()
        .into_iter()
        .map(|(path, _)| ("POST", path.to_owned()));
    let pages: Vec<_> = pratiche_server::startup::page_paths()
        .into_iter()
        .map(|path| ("GET", axum_style(&path)))
        .filter(|(_, path)| path.starts_with("/area-riservata"))
        .collect();
    // The enumeration itself works: it sees a page with a parameter.
    assert!(
        pages.contains(&("GET", "/area-riservata/pratiche/{code}".to_owned())),
        "{pages:?}"
    );
    let server_functions: Vec<_> = pratiche_server::startup::server_functions()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_owned()))
        .collect();
    // That enumeration works too: it sees the citizen's search.
    assert!(
        server_functions.contains(&("POST".to_owned(), "/cerca".to_owned())),
        "{server_functions:?}"
    );
    let server_functions = server_functions
        .into_iter()
        .filter(|(_, path)| !CITIZEN_SERVER_FUNCTIONS.contains(&path.as_str()))
        .map(|(method, path)| {
            let method = match method.as_str() {
                "GET" => "GET",
                "POST" => "POST",
                other => panic!("a server function by {other}: {path}"),
            };
            (method, path)
        });
    let missing: Vec<_> = forms
        .chain(pages)
        .chain(server_functions)
        .filter(|(method, path)| !exempt(path) && !covered.contains(&(*method, path.clone())))
        .collect();
    assert!(
        missing.is_empty(),
        "staff routes missing from the isolation table: {missing:?}"
    );
}

/// Everything a refused request could have changed, as text.
async fn snapshot(server: &TestServer) -> String {
    let db = server.database().await;
    let mut users = user::Entity::find().all(&db).await.unwrap();
    users.sort_by_key(|user| user.id);
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        body::Entity::find().all(&db).await.unwrap(),
        users,
        procedure_type::Entity::find().all(&db).await.unwrap(),
        procedure_state::Entity::find().all(&db).await.unwrap(),
        case::Entity::find().all(&db).await.unwrap(),
        api_client::Entity::find().all(&db).await.unwrap(),
        (
            procedure_transition::Entity::find()
                .count(&db)
                .await
                .unwrap(),
            status_event::Entity::find().count(&db).await.unwrap(),
            audit_entry::Entity::find().count(&db).await.unwrap(),
        ),
    )
}

async fn another_bodys_things_are_out_of_reach(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    let serena = body::Entity::find()
        .filter(body::Column::Slug.eq("val-serena"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let their_type = procedure_type::Entity::find()
        .filter(procedure_type::Column::BodyId.eq(serena.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let their_state = procedure_state::Entity::find()
        .filter(procedure_state::Column::ProcedureTypeId.eq(their_type.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let their_user = pratiche_db::accounts::find_user(
        &db,
        &pratiche_domain::account::Username::parse("demo-operatore-serena").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let their_case = case::Entity::find()
        .filter(case::Column::Code.eq(THEIR_CODE.replace('-', "")))
        .one(&db)
        .await
        .unwrap()
        .unwrap();

    let their_client = pratiche_db::api_clients::create(
        &db,
        pratiche_db::api_clients::NewClient {
            body_id: serena.id,
            client_id: "pc_valserena".into(),
            name: "Gestionale Val Serena".into(),
            secret_hash: "0".repeat(64),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    let path_for = |template: &str| {
        let id = if template.starts_with("/area-riservata/utenti") {
            their_user.id
        } else if template.starts_with("/area-riservata/api") {
            their_client.id
        } else if template.starts_with("/area-riservata/procedimenti") {
            their_type.id
        } else {
            serena.id
        };
        template
            .replace("{code}", THEIR_CODE)
            .replace("{state_id}", &their_state.id.to_string())
            .replace("{id}", &id.to_string())
    };
    let today = chrono::Utc::now().date_naive().to_string();
    let version = their_case.version.to_string();
    let state = their_state.id.to_string();
    let their_type_id = their_type.id.to_string();
    // One form that every handler would accept, were the target its own.
    let form: Vec<(&str, &str)> = vec![
        ("versione", &version),
        ("stato", &state),
        ("data", &today),
        ("azione", "salva"),
        ("tipo", &their_type_id),
        ("oggetto", "Presa"),
        ("presentata_il", &today),
        ("ufficio", "Ufficio"),
        ("responsabile", "Responsabile"),
        ("contatto", "ufficio@example.it"),
        ("username", "intruso"),
        ("display_name", "Intruso"),
        ("role", "clerk"),
        ("password", "una password molto lunga"),
        ("disattivato", "1"),
        ("contact_office", "Preso"),
        ("name", "Preso"),
        ("slug", "preso"),
        ("kind", "comune"),
        ("term_days", "30"),
        ("phase", "in_review"),
    ];

    let posted = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let server_functions: Vec<&str> = pratiche_server::startup::server_functions()
        .into_iter()
        .map(|(_, path)| path)
        .collect();

    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let before = snapshot(&server).await;
    for (method, template, actor, expect) in table() {
        let cookie = match actor {
            Actor::Clerk => &clerk,
            Actor::Admin => &admin,
        };
        let path = path_for(template);
        let (status, page) = if method == "GET" {
            server.page(cookie, &path).await
        } else if server_functions.contains(&template) {
            // The back office's server functions take the form as the
            // browser posts it, URL-encoded, and a pratica's code if they
            // act on one.
            let arguments = serde_json::json!({ "posted": posted, "code": THEIR_CODE });
            server
                .call_server_function(&path, cookie, "same-origin", &arguments)
                .await
        } else {
            let response = server.post_form(&path, cookie, &form).await;
            (response.status(), response.text().await.unwrap())
        };
        let case = format!("{actor:?} {method} {path}");
        match expect {
            Expect::Refused(expected) => assert_eq!(status, expected, "{case}"),
            Expect::Shown => assert_eq!(status, StatusCode::OK, "{case}"),
        }
        // A page may echo the code it was asked for (in its language links);
        // it must show nothing else of the other body.
        let code_asked = path.contains(THEIR_CODE);
        for theirs in [
            if code_asked { "Dehors" } else { THEIR_CODE },
            "Val Serena",
            "Dehors stagionale",
            "demo-operatore-serena",
            "Occupazione di suolo pubblico",
            "pc_valserena",
        ] {
            assert!(!page.contains(theirs), "{case} shows {theirs:?}");
        }
    }
    assert_eq!(
        snapshot(&server).await,
        before,
        "a refused request wrote something"
    );

    // From another site, every form handler and server function answers 403
    // before anything else, even for the signed-in admin's own things.
    let forms = pratiche_server::startup::back_office_forms()
        .into_iter()
        .map(|(path, _)| path);
    for path in forms.chain(server_functions) {
        let path = path
            .replace("{code}", "JYRH-CM4Q-3DY4-B")
            .replace("{id}", "1")
            .replace("{state_id}", "1");
        let response = server
            .client
            .post(server.url(&path))
            .header("sec-fetch-site", "cross-site")
            .header(reqwest::header::COOKIE, &admin)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "cross-site {path}"
        );
    }
    assert_eq!(
        snapshot(&server).await,
        before,
        "a cross-site request wrote something"
    );
}
