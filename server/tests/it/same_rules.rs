//! One table of status events and one of registrations, each case sent
//! through the back office's form and through the API, on SQLite and
//! PostgreSQL: both surfaces must give the same verdict (accepted, or
//! refused on the same fields), because both are adapters over one set of
//! rules (`pratiche_domain::intake`).
//!
//! Long because it is two tables of cases and the code that sends each
//! through both surfaces.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;
use chrono_tz::Tz;
use pratiche_db::entity::procedure_type;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::api::{Call, valdoria_api};
use crate::support::{Backend, TestServer, version_in};

on_both_databases!(
    status_events_get_the_same_verdict_on_both_surfaces,
    registrations_get_the_same_verdict_on_both_surfaces,
);

const PROCEDURE: &str = "Permesso di costruire";
/// A new pratica of the tables is submitted this many days ago.
const SUBMITTED_DAYS_AGO: i64 = 10;

/// When an event happened, as a case gives it.
#[derive(Clone, Copy, Debug)]
enum When {
    /// A day, given alone: the form's date without a time (18:00 Rome on a
    /// past day), the same instant on the API.
    DaysAgo(i64),
    /// This far from now, to the minute.
    FromNow(Duration),
    /// A date typed as it is on the form, at 10:00 on the API.
    Typed(&'static str),
}

/// One status event of the table; empty texts are absent fields.
#[derive(Clone, Copy, Debug)]
struct Event {
    state: &'static str,
    when: When,
    public_note: &'static str,
    internal_note: &'static str,
    /// Days from today.
    reply_by: Option<i64>,
    extension_days: Option<i64>,
    extension_basis: &'static str,
    /// Days from today.
    observations_on: Option<i64>,
    correction_reason: Option<&'static str>,
    confirm_personal_data: bool,
}

const EVENT: Event = Event {
    state: "Istruttoria",
    when: When::DaysAgo(1),
    public_note: "",
    internal_note: "",
    reply_by: None,
    extension_days: None,
    extension_basis: "",
    observations_on: None,
    correction_reason: None,
    confirm_personal_data: false,
};

/// The fields a surface refused, by the API's member names; empty when it
/// accepted the case.
type Verdict = BTreeSet<String>;

fn refused(fields: &[&str]) -> Verdict {
    fields.iter().map(|field| (*field).to_owned()).collect()
}

fn event_cases() -> Vec<(&'static str, Event, Verdict)> {
    let long_note: &'static str = "x".repeat(2_001).leak();
    let long_internal: &'static str = "x".repeat(4_001).leak();
    vec![
        ("a plain event", EVENT, refused(&[])),
        (
            "a few minutes ahead: a clock running fast",
            Event {
                when: When::FromNow(Duration::minutes(3)),
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "half an hour ahead",
            Event {
                when: When::FromNow(Duration::minutes(30)),
                ..EVENT
            },
            refused(&["occurred_at"]),
        ),
        (
            "before the submission",
            Event {
                when: When::DaysAgo(SUBMITTED_DAYS_AGO + 1),
                ..EVENT
            },
            refused(&["occurred_at"]),
        ),
        (
            "no such date",
            Event {
                when: When::Typed("2026-13-01"),
                ..EVENT
            },
            refused(&["occurred_at"]),
        ),
        (
            "a request for documents with its reply-by date",
            Event {
                state: "Richiesta integrazioni",
                reply_by: Some(20),
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "a reply-by date before the event",
            Event {
                state: "Richiesta integrazioni",
                reply_by: Some(-5),
                ..EVENT
            },
            refused(&["reply_by"]),
        ),
        (
            "a reply-by date without a request for documents",
            Event {
                reply_by: Some(20),
                ..EVENT
            },
            refused(&["reply_by"]),
        ),
        (
            "an extension with its legal basis",
            Event {
                extension_days: Some(30),
                extension_basis: "L. 241/1990, art. 2, c. 7",
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "an extension too long",
            Event {
                extension_days: Some(181),
                extension_basis: "L. 241/1990, art. 2, c. 7",
                ..EVENT
            },
            refused(&["extension_days"]),
        ),
        (
            "an extension without its legal basis",
            Event {
                extension_days: Some(30),
                ..EVENT
            },
            refused(&["extension_basis"]),
        ),
        (
            "a legal basis without the extension's days",
            Event {
                extension_basis: "L. 241/1990, art. 2, c. 7",
                ..EVENT
            },
            refused(&["extension_days"]),
        ),
        (
            "observations after the event",
            Event {
                observations_on: Some(0),
                ..EVENT
            },
            refused(&["observations_on"]),
        ),
        (
            "a public note too long",
            Event {
                public_note: long_note,
                ..EVENT
            },
            refused(&["public_note"]),
        ),
        (
            "an internal note too long",
            Event {
                internal_note: long_internal,
                ..EVENT
            },
            refused(&["internal_note"]),
        ),
        (
            "a control character in a note",
            Event {
                public_note: "Documenti\u{7} ricevuti",
                ..EVENT
            },
            refused(&["public_note"]),
        ),
        (
            "a note on two lines",
            Event {
                public_note: "Documenti ricevuti.\r\nL'istruttoria riprende.",
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "personal data in the public note",
            Event {
                public_note: "Scriva a mario.rossi@example.it",
                ..EVENT
            },
            refused(&["public_note"]),
        ),
        (
            "personal data confirmed",
            Event {
                public_note: "Scriva a mario.rossi@example.it",
                confirm_personal_data: true,
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "a move the workflow does not allow",
            Event {
                state: "Preavviso di diniego",
                ..EVENT
            },
            refused(&["state_id"]),
        ),
        (
            "a correction may set any state",
            Event {
                state: "Preavviso di diniego",
                correction_reason: Some("Stato registrato per errore"),
                ..EVENT
            },
            refused(&[]),
        ),
        (
            "a correction without its reason",
            Event {
                correction_reason: Some(" "),
                ..EVENT
            },
            refused(&["correction_reason"]),
        ),
        (
            "not a state of the procedure type",
            Event { state: "", ..EVENT },
            refused(&["state_id"]),
        ),
    ]
}

fn rome_today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&Rome).date_naive()
}

fn days_from_today(days: i64) -> String {
    (rome_today() + Duration::days(days)).to_string()
}

/// The Rome wall-clock time of `when`, to the minute.
fn to_the_minute(instant: DateTime<Utc>) -> DateTime<Tz> {
    let local = instant.with_timezone(&Rome).naive_local();
    let minute = local.date().and_time(
        NaiveTime::from_hms_opt(
            chrono::Timelike::hour(&local),
            chrono::Timelike::minute(&local),
            0,
        )
        .unwrap(),
    );
    Rome.from_local_datetime(&minute).earliest().unwrap()
}

impl When {
    /// (date, time) as typed on the form.
    fn form(self) -> (String, String) {
        match self {
            Self::DaysAgo(days) => (days_from_today(-days), String::new()),
            Self::FromNow(offset) => {
                let at = to_the_minute(Utc::now() + offset);
                (at.date_naive().to_string(), at.format("%H:%M").to_string())
            }
            Self::Typed(date) => (date.to_owned(), String::new()),
        }
    }

    /// `occurred_at` as the API takes it.
    fn api(self) -> String {
        match self {
            Self::DaysAgo(days) => {
                let day = rome_today() - Duration::days(days);
                let evening = day.and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap());
                Rome.from_local_datetime(&evening)
                    .earliest()
                    .unwrap()
                    .to_rfc3339()
            }
            Self::FromNow(offset) => to_the_minute(Utc::now() + offset).to_rfc3339(),
            Self::Typed(date) => format!("{date}T10:00:00+01:00"),
        }
    }
}

/// The API member named by a field of the status-change form.
fn event_member(form_field: &str) -> &'static str {
    match form_field {
        "stato" => "state_id",
        "nota_pubblica" => "public_note",
        "nota_interna" => "internal_note",
        "data" | "ora" => "occurred_at",
        "risposta_entro" => "reply_by",
        "proroga_giorni" => "extension_days",
        "proroga_base" => "extension_basis",
        "osservazioni_il" => "observations_on",
        "motivo" => "correction_reason",
        other => panic!("no member for the form's field {other}"),
    }
}

/// The fields a re-rendered form marks as wrong (`id="…-error"`), without
/// the correction form's prefix.
fn form_errors(page: &str) -> Vec<String> {
    page.split("id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.strip_suffix("-error"))
        .map(|field| field.trim_start_matches("rettifica-").to_owned())
        .collect()
}

/// The pointers of a problem document, without their leading slash.
fn api_errors(problem: &Value) -> Verdict {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["pointer"].as_str().unwrap()[1..].to_owned())
                .collect()
        })
        .unwrap_or_default()
}

