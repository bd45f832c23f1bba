//! Recording a status change (or a correction) on a pratica from its
//! record's form: an adapter over the rules of
//! [`pratiche_domain::intake::event`] and the service
//! [`pratiche_db::cases::service::record_event`]. A public note that looks
//! like it holds personal data waits for the clerk's confirmation;
//! "anteprima" runs the real write path and rolls it back to show the effect
//! on the due date; saving is guarded by the version the clerk's form was
//! built from.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pratiche_app::StatusChangeDraft;
use pratiche_app::forms::StatusChangeForm;
use pratiche_app::status_change::{ChangeOutcome, Intent, run_status_change, saved_address};
use pratiche_app::{NOT_OWN_PRATICA, paths};
use pratiche_db::cases::record::own_case;
use pratiche_domain::CaseCode;

use crate::office::{BackOffice, Staff, WebError};
use crate::responses::see_other;

const NOT_FOUND: WebError = WebError::NotFound(NOT_OWN_PRATICA);

pub async fn record_status_change(
    State(office): State<BackOffice>,
    Staff {
        user,
        body_id,
        actor,
    }: Staff,
    Path(typed_code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusChangeForm>,
) -> Result<Response, WebError> {
    let code = CaseCode::parse(&typed_code).map_err(|_| NOT_FOUND)?;
    let db = &office.sessions.db;
    let case = own_case(db, body_id, code).await?.ok_or(NOT_FOUND)?;
    let page = paths::case_record(code);
    let show =
        |draft: StatusChangeDraft| office.render_page(&page, &headers, Some(user.clone()), draft);

    let intent = if form.action == StatusChangeForm::PREVIEW {
        Intent::Preview
    } else {
        Intent::AsAsked
    };
    match run_status_change(db, &actor, &case, &form, intent).await? {
        ChangeOutcome::Saved { warnings } => {
            tracing::info!(code = %code.redacted(), username = %user.username, "status change recorded");
            Ok(see_other(&saved_address(code, &warnings), None))
        }
        ChangeOutcome::Shown(draft) => Ok(show(*draft).await),
        ChangeOutcome::NotFound => Err(NOT_FOUND),
    }
}
