//! Recording a status change on a pratica's record: two plain forms posting
//! to the server's handler, one for an allowed next state and one for a
//! correction (rettifica, any state, reason required). "Anteprima" shows the
//! effect on the due date without saving; the handler renders the record
//! again with what was typed, the errors, the preview or the conflict. With
//! JavaScript the record's island asks the same of server functions
//! (`status_change_in_place`): the preview, the states allowed at the day
//! typed, and the save, each run here as the handler runs it.

use chrono::{DateTime, NaiveDate, Utc};
use http::StatusCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pratiche_db::audit::{Actor, AuditSource};
use pratiche_db::cases::record::{case_detail, own_case};
use pratiche_db::cases::service::{EventError, record_event};
use pratiche_db::cases::state_offer;
use pratiche_db::entity::case;
use pratiche_db::procedure_types::StateChoice;
use pratiche_db::{DatabaseConnection, DbErr};
use pratiche_domain::CaseCode;
use pratiche_domain::clock::{ClockStatus, ClockWarning, Explanation};
use pratiche_domain::intake::event::{self, EventFacts, EventInput, EventProblem, When};
use pratiche_domain::intake::{Kind, Number};
use pratiche_domain::personal_data::PersonalData;

use crate::components::{FormField, answer_privately, field_error};
use crate::context::{AppContext, ClientAddress};
use crate::forms::StatusChangeForm;
use crate::i18n::{I18n, use_i18n};
use crate::islands::ChangeInPlace;
use crate::pages::backoffice::{
    RECORD_HISTORY_ID, RECORD_SUMMARY_ID, RecordHistory, RecordSummary,
};
use crate::pages::case::deadline::{ClockExplanation, due_text};
use crate::pages::staff::{NOT_OWN_PRATICA, body_staff, database_unavailable, read_posted};
use crate::paths::{case_events, case_record};
use crate::status_change_in_place::{RecordPlaces, SaveAnswer, SavedRecord};
use pratiche_db::clock::today_in_rome;

/// What was typed in a status-change form and what the server made of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusChangeDraft {
    pub form: StatusChangeForm,
    /// Each error names its field and a message key.
    pub errors: Vec<(&'static str, &'static str)>,
    /// What the public note seems to hold (message keys), awaiting the
    /// clerk's confirmation.
    pub personal_data: Vec<&'static str>,
    pub outcome: Option<DraftOutcome>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DraftOutcome {
    /// The effect on the clock, computed by the real write path and rolled
    /// back.
    Preview {
        due_before: Option<NaiveDate>,
        after: Explanation,
        warnings: Vec<ClockWarning>,
    },
    /// Someone else changed the pratica since the form was loaded.
    Conflict,
}

/// The message key of a clock warning.
pub fn warning_key(warning: ClockWarning) -> &'static str {
    match warning {
        ClockWarning::RepeatedDocumentsRequest => "change-warning-repeated-request",
    }
}

/// What was typed, as the rules of a status event read it.
fn input(form: &StatusChangeForm) -> EventInput<'_> {
    EventInput {
        state: Number::Typed(&form.state),
        public_note: &form.public_note,
        internal_note: &form.internal_note,
        when: When::RomeDay {
            date: &form.date,
            time: &form.time,
        },
        reply_by: &form.reply_by,
        extension_days: Number::Typed(&form.extension_days),
        extension_basis: &form.extension_basis,
        observations_on: &form.observations_on,
        correction_reason: form.is_correction().then_some(form.reason.as_str()),
        personal_data_confirmed: form.confirm_personal_data == "1",
    }
}

/// When the event of a change form happened, as the save will read it; a
/// day or time that cannot be read yet is now. The states the change form
/// offers are those allowed then ([`state_offer`]).
pub(crate) fn happened_at(form: &StatusChangeForm, now: DateTime<Utc>) -> DateTime<Utc> {
    input(form).when.instant(now).unwrap_or(now)
}

/// What was typed, to show again with `errors`.
fn draft(form: &StatusChangeForm, errors: Vec<(&'static str, &'static str)>) -> StatusChangeDraft {
    StatusChangeDraft {
        form: form.clone(),
        errors,
        personal_data: Vec::new(),
        outcome: None,
    }
}