struct Surfaces<'a> {
    api: Call<'a>,
    clerk: String,
    states: Vec<(String, i64)>,
}

impl Surfaces<'_> {
    fn state(&self, name: &str) -> String {
        self.states
            .iter()
            .find(|(state, _)| state == name)
            .map_or("999999".into(), |(_, id)| id.to_string())
    }

    async fn new_pratica(&self, reference: &str) -> String {
        self.api.create(reference, SUBMITTED_DAYS_AGO).await
    }

    async fn through_the_form(&self, index: usize, event: Event) -> Verdict {
        let code = self.new_pratica(&format!("regole-{index}-form")).await;
        let record = format!("/area-riservata/pratiche/{code}");
        let (_, page) = self.api.server.page(&self.clerk, &record).await;
        let version = version_in(&page);
        let (date, time) = event.when.form();
        let days = event.extension_days.map(|days| days.to_string());
        let reply_by = event.reply_by.map(days_from_today);
        let observations_on = event.observations_on.map(days_from_today);
        let state = self.state(event.state);
        let mut fields = vec![
            ("versione", version.as_str()),
            ("stato", &state),
            ("data", &date),
            ("ora", &time),
            ("nota_pubblica", event.public_note),
            ("nota_interna", event.internal_note),
            ("risposta_entro", reply_by.as_deref().unwrap_or("")),
            ("proroga_giorni", days.as_deref().unwrap_or("")),
            ("proroga_base", event.extension_basis),
            ("osservazioni_il", observations_on.as_deref().unwrap_or("")),
            ("azione", "salva"),
        ];
        if let Some(reason) = event.correction_reason {
            fields.extend([("rettifica", "1"), ("motivo", reason)]);
        }
        if event.confirm_personal_data {
            fields.push(("conferma_dati", "1"));
        }
        let response = self
            .api
            .server
            .post_form(&format!("{record}/eventi"), &self.clerk, &fields)
            .await;
        let status = response.status();
        let page = response.text().await.unwrap();
        if status == StatusCode::SEE_OTHER {
            return Verdict::new();
        }
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        if form_errors(&page).is_empty() && page.contains("sembra contenere dati personali") {
            return refused(&["public_note"]);
        }
        form_errors(&page)
            .iter()
            .map(|field| event_member(field).to_owned())
            .collect()
    }

    async fn through_the_api(&self, index: usize, event: Event) -> Verdict {
        let code = self.new_pratica(&format!("regole-{index}-api")).await;
        let mut body = json!({
            "state_id": self.state(event.state).parse::<i64>().unwrap(),
            "occurred_at": event.when.api(),
        });
        let optional = [
            (
                "public_note",
                Some(event.public_note)
                    .filter(|t| !t.is_empty())
                    .map(Value::from),
            ),
            (
                "internal_note",
                Some(event.internal_note)
                    .filter(|t| !t.is_empty())
                    .map(Value::from),
            ),
            (
                "reply_by",
                event.reply_by.map(|days| days_from_today(days).into()),
            ),
            ("extension_days", event.extension_days.map(Value::from)),
            (
                "extension_basis",
                Some(event.extension_basis)
                    .filter(|t| !t.is_empty())
                    .map(Value::from),
            ),
            (
                "observations_on",
                event
                    .observations_on
                    .map(|days| days_from_today(days).into()),
            ),
            (
                "correction_reason",
                event.correction_reason.map(Value::from),
            ),
            (
                "confirm_personal_data",
                event.confirm_personal_data.then_some(true.into()),
            ),
        ];
        for (member, value) in optional {
            if let Some(value) = value {
                body[member] = value;
            }
        }
        let key = format!("regole-{index}");
        let (status, answer) = self
            .api
            .post_json(
                &format!("/api/v1/pratiche/{code}/events"),
                Some(&key),
                &body,
            )
            .await;
        match status {
            StatusCode::CREATED => Verdict::new(),
            StatusCode::UNPROCESSABLE_ENTITY => api_errors(&answer),
            other => panic!("{other}: {answer}"),
        }
    }
}

