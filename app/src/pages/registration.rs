//! Registering a pratica and its receipt: a plain form posting to the
//! server's handler, which renders this page again with the errors, or
//! answers 303 to the receipt (printable, with a QR code of the public page).

use http::StatusCode;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::bodies::sends_through_io;
use pratiche_db::cases::service::{BodyFields, check_against_body};
use pratiche_db::procedure_types::procedure_types_of;
use qrcode::QrCode;
use qrcode::render::svg;

use crate::components::{Crumb, FormField, PageLayout, answer_privately, field_error};
use crate::context::AppContext;
use crate::forms::RegistrationForm;
use crate::i18n::{I18n, use_i18n};
use crate::islands::FieldChecks;
use crate::pages::backoffice::own_case;
use crate::pages::case::deadline::due_text;
use crate::pages::staff::{
    StaffNav, body_staff, database_unavailable, read_posted, redirect, signed_in,
};
use crate::paths;
use crate::registration_check::FieldProblem;
use pratiche_db::clock::today_in_rome;
use pratiche_domain::clock::ClockStatus;
use pratiche_domain::intake::registration;

/// What was typed in the registration form, and what is wrong with it: each
/// error names its field and a message key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrationDraft {
    pub form: RegistrationForm,
    pub errors: Vec<(&'static str, &'static str)>,
}

#[component]
pub fn RegistrationPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    let i18n = use_i18n();
    let draft = use_context::<RegistrationDraft>().unwrap_or_else(|| RegistrationDraft {
        form: RegistrationForm {
            submitted_on: today_in_rome().to_string(),
            ..Default::default()
        },
        ..Default::default()
    });
    answer_privately(if draft.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    });
    let title = i18n.t("reg-title");
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id;
    let form = Suspend::new(async move {
        let (types, with_io) = match body_id {
            Some(body_id) => (
                procedure_types_of(&db, body_id).await.unwrap_or_default(),
                sends_through_io(&db, body_id).await.unwrap_or(false),
            ),
            None => (Vec::new(), false),
        };
        view! { <NewPraticaForm draft types with_io/> }
    });
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <StaffNav/>
            <h1>{title}</h1>
            <Suspense fallback=|| ()>{form}</Suspense>
        </PageLayout>
    }
    .into_any()
}

/// The registration's checks on a draft, as the form's island asks them when
/// the clerk leaves a field (`registration_check::check_registration`): the
/// rules of every field, then the body's (its procedure type, an own
/// reference it does not use yet, App IO for a codice fiscale) on the fields
/// that passed them. The same rules and messages as the form's handler;
/// nothing is written. `posted` is the form URL-encoded, as the browser
/// posts it. For a signed-in body's staff only, as the page.
pub async fn check_draft(posted: &str) -> Result<Vec<FieldProblem>, ServerFnError> {
    let (_, body_id) = body_staff()?;
    let form: RegistrationForm = read_posted(posted)?;
    answer_privately(StatusCode::OK);
    let (read, mut problems) = registration::read(&form.input(), today_in_rome());
    let db = expect_context::<AppContext>().db;
    let of_body = match check_against_body(&db, body_id, BodyFields::of(&read)).await {
        Ok((_, of_body)) => of_body,
        Err(error) => {
            return Err(database_unavailable(
                "check a registration against its body",
                &error,
            ));
        }
    };
    problems.extend(of_body);
    let i18n = I18n::from_request(&expect_context::<http::request::Parts>());
    Ok(problems
        .iter()
        .map(|problem| {
            let (field, key) = RegistrationForm::error_of(problem);
            FieldProblem {
                field: field.to_owned(),
                message: i18n.t(key),
            }
        })
        .collect())
}

/// The registration form's id, for its island.
const FORM_ID: &str = "registrazione";

