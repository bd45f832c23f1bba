//! Staff sign-in, sessions and their revocation, through the real server on
//! SQLite and PostgreSQL.
//!
//! Long because each test drives one whole scenario through the real server.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pratiche_db::demo::DEMO_PASSWORD;
use pratiche_db::entity::user;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{Backend, TestServer};

on_both_databases!(
    a_clerk_signs_in_and_out,
    repeated_failures_answer_429_from_the_database_counters,
    a_lockout_doubles_expires_and_ends_with_a_success,
    signing_out_everywhere_revokes_every_session,
    expired_tampered_and_unsigned_tokens_are_refused,
    a_disabled_user_is_out_at_once,
    a_new_password_revokes_earlier_sessions,
    demo_accounts_outside_demo_mode_stop_the_start,
    the_first_province_admin_comes_from_a_command,
    a_new_installation_goes_from_nothing_to_its_first_pratica,
    an_active_session_is_renewed_until_its_absolute_end,
    demo_mode_is_off_unless_asked,
    demo_mode_runs_only_on_loopback,
    demo_data_never_goes_beside_real_accounts,
    concurrent_guesses_each_count,
    the_password_check_queue_is_bounded,
    a_known_browser_signs_in_while_strangers_are_locked_out,
    changing_the_password_is_throttled_like_sign_in,
    overlong_usernames_are_refused_before_the_database,
    static_files_never_set_cookies,
    back_office_writes_need_proof_of_origin,
);

/// On SQLite without a configured key, the server makes one once, readable by
/// its owner only, and keeps using it (sessions survive a restart).
#[tokio::test]
async fn sqlite_makes_its_signing_key_once() {
    let Some(server) = TestServer::start(Backend::Sqlite, &[]).await else {
        return;
    };
    let path = server.data_dir().join("signing-key");
    let key = std::fs::read_to_string(&path).expect("a generated key");
    assert!(key.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let output = server.run_command("recompute-due-dates");
    assert!(output.status.success());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        key,
        "the key changed"
    );
}

/// Several instances share one PostgreSQL database: without a configured key
/// the server refuses to start.
#[tokio::test]
async fn postgresql_without_a_signing_key_refuses_to_start() {
    let Some(server) = TestServer::start(Backend::Postgres, &[]).await else {
        return;
    };
    let output = server.start_expecting_exit(&[("PRATICHE_SIGNING_KEY", "")]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("PRATICHE_SIGNING_KEY is required with PostgreSQL")
    );
}

const CLERK: &str = "demo-operatore-valdoria";
const SIGNING_KEY: &str = "test-signing-key-of-at-least-32-bytes!!";

async fn start(backend: Backend) -> Option<TestServer> {
    TestServer::start(backend, &[("PRATICHE_SIGNING_KEY", SIGNING_KEY)]).await
}