async fn surfaces<'a>(server: &'a TestServer, token: &'a str) -> Surfaces<'a> {
    let api = Call { server, token };
    let (_, types) = api.get("/api/v1/procedure-types").await;
    let states = types
        .as_array()
        .unwrap()
        .iter()
        .find(|kind| kind["name"] == PROCEDURE)
        .unwrap()["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|state| {
            (
                state["name"].as_str().unwrap().to_owned(),
                state["id"].as_i64().unwrap(),
            )
        })
        .collect();
    Surfaces {
        api,
        clerk: server.sign_in_demo("demo-operatore-valdoria").await,
        states,
    }
}

async fn status_events_get_the_same_verdict_on_both_surfaces(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let surfaces = surfaces(&server, &token).await;
    for (index, (name, event, expected)) in event_cases().into_iter().enumerate() {
        let form = surfaces.through_the_form(index, event).await;
        let api = surfaces.through_the_api(index, event).await;
        assert_eq!(form, expected, "{name}: the form");
        assert_eq!(api, expected, "{name}: the API");
    }
}

/// One registration of the table; the own reference is made unique per
/// case and surface unless the case sets one.
#[derive(Clone, Copy, Debug)]
struct Registration {
    procedure: &'static str,
    subject: &'static str,
    own_reference: Option<&'static str>,
    submitted_on: &'static str,
    office: &'static str,
    responsible: &'static str,
    contact: &'static str,
    applicant_email: &'static str,
    email_consent: bool,
}

