//! Registering a pratica, as the back office's form and the API submit it.
//! Product rules: `docs/rules.md`, "Registration".

use chrono::NaiveDate;

use super::{Kind, Number, Problem, Problems};
use crate::notify::{EmailAddress, FiscalCode};

/// Longest subject (public).
pub const SUBJECT_MAX: usize = 500;
/// Longest own reference (protocol number, external id).
pub const OWN_REFERENCE_MAX: usize = 120;
/// Longest office, responsible person or contact.
pub const NAME_MAX: usize = 200;

/// The earliest submission day accepted: older files are not carried over.
pub fn earliest_submission() -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1).expect("a valid date")
}

/// The fields of a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    ProcedureType,
    Subject,
    OwnReference,
    SubmittedOn,
    Office,
    Responsible,
    Contact,
    /// The applicant's e-mail address, for the alerts.
    ApplicantEmail,
    /// The applicant agreed to be written to.
    EmailConsent,
    /// The applicant's codice fiscale, for messages in App IO.
    ApplicantFiscalCode,
}

pub type RegistrationProblem = Problem<Field>;

/// A registration as submitted.
#[derive(Clone, Copy, Debug)]
pub struct RegistrationInput<'a> {
    pub procedure_type: Number<'a>,
    pub subject: &'a str,
    pub own_reference: &'a str,
    /// The API finds a pratica again by its own reference (its idempotency
    /// key), so there it is required; on the form it is optional.
    pub own_reference_required: bool,
    pub submitted_on: &'a str,
    pub office: &'a str,
    pub responsible: &'a str,
    pub contact: &'a str,
    /// The applicant's e-mail address, if they want the alerts; empty is
    /// none.
    pub applicant_email: &'a str,
    /// Whether they agreed to be written to at that address.
    pub email_consent: bool,
    /// The applicant's codice fiscale, if they want messages in App IO;
    /// empty is none. (IO asks the citizen itself: a service writes only
    /// to those whose app allows it.)
    pub applicant_fiscal_code: &'a str,
}

/// A registration that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRegistration {
    pub procedure_type_id: i32,
    pub subject: String,
    pub own_reference: Option<String>,
    pub submitted_on: NaiveDate,
    pub office: String,
    pub responsible: String,
    pub contact: String,
    /// An address the applicant agreed to be written to: subscribed at
    /// once, without the confirmation mail (they gave it in person or
    /// through the body's own software).
    pub applicant_email: Option<EmailAddress>,
    /// Told through App IO, if the citizen's app lets the body's service
    /// write to them.
    pub applicant_fiscal_code: Option<FiscalCode>,
}

/// What each field of a registration holds, read on its own: `None` where
/// the field is empty (if optional) or wrong (then it has a problem). The
/// back office's form reads a draft this way as the clerk leaves each field,
/// before all of them are filled in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadRegistration {
    pub procedure_type_id: Option<i32>,
    pub subject: Option<String>,
    pub own_reference: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    pub office: Option<String>,
    pub responsible: Option<String>,
    pub contact: Option<String>,
    pub applicant_email: Option<EmailAddress>,
    pub applicant_fiscal_code: Option<FiscalCode>,
}

/// Reads every field of a registration (the rules of [`check`]), with the
/// problems found.
pub fn read(
    input: &RegistrationInput,
    today: NaiveDate,
) -> (ReadRegistration, Vec<RegistrationProblem>) {
    let mut problems = Problems::new();
    let read = read_into(&mut problems, input, today);
    (read, problems.0)
}