/// Where the form shows a problem: its field and the message key.
fn form_error(problem: &EventProblem) -> (&'static str, &'static str) {
    use event::Field;
    let field = match problem.field {
        Field::State => StatusChangeForm::STATE,
        Field::PublicNote => StatusChangeForm::PUBLIC_NOTE,
        Field::InternalNote => StatusChangeForm::INTERNAL_NOTE,
        Field::OccurredAt => StatusChangeForm::DATE,
        Field::OccurredTime => StatusChangeForm::TIME,
        Field::ReplyBy => StatusChangeForm::REPLY_BY,
        Field::ExtensionDays => StatusChangeForm::EXTENSION_DAYS,
        Field::ExtensionBasis => StatusChangeForm::EXTENSION_BASIS,
        Field::ObservationsOn => StatusChangeForm::OBSERVATIONS_ON,
        Field::CorrectionReason => StatusChangeForm::REASON,
    };
    let key = match (&problem.kind, problem.field) {
        (Kind::TooLong { .. }, _) => "reg-error-too-long",
        (Kind::ControlCharacters, _) => "form-error-control-characters",
        (Kind::Required, Field::CorrectionReason) => "change-error-reason",
        (Kind::Required, Field::ExtensionBasis) => "change-error-extension-basis",
        (_, Field::ExtensionDays) => "change-error-extension",
        (_, Field::State) if problem.kind == Kind::TransitionNotAllowed => {
            "change-error-transition"
        }
        (_, Field::State) => "change-error-state",
        (Kind::InvalidTime, _) => "change-error-time",
        (Kind::BeforeSubmission | Kind::BeforeRegistration, _) => "change-error-before-submission",
        (Kind::InFuture, _) => "change-error-future",
        (Kind::BreaksLaterEvent, _) => "change-error-breaks-later",
        (Kind::BeforeEvent, _) => "change-error-reply-by",
        (Kind::ReplyByNeedsRequest, _) => "change-error-reply-by-not-request",
        (Kind::OutOfRange, Field::ObservationsOn) => "change-error-observations",
        _ => "change-error-date",
    };
    (field, key)
}

/// The message key of each kind of personal data.
fn personal_data_keys(found: &[PersonalData]) -> Vec<&'static str> {
    found
        .iter()
        .map(|kind| match kind {
            PersonalData::TaxCode => "change-pd-tax_code",
            PersonalData::Email => "change-pd-email",
            PersonalData::Phone => "change-pd-phone",
            PersonalData::Iban => "change-pd-iban",
        })
        .collect()
}

/// The problems as the form shows them: the fields' errors, or, when a
/// public note that seems to hold personal data is all that is wrong, the
/// request to confirm it.
fn refused_draft(form: &StatusChangeForm, problems: Vec<EventProblem>) -> StatusChangeDraft {
    let personal_data = problems.iter().find_map(|problem| match &problem.kind {
        Kind::PersonalData(found) => Some(personal_data_keys(found)),
        _ => None,
    });
    let errors: Vec<(&'static str, &'static str)> = problems
        .iter()
        .filter(|problem| !matches!(problem.kind, Kind::PersonalData(_)))
        .map(form_error)
        .collect();
    let mut draft = draft(form, errors);
    if draft.errors.is_empty() {
        draft.personal_data = personal_data.unwrap_or_default();
    }
    draft
}

/// What the record page says after a saved change: that it was saved, and
/// any clock warning. Without JavaScript it travels in the query of the
/// handler's redirect ([`saved_address`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SavedNotice {
    pub saved: bool,
    pub warnings: Vec<ClockWarning>,
}

/// The query of the address after a save: saved, and the warning.
const SAVED_FLAG: &str = "registrato";
const WARNING: &str = "avviso";
const REPEATED_REQUEST: &str = "richiesta-ripetuta";

/// The record's address after a save, saying so and its warnings.
pub fn saved_address(code: CaseCode, warnings: &[ClockWarning]) -> String {
    let warning = match warnings.first() {
        Some(ClockWarning::RepeatedDocumentsRequest) => format!("&{WARNING}={REPEATED_REQUEST}"),
        None => String::new(),
    };
    format!("{}?{SAVED_FLAG}=1{warning}", case_record(code))
}

