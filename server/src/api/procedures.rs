//! The body's procedure types with their internal states and allowed
//! transitions: what a client maps its own statuses to.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use pratiche_db::procedure_types::workflows_of_body;
use serde::Serialize;
use utoipa::ToSchema;

use super::Api;
use super::auth::ApiClient;
use super::problem::{ApiError, json_response};

#[derive(Debug, Serialize, ToSchema)]
pub struct StateView {
    pub id: i32,
    pub name: String,
    /// The public phase the citizen sees.
    pub phase: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureTypeView {
    pub id: i32,
    pub name: String,
    /// The legal term in days.
    pub term_days: i32,
    pub legal_basis: Option<String>,
    /// In their order; a new pratica starts in the first `submitted` one.
    pub states: Vec<StateView>,
    /// The moves the workflow allows (corrections may set any state).
    pub transitions: Vec<TransitionView>,
}

/// The body's procedure types, states and transitions.
#[utoipa::path(
    get,
    path = "/api/v1/procedure-types",
    tag = "pratiche",
    responses(
        (status = 200, description = "The body's procedure types", body = Vec<ProcedureTypeView>),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(State(api): State<Api>, client: ApiClient) -> Result<Response, ApiError> {
    let types: Vec<ProcedureTypeView> = workflows_of_body(&api.db, client.body_id)
        .await?
        .into_iter()
        .map(|workflow| ProcedureTypeView {
            id: workflow.procedure.id,
            name: workflow.procedure.name,
            term_days: workflow.procedure.term_days,
            legal_basis: workflow.procedure.legal_basis,
            states: workflow
                .states
                .into_iter()
                .map(|state| StateView {
                    id: state.id,
                    name: state.name,
                    phase: state.public_phase.to_string(),
                })
                .collect(),
            transitions: workflow
                .transitions
                .into_iter()
                .map(|(from, to)| TransitionView { from, to })
                .collect(),
        })
        .collect();
    Ok(json_response(StatusCode::OK, &types, "application/json"))
}