const REGISTRATION: Registration = Registration {
    procedure: PROCEDURE,
    subject: "Ampliamento di un capannone",
    own_reference: None,
    submitted_on: "yesterday",
    office: "Sportello unico per l'edilizia",
    responsible: "Arch. Laura Bianchi",
    contact: "edilizia@comune.valdoria.example.it",
    applicant_email: "",
    email_consent: false,
};

fn registration_cases() -> Vec<(&'static str, Registration, Verdict)> {
    let long_subject: &'static str = "s".repeat(501).leak();
    let long_reference: &'static str = "r".repeat(121).leak();
    vec![
        ("a plain registration", REGISTRATION, refused(&[])),
        (
            "no subject",
            Registration {
                subject: "  ",
                ..REGISTRATION
            },
            refused(&["subject"]),
        ),
        (
            "a subject too long",
            Registration {
                subject: long_subject,
                ..REGISTRATION
            },
            refused(&["subject"]),
        ),
        (
            "an own reference too long",
            Registration {
                own_reference: Some(long_reference),
                ..REGISTRATION
            },
            refused(&["own_reference"]),
        ),
        (
            "submitted tomorrow",
            Registration {
                submitted_on: "tomorrow",
                ..REGISTRATION
            },
            refused(&["submitted_on"]),
        ),
        (
            "submitted before 1990",
            Registration {
                submitted_on: "1989-12-31",
                ..REGISTRATION
            },
            refused(&["submitted_on"]),
        ),
        (
            "a date as 20/11/2026",
            Registration {
                submitted_on: "20/11/2026",
                ..REGISTRATION
            },
            refused(&["submitted_on"]),
        ),
        (
            "no office",
            Registration {
                office: "",
                ..REGISTRATION
            },
            refused(&["office"]),
        ),
        (
            "a control character in the contact",
            Registration {
                contact: "edilizia@\u{1b}comune.example.it",
                ..REGISTRATION
            },
            refused(&["responsible_contact"]),
        ),
        (
            "a procedure type of another body",
            Registration {
                procedure: "Autorizzazione unica ambientale (AUA)",
                ..REGISTRATION
            },
            refused(&["procedure_type_id"]),
        ),
        (
            "an applicant's address with their consent",
            Registration {
                applicant_email: "Mario.Rossi@Example.it",
                email_consent: true,
                ..REGISTRATION
            },
            refused(&[]),
        ),
        (
            "an applicant's address without their consent",
            Registration {
                applicant_email: "mario.rossi@example.it",
                ..REGISTRATION
            },
            refused(&["email_consent"]),
        ),
        (
            "an applicant's address that is none",
            Registration {
                applicant_email: "mario.rossi@localhost",
                email_consent: true,
                ..REGISTRATION
            },
            refused(&["applicant_email"]),
        ),
    ]
}

