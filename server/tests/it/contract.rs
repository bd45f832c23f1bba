//! The API's contract, walked from its own OpenAPI document on the running
//! server (the router and the document come from one list,
//! `pratiche_server::api::api_router`): every documented operation has its
//! place in the walk, and every operation's example, sent as documented,
//! gets a documented success whose body matches the documented schema.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Backend, TestServer};

on_both_databases!(every_example_gets_its_documented_answer);

/// The order the examples build on each other: the pratica the creation
/// example makes is the one the other examples read and update.
const ORDER: [(&str, &str); 17] = [
    ("post", "/api/v1/token"),
    ("get", "/api/v1/procedure-types"),
    ("post", "/api/v1/pratiche"),
    ("get", "/api/v1/pratiche"),
    ("get", "/api/v1/pratiche/{code}"),
    ("post", "/api/v1/pratiche/{code}/events"),
    ("post", "/api/v1/events/batch"),
    ("get", "/api/v1/changes"),
    ("get", "/api/v1/webhooks"),
    ("get", "/api/v1/webhooks/{id}/deliveries"),
    ("post", "/api/v1/webhooks"),
    ("patch", "/api/v1/webhooks/{id}"),
    ("post", "/api/v1/webhooks/{id}/secret"),
    ("post", "/api/v1/webhooks/{id}/test"),
    ("post", "/api/v1/webhooks/{id}/deliveries/resend"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/docs"),
];

/// Examples carry fixed dates; the demo data is relative to today. Dates are
/// moved to the same distance from today as when the examples were written
/// (any instant to an hour ago, submissions to three days ago, reply-by
/// dates to twenty days ahead).
fn refresh_dates(value: &mut Value) {
    let now = chrono::Utc::now();
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match key.as_str() {
                    "occurred_at" => {
                        *field = json!((now - chrono::Duration::hours(1)).to_rfc3339())
                    }
                    "submitted_on" => {
                        *field = json!((now - chrono::Duration::days(3)).date_naive().to_string())
                    }
                    "reply_by" => {
                        *field = json!((now + chrono::Duration::days(20)).date_naive().to_string())
                    }
                    _ => refresh_dates(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(refresh_dates),
        _ => {}
    }
}

/// A validator for `schema`, whose `$ref`s point into the document's
/// components.
fn validator(schema: &Value, document: &Value) -> jsonschema::Validator {
    let mut schema = schema.clone();
    schema["components"] = document["components"].clone();
    jsonschema::validator_for(&schema).expect("the document's schemas compile")
}

async fn every_example_gets_its_documented_answer(backend: Backend) {
    // Webhooks on, to the server itself: the example endpoint is the
    // first one.
    let env = [
        ("PRATICHE_SECRETS_KEY", crate::support::app_io::SECRETS_KEY),
        ("PRATICHE_WEBHOOK_ALLOW_HTTP", "1"),
        ("PRATICHE_WEBHOOK_ALLOW_LOOPBACK", "1"),
    ];
    let Some(server) = TestServer::start(backend, &env).await else {
        return;
    };
    let document: Value = server
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let ordered: BTreeSet<(String, String)> = ORDER
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(documented, ordered, "the test walks every operation");
    // The validation bites: a pratica without its fields is refused.
    let case_schema = json!({"$ref": "#/components/schemas/CaseView"});
    assert!(!validator(&case_schema, &document).is_valid(&json!({"code": 1})));

    // A client of the demo body the examples are written for.
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let page = server
        .post_form("/area-riservata/api", &admin, &[("name", "Contratto")])
        .await
        .text()
        .await
        .unwrap();
    let between = |start: &str| {
        let from = page.find(start).unwrap() + start.len();
        page[from..].split('<').next().unwrap().to_owned()
    };
    let (client_id, secret) = (between("<dd><code>"), between("<code class=\"secret\">"));
    let endpoint = server
        .post_form(
            "/area-riservata/api/webhook",
            &admin,
            &[
                ("url", &server.url("/")),
                ("event_types", "pratica.event_recorded"),
            ],
        )
        .await;
    assert_eq!(endpoint.status(), StatusCode::OK, "the example endpoint");
    let mut token = String::new();

    for (method, path) in ORDER {
        let operation = &document["paths"][path][method];
        let what = format!("{method} {path}");
        let mut target = path.to_owned();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let example = parameter["example"].clone();
            let example = example
                .as_str()
                .map_or_else(|| example.to_string(), str::to_owned);
            match parameter["in"].as_str().unwrap() {
                "path" => target = target.replace(&format!("{{{name}}}"), &example),
                "query" => query.push((name.to_owned(), example)),
                "header" => headers.push((name.to_owned(), example)),
                other => panic!("{what}: parameter in {other}"),
            }
        }
        let mut url = reqwest::Url::parse(&server.url(&target)).unwrap();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        let mut request = server
            .client
            .request(method.to_uppercase().parse().unwrap(), url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        if operation["security"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|scheme| scheme.get("bearer").is_some())
        {
            request = request.bearer_auth(&token);
        }
        if let Some(content) = operation["requestBody"]["content"].as_object() {
            let (media, body) = content.iter().next().unwrap();
            let mut example = body["example"].clone();
            assert!(!example.is_null(), "{what}: an example");
            refresh_dates(&mut example);
            if (method, path) == ("post", "/api/v1/webhooks") {
                // An endpoint this test's server can reach: itself.
                example["url"] = json!(server.url("/"));
            }
            request = match media.as_str() {
                "application/json" => request.json(&example),
                "application/x-www-form-urlencoded" => {
                    example["client_id"] = json!(client_id);
                    example["client_secret"] = json!(secret);
                    let pairs: Vec<(String, String)> = example
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
                        .collect();
                    request.form(&pairs)
                }
                other => panic!("{what}: {other}"),
            };
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{what}: {status} {text}");
        let documented = &operation["responses"][status.as_str()];
        assert!(documented.is_object(), "{what}: {status} is documented");
        let (media, described) = documented["content"]
            .as_object()
            .unwrap()
            .iter()
            .next()
            .unwrap();
        assert!(
            content_type.starts_with(media.as_str()),
            "{what}: {content_type}"
        );
        if media == "application/json" {
            let body: Value = serde_json::from_str(&text).unwrap();
            let validator = validator(&described["schema"], &document);
            let errors: Vec<String> = validator
                .iter_errors(&body)
                .map(|error| error.to_string())
                .collect();
            assert!(errors.is_empty(), "{what}: {errors:?}\n{body}");
            if path == "/api/v1/token" {
                token = body["access_token"].as_str().unwrap().to_owned();
            }
            if path == "/api/v1/events/batch" {
                for result in body["results"].as_array().unwrap() {
                    assert_eq!(result["status"], 201, "{what}: {result}");
                }
            }
        }
    }
    assert_eq!(server.get("/api/v1/docs").await.status(), StatusCode::OK);
}
