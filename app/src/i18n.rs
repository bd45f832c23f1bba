//! Translation on the server with Fluent. Each language is one folder under
//! `app/locales/` holding `main.ftl`; the loader finds the folders at compile
//! time, so adding a language takes no code. Italian is the default.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use chrono::{Datelike, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use leptos::prelude::*;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "it",
        // No Unicode isolation marks around arguments: the pages are
        // left-to-right and the marks would leak into copied text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

const DEFAULT_LANGUAGE: LanguageIdentifier = langid!("it");

/// The name of the cookie holding the chosen language.
pub const LANGUAGE_COOKIE: &str = "lang";

/// Every language with a translation file, the default first.
static LANGUAGES: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    let mut languages: Vec<_> = LOCALES.locales().cloned().collect();
    languages.sort_by_key(|language| (*language != DEFAULT_LANGUAGE, language.to_string()));
    languages
});

/// What each language of [`LANGUAGES`] (in its order) has already
/// formatted once and keeps.
static FORMATTED: LazyLock<Vec<Formatted>> =
    LazyLock::new(|| LANGUAGES.iter().map(|_| Formatted::default()).collect());

/// At most this many long dates are kept per language: a few years of days,
/// so the dates of stored pratiche all fit and nothing can grow past it.
const MAX_DATES_KEPT: usize = 4096;

#[derive(Default)]
struct Formatted {
    /// Messages without arguments, by key; only keys of the language's file.
    messages: RwLock<HashMap<String, String>>,
    /// Long dates ([`I18n::date`]).
    dates: RwLock<HashMap<NaiveDate, String>>,
}

/// The language of one response and the lookups in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct I18n {
    language: LanguageIdentifier,
}

impl I18n {
    /// Picks the language from the `lang` cookie, else `Accept-Language`,
    /// else Italian.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let chosen = cookie
            .and_then(|value| value.parse::<LanguageIdentifier>().ok())
            .filter(|language| LANGUAGES.contains(language))
            .or_else(|| {
                let requested =
                    fluent_langneg::accepted_languages::parse(accept_language.unwrap_or(""));
                fluent_langneg::negotiate_languages(
                    &requested,
                    &LANGUAGES,
                    Some(&DEFAULT_LANGUAGE),
                    fluent_langneg::NegotiationStrategy::Lookup,
                )
                .first()
                .map(|language| (*language).clone())
            })
            .unwrap_or(DEFAULT_LANGUAGE);
        Self { language: chosen }
    }

    /// The language of a request, from its headers.
    pub fn from_request(parts: &http::request::Parts) -> Self {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        let cookie = crate::cookies::read(&parts.headers, LANGUAGE_COOKIE);
        Self::negotiate(cookie.as_deref(), header(http::header::ACCEPT_LANGUAGE))
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(&self) -> String {
        self.language.to_string()
    }

    /// The other languages, as (tag, name in that language), for the switch.
    pub fn alternatives(&self) -> Vec<(String, String)> {
        LANGUAGES
            .iter()
            .filter(|language| **language != self.language)
            .map(|language| {
                let other = Self {
                    language: language.clone(),
                };
                (other.tag(), other.t("language-name"))
            })
            .collect()
    }

    /// The default language's tag.
    pub fn default_tag() -> String {
        DEFAULT_LANGUAGE.to_string()
    }

    /// Every language's tag, the default first.
    pub fn tags() -> Vec<String> {
        LANGUAGES.iter().map(ToString::to_string).collect()
    }

    /// `tag` if it names one of our languages, else the default's: for
    /// forms that offer only ours.
    pub fn supported_or_default(tag: &str) -> String {
        if Self::is_supported(tag) {
            tag.to_owned()
        } else {
            Self::default_tag()
        }
    }

    /// Whether `tag` names a language with a translation file.
    pub fn is_supported(tag: &str) -> bool {
        tag.parse::<LanguageIdentifier>()
            .is_ok_and(|language| LANGUAGES.contains(&language))
    }

    /// The message `key`. Messages without arguments are formatted once per
    /// language and kept: a page shows dozens of them, and Fluent would
    /// resolve each anew on every page.
    pub fn t(&self, key: &str) -> String {
        let formatted = &self.formatted().messages;
        if let Some(message) = formatted
            .read()
            .expect("the formatted messages' lock is never poisoned")
            .get(key)
        {
            return message.clone();
        }
        // Only messages of the file are kept, so the cache cannot grow past it.
        match LOCALES.lookup_single_language::<&str>(&self.language, key, None) {
            Ok(message) => {
                formatted
                    .write()
                    .expect("the formatted messages' lock is never poisoned")
                    .insert(key.to_owned(), message.clone());
                message
            }
            Err(_) => LOCALES.lookup_complete(&self.language, key, None),
        }
    }

    /// The message `key` with named arguments.
    pub fn t_with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.clone()))
            .collect();
        self.lookup(key, Some(&args))
    }

    /// Straight from the language's own file, which holds every message (a
    /// test checks it): the loader's `lookup` would negotiate the fallback
    /// chain anew at each of the page's many lookups. A failed lookup still
    /// takes the whole chain.
    fn lookup(&self, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
        LOCALES
            .lookup_single_language(&self.language, key, args)
            .unwrap_or_else(|_| LOCALES.lookup_complete(&self.language, key, args))
    }

    /// A calendar date written out: "12 marzo 2027", "12 March 2027".
    /// Written once per language and day, then kept: a page shows a dozen
    /// dates, and pratiche share their days.
    pub fn date(&self, date: NaiveDate) -> String {
        let dates = &self.formatted().dates;
        if let Some(written) = dates
            .read()
            .expect("the formatted dates' lock is never poisoned")
            .get(&date)
        {
            return written.clone();
        }
        let written = self.t_with(
            "date-long",
            &[
                ("day", date.day().into()),
                ("month", self.t(&format!("month-{}", date.month())).into()),
                ("year", date.year().into()),
            ],
        );
        let mut dates = dates
            .write()
            .expect("the formatted dates' lock is never poisoned");
        if dates.len() < MAX_DATES_KEPT {
            dates.insert(date, written.clone());
        }
        written
    }

    /// What this language has already formatted.
    fn formatted(&self) -> &'static Formatted {
        let language = LANGUAGES
            .iter()
            .position(|language| *language == self.language)
            .expect("a negotiated language has a translation file");
        &FORMATTED[language]
    }
}