fn registration_member(form_field: &str) -> &'static str {
    match form_field {
        "tipo" => "procedure_type_id",
        "oggetto" => "subject",
        "protocollo" => "own_reference",
        "presentata_il" => "submitted_on",
        "ufficio" => "office",
        "responsabile" => "responsible",
        "contatto" => "responsible_contact",
        "email_richiedente" => "applicant_email",
        "consenso_email" => "email_consent",
        other => panic!("no member for the form's field {other}"),
    }
}

impl Registration {
    fn submitted_on(self) -> String {
        match self.submitted_on {
            "yesterday" => days_from_today(-1),
            "tomorrow" => days_from_today(1),
            date => date.to_owned(),
        }
    }

    fn own_reference(self, index: usize, surface: &str) -> String {
        self.own_reference
            .map_or_else(|| format!("registra-{index}-{surface}"), str::to_owned)
    }
}

async fn registrations_get_the_same_verdict_on_both_surfaces(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let surfaces = surfaces(&server, &token).await;
    let db = server.database().await;
    for (index, (name, case, expected)) in registration_cases().into_iter().enumerate() {
        let procedure = procedure_type::Entity::find()
            .filter(procedure_type::Column::Name.eq(case.procedure))
            .one(&db)
            .await
            .unwrap()
            .expect(case.procedure)
            .id
            .to_string();
        let submitted_on = case.submitted_on();
        let reference = case.own_reference(index, "form");
        let response = server
            .post_form(
                "/area-riservata/registra",
                &surfaces.clerk,
                &[
                    ("tipo", procedure.as_str()),
                    ("oggetto", case.subject),
                    ("protocollo", &reference),
                    ("presentata_il", &submitted_on),
                    ("ufficio", case.office),
                    ("responsabile", case.responsible),
                    ("contatto", case.contact),
                    ("email_richiedente", case.applicant_email),
                    ("consenso_email", if case.email_consent { "1" } else { "" }),
                ],
            )
            .await;
        let status = response.status();
        let page = response.text().await.unwrap();
        let form: Verdict = if status == StatusCode::SEE_OTHER {
            Verdict::new()
        } else {
            form_errors(&page)
                .iter()
                .map(|field| registration_member(field).to_owned())
                .collect()
        };
        assert_eq!(form, expected, "{name}: the form ({status})");

        let body = json!({
            "own_reference": case.own_reference(index, "api"),
            "procedure_type_id": procedure.parse::<i64>().unwrap(),
            "subject": case.subject,
            "submitted_on": submitted_on,
            "office": case.office,
            "responsible": case.responsible,
            "responsible_contact": case.contact,
            "applicant_email": case.applicant_email,
            "email_consent": case.email_consent,
        });
        let (status, answer) = surfaces
            .api
            .post_json("/api/v1/pratiche", None, &body)
            .await;
        let api = match status {
            StatusCode::CREATED => Verdict::new(),
            StatusCode::UNPROCESSABLE_ENTITY => api_errors(&answer),
            other => panic!("{other}: {answer}"),
        };
        assert_eq!(api, expected, "{name}: the API");
    }
}
