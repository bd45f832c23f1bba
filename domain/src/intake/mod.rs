//! What the back office's forms and the integration API accept, checked
//! once: a status event ([`event`]) and a registration ([`registration`]).
//! Each check takes what a surface received (texts as typed, numbers as
//! JSON gave them or as typed in a form) and gives back a valid value or
//! every problem at once, each naming its field and its [`Kind`]. The
//! surfaces only translate a problem into a form message or a JSON Pointer.

pub mod event;
pub mod registration;

use chrono::NaiveDate;

use crate::personal_data::PersonalData;

/// One thing wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem<F> {
    pub field: F,
    pub kind: Kind,
}

/// What is wrong; [`Kind::code`] names it for machines (the API's `code`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Missing or empty.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// Holds control characters other than line breaks and tabs.
    ControlCharacters,
    /// Not a number, or not one of the allowed ones.
    OutOfRange,
    /// Not a date as `YYYY-MM-DD`.
    InvalidDate,
    /// Not a time as `HH:MM`, or an hour the clocks skip.
    InvalidTime,
    /// Not an RFC 3339 instant with an offset.
    InvalidInstant,
    /// Before the pratica was submitted.
    BeforeSubmission,
    /// Later than now.
    InFuture,
    /// A reply-by date before the event that asks for the reply.
    BeforeEvent,
    /// A public note that seems to hold personal data, unconfirmed.
    PersonalData(Vec<PersonalData>),
    /// Not a state of the pratica's procedure type.
    UnknownState,
    /// A reply-by date on an event that requests no documents.
    ReplyByNeedsRequest,
    /// The workflow does not allow this state after the one in effect then.
    TransitionNotAllowed,
    /// Filed at this time, the event would make a later one illegal.
    BreaksLaterEvent,
    /// Before the pratica's first event (its registration).
    BeforeRegistration,
    /// Not one of the body's procedure types.
    UnknownProcedureType,
    /// Another pratica of the body has this own reference.
    ReferenceTaken,
    /// Not an e-mail address a citizen can be written to.
    InvalidEmail,
    /// An address to write to without the applicant's consent.
    ConsentMissing,
    /// Not a codice fiscale (its shape or its check letter).
    InvalidFiscalCode,
    /// A codice fiscale for App IO, which the body does not send through.
    IoNotConfigured,
}

impl Kind {
    /// A stable snake_case name, for software.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::ControlCharacters => "control_characters",
            Self::OutOfRange => "out_of_range",
            Self::InvalidDate => "invalid_date",
            Self::InvalidTime => "invalid_time",
            Self::InvalidInstant => "invalid_instant",
            Self::BeforeSubmission => "before_submission",
            Self::InFuture => "in_future",
            Self::BeforeEvent => "before_event",
            Self::PersonalData(_) => "personal_data",
            Self::UnknownState => "unknown_state",
            Self::ReplyByNeedsRequest => "reply_by_needs_request",
            Self::TransitionNotAllowed => "transition_not_allowed",
            Self::BreaksLaterEvent => "breaks_later_event",
            Self::BeforeRegistration => "before_registration",
            Self::UnknownProcedureType => "unknown_procedure_type",
            Self::ReferenceTaken => "reference_taken",
            Self::InvalidEmail => "invalid_email",
            Self::ConsentMissing => "consent_missing",
            Self::InvalidFiscalCode => "invalid_fiscal_code",
            Self::IoNotConfigured => "io_not_configured",
        }
    }
}

/// A whole number as a surface received it: JSON gives a number, a form
/// gives the text typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number<'a> {
    Absent,
    Given(i64),
    Typed(&'a str),
}

impl Number<'_> {
    /// None when nothing was typed; `Err` for text that is no whole number.
    fn read(self) -> Option<Result<i64, ()>> {
        match self {
            Self::Absent => None,
            Self::Given(number) => Some(Ok(number)),
            Self::Typed(text) => match text.trim() {
                "" => None,
                text => Some(text.parse().map_err(|_| ())),
            },
        }
    }
}

/// Collects the problems of one input, field by field.
struct Problems<F>(Vec<Problem<F>>);

impl<F: Copy> Problems<F> {
    fn new() -> Self {
        Self(Vec::new())
    }

    fn push(&mut self, field: F, kind: Kind) {
        self.0.push(Problem { field, kind });
    }

    /// A text with its line breaks as `\n`, trimmed, of at most `max`
    /// characters and without other control characters; empty is none.
    fn text(&mut self, field: F, value: &str, max: usize) -> Option<String> {
        let value = value.trim().replace("\r\n", "\n").replace('\r', "\n");
        if value.chars().count() > max {
            self.push(field, Kind::TooLong { max });
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.push(field, Kind::ControlCharacters);
        }
        Some(value).filter(|value| !value.is_empty())
    }

    /// [`Self::text`], and not empty.
    fn required_text(&mut self, field: F, value: &str, max: usize) -> Option<String> {
        let text = self.text(field, value, max);
        if text.is_none() {
            self.push(field, Kind::Required);
        }
        text
    }

    /// A date as `YYYY-MM-DD` exactly; empty is none.
    fn date(&mut self, field: F, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if value.len() == 10 => Some(date),
            _ => {
                self.push(field, Kind::InvalidDate);
                None
            }
        }
    }

    /// [`Self::date`], and not empty.
    fn required_date(&mut self, field: F, value: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() {
            self.push(field, Kind::Required);
        }
        self.date(field, value)
    }

    /// The value built from the checked fields, or every problem.
    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Problem<F>>> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(self.0),
        }
    }
}
