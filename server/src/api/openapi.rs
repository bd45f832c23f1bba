//! The OpenAPI 3.1 document, generated from the handlers' annotations, and a
//! reference page rendered from it by the server itself (no viewer to
//! download, no script).

use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::{ApiError, FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pratiche API",
        version = "1",
        description = "The integration API of Pratiche: a body's own software (protocol register, SUAP/SUE desk, case manager) creates pratiche, pushes status events and follows what changed. Every operation is scoped to the client's body. Get a token with the client-credentials grant at POST /api/v1/token, then send it as `Authorization: Bearer …`. Errors are application/problem+json (RFC 9457); field errors carry a JSON Pointer. Writes of events need an Idempotency-Key."
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerTokens),
    tags(
        (name = "auth", description = "Access tokens for machine clients"),
        (name = "pratiche", description = "Creating and reading pratiche"),
        (name = "events", description = "Status events, one at a time or in batches"),
        (name = "changes", description = "What changed, after a cursor"),
        (name = "webhooks", description = "The body's webhook endpoints and their deliveries (endpoints are added in the back office, which shows the signing secret once)"),
        (name = "documentation", description = "This document and its reference page"),
    )
)]
pub struct ApiDoc;

struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// The document: [`ApiDoc`]'s description with the operations of
/// [`super::api_router`].
pub static OPENAPI: LazyLock<utoipa::openapi::OpenApi> =
    LazyLock::new(|| super::api_router().into_openapi());

static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| OPENAPI.to_pretty_json().expect("the document serialises"));

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "documentation",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
    security(())
)]
pub async fn document() -> Response {
    let mut response = (StatusCode::OK, DOCUMENT.as_str()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

static REFERENCE: LazyLock<String> = LazyLock::new(render_reference);

/// The reference page's own small stylesheet, inline: the page stands apart
/// from the site's layout.
const REFERENCE_STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}pre{background:#f3f4f6;padding:.75rem;overflow-x:auto}section{border-top:1px solid #d1d5db;padding-top:.5rem}code{font-size:.95em}";

/// The reference page's policy: no script at all, and its one inline
/// stylesheet allowed by its hash.
static REFERENCE_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(REFERENCE_STYLE));
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ))
    .expect("the policy is a valid header value")
});

/// The reference page, rendered from this document.
#[utoipa::path(
    get,
    path = "/api/v1/docs",
    tag = "documentation",
    responses((status = 200, description = "An HTML page describing every operation", content_type = "text/html", body = String)),
    security(())
)]
pub async fn reference() -> Response {
    let mut response = (StatusCode::OK, REFERENCE.as_str()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, REFERENCE_POLICY.clone());
    response
}

/// Every problem type, for the page's `#problem-…` anchors.
fn problem_types() -> Vec<Problem> {
    [
        ApiError::Unauthenticated { token_given: false },
        ApiError::InvalidClient,
        ApiError::UnsupportedGrantType,
        ApiError::InvalidTokenRequest("The token request is malformed."),
        ApiError::NotFound,
        ApiError::TooLarge { limit: 65_536 },
        ApiError::UnsupportedMediaType {
            expected: "application/json",
        },
        ApiError::Malformed("not valid JSON".into()),
        ApiError::Invalid(vec![FieldError::new(
            "/occurred_at",
            "invalid_instant",
            "…",
        )]),
        ApiError::MissingIdempotencyKey,
        ApiError::KeyReused,
        ApiError::Conflict("The own reference belongs to a pratica with other content."),
        ApiError::RateLimited {
            retry_after_secs: 1,
        },
        ApiError::Unavailable(pratiche_db::DbErr::Custom(String::new())),
        ApiError::Internal,
    ]
    .iter()
    .map(ApiError::problem)
    .collect()
}

fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<(String, &'static str, Operation)> {
    let mut found = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ] {
            if let Some(operation) = operation {
                found.push((path.clone(), method, operation.clone()));
            }
        }
    }
    found
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn render_reference() -> String {
    let doc = &*OPENAPI;
    let description = doc.info.description.clone().unwrap_or_default();
    let operations = operations(doc)
        .into_iter()
        .map(|(path, method, operation)| {
            let anchor = operation.operation_id.clone().unwrap_or_default();
            let summary = operation.summary.clone().or(operation.description.clone()).unwrap_or_default();
            let parameters = operation.parameters.clone().unwrap_or_default();
            let parameters = (!parameters.is_empty()).then(|| view! {
                <h4>"Parameters"</h4>
                <ul>
                    {parameters.into_iter().map(|parameter| {
                        let location = pretty(&parameter.parameter_in).trim_matches('"').to_owned();
                        view! { <li><code>{parameter.name}</code>" (" {location} ") " {parameter.description.unwrap_or_default()}</li> }
                    }).collect_view()}
                </ul>
            });
            let body = operation.request_body.as_ref().map(|body| {
                let contents = body.content.iter().map(|(media, content)| {
                    let example = content.example.as_ref().map(pretty).unwrap_or_else(|| {
                        pretty(&content.schema)
                    });
                    view! { <p><code>{media.clone()}</code></p><pre>{example}</pre> }
                }).collect_view();
                view! { <h4>"Request body"</h4><p>{body.description.clone().unwrap_or_default()}</p>{contents} }
            });
            let responses = operation.responses.responses.iter().map(|(status, response)| {
                let description = match response {
                    utoipa::openapi::RefOr::T(response) => response.description.clone(),
                    utoipa::openapi::RefOr::Ref(reference) => reference.ref_location.clone(),
                };
                view! { <li><strong>{status.clone()}</strong>" " {description}</li> }
            }).collect_view();
            view! {
                <section id=anchor>
                    <h3><code>{method} " " {path}</code></h3>
                    <p>{summary}</p>
                    {parameters}
                    {body}
                    <h4>"Responses"</h4>
                    <ul>{responses}</ul>
                </section>
            }
        })
        .collect_view();
    let problems = problem_types()
        .into_iter()
        .map(|problem| {
            let anchor = problem
                .kind
                .rsplit('#')
                .next()
                .unwrap_or_default()
                .to_owned();
            view! {
                <section id=anchor>
                    <h3>{problem.status} " " {problem.title}</h3>
                    <p><code>{problem.kind.clone()}</code></p>
                    <p>{problem.detail}</p>
                </section>
            }
        })
        .collect_view();
    let schemas = doc
        .components
        .as_ref()
        .map(|components| {
            components
                .schemas
                .iter()
                .map(|(name, schema)| {
                    view! { <section id=format!("schema-{name}")><h3>{name.clone()}</h3><pre>{pretty(schema)}</pre></section> }
                })
                .collect_view()
        });
    let page = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"Pratiche API — reference"</title>
                <style>{REFERENCE_STYLE}</style>
            </head>
            <body>
                <main>
                    <h1>"Pratiche API v1"</h1>
                    <p>{description}</p>
                    <p>"The machine-readable document: " <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a> " (OpenAPI 3.1)."</p>
                    <h2>"Operations"</h2>
                    {operations}
                    <h2>"Problem types"</h2>
                    {problems}
                    <h2>"Schemas"</h2>
                    {schemas}
                </main>
            </body>
        </html>
    };
    format!("<!DOCTYPE html>{}", page.to_html())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy's hash covers the stylesheet exactly as the page carries it.
    #[test]
    fn the_reference_page_carries_the_stylesheet_its_policy_allows() {
        assert!(REFERENCE.contains(&format!("<style>{REFERENCE_STYLE}</style>")));
        let policy = REFERENCE_POLICY.to_str().unwrap();
        assert!(policy.contains("style-src 'sha256-") && policy.contains("default-src 'none'"));
    }
}