async fn sign_in(server: &TestServer, username: &str, password: &str) -> reqwest::Response {
    server
        .client
        .post(server.url("/area-riservata/accedi"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The `name=value` of the session cookie a response sets.
fn session_cookie(response: &reqwest::Response) -> String {
    let header = response.headers()[SET_COOKIE].to_str().unwrap();
    header.split(';').next().unwrap().to_owned()
}

async fn signed_in_cookie(server: &TestServer, username: &str, password: &str) -> String {
    let response = sign_in(server, username, password).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "sign-in of {username}"
    );
    session_cookie(&response)
}

/// The account page with `cookie`: its status and body.
async fn account(server: &TestServer, cookie: &str) -> (StatusCode, String) {
    let response = server
        .client
        .get(server.url("/area-riservata/account"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn a_clerk_signs_in_and_out(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let wrong = sign_in(&server, CLERK, "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Nome utente o password non corretti.")
    );
    let unknown = sign_in(&server, "nobody-at-all", "not the password at all").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let response = sign_in(&server, &CLERK.to_uppercase(), DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/area-riservata/pratiche",
        "a clerk lands on the body's pratiche"
    );
    let header = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=1800"] {
        assert!(header.contains(attribute), "{header}");
    }
    assert!(
        header.starts_with("pratiche_session="),
        "no __Host- prefix without https: {header}"
    );
    let cookie = session_cookie(&response);

    let (status, page) = account(&server, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Demo – Operatore di Valdoria") && page.contains("questo accesso"));

    // Cross-site sign-out is refused before anything else.
    let cross = server
        .client
        .post(server.url("/area-riservata/esci"))
        .header("sec-fetch-site", "cross-site")
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(account(&server, &cookie).await.0, StatusCode::OK);

    let out = server.post_form("/area-riservata/esci", &cookie, &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old token no longer opens anything.
    let (status, _) = account(&server, &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let log = server.settled_log().await;
    assert!(log.contains("sign-in failed") && log.contains("sign-in succeeded"));
    assert!(
        !log.contains("not the password at all"),
        "the log holds a tried password"
    );
    // The demo password is printed once, in the demo start-up banner.
    for line in log.lines().filter(|line| line.contains(DEMO_PASSWORD)) {
        assert!(
            line.contains("demo mode: staff area"),
            "the log holds a password: {line}"
        );
    }
}

async fn repeated_failures_answer_429_from_the_database_counters(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for attempt in 1..=4 {
        assert_eq!(
            sign_in(&server, CLERK, "wrong password here")
                .await
                .status(),
            StatusCode::UNAUTHORIZED,
            "{attempt}"
        );
    }
    let locked = sign_in(&server, CLERK, "wrong password here").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = locked.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("Troppi tentativi, riprova tra 1 minuto.")
    );
    // Even the right password waits, without the handler sleeping.
    let started = std::time::Instant::now();
    assert_eq!(
        sign_in(&server, CLERK, DEMO_PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // The counters live in the database, for the account and the client.
    let db = server.database().await;
    let rows = pratiche_db::entity::sign_in_throttle::Entity::find()
        .all(&db)
        .await
        .unwrap();
    let keys: Vec<&str> = rows.iter().map(|row| row.key.as_str()).collect();
    assert!(
        keys.contains(&format!("account:{CLERK}").as_str())
            && keys.iter().any(|key| key.starts_with("client:")),
        "{keys:?}"
    );
    assert!(rows.iter().all(|row| row.locked_until.is_some()));
}

/// Lets every current lock-out of sign-in end now, as time passing would
/// (the failure counts stay: no time passed for their decay).
async fn end_lockouts(server: &TestServer) {
    use pratiche_db::entity::sign_in_throttle;
    sign_in_throttle::Entity::update_many()
        .col_expr(
            sign_in_throttle::Column::LockedUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&server.database().await)
        .await
        .unwrap();
}

/// The seconds a locked sign-in answer asks to wait, and its page.
async fn locked_for(response: reqwest::Response) -> (u64, String) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let seconds = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    (seconds, response.text().await.unwrap())
}

/// Each failure past the fifth locks sign-in twice as long as the one
/// before (1, 2, 4 minutes); a lock-out ends when its time is up; a success
/// forgets the failures, so the next one counts as the first.
async fn a_lockout_doubles_expires_and_ends_with_a_success(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for _ in 0..4 {
        let response = sign_in(&server, CLERK, "wrong password here").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for (minutes, text) in [(1, "1 minuto."), (2, "2 minuti."), (4, "4 minuti.")] {
        let (seconds, page) =
            locked_for(sign_in(&server, CLERK, "wrong password here").await).await;
        assert!(
            (minutes - 1) * 60 < seconds && seconds <= minutes * 60,
            "{minutes} minutes: Retry-After {seconds}"
        );
        assert!(page.contains(&format!("Troppi tentativi, riprova tra {text}")));
        // Until it ends, even the right password waits.
        locked_for(sign_in(&server, CLERK, DEMO_PASSWORD).await).await;
        end_lockouts(&server).await;
    }
    signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let response = sign_in(&server, CLERK, "wrong password here").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let counted: Vec<i32> = pratiche_db::entity::sign_in_throttle::Entity::find()
        .all(&server.database().await)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.failures)
        .collect();
    assert!(
        !counted.is_empty() && counted.iter().all(|failures| *failures == 1),
        "{counted:?}"
    );
}

async fn signing_out_everywhere_revokes_every_session(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let laptop = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let desktop = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let (_, page) = account(&server, &desktop).await;
    assert!(page.contains("attivo"), "the other session is listed");
    let out = server
        .post_form("/area-riservata/esci-ovunque", &desktop, &[])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    for cookie in [&laptop, &desktop] {
        assert_eq!(account(&server, cookie).await.0, StatusCode::SEE_OTHER);
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Claims {
    sub: String,
    sid: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The claims of the token in a `name=token` session cookie.
fn claims_in(cookie: &str) -> Claims {
    let token = cookie.split_once('=').unwrap().1;
    serde_json::from_slice(&BASE64.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

/// A token signed with the test server's key.
fn sign(claims: &Claims) -> String {
    let key = EncodingKey::from_secret(SIGNING_KEY.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
}

async fn expired_tampered_and_unsigned_tokens_are_refused(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let cookie = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let (name, token) = cookie.split_once('=').unwrap();
    let claims = claims_in(&cookie);
    let now = chrono::Utc::now().timestamp();

    // Control: a fresh token for the same session, signed with the key, works.
    let fresh = sign(&Claims {
        iat: now,
        exp: now + 600,
        ..claims.clone()
    });
    assert_eq!(
        account(&server, &format!("{name}={fresh}")).await.0,
        StatusCode::OK
    );

    let expired = sign(&Claims {
        iat: now - 3600,
        exp: now - 30,
        ..claims.clone()
    });
    let other_user = sign(&Claims {
        sub: "1".into(),
        iat: now,
        exp: now + 600,
        ..claims.clone()
    });
    let wrong_audience = sign(&Claims {
        aud: "pratiche-api".into(),
        iat: now,
        exp: now + 600,
        ..claims.clone()
    });
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], BASE64.encode(br#"{"sub":"1","sid":"x","iat":1,"exp":9999999999,"iss":"pratiche","aud":"pratiche-backoffice"}"#), parts[2]);
    let unsigned = format!(
        "{}.{}.",
        BASE64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    for (what, forged) in [
        ("expired", expired),
        ("another user", other_user),
        ("wrong audience", wrong_audience),
        ("tampered", tampered),
        ("alg=none", unsigned),
    ] {
        let (status, _) = account(&server, &format!("{name}={forged}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{what} token accepted");
    }
}

async fn a_disabled_user_is_out_at_once(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let cookie = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let db = server.database().await;
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(true))
        .filter(user::Column::Username.eq(CLERK))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(account(&server, &cookie).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&server, CLERK, DEMO_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn a_new_password_revokes_earlier_sessions(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let other_device = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let this_device = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let new_password = "una nuova password lunga è ok";
    for (current, new, confirm, outcome) in [
        (
            "wrong current password",
            new_password,
            new_password,
            "wrong-current",
        ),
        (DEMO_PASSWORD, "short", "short", "too-short"),
        (
            DEMO_PASSWORD,
            new_password,
            "something else entirely",
            "mismatch",
        ),
    ] {
        let response = change_password(&server, &this_device, current, new, confirm).await;
        assert_eq!(
            response.headers()[LOCATION],
            format!("/area-riservata/account?esito={outcome}").as_str()
        );
    }
    assert_eq!(
        account(&server, &other_device).await.0,
        StatusCode::OK,
        "a refused change revoked something"
    );

    let changed = change_password(
        &server,
        &this_device,
        DEMO_PASSWORD,
        new_password,
        new_password,
    )
    .await;
    assert_eq!(
        changed.headers()[LOCATION],
        "/area-riservata/account?esito=password-changed"
    );
    let renewed = session_cookie(&changed);
    assert_eq!(
        account(&server, &renewed).await.0,
        StatusCode::OK,
        "this device stays signed in"
    );
    assert_eq!(
        account(&server, &other_device).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        account(&server, &this_device).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&server, CLERK, DEMO_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&server, CLERK, new_password).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        !server.settled_log().await.contains(new_password),
        "the log holds a password"
    );
}

async fn change_password(
    server: &TestServer,
    cookie: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> reqwest::Response {
    server
        .post_form(
            "/area-riservata/password",
            cookie,
            &[("current", current), ("new", new), ("confirm", confirm)],
        )
        .await
}

async fn demo_accounts_outside_demo_mode_stop_the_start(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let output = server.start_expecting_exit(&[("PRATICHE_DEMO", "0")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("demo accounts exist but demo mode is off"),
        "{stderr}"
    );
}

async fn the_first_province_admin_comes_from_a_command(backend: Backend) {
    let Some(server) = start_without_demo(backend).await else {
        return;
    };
    let weak = server.run_command_with(
        &["create-admin", "weak"],
        &[("PRATICHE_ADMIN_PASSWORD", "short")],
        "",
    );
    assert!(!weak.status.success());
    let from_env = server.run_command_with(
        &["create-admin", "centro.servizi", "Centro servizi"],
        &[("PRATICHE_ADMIN_PASSWORD", "password del centro servizi")],
        "",
    );
    assert!(
        from_env.status.success(),
        "{}",
        String::from_utf8_lossy(&from_env.stderr)
    );
    let from_stdin = server.run_command_with(
        &["create-admin", "seconda.admin"],
        &[],
        "un'altra password lunga\n",
    );
    assert!(
        from_stdin.status.success(),
        "{}",
        String::from_utf8_lossy(&from_stdin.stderr)
    );
    let again = server.run_command_with(
        &["create-admin", "centro.servizi"],
        &[("PRATICHE_ADMIN_PASSWORD", "password del centro servizi")],
        "",
    );
    assert!(
        !again.status.success(),
        "a second account with the same name"
    );

    let cookie = signed_in_cookie(&server, "centro.servizi", "password del centro servizi").await;
    let (_, page) = account(&server, &cookie).await;
    assert!(page.contains("Amministratore del centro servizi"));
    signed_in_cookie(&server, "seconda.admin", "un'altra password lunga").await;
}

/// A production start, as a service centre makes it: an empty database
/// without demo data, the first admin from the command, then through the
/// pages the first body and its admin, a clerk, a procedure type and the
/// first pratica, which a citizen then reads; the home page of an
/// installation with one body names it.
async fn a_new_installation_goes_from_nothing_to_its_first_pratica(backend: Backend) {
    const PASSWORD: &str = "una password abbastanza lunga";
    let Some(server) = start_without_demo(backend).await else {
        return;
    };
    let home = server.get("/").await.text().await.unwrap();
    assert!(!home.contains(pratiche_db::demo::SHOWCASE_CODES[0]) && !home.contains("Valdoria"));
    let made = server.run_command_with(
        &["create-admin", "centro.servizi", "Centro servizi"],
        &[("PRATICHE_ADMIN_PASSWORD", PASSWORD)],
        "",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let province = signed_in_cookie(&server, "centro.servizi", PASSWORD).await;
    let created = |path: String, cookie: String, form: Vec<(&'static str, String)>| {
        let server = &server;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = server.post_form(&path, &cookie, &form).await;
            assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{path}");
            answer.headers()[LOCATION].to_str().unwrap().to_owned()
        }
    };
    created(
        "/area-riservata/enti".into(),
        province.clone(),
        vec![
            ("name", "Comune di Prato Alto".into()),
            ("slug", "prato-alto".into()),
            ("kind", "comune".into()),
            ("contact_office", "Ufficio relazioni con il pubblico".into()),
        ],
    )
    .await;
    let db = server.database().await;
    let body = pratiche_db::bodies::all_bodies(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|body| body.slug == "prato-alto")
        .expect("the body");
    created(
        format!("/area-riservata/enti/{}/amministratori", body.id),
        province,
        vec![
            ("username", "admin.pratoalto".into()),
            ("display_name", "Sara Conti".into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await;
    let admin = signed_in_cookie(&server, "admin.pratoalto", PASSWORD).await;
    created(
        "/area-riservata/utenti".into(),
        admin.clone(),
        vec![
            ("username", "operatore.pratoalto".into()),
            ("display_name", "Marco Galli".into()),
            ("role", "clerk".into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await;
    created(
        "/area-riservata/procedimenti".into(),
        admin,
        vec![
            ("name", "Permesso di costruire".into()),
            ("term_days", "60".into()),
            ("legal_basis", "D.P.R. 380/2001, art. 20".into()),
        ],
    )
    .await;
    let procedure = pratiche_db::entity::procedure_type::Entity::find()
        .filter(pratiche_db::entity::procedure_type::Column::BodyId.eq(body.id))
        .one(&db)
        .await
        .unwrap()
        .expect("the procedure type");
    let clerk = signed_in_cookie(&server, "operatore.pratoalto", PASSWORD).await;
    let receipt = created(
        "/area-riservata/registra".into(),
        clerk,
        vec![
            ("tipo", procedure.id.to_string()),
            ("oggetto", "Ampliamento di un fienile".into()),
            ("presentata_il", chrono::Utc::now().date_naive().to_string()),
            ("ufficio", "Ufficio tecnico".into()),
            ("responsabile", "Geom. Paolo Neri".into()),
            ("contatto", "tecnico@pratoalto.example.it".into()),
        ],
    )
    .await;
    let code = receipt
        .trim_end_matches("/ricevuta")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let page = server.get(&format!("/p/{code}")).await;
    assert_eq!(page.status(), StatusCode::OK, "{receipt}");
    let page = page.text().await.unwrap();
    assert!(page.contains("Ampliamento di un fienile") && page.contains("Comune di Prato Alto"));
    let home = server.get("/").await.text().await.unwrap();
    assert!(
        home.contains("Comune di Prato Alto"),
        "the one body on the home page"
    );
}

async fn an_active_session_is_renewed_until_its_absolute_end(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let cookie = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let name = cookie.split_once('=').unwrap().0;
    let claims = claims_in(&cookie);
    let now = chrono::Utc::now().timestamp();

    // A fresh token is not renewed on every request.
    let response = server
        .client
        .get(server.url("/area-riservata/account"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(response.headers().get(SET_COOKIE).is_none());

    // A token issued two minutes ago is renewed: a new one with 30 minutes ahead.
    let older = sign(&Claims {
        iat: now - 120,
        exp: now + 60,
        ..claims.clone()
    });
    let response = server
        .client
        .get(server.url("/area-riservata/account"))
        .header(COOKIE, format!("{name}={older}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = session_cookie(&response);
    let renewed = claims_in(&renewed);
    assert!(
        renewed.iat >= now && (renewed.exp - renewed.iat - 1800).abs() <= 1,
        "not renewed for 30 minutes"
    );
    assert_eq!(renewed.sid, claims.sid);

    // The session ends 10 hours after sign-in, whatever the activity.
    let db = server.database().await;
    let session = pratiche_db::entity::session::Entity::find_by_id(claims.sid.clone())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        session.expires_at - session.created_at,
        chrono::Duration::hours(10)
    );
    // Idle past a token's 30 minutes, the token is refused.
    let idle = sign(&Claims {
        iat: now - 31 * 60,
        exp: now - 60,
        ..claims.clone()
    });
    assert_eq!(
        account(&server, &format!("{name}={idle}")).await.0,
        StatusCode::SEE_OTHER
    );
    // Five minutes before the end, a renewed token reaches the end only.
    let end = chrono::Utc::now() + chrono::Duration::minutes(5);
    pratiche_db::entity::session::Entity::update_many()
        .col_expr(
            pratiche_db::entity::session::Column::ExpiresAt,
            Expr::value(end),
        )
        .exec(&db)
        .await
        .unwrap();
    let response = server
        .client
        .get(server.url("/area-riservata/account"))
        .header(COOKIE, format!("{name}={older}"))
        .send()
        .await
        .unwrap();
    let last = claims_in(&session_cookie(&response));
    assert_eq!(last.exp, end.timestamp(), "renewed past the session's end");

    // Past the session's absolute end nothing renews it.
    pratiche_db::entity::session::Entity::update_many()
        .col_expr(
            pratiche_db::entity::session::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(account(&server, &cookie).await.0, StatusCode::SEE_OTHER);
}

/// A server with demo mode left at its default (off), on an empty database.
async fn start_without_demo(backend: Backend) -> Option<TestServer> {
    TestServer::start(
        backend,
        &[("PRATICHE_SIGNING_KEY", SIGNING_KEY), ("PRATICHE_DEMO", "")],
    )
    .await
}

async fn row_count<E>(server: &TestServer, _entity: E) -> u64
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    let db = server.database().await;
    E::find().count(&db).await.unwrap()
}

async fn demo_mode_is_off_unless_asked(backend: Backend) {
    let Some(server) = start_without_demo(backend).await else {
        return;
    };
    assert_eq!(row_count(&server, user::Entity).await, 0);
    assert_eq!(
        row_count(&server, pratiche_db::entity::body::Entity).await,
        0
    );
    let response = sign_in(&server, CLERK, DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn demo_mode_runs_only_on_loopback(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    for (name, value) in [
        ("LEPTOS_SITE_ADDR", "0.0.0.0:0"),
        (
            "PRATICHE_PUBLIC_URL",
            "https://pratiche.provincia.example.it",
        ),
    ] {
        let output = server.start_expecting_exit(&[(name, value), ("PRATICHE_DEMO", "1")]);
        assert!(!output.status.success(), "{name}={value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("PRATICHE_DEMO=1 runs only on this machine") && stderr.contains(value),
            "{stderr}"
        );
    }
}

/// An installation on the default SQLite file that made its first admin
/// must never get the demo accounts, whose password is published.
async fn demo_data_never_goes_beside_real_accounts(backend: Backend) {
    let Some(server) = start_without_demo(backend).await else {
        return;
    };
    let created = server.run_command_with(
        &["create-admin", "centro.servizi"],
        &[("PRATICHE_ADMIN_PASSWORD", "password del centro servizi")],
        "",
    );
    assert!(created.status.success());
    let output = server.start_expecting_exit(&[("PRATICHE_DEMO", "1")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database with real accounts"), "{stderr}");
    let db = server.database().await;
    let demo_users = user::Entity::find()
        .filter(user::Column::Demo.eq(true))
        .all(&db)
        .await
        .unwrap();
    assert!(demo_users.is_empty(), "{demo_users:?}");
    assert_eq!(
        row_count(&server, pratiche_db::entity::body::Entity).await,
        0
    );

    // Nor the other way round: no real admin goes into a demo database.
    let Some(demo) = start(backend).await else {
        return;
    };
    let refused = demo.run_command_with(
        &["create-admin", "centro.servizi"],
        &[("PRATICHE_ADMIN_PASSWORD", "password del centro servizi")],
        "",
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("demo data"));
}

/// Sends `count` sign-ins at once, each from the client `client(n)` (the
/// server trusts `X-Forwarded-For` from loopback) as `username(n)`; returns
/// their statuses.
async fn sign_in_at_once(
    server: &TestServer,
    count: usize,
    username: impl Fn(usize) -> String,
    client: impl Fn(usize) -> String,
    password: &str,
) -> Vec<StatusCode> {
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..count {
        let request = server
            .client
            .post(server.url("/area-riservata/accedi"))
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", client(n))
            .form(&[("username", username(n)), ("password", password.to_owned())]);
        requests.spawn(async move {
            let response = request.send().await.expect("an answer, never a reset");
            if response.status() == StatusCode::SERVICE_UNAVAILABLE {
                let retry_after: u64 = response.headers()[RETRY_AFTER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(retry_after >= 1);
            }
            response.status()
        });
    }
    requests.join_all().await
}

async fn start_behind_proxy(backend: Backend) -> Option<TestServer> {
    TestServer::start(
        backend,
        &[
            ("PRATICHE_SIGNING_KEY", SIGNING_KEY),
            ("PRATICHE_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await
}

/// Each attempt is counted before the password is checked, atomically:
/// of twenty guesses sent at once, only the five before the lock are
/// checked (each checked guess is one failure in the account's counter;
/// with the count after the check, all twenty were checked first), and the
/// lock holds.
async fn concurrent_guesses_each_count(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let statuses = sign_in_at_once(
        &server,
        20,
        |_| CLERK.to_owned(),
        |_| "203.0.113.20".to_owned(),
        "wrong password here",
    )
    .await;
    assert!(
        statuses.iter().all(|status| [
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(status)),
        "{statuses:?}"
    );
    let db = server.database().await;
    let counter =
        pratiche_db::entity::sign_in_throttle::Entity::find_by_id(format!("account:{CLERK}"))
            .one(&db)
            .await
            .unwrap()
            .expect("the account's counter");
    assert_eq!(
        counter.failures, 5,
        "guesses checked: {} ({statuses:?})",
        counter.failures
    );
    assert_eq!(
        sign_in(&server, CLERK, DEMO_PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Sign-ins for sixty accounts from sixty clients at once: the queue of
/// password checks fills, and the rest are turned away at once with 503.
async fn the_password_check_queue_is_bounded(backend: Backend) {
    let Some(server) = start_behind_proxy(backend).await else {
        return;
    };
    let statuses = sign_in_at_once(
        &server,
        60,
        |n| format!("nessuno.{n}"),
        |n| format!("198.51.100.{}", n + 1),
        "wrong password here",
    )
    .await;
    let busy = statuses
        .iter()
        .filter(|status| **status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(busy > 0, "no request was turned away: {statuses:?}");
    assert!(
        statuses.iter().all(
            |status| [StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE].contains(status)
        ),
        "{statuses:?}"
    );
}

/// The `name=value` of the cookie named `name` among a response's cookies.
fn cookie_named(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// A stranger who knows the clerk's username hammers it and locks it for
/// every unknown browser; the clerk's own browser, which signed in before,
/// still gets in.
async fn a_known_browser_signs_in_while_strangers_are_locked_out(backend: Backend) {
    let Some(server) = start_behind_proxy(backend).await else {
        return;
    };
    let sign_in_from = |client: &'static str, cookie: String, password: &'static str| {
        server
            .client
            .post(server.url("/area-riservata/accedi"))
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", client)
            .header(COOKIE, cookie)
            .form(&[("username", CLERK), ("password", password)])
            .send()
    };
    let first = sign_in_from("192.0.2.10", String::new(), DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let device = cookie_named(&first, "pratiche_device").expect("a device cookie");
    // The session cookie still comes first, as scripts read it.
    assert!(session_cookie(&first).starts_with("pratiche_session="));

    for _ in 0..6 {
        sign_in_from("203.0.113.66", String::new(), "wrong password here")
            .await
            .unwrap();
    }
    let stranger = sign_in_from("198.51.100.5", String::new(), DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    let known = sign_in_from("192.0.2.10", device.clone(), DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        known.status(),
        StatusCode::SEE_OTHER,
        "the clerk is locked out"
    );
    // The clerk's device cookie is no key to another account: from the
    // stranger's client, locked, that account is refused too.
    let other = server
        .client
        .post(server.url("/area-riservata/accedi"))
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "203.0.113.66")
        .header(COOKIE, device)
        .form(&[
            ("username", "demo-admin-valdoria"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn changing_the_password_is_throttled_like_sign_in(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let cookie = signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
    let new = "una password nuova e lunga";
    for _ in 0..5 {
        let response = change_password(&server, &cookie, "wrong current one", new, new).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let response = change_password(&server, &cookie, DEMO_PASSWORD, new, new).await;
    assert_eq!(
        response.headers()[LOCATION],
        "/area-riservata/account?esito=locked"
    );
    // The password did not change.
    signed_in_cookie(&server, CLERK, DEMO_PASSWORD).await;
}

async fn overlong_usernames_are_refused_before_the_database(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let long = "x".repeat(10_000);
    let response = sign_in(&server, &long, "wrong password here").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = sign_in(&server, &"y".repeat(65), "wrong password here").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Nothing was counted (no row written), and the log holds a short form.
    assert_eq!(
        row_count(&server, pratiche_db::entity::sign_in_throttle::Entity).await,
        0
    );
    let log = server.settled_log().await;
    assert!(!log.contains(&"x".repeat(40)), "a long username in the log");
    assert!(log.contains(&format!("{}…", "x".repeat(32))), "{log}");
}

async fn static_files_never_set_cookies(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let stale = "pratiche_session=not.a.token";
    for path in ["/favicon.svg", "/fonts/OFL-titillium-web.txt"] {
        let response = server
            .client
            .get(server.url(path))
            .header(COOKIE, stale)
            .send()
            .await
            .unwrap();
        assert!(!response.headers().contains_key(SET_COOKIE), "{path}");
    }
    // Pages still forget a stale cookie.
    let page = server
        .client
        .get(server.url("/area-riservata"))
        .header(COOKIE, stale)
        .send()
        .await
        .unwrap();
    assert!(page.headers().contains_key(SET_COOKIE));
}

async fn back_office_writes_need_proof_of_origin(backend: Backend) {
    let Some(server) = start(backend).await else {
        return;
    };
    let form = [("username", CLERK), ("password", DEMO_PASSWORD)];
    let post = |headers: &'static [(&'static str, &'static str)]| {
        let mut request = server.client.post(server.url("/area-riservata/accedi"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.form(&form).send()
    };
    for headers in [
        &[][..],
        &[("origin", "null")][..],
        &[
            ("origin", "null"),
            ("referer", "http://127.0.0.1:3000/area-riservata"),
        ][..],
        &[("sec-fetch-site", "none")][..],
        &[("sec-fetch-site", "same-site")][..],
        &[("origin", "http://evil.example")][..],
    ] {
        let response = post(headers).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(!response.headers().contains_key(SET_COOKIE), "{headers:?}");
    }
    // The public URL's origin is proof enough (the test server's public URL
    // is the default, http://127.0.0.1:3000).
    let response = post(&[("origin", "http://127.0.0.1:3000")]).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