/// The notice the record page's query carries ([`saved_address`]).
pub(crate) fn saved_notice_from_query() -> SavedNotice {
    let query = use_query_map().read_untracked();
    SavedNotice {
        saved: query.get(SAVED_FLAG).is_some(),
        warnings: query
            .get(WARNING)
            .filter(|warning| warning == REPEATED_REQUEST)
            .map(|_| vec![ClockWarning::RepeatedDocumentsRequest])
            .unwrap_or_default(),
    }
}

/// "Saved", with the clock's warnings.
#[component]
pub(crate) fn SavedCallout(warnings: Vec<ClockWarning>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="callout" role="status">
            <p>{i18n.t("change-saved")}</p>
            {warnings.iter().map(|warning| view! { <p>{i18n.t(warning_key(*warning))}</p> }).collect_view()}
        </div>
    }
}

/// What a status-change form asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// The effect on the clock, written and rolled back.
    Preview,
    /// Saved, whatever the form's button said (the save in place sends the
    /// form without its button).
    Save,
    /// What the form's button says: a preview or a save.
    AsAsked,
}

/// What a status-change form came to.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeOutcome {
    /// Saved, with the clock's warnings.
    Saved { warnings: Vec<ClockWarning> },
    /// To show on the record: the problems, the preview or the conflict.
    Shown(Box<StatusChangeDraft>),
    /// The pratica is no longer there.
    NotFound,
}

/// Runs a status-change form on `case` for `actor`: the rules of an event
/// ([`event::check`]), then the real write path, committed for a save and
/// rolled back for a preview; a save is guarded by the version the form
/// was built from. The record's form handler and the record form's server
/// functions (`status_change_in_place`) all run it.
pub async fn run_status_change(
    db: &DatabaseConnection,
    actor: &Actor,
    case: &case::Model,
    form: &StatusChangeForm,
    intent: Intent,
) -> Result<ChangeOutcome, DbErr> {
    let now = Utc::now();
    let facts = EventFacts {
        submitted_on: case.submitted_on,
        now,
    };
    let valid = match event::check(&input(form), facts) {
        Ok(valid) => valid,
        Err(problems) => {
            return Ok(ChangeOutcome::Shown(Box::new(refused_draft(
                form, problems,
            ))));
        }
    };
    let Ok(expected_version) = form.version.trim().parse::<i32>() else {
        let mut draft = draft(form, Vec::new());
        draft.outcome = Some(DraftOutcome::Conflict);
        return Ok(ChangeOutcome::Shown(Box::new(draft)));
    };
    let preview = match intent {
        Intent::Preview => true,
        Intent::Save => false,
        Intent::AsAsked => form.action == StatusChangeForm::PREVIEW,
    };
    let txn = pratiche_db::begin_write(db).await?;
    let recorded = record_event(&txn, actor, case, valid, Some(expected_version), now).await;
    match (&recorded, preview) {
        (Ok(_), false) => txn.commit().await?,
        _ => txn.rollback().await?,
    };
    Ok(match recorded {
        Ok(recorded) if preview => {
            let mut draft = draft(form, Vec::new());
            draft.outcome = Some(DraftOutcome::Preview {
                due_before: case.due_date,
                after: recorded.explanation,
                warnings: recorded.warnings,
            });
            ChangeOutcome::Shown(Box::new(draft))
        }
        Ok(recorded) => ChangeOutcome::Saved {
            warnings: recorded.warnings,
        },
        Err(EventError::Conflict) => {
            let mut draft = draft(form, Vec::new());
            draft.outcome = Some(DraftOutcome::Conflict);
            ChangeOutcome::Shown(Box::new(draft))
        }
        Err(EventError::Invalid(problem)) => {
            ChangeOutcome::Shown(Box::new(refused_draft(form, vec![problem])))
        }
        Err(EventError::CaseNotFound) => ChangeOutcome::NotFound,
        Err(EventError::Database(error)) => return Err(error),
    })
}