fn read_into(
    problems: &mut Problems<Field>,
    input: &RegistrationInput,
    today: NaiveDate,
) -> ReadRegistration {
    let procedure_type_id = match input.procedure_type.read() {
        None => {
            problems.push(Field::ProcedureType, Kind::Required);
            None
        }
        Some(number) => {
            let id = number.ok().and_then(|id| i32::try_from(id).ok());
            if id.is_none() {
                problems.push(Field::ProcedureType, Kind::UnknownProcedureType);
            }
            id
        }
    };
    let subject = problems.required_text(Field::Subject, input.subject, SUBJECT_MAX);
    let own_reference = if input.own_reference_required {
        problems.required_text(Field::OwnReference, input.own_reference, OWN_REFERENCE_MAX)
    } else {
        problems.text(Field::OwnReference, input.own_reference, OWN_REFERENCE_MAX)
    };
    let submitted_on = problems
        .required_date(Field::SubmittedOn, input.submitted_on)
        .filter(|date| {
            let inside = (earliest_submission()..=today).contains(date);
            if !inside {
                problems.push(Field::SubmittedOn, Kind::OutOfRange);
            }
            inside
        });
    let office = problems.required_text(Field::Office, input.office, NAME_MAX);
    let responsible = problems.required_text(Field::Responsible, input.responsible, NAME_MAX);
    let contact = problems.required_text(Field::Contact, input.contact, NAME_MAX);
    let applicant_email = match input.applicant_email.trim() {
        "" => None,
        typed => {
            if !input.email_consent {
                problems.push(Field::EmailConsent, Kind::ConsentMissing);
            }
            EmailAddress::parse(typed)
                .inspect_err(|_| problems.push(Field::ApplicantEmail, Kind::InvalidEmail))
                .ok()
        }
    };
    let applicant_fiscal_code = match input.applicant_fiscal_code.trim() {
        "" => None,
        typed => FiscalCode::parse(typed)
            .inspect_err(|_| problems.push(Field::ApplicantFiscalCode, Kind::InvalidFiscalCode))
            .ok(),
    };
    ReadRegistration {
        procedure_type_id,
        subject,
        own_reference,
        submitted_on,
        office,
        responsible,
        contact,
        applicant_email,
        applicant_fiscal_code,
    }
}