/// The language of the page being rendered, provided by the shell.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_cookie_then_accept_language_then_italian() {
        assert_eq!(I18n::negotiate(Some("en"), Some("it-IT")).tag(), "en");
        assert_eq!(
            I18n::negotiate(Some("xx"), Some("en-GB,en;q=0.8")).tag(),
            "en"
        );
        assert_eq!(I18n::negotiate(None, Some("de-DE, fr;q=0.5")).tag(), "it");
        assert_eq!(I18n::negotiate(None, None).tag(), "it");
    }

    #[test]
    fn writes_dates_and_plurals() {
        let date = NaiveDate::from_ymd_opt(2027, 3, 12).unwrap();
        assert_eq!(I18n::negotiate(None, None).date(date), "12 marzo 2027");
        assert_eq!(
            I18n::negotiate(Some("en"), None).date(date),
            "12 March 2027"
        );
    }

    #[test]
    fn keeps_formatted_messages_of_the_file_only() {
        let english = I18n::negotiate(Some("en"), None);
        let first = english.t("case-history-title");
        assert_eq!(english.t("case-history-title"), first);
        assert_ne!(I18n::negotiate(None, None).t("case-history-title"), first);
        let kept = |key: &str| {
            FORMATTED
                .iter()
                .any(|formatted| formatted.messages.read().unwrap().contains_key(key))
        };
        assert!(kept("case-history-title"));
        english.t("no-such-message");
        assert!(!kept("no-such-message"));
    }

    #[test]
    fn keeps_written_dates_per_language() {
        let date = NaiveDate::from_ymd_opt(2031, 7, 4).unwrap();
        let italian = I18n::negotiate(None, None);
        let english = I18n::negotiate(Some("en"), None);
        for _ in 0..2 {
            assert_eq!(italian.date(date), "4 luglio 2031");
            assert_eq!(english.date(date), "4 July 2031");
        }
        // The cap test below fills the English dates, never the Italian.
        assert!(
            italian
                .formatted()
                .dates
                .read()
                .unwrap()
                .contains_key(&date)
        );
    }

    #[test]
    fn keeps_no_more_dates_than_the_cap() {
        let english = I18n::negotiate(Some("en"), None);
        let days = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap().iter_days();
        for day in days.take(MAX_DATES_KEPT + 10) {
            english.date(day);
        }
        assert!(english.formatted().dates.read().unwrap().len() <= MAX_DATES_KEPT);
        let leap_day = NaiveDate::from_ymd_opt(1960, 2, 29).unwrap();
        assert_eq!(english.date(leap_day), "29 February 1960");
    }

    /// The message keys of a language's file, in order.
    fn file_keys(language: &str) -> Vec<String> {
        let path = format!("{}/locales/{language}/main.ftl", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path)
            .expect("translation file")
            .lines()
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
            .filter(|key| !key.is_empty() && !key.starts_with(['#', ' ', '.', '[', '*']))
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let italian = file_keys("it");
        for language in LANGUAGES.iter() {
            assert_eq!(
                file_keys(&language.to_string()),
                italian,
                "keys of {language} differ from Italian"
            );
        }
    }

    /// Keys put together at run time (a phase's name, sentence and next
    /// step, a month, a role, an event's source, a delivery's status, an
    /// audited entity) exist in every language: no page shows a bare key.
    #[test]
    fn every_key_built_at_run_time_is_translated() {
        use pratiche_db::ActiveEnum;
        use pratiche_db::cases::EventSource;
        use pratiche_db::webhooks::DeliveryStatus;
        use pratiche_domain::PublicPhase;
        use pratiche_domain::account::Role;

        let mut built: Vec<String> = Vec::new();
        for phase in PublicPhase::ALL {
            for suffix in ["", "-sentence", "-next"] {
                built.push(format!("phase-{}{suffix}", phase.as_str()));
            }
        }
        built.extend((1..=12).map(|month| format!("month-{month}")));
        for role in [Role::ProvinceAdmin, Role::BodyAdmin, Role::Clerk] {
            built.push(format!("admin-role-{}", role.as_str()));
        }
        for source in [EventSource::Demo, EventSource::BackOffice, EventSource::Api] {
            built.push(format!("record-source-{}", source.as_str()));
        }
        for status in [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::Failed,
        ] {
            built.push(format!("webhook-status-{}", status.to_value()));
        }
        for entity in crate::pages::admin::audit::ENTITIES {
            built.push(format!("admin-entity-{entity}"));
        }
        for count in ["dash-total", "dash-past-due", "dash-due-soon"] {
            built.extend([count.to_owned(), format!("{count}-more")]);
        }
        for notice in crate::pages::admin::AdminNotice::ALL {
            built.push(notice.message_key());
        }
        for language in LANGUAGES.iter() {
            let known = file_keys(&language.to_string());
            let missing: Vec<&String> = built.iter().filter(|key| !known.contains(key)).collect();
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
        }
    }
}