/// What each of the record form's server functions starts from: the
/// signed-in staff's own pratica `typed` and the form `posted`, with the
/// record's answers (401 without a session, 403 for an account of no body,
/// 404 for a malformed code or another body's pratica, alike).
struct InPlace {
    actor: Actor,
    body_id: i32,
    db: DatabaseConnection,
    case: case::Model,
    form: StatusChangeForm,
}

impl InPlace {
    async fn read(typed: &str, posted: &str, doing: &str) -> Result<Self, ServerFnError> {
        let (user, body_id) = body_staff()?;
        let form: StatusChangeForm = read_posted(posted)?;
        let code = CaseCode::parse(typed).map_err(|_| not_own_pratica())?;
        let db = expect_context::<AppContext>().db;
        let case = own_case(&db, body_id, code)
            .await
            .map_err(|error| database_unavailable(doing, &error))?
            .ok_or_else(not_own_pratica)?;
        let actor = Actor {
            user_id: Some(user.user_id),
            name: user.username,
            source: AuditSource::Web,
            client_address: use_context::<ClientAddress>().map(|ClientAddress(address)| address),
        };
        Ok(Self {
            actor,
            body_id,
            db,
            case,
            form,
        })
    }
}

fn not_own_pratica() -> ServerFnError {
    answer_privately(StatusCode::NOT_FOUND);
    ServerFnError::ServerError(NOT_OWN_PRATICA.into())
}

/// What a server function renders for the record's page, in the
/// language of the request.
fn render_in_place<V: RenderHtml>(view: impl FnOnce() -> V) -> String {
    answer_privately(StatusCode::OK);
    provide_context(I18n::from_request(&expect_context::<http::request::Parts>()));
    view().to_html()
}

/// The preview of a status-change form on the pratica `typed`, as the
/// record's island asks it while the clerk fills the form in: the
/// form's run as a preview ([`run_status_change`]; the audit entry is
/// rolled back with it), rendered for the form's live region.
pub async fn preview_in_place(typed: &str, posted: &str) -> Result<String, ServerFnError> {
    const DOING: &str = "preview a status change";
    let InPlace {
        actor,
        db,
        case,
        form,
        ..
    } = InPlace::read(typed, posted, DOING).await?;
    let draft = match run_status_change(&db, &actor, &case, &form, Intent::Preview).await {
        Ok(ChangeOutcome::Shown(draft)) => draft,
        Ok(ChangeOutcome::NotFound) => return Err(not_own_pratica()),
        Ok(ChangeOutcome::Saved { .. }) => unreachable!("a preview is rolled back"),
        Err(error) => return Err(database_unavailable(DOING, &error)),
    };
    Ok(render_in_place(|| view! { <PreviewInPlace draft=*draft/> }))
}

/// The change form's state options for the day and time typed, as the
/// record's island asks when they change: the states an event that
/// happened then may set ([`state_offer`], the rule the save applies), the
/// chosen one kept if it still may be. A day or time that cannot be read
/// yet offers the states of a change happening now (the preview says what
/// is wrong). Without JavaScript, the record rendered after the form's
/// preview offers the same.
pub async fn states_in_place(typed: &str, posted: &str) -> Result<String, ServerFnError> {
    const DOING: &str = "offer the states of a status change";
    let InPlace { db, case, form, .. } = InPlace::read(typed, posted, DOING).await?;
    let offer = state_offer(&db, &case, happened_at(&form, Utc::now()))
        .await
        .map_err(|error| database_unavailable(DOING, &error))?;
    Ok(render_in_place(
        || view! { <StateOptions states=offer.allowed chosen=form.state/> },
    ))
}

