//! The back office's posted forms, shared by the page that renders a form and
//! the server's handler that reads it: each field's posted name is written
//! once, in [`posted_form!`], which gives both the serde name the handler
//! deserialises and the constant the page renders. A form's draft (what was
//! typed, shown again with the errors) holds the posted form itself.

use pratiche_domain::intake::registration::{Field, RegistrationInput, RegistrationProblem};
use pratiche_domain::intake::{Kind, Number};

/// Declares a posted form: a struct of texts as typed, whose serde names are
/// the form's field names, and a constant for each name.
macro_rules! posted_form {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$field_meta:meta])* $field:ident: $constant:ident = $posted:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, rename = $posted)]
                pub $field: String,
            )*
        }

        impl $name {
            $(pub const $constant: &'static str = $posted;)*
        }
    };
}

posted_form! {
    /// A status change (or a correction) on a pratica's record.
    StatusChangeForm {
        /// The pratica's version the form was built from.
        version: VERSION = "versione",
        state: STATE = "stato",
        public_note: PUBLIC_NOTE = "nota_pubblica",
        internal_note: INTERNAL_NOTE = "nota_interna",
        /// The Rome day the event happened.
        date: DATE = "data",
        /// Its time, optional.
        time: TIME = "ora",
        reply_by: REPLY_BY = "risposta_entro",
        extension_days: EXTENSION_DAYS = "proroga_giorni",
        extension_basis: EXTENSION_BASIS = "proroga_base",
        observations_on: OBSERVATIONS_ON = "osservazioni_il",
        /// The reason of a correction.
        reason: REASON = "motivo",
        /// "1" on the correction form.
        correction: CORRECTION = "rettifica",
        /// "1" once the clerk confirmed personal data in the public note.
        confirm_personal_data: CONFIRM_PERSONAL_DATA = "conferma_dati",
        /// "anteprima" (preview) or "salva" (save).
        action: ACTION = "azione",
    }
}

impl StatusChangeForm {
    /// The value of [`Self::ACTION`] that previews instead of saving.
    pub const PREVIEW: &'static str = "anteprima";
    /// The value of [`Self::ACTION`] that saves.
    pub const SAVE: &'static str = "salva";

    pub fn is_correction(&self) -> bool {
        self.correction == "1"
    }
}

posted_form! {
    /// Registering a pratica.
    RegistrationForm {
        procedure_type: PROCEDURE_TYPE = "tipo",
        subject: SUBJECT = "oggetto",
        own_reference: OWN_REFERENCE = "protocollo",
        submitted_on: SUBMITTED_ON = "presentata_il",
        office: OFFICE = "ufficio",
        responsible: RESPONSIBLE = "responsabile",
        contact: CONTACT = "contatto",
        /// The applicant's address for the alerts, optional.
        applicant_email: APPLICANT_EMAIL = "email_richiedente",
        /// "1" when the applicant agreed to be written to.
        email_consent: EMAIL_CONSENT = "consenso_email",
        /// The language of their mails.
        applicant_language: APPLICANT_LANGUAGE = "lingua_richiedente",
        /// Their codice fiscale, for App IO, optional (offered when the
        /// body has set IO up).
        applicant_fiscal_code: APPLICANT_FISCAL_CODE = "codice_fiscale_richiedente",
    }
}

impl RegistrationForm {
    pub fn has_email_consent(&self) -> bool {
        self.email_consent == "1"
    }