/// Checks a registration: required texts and their lengths, a submission day
/// from [`earliest_submission`] to `today` (Rome).
pub fn check(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<ValidRegistration, Vec<RegistrationProblem>> {
    let mut problems = Problems::new();
    let read = read_into(&mut problems, input, today);
    let valid = (|| {
        Some(ValidRegistration {
            procedure_type_id: read.procedure_type_id?,
            subject: read.subject?,
            own_reference: read.own_reference,
            submitted_on: read.submitted_on?,
            office: read.office?,
            responsible: read.responsible?,
            contact: read.contact?,
            applicant_email: read.applicant_email,
            applicant_fiscal_code: read.applicant_fiscal_code,
        })
    })();
    problems.finish(valid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn input() -> RegistrationInput<'static> {
        RegistrationInput {
            procedure_type: Number::Typed("3"),
            subject: " Ampliamento di un capannone ",
            own_reference: "",
            own_reference_required: false,
            submitted_on: "2026-11-20",
            office: "SUE",
            responsible: "Arch. Rossi",
            contact: "sue@example.it",
            applicant_email: "",
            email_consent: false,
            applicant_fiscal_code: "",
        }
    }

    fn fields(input: RegistrationInput) -> Vec<(Field, Kind)> {
        check(&input, today())
            .unwrap_err()
            .into_iter()
            .map(|problem| (problem.field, problem.kind))
            .collect()
    }

    #[test]
    fn accepts_a_complete_registration() {
        let valid = check(&input(), today()).unwrap();
        assert_eq!(valid.subject, "Ampliamento di un capannone");
        assert_eq!(valid.own_reference, None);
        assert_eq!(valid.procedure_type_id, 3);
    }

    #[test]
    fn names_every_wrong_field() {
        let long = "p".repeat(OWN_REFERENCE_MAX + 1);
        assert_eq!(
            fields(RegistrationInput {
                procedure_type: Number::Typed("x"),
                subject: "  ",
                submitted_on: "2026-11-28",
                own_reference: &long,
                ..input()
            }),
            [
                (Field::ProcedureType, Kind::UnknownProcedureType),
                (Field::Subject, Kind::Required),
                (
                    Field::OwnReference,
                    Kind::TooLong {
                        max: OWN_REFERENCE_MAX
                    }
                ),
                (Field::SubmittedOn, Kind::OutOfRange),
            ]
        );
        assert_eq!(
            fields(RegistrationInput {
                submitted_on: "27/11/2026",
                ..input()
            }),
            [(Field::SubmittedOn, Kind::InvalidDate)]
        );
        assert_eq!(
            fields(RegistrationInput {
                submitted_on: "1989-12-31",
                ..input()
            }),
            [(Field::SubmittedOn, Kind::OutOfRange)]
        );
    }

    #[test]
    fn the_api_needs_the_own_reference() {
        let api = RegistrationInput {
            own_reference_required: true,
            ..input()
        };
        assert_eq!(fields(api), [(Field::OwnReference, Kind::Required)]);
        let given = RegistrationInput {
            own_reference: " 2026/0042 prot. gen. ",
            ..api
        };
        assert_eq!(
            check(&given, today()).unwrap().own_reference.as_deref(),
            Some("2026/0042 prot. gen.")
        );
    }

    #[test]
    fn an_applicant_address_needs_their_consent_and_to_be_one() {
        let with = |email, consent| RegistrationInput {
            applicant_email: email,
            email_consent: consent,
            ..input()
        };
        let valid = check(&with(" Mario@Example.it ", true), today()).unwrap();
        assert_eq!(valid.applicant_email.unwrap().as_str(), "mario@example.it");
        assert_eq!(
            check(&with("", true), today()).unwrap().applicant_email,
            None
        );
        assert_eq!(
            fields(with("mario@example.it", false)),
            [(Field::EmailConsent, Kind::ConsentMissing)]
        );
        assert_eq!(
            fields(with("mario", true)),
            [(Field::ApplicantEmail, Kind::InvalidEmail)]
        );
    }

    #[test]
    fn an_applicant_fiscal_code_must_be_one() {
        let with = |code| RegistrationInput {
            applicant_fiscal_code: code,
            ..input()
        };
        let valid = check(&with(" rssmra80a01h501u "), today()).unwrap();
        assert_eq!(
            valid.applicant_fiscal_code.unwrap().as_str(),
            "RSSMRA80A01H501U"
        );
        assert_eq!(
            fields(with("RSSMRA80A01H501A")),
            [(Field::ApplicantFiscalCode, Kind::InvalidFiscalCode)]
        );
    }

    #[test]
    fn a_draft_keeps_what_is_right_beside_what_is_wrong() {
        let draft = RegistrationInput {
            subject: "",
            own_reference: " PROT-7 ",
            office: "",
            ..input()
        };
        let (read, problems) = read(&draft, today());
        assert_eq!(read.procedure_type_id, Some(3));
        assert_eq!(read.own_reference.as_deref(), Some("PROT-7"));
        assert_eq!(read.subject, None);
        assert_eq!(read.office, None);
        let fields: Vec<_> = problems.iter().map(|problem| problem.field).collect();
        assert_eq!(fields, [Field::Subject, Field::Office]);
    }

    proptest! {
        /// `check` is `read` completed: the same problems, and a valid
        /// registration holds what was read.
        #[test]
        fn check_is_read_completed(subject in "[a-z ]{0,8}|\\PC{0,8}", reference in "[A-Z0-9 ]{0,8}|\\PC{0,8}", day in "2026-1[01]-[0-3][0-9]|\\PC{0,12}", email in "[a-z]{1,3}@[a-z]{1,3}\\.it|[a-z@.]{0,8}") {
            let typed = RegistrationInput {
                subject: &subject,
                own_reference: &reference,
                submitted_on: &day,
                applicant_email: &email,
                ..input()
            };
            let (read, problems) = read(&typed, today());
            match check(&typed, today()) {
                Ok(valid) => {
                    prop_assert!(problems.is_empty());
                    prop_assert_eq!(Some(valid.subject), read.subject);
                    prop_assert_eq!(valid.own_reference, read.own_reference);
                    prop_assert_eq!(Some(valid.submitted_on), read.submitted_on);
                    prop_assert_eq!(valid.applicant_email, read.applicant_email);
                }
                Err(found) => prop_assert_eq!(found, problems),
            }
        }

        #[test]
        fn never_panics_whatever_is_typed(text in "\\PC{0,40}", number in any::<i64>()) {
            let typed = RegistrationInput {
                procedure_type: Number::Typed(&text),
                subject: &text,
                own_reference: &text,
                submitted_on: &text,
                office: &text,
                applicant_email: &text,
                email_consent: true,
                applicant_fiscal_code: &text,
                ..input()
            };
            let _ = check(&typed, today());
            let _ = check(&RegistrationInput { procedure_type: Number::Given(number), ..typed }, today());
        }
    }
}