/// Saves a status-change form on the pratica `typed`, as the record's
/// island does on "Salva" (the form's run with [`Intent::Save`]), and
/// answers with the record as it now is, or with what is wrong.
pub async fn save_in_place(typed: &str, posted: &str) -> Result<SaveAnswer, ServerFnError> {
    const DOING: &str = "save a status change";
    let InPlace {
        actor,
        body_id,
        db,
        case,
        form,
    } = InPlace::read(typed, posted, DOING).await?;
    let unavailable = |error: DbErr| database_unavailable(DOING, &error);
    let warnings = match run_status_change(&db, &actor, &case, &form, Intent::Save).await {
        Ok(ChangeOutcome::Saved { warnings }) => warnings,
        Ok(ChangeOutcome::Shown(draft)) if !draft.personal_data.is_empty() => {
            answer_privately(StatusCode::OK);
            return Ok(SaveAnswer::ConfirmOnForm);
        }
        Ok(ChangeOutcome::Shown(draft)) => {
            let problems = render_in_place(|| view! { <PreviewInPlace draft=*draft/> });
            return Ok(SaveAnswer::Refused { problems });
        }
        Ok(ChangeOutcome::NotFound) => return Err(not_own_pratica()),
        Err(error) => return Err(unavailable(error)),
    };
    tracing::info!(code = %case.code.redacted(), username = %actor.name, "status change recorded");
    let code = *case.code;
    let detail = case_detail(&db, body_id, code)
        .await
        .map_err(unavailable)?
        .ok_or_else(not_own_pratica)?;
    let offer = state_offer(&db, &detail.case, Utc::now())
        .await
        .map_err(unavailable)?;
    let version = detail.case.version;
    let address = saved_address(code, &warnings);
    let forms_stay = !offer.allowed.is_empty();
    let notice = render_in_place(|| view! { <SavedCallout warnings/> });
    let summary = render_in_place(|| view! { <RecordSummary detail=detail.clone()/> });
    let history = render_in_place(|| view! { <RecordHistory events=detail.events/> });
    let states =
        render_in_place(|| view! { <StateOptions states=offer.allowed chosen=String::new()/> });
    Ok(SaveAnswer::Saved(Box::new(SavedRecord {
        notice,
        summary,
        history,
        version,
        states: forms_stay.then_some(states),
        address,
    })))
}

/// A form's preview in its live region: the effect on the due date and
/// its warnings, or what is wrong, or the personal data the public note
/// seems to hold (confirmed on saving, as without JavaScript).
#[component]
fn PreviewInPlace(draft: StatusChangeDraft) -> impl IntoView {
    let i18n = use_i18n();
    let problems = draft
        .errors
        .iter()
        .map(|(_, key)| view! { <li>{i18n.t(key)}</li> })
        .collect_view();
    let personal_data = (!draft.personal_data.is_empty()).then(|| {
        let kinds = draft
            .personal_data
            .iter()
            .map(|key| i18n.t(key))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <div class="callout callout-warning">
                <p>{i18n.t_with("change-personal-data", &[("kinds", kinds.into())])}</p>
            </div>
        }
    });
    view! {
        {(!draft.errors.is_empty()).then(|| view! {
            <div class="callout callout-warning"><p>{i18n.t("reg-errors")}</p><ul>{problems}</ul></div>
        })}
        {personal_data}
        {draft.outcome.map(|outcome| view! { <Outcome outcome/> })}
    }
}

/// Both forms, under the record. `version` is the pratica's as read now.
#[component]
pub fn StatusChangeForms(
    code: String,
    version: i32,
    next_states: Vec<StateChoice>,
    all_states: Vec<StateChoice>,
    draft: Option<StatusChangeDraft>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (correction_draft, change_draft) = match draft {
        Some(draft) if draft.form.is_correction() => (Some(draft), None),
        other => (None, other),
    };
    let correction_open = correction_draft.is_some();
    let sent_back = correction_open || change_draft.is_some();
    view! {
        <section class="status-change" aria-labelledby="change-title">
            <h2 id="change-title">{i18n.t("change-title")}</h2>
            // A form sent back is shown again, even for a day when no state
            // may be set (its select says so).
            {if next_states.is_empty() && change_draft.is_none() {
                view! { <p>{i18n.t("change-none-allowed")}</p> }.into_any()
            } else {
                view! { <EventForm code=code.clone() version states=next_states draft=change_draft correction=false sent_back/> }.into_any()
            }}
            <details class="correction" open=correction_open>
                <summary>{i18n.t("change-correction-title")}</summary>
                <p class="hint">{i18n.t("change-correction-intro")}</p>
                <EventForm code version states=all_states draft=correction_draft correction=true sent_back/>
            </details>
        </section>
    }
}