#[component]
fn NewPraticaForm(
    draft: RegistrationDraft,
    types: Vec<(i32, String)>,
    /// The body sends through App IO: the applicant's codice fiscale is
    /// asked for.
    with_io: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_of = |field: &str| field_error(&i18n, &draft.errors, field);
    let field = |name: &'static str,
                 label: &str,
                 value: String,
                 kind: &'static str,
                 autocomplete: &'static str| {
        view! { <FormField name label=label.to_owned() value kind autocomplete error=error_of(name)/> }
    };
    let type_error = error_of(RegistrationForm::PROCEDURE_TYPE);
    let consent_error = error_of(RegistrationForm::EMAIL_CONSENT);
    let languages = I18n::tags()
        .into_iter()
        .map(|tag| {
            let name = I18n::negotiate(Some(&tag), None).t("language-name");
            let selected = (draft.form.applicant_language == tag).then_some("selected");
            view! { <option value=tag selected=selected>{name}</option> }
        })
        .collect_view();
    let options = types
        .into_iter()
        .map(|(id, name)| {
            let selected = (draft.form.procedure_type == id.to_string()).then_some("selected");
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        {(!draft.errors.is_empty()).then(|| view! { <p class="form-error" role="alert">{i18n.t("reg-errors")}</p> })}
        <form id=FORM_ID class="staff-form" method="post" action=paths::REGISTRATION>
            <label class="field-label" for=RegistrationForm::PROCEDURE_TYPE>{i18n.t("reg-type")}</label>
            {type_error.map(|message| view! { <p class="field-message field-message-error" id=format!("{}-error", RegistrationForm::PROCEDURE_TYPE)>{message}</p> })}
            <select id=RegistrationForm::PROCEDURE_TYPE name=RegistrationForm::PROCEDURE_TYPE>{options}</select>
            {field(RegistrationForm::SUBJECT, &i18n.t("reg-subject"), draft.form.subject.clone(), "text", "off")}
            {field(RegistrationForm::OWN_REFERENCE, &i18n.t("reg-reference"), draft.form.own_reference.clone(), "text", "off")}
            {field(RegistrationForm::SUBMITTED_ON, &i18n.t("reg-submitted-on"), draft.form.submitted_on.clone(), "date", "off")}
            {field(RegistrationForm::OFFICE, &i18n.t("reg-office"), draft.form.office.clone(), "text", "organization")}
            {field(RegistrationForm::RESPONSIBLE, &i18n.t("reg-responsible"), draft.form.responsible.clone(), "text", "name")}
            {field(RegistrationForm::CONTACT, &i18n.t("reg-contact"), draft.form.contact.clone(), "text", "off")}
            <fieldset>
                <legend>{i18n.t("reg-alerts")}</legend>
                <p class="hint">{i18n.t("reg-alerts-hint")}</p>
                {field(RegistrationForm::APPLICANT_EMAIL, &i18n.t("reg-applicant-email"), draft.form.applicant_email.clone(), "email", "off")}
                {consent_error.map(|message| view! { <p class="field-message field-message-error" id=format!("{}-error", RegistrationForm::EMAIL_CONSENT)>{message}</p> })}
                <label class="checkbox">
                    <input type="checkbox" id=RegistrationForm::EMAIL_CONSENT name=RegistrationForm::EMAIL_CONSENT value="1"
                        checked=draft.form.has_email_consent()/>
                    {i18n.t("reg-email-consent")}
                </label>
                <label class="field-label" for=RegistrationForm::APPLICANT_LANGUAGE>{i18n.t("reg-applicant-language")}</label>
                <select id=RegistrationForm::APPLICANT_LANGUAGE name=RegistrationForm::APPLICANT_LANGUAGE>{languages}</select>
                {(with_io || !draft.form.applicant_fiscal_code.is_empty()).then(|| view! {
                    <p class="hint">{i18n.t("reg-io-hint")}</p>
                    {field(RegistrationForm::APPLICANT_FISCAL_CODE, &i18n.t("reg-applicant-fiscal-code"), draft.form.applicant_fiscal_code.clone(), "text", "off")}
                })}
            </fieldset>
            <button class="button" type="submit">{i18n.t("reg-submit")}</button>
        </form>
        <FieldChecks form_id=FORM_ID.to_owned()/>
    }
}

/// The receipt: code, QR code of the public page, body, subject, dates and
/// what happens next. Fit to print or save as PDF.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    let typed = use_params_map()
        .read_untracked()
        .get("code")
        .unwrap_or_default();
    let context = expect_context::<AppContext>();
    let receipt = Suspend::new(async move {
        let i18n = use_i18n();
        let detail = own_case(&context.db, user.body_id, &typed)
            .await
            .ok()
            .flatten();
        let Some(detail) = detail else {
            answer_privately(StatusCode::NOT_FOUND);
            return view! { <h1>{i18n.t("not-found-title")}</h1><p>{i18n.t("record-not-found")}</p> }.into_any();
        };
        answer_privately(StatusCode::OK);
        let code = *detail.case.code;
        let public_url = format!("{}{}", context.public_url, paths::case_page(code));
        let qr = QrCode::new(public_url.as_bytes())
            .map(|qr| {
                qr.render::<svg::Color>()
                    .min_dimensions(160, 160)
                    .quiet_zone(true)
                    .build()
            })
            .unwrap_or_default();
        let due = detail
            .clock
            .as_ref()
            .map(|clock| due_text(&i18n, &ClockStatus::at(clock, today_in_rome())));
        let body_name = pratiche_db::bodies::body_name_by_id(&context.db, detail.case.body_id)
            .await
            .ok()
            .flatten();
        view! {
            <div class="receipt">
                <h1>{i18n.t("receipt-title")}</h1>
                <p class="lead">{body_name.unwrap_or_default()}</p>
                <p class="receipt-code">{code.to_string()}</p>
                <div class="receipt-qr" role="img" aria-label=i18n.t("receipt-qr") inner_html=qr></div>
                <p>{i18n.t_with("receipt-follow", &[("url", public_url.clone().into())])}</p>
                <dl class="details">
                    <dt>{i18n.t("case-procedure")}</dt>
                    <dd>{detail.procedure_name.clone()}</dd>
                    <dt>{i18n.t("reg-subject")}</dt>
                    <dd>{detail.case.subject.clone()}</dd>
                    <dt>{i18n.t("case-submitted-on")}</dt>
                    <dd>{i18n.date(detail.case.submitted_on)}</dd>
                    <dt>{i18n.t("due-label")}</dt>
                    <dd>{due.unwrap_or_else(|| i18n.t("case-due-not-computed"))}</dd>
                    <dt>{i18n.t("case-responsible")}</dt>
                    <dd>{format!("{}, {} — {}", detail.case.responsible_name, detail.case.office_name, detail.case.responsible_contact)}</dd>
                </dl>
                <h2>{i18n.t("case-next-steps")}</h2>
                <p>{i18n.t("phase-submitted-next")}</p>
                <p class="hint no-print">{i18n.t("receipt-print")}</p>
            </div>
        }
        .into_any()
    });
    let i18n = use_i18n();
    let title = i18n.t("receipt-title");
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title, href: None }] private=true>
            <StaffNav/>
            <Suspense fallback=|| ()>{receipt}</Suspense>
        </PageLayout>
    }
    .into_any()
}