    /// What was typed, as the rules of a registration read it.
    pub fn input(&self) -> RegistrationInput<'_> {
        RegistrationInput {
            procedure_type: Number::Typed(&self.procedure_type),
            subject: &self.subject,
            own_reference: &self.own_reference,
            own_reference_required: false,
            submitted_on: &self.submitted_on,
            office: &self.office,
            responsible: &self.responsible,
            contact: &self.contact,
            applicant_email: &self.applicant_email,
            email_consent: self.has_email_consent(),
            applicant_fiscal_code: &self.applicant_fiscal_code,
        }
    }

    /// Where the form shows a problem: its field and the message key.
    pub fn error_of(problem: &RegistrationProblem) -> (&'static str, &'static str) {
        let field = match problem.field {
            Field::ProcedureType => Self::PROCEDURE_TYPE,
            Field::Subject => Self::SUBJECT,
            Field::OwnReference => Self::OWN_REFERENCE,
            Field::SubmittedOn => Self::SUBMITTED_ON,
            Field::Office => Self::OFFICE,
            Field::Responsible => Self::RESPONSIBLE,
            Field::Contact => Self::CONTACT,
            Field::ApplicantEmail => Self::APPLICANT_EMAIL,
            Field::EmailConsent => Self::EMAIL_CONSENT,
            Field::ApplicantFiscalCode => Self::APPLICANT_FISCAL_CODE,
        };
        let key = match (&problem.kind, problem.field) {
            (_, Field::ProcedureType) => "reg-error-type",
            (_, Field::SubmittedOn) => "reg-error-date",
            (Kind::ReferenceTaken, _) => "reg-error-reference-taken",
            (Kind::TooLong { .. }, _) => "reg-error-too-long",
            (Kind::ControlCharacters, _) => "form-error-control-characters",
            (Kind::InvalidEmail, _) => "alerts-invalid",
            (Kind::ConsentMissing, _) => "reg-error-consent",
            (Kind::InvalidFiscalCode, _) => "reg-error-fiscal-code",
            (Kind::IoNotConfigured, _) => "reg-error-io-off",
            _ => "reg-error-required",
        };
        (field, key)
    }
}

/// The posted names of the admins' form fields: `server/src/admin/` reads
/// them, `app/src/pages/admin/` renders them. The admins' forms are read as
/// name–value pairs (transitions repeat a field), so these are names rather
/// than a struct per form; the draft of each is an `AdminDraft`.
pub mod admin_fields {
    pub const NAME: &str = "name";
    pub const SLUG: &str = "slug";
    pub const KIND: &str = "kind";
    pub const CONTACT_OFFICE: &str = "contact_office";
    pub const CONTACT_PHONE: &str = "contact_phone";
    pub const CONTACT_EMAIL: &str = "contact_email";
    pub const CONTACT_ADDRESS: &str = "contact_address";
    pub const CONTACT_HOURS: &str = "contact_hours";
    pub const SUBSTITUTE_NAME: &str = "substitute_name";
    pub const SUBSTITUTE_OFFICE: &str = "substitute_office";
    pub const SUBSTITUTE_CONTACT: &str = "substitute_contact";
    pub const PATRON_DAY: &str = "patron_day";
    /// The body's App IO service key: never typed back into a page.
    pub const IO_KEY: &str = "io_key";
    /// `remove` to remove the key.
    pub const IO_ACTION: &str = "io_action";
    pub const USERNAME: &str = "username";
    pub const DISPLAY_NAME: &str = "display_name";
    pub const ROLE: &str = "role";
    pub const PASSWORD: &str = "password";
    /// The user a password form is for, kept in its draft.
    pub const USER_ID: &str = "user_id";
    /// "1" to disable a user or an API client, "0" to enable it again.
    pub const DISABLED: &str = "disattivato";
    pub const TERM_DAYS: &str = "term_days";
    /// A procedure type's public sheet (with [`DESCRIPTION`]).
    pub const LEGAL_REFERENCES: &str = "legal_references";
    pub const DOCUMENTS_NEEDED: &str = "documents_needed";
    /// `silenzio_assenso`, `scia`, or empty.
    pub const SILENCE_RULE: &str = "silence_rule";
    pub const PAYMENTS: &str = "payments";
    pub const ONLINE_SERVICE_URL: &str = "online_service_url";
    pub const LEGAL_BASIS: &str = "legal_basis";
    pub const PHASE: &str = "phase";
    pub const CITIZEN_TEXT: &str = "citizen_text";
    /// "1" when citizens are told of the state.
    pub const NOTIFY: &str = "notify";
    /// A webhook endpoint: its URL, description and event types (repeated).
    pub const URL: &str = "url";
    pub const DESCRIPTION: &str = "description";
    pub const EVENT_TYPES: &str = "event_types";
    /// What a webhook action form asks: `rotate`, `disable`, `enable`,
    /// `test`, `resend` (with [`DELIVERY`]) or `resend_failed` (with
    /// [`FROM`] and [`TO`], days).
    pub const ACTION: &str = "action";
    pub const DELIVERY: &str = "delivery";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    /// The state a state form is for, kept in its draft.
    pub const STATE_ID: &str = "state_id";
    /// One `from-to` pair of state ids per allowed transition.
    pub const TRANSITION: &str = "transition";
}