/// The ids of a status-change form and of its preview's live region (the
/// correction's are prefixed), for its island.
const CHANGE_FORM_ID: &str = "cambio-stato";
const PREVIEW_REGION_ID: &str = "anteprima";
const CHANGE_STATE_ID: &str = "stato";

#[component]
fn EventForm(
    code: String,
    version: i32,
    states: Vec<StateChoice>,
    draft: Option<StatusChangeDraft>,
    correction: bool,
    /// The page shows a form the server sent back (this one or the other).
    sent_back: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = draft.unwrap_or_else(|| StatusChangeDraft {
        form: StatusChangeForm {
            date: today_in_rome().to_string(),
            ..Default::default()
        },
        ..Default::default()
    });
    let prefix = if correction { "rettifica-" } else { "" };
    let error_of = |field: &str| field_error(&i18n, &draft.errors, field);
    let state_error = error_of(StatusChangeForm::STATE);
    let state_id = format!("{prefix}{CHANGE_STATE_ID}");
    let field = |name: &'static str, label: &str, value: &str, kind: &'static str| {
        view! {
            <FormField name label=i18n.t(label) value=value.to_owned() kind error=error_of(name) id_prefix=prefix/>
        }
    };
    let hinted = |name: &'static str, label: &str, hint: &str, value: &str, kind: &'static str| {
        view! {
            <FormField name label=i18n.t(label) value=value.to_owned() kind hint=Some(i18n.t(hint))
                error=error_of(name) id_prefix=prefix/>
        }
    };
    view! {
        {(!draft.errors.is_empty()).then(|| view! { <p class="form-error" role="alert">{i18n.t("reg-errors")}</p> })}
        {draft.outcome.clone().map(|outcome| view! { <Outcome outcome/> })}
        <form id=format!("{prefix}{CHANGE_FORM_ID}") class="staff-form" method="post" action=case_events(&code)>
            <input type="hidden" name=StatusChangeForm::VERSION value=version.to_string()/>
            {correction.then(|| view! { <input type="hidden" name=StatusChangeForm::CORRECTION value="1"/> })}
            <label class="field-label" for=state_id.clone()>{i18n.t("change-state")}</label>
            {state_error.map(|message| view! { <p class="field-message field-message-error" id=format!("{state_id}-error")>{message}</p> })}
            <select id=state_id name=StatusChangeForm::STATE><StateOptions states chosen=draft.form.state.clone()/></select>
            {correction.then(|| hinted(StatusChangeForm::REASON, "change-reason", "change-reason-hint", &draft.form.reason, "text"))}
            {hinted(StatusChangeForm::PUBLIC_NOTE, "change-public-note", "change-public-note-hint", &draft.form.public_note, "textarea")}
            <PersonalDataCheck found=draft.personal_data.clone()/>
            {hinted(StatusChangeForm::INTERNAL_NOTE, "change-internal-note", "change-internal-note-hint", &draft.form.internal_note, "textarea")}
            {field(StatusChangeForm::DATE, "change-date", &draft.form.date, "date")}
            {hinted(StatusChangeForm::TIME, "change-time", "change-time-hint", &draft.form.time, "time")}
            <fieldset>
                <legend>{i18n.t("change-clock-fields")}</legend>
                {hinted(StatusChangeForm::REPLY_BY, "change-reply-by", "change-reply-by-hint", &draft.form.reply_by, "date")}
                {hinted(StatusChangeForm::EXTENSION_DAYS, "change-extension-days", "change-extension-hint", &draft.form.extension_days, "number")}
                {field(StatusChangeForm::EXTENSION_BASIS, "change-extension-basis", &draft.form.extension_basis, "text")}
                {hinted(StatusChangeForm::OBSERVATIONS_ON, "change-observations", "change-observations-hint", &draft.form.observations_on, "date")}
            </fieldset>
            <div id=format!("{prefix}{PREVIEW_REGION_ID}") class="preview-live" aria-live="polite"></div>
            <div class="form-actions">
                <button class="button button-secondary" type="submit" name=StatusChangeForm::ACTION value=StatusChangeForm::PREVIEW>{i18n.t("change-preview")}</button>
                <button class="button" type="submit" name=StatusChangeForm::ACTION value=StatusChangeForm::SAVE>
                    {i18n.t(if correction { "change-save-correction" } else { "change-save" })}
                </button>
            </div>
        </form>
        <ChangeInPlace places=RecordPlaces {
            code: code.clone(),
            form: format!("{prefix}{CHANGE_FORM_ID}"),
            region: format!("{prefix}{PREVIEW_REGION_ID}"),
            states: CHANGE_STATE_ID.to_owned(),
            states_follow_date: !correction,
            when_fields: vec![StatusChangeForm::DATE.to_owned(), StatusChangeForm::TIME.to_owned()],
            version_field: StatusChangeForm::VERSION.to_owned(),
            save_action: StatusChangeForm::SAVE.to_owned(),
            summary: RECORD_SUMMARY_ID.to_owned(),
            history: RECORD_HISTORY_ID.to_owned(),
            sent_back,
        }/>
    }
}

