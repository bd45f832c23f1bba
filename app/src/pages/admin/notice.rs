//! The notices an admin page shows after a write (`?fatto=`): one variant
//! each, so the server's handlers can name only notices that exist and a
//! test can check every one is translated.

/// A write just done, named in the address the handler redirects to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminNotice {
    UserCreated,
    NotYourself,
    UserDisabled,
    UserEnabled,
    PasswordSet,
    BodySaved,
    IoKeySaved,
    IoKeyRemoved,
    IoKeyAccepted,
    IoKeyRefused,
    IoKeyMissing,
    IoKeyUnreadable,
    IoUnreachable,
    ProcedureCreated,
    ProcedureSaved,
    StateAdded,
    StateSaved,
    TransitionsSaved,
    BodyCreated,
    AdminCreated,
    ClientDisabled,
    ClientEnabled,
    WebhookDisabled,
    WebhookEnabled,
    WebhookTest,
    WebhookRedelivery,
}

impl AdminNotice {
    pub const ALL: [Self; 26] = [
        Self::UserCreated,
        Self::NotYourself,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::PasswordSet,
        Self::BodySaved,
        Self::IoKeySaved,
        Self::IoKeyRemoved,
        Self::IoKeyAccepted,
        Self::IoKeyRefused,
        Self::IoKeyMissing,
        Self::IoKeyUnreadable,
        Self::IoUnreachable,
        Self::ProcedureCreated,
        Self::ProcedureSaved,
        Self::StateAdded,
        Self::StateSaved,
        Self::TransitionsSaved,
        Self::BodyCreated,
        Self::AdminCreated,
        Self::ClientDisabled,
        Self::ClientEnabled,
        Self::WebhookDisabled,
        Self::WebhookEnabled,
        Self::WebhookTest,
        Self::WebhookRedelivery,
    ];

    /// Its value of `?fatto=` (Italian, as the addresses are).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCreated => "utente-creato",
            Self::NotYourself => "non-se-stessi",
            Self::UserDisabled => "utente-disattivato",
            Self::UserEnabled => "utente-riattivato",
            Self::PasswordSet => "password-impostata",
            Self::BodySaved => "ente-salvato",
            Self::IoKeySaved => "io-chiave-salvata",
            Self::IoKeyRemoved => "io-chiave-rimossa",
            Self::IoKeyAccepted => "io-chiave-valida",
            Self::IoKeyRefused => "io-chiave-rifiutata",
            Self::IoKeyMissing => "io-chiave-assente",
            Self::IoKeyUnreadable => "io-chiave-illeggibile",
            Self::IoUnreachable => "io-non-raggiungibile",
            Self::ProcedureCreated => "procedimento-creato",
            Self::ProcedureSaved => "procedimento-salvato",
            Self::StateAdded => "stato-aggiunto",
            Self::StateSaved => "stato-salvato",
            Self::TransitionsSaved => "passaggi-salvati",
            Self::BodyCreated => "ente-creato",
            Self::AdminCreated => "amministratore-creato",
            Self::ClientDisabled => "client-disattivato",
            Self::ClientEnabled => "client-riattivato",
            Self::WebhookDisabled => "webhook-disattivato",
            Self::WebhookEnabled => "webhook-riattivato",
            Self::WebhookTest => "webhook-prova",
            Self::WebhookRedelivery => "webhook-reinvio",
        }
    }

    /// The notice a `?fatto=` value names, if any.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|notice| notice.as_str() == value)
    }

    /// Its translation key.
    pub fn message_key(self) -> String {
        format!("admin-done-{}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::AdminNotice;

    #[test]
    fn every_notice_parses_back_and_nothing_else_does() {
        for notice in AdminNotice::ALL {
            assert_eq!(AdminNotice::parse(notice.as_str()), Some(notice));
        }
        assert_eq!(AdminNotice::parse("ente-salvato "), None);
        assert_eq!(AdminNotice::parse("<script>"), None);
    }
}
