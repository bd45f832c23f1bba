//! The integration API as a client uses it: a client made in the back
//! office, its token, and calls with it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Backend, TestServer};

/// Creates an API client through the back office; returns (id, secret).
pub async fn new_client(server: &TestServer, admin: &str, name: &str) -> (String, String) {
    let response = server
        .post_form("/area-riservata/api", admin, &[("name", name)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    let between = |start: &str| {
        let from = page
            .find(start)
            .unwrap_or_else(|| panic!("{start} in {page}"))
            + start.len();
        page[from..].split('<').next().unwrap().to_owned()
    };
    (between("<dd><code>"), between("<code class=\"secret\">"))
}

pub async fn token_for(server: &TestServer, id: &str, secret: &str) -> String {
    let response = server
        .client
        .post(server.url("/api/v1/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A server with `env` and a token of a new Valdoria client.
pub async fn valdoria_api(backend: Backend, env: &[(&str, &str)]) -> Option<(TestServer, String)> {
    let server = TestServer::start(backend, env).await?;
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let (id, secret) = new_client(&server, &admin, "Protocollo").await;
    let token = token_for(&server, &id, &secret).await;
    Some((server, token))
}

pub struct Call<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

impl Call<'_> {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .server
            .client
            .get(self.server.url(path))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    pub async fn post(&self, path: &str, key: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self
            .server
            .client
            .post(self.server.url(path))
            .bearer_auth(self.token)
            .json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().await.unwrap()
    }

    pub async fn post_json(
        &self,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        let response = self.post(path, key, body).await;
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// The id of the state named `name` of the type named `procedure`.
    pub async fn state(&self, procedure: &str, name: &str) -> i64 {
        let (_, types) = self.get("/api/v1/procedure-types").await;
        let procedure = types
            .as_array()
            .unwrap()
            .iter()
            .find(|kind| kind["name"] == procedure)
            .unwrap();
        procedure["states"]
            .as_array()
            .unwrap()
            .iter()
            .find(|state| state["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn procedure(&self, name: &str) -> i64 {
        let (_, types) = self.get("/api/v1/procedure-types").await;
        types
            .as_array()
            .unwrap()
            .iter()
            .find(|kind| kind["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// Records an event in the state `state` of the "Permesso di costruire"
    /// type, happening now, with the fields of `extra`; expects 201.
    pub async fn record_now(&self, code: &str, state: &str, extra: Value) {
        let mut event = json!({
            "state_id": self.state("Permesso di costruire", state).await,
            "occurred_at": chrono::Utc::now().to_rfc3339(),
        });
        event
            .as_object_mut()
            .expect("an object")
            .extend(extra.as_object().expect("an object").clone());
        let key = format!("k-{}", rand::random::<u64>());
        let (status, body) = self
            .post_json(
                &format!("/api/v1/pratiche/{code}/events"),
                Some(&key),
                &event,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    /// Registers a pratica at the counter's form as `clerk`, submitted
    /// today, with the `applicant` fields; the answer.
    pub async fn register_at_counter(
        &self,
        clerk: &str,
        applicant: &[(&str, &str)],
    ) -> reqwest::Response {
        let procedure = self.procedure("Permesso di costruire").await.to_string();
        // "Today" is Rome's, as the server's (from 23:00 UTC it is not UTC's).
        let today = pratiche_db::clock::today_in_rome().to_string();
        let mut form = vec![
            ("tipo", procedure.as_str()),
            ("oggetto", "Recinzione"),
            ("presentata_il", &today),
            ("ufficio", "SUE"),
            ("responsabile", "Arch. Bianchi"),
            ("contatto", "sue@example.it"),
        ];
        form.extend_from_slice(applicant);
        self.server
            .post_form("/area-riservata/registra", clerk, &form)
            .await
    }

    /// Creates a pratica submitted `days_ago`; returns its code.
    pub async fn create(&self, reference: &str, days_ago: i64) -> String {
        let body = self.creation(reference, days_ago).await;
        let (status, created) = self.post_json("/api/v1/pratiche", None, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["code"].as_str().unwrap().to_owned()
    }

    pub async fn creation(&self, reference: &str, days_ago: i64) -> Value {
        let submitted = pratiche_db::clock::today_in_rome() - chrono::Duration::days(days_ago);
        json!({
            "own_reference": reference,
            "procedure_type_id": self.procedure("Permesso di costruire").await,
            "subject": "Ampliamento di un capannone",
            "submitted_on": submitted.to_string(),
            "office": "Sportello unico per l'edilizia",
            "responsible": "Arch. Laura Bianchi",
            "responsible_contact": "edilizia@comune.valdoria.example.it"
        })
    }
}