/// A change form's states, `chosen` selected; none (a date when no state
/// may be recorded) is said as such.
#[component]
fn StateOptions(states: Vec<StateChoice>, chosen: String) -> impl IntoView {
    let i18n = use_i18n();
    if states.is_empty() {
        return view! { <option value="">{i18n.t("change-none-at-date")}</option> }.into_any();
    }
    states
        .into_iter()
        .map(|state| {
            let selected = (chosen == state.id.to_string()).then_some("selected");
            let label = format!(
                "{} — {}",
                state.name,
                i18n.t(&format!("phase-{}", state.phase.as_str()))
            );
            view! { <option value=state.id.to_string() selected=selected>{label}</option> }
        })
        .collect_view()
        .into_any()
}

/// Asks for confirmation when the public note seems to hold personal data.
#[component]
fn PersonalDataCheck(found: Vec<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    (!found.is_empty()).then(|| {
        let kinds = found
            .iter()
            .map(|key| i18n.t(key))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <div class="callout callout-warning" role="alert">
                <p>{i18n.t_with("change-personal-data", &[("kinds", kinds.into())])}</p>
                <label class="checkbox">
                    <input type="checkbox" name=StatusChangeForm::CONFIRM_PERSONAL_DATA value="1"/>
                    " "{i18n.t("change-personal-data-confirm")}
                </label>
            </div>
        }
    })
}

#[component]
fn Outcome(outcome: DraftOutcome) -> impl IntoView {
    let i18n = use_i18n();
    match outcome {
        DraftOutcome::Conflict => view! {
            <div class="callout callout-warning" role="alert"><p>{i18n.t("change-conflict")}</p></div>
        }
        .into_any(),
        DraftOutcome::Preview {
            due_before,
            after,
            warnings,
        } => {
            let now = due_text(&i18n, &ClockStatus::at(&after, today_in_rome()));
            let before = due_before.map_or_else(|| "—".to_owned(), |date| i18n.date(date));
            view! {
                <div class="callout" role="status">
                    <p><strong>{i18n.t("change-preview-title")}</strong></p>
                    <p>{preview_sentence(&i18n, due_before, after.due_on, &before, &now)}</p>
                    {warnings.into_iter().map(|warning| view! { <p class="field-message-error">{i18n.t(warning_key(warning))}</p> }).collect_view()}
                    <ClockExplanation explanation=after/>
                </div>
            }
            .into_any()
        }
    }
}

fn preview_sentence(
    i18n: &I18n,
    before: Option<NaiveDate>,
    after: NaiveDate,
    before_text: &str,
    now_text: &str,
) -> String {
    if before == Some(after) {
        i18n.t_with(
            "change-preview-same",
            &[("now", now_text.to_owned().into())],
        )
    } else {
        i18n.t_with(
            "change-preview-moves",
            &[
                ("before", before_text.to_owned().into()),
                ("now", now_text.to_owned().into()),
            ],
        )
    }
}
