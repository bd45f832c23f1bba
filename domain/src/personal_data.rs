//! Spots what looks like personal data in a public note (docs/rules.md, Public view): a codice
//! fiscale, an e-mail address, a phone number, an IBAN. A hint for the
//! clerk, who must confirm before such a note is saved; never a filter.
//!
//! Every pattern uses ASCII classes (`[0-9]`, `[A-Za-z]`), never `\d` or a
//! case-insensitive `[A-Z]`: those match fullwidth digits, `ſ` or the Kelvin
//! sign, several bytes long, which broke the byte arithmetic of the checks.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PersonalData {
    TaxCode,
    Email,
    Phone,
    Iban,
}

/// Digits of a codice fiscale may be replaced by letters (omocodia).
static TAX_CODE: LazyLock<Regex> = LazyLock::new(|| {
    let digit = "[0-9LMNPQRSTUVlmnpqrstuv]";
    Regex::new(&format!(
        r"\b[A-Za-z]{{6}}{digit}{{2}}[ABCDEHLMPRSTabcdehlmprst]{digit}{{2}}[A-Za-z]{digit}{{3}}[A-Za-z]\b"
    ))
    .expect("a valid pattern")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}").expect("a valid pattern")
});
/// Italian mobile (3xx) and landline (0x) numbers, with or without +39,
/// grouped by spaces, dots or hyphens.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:\+|00)39[\s.-]?)?\b(?:3[0-9]{2}|0[0-9]{1,4})(?:[\s.-]?[0-9]){5,8}\b")
        .expect("a valid pattern")
});
/// A candidate IBAN: country, check digits, 11 to 30 alphanumerics, spaces
/// allowed between groups; confirmed by its mod-97 check.
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Za-z]{2}[0-9]{2}(?:\s?[0-9A-Za-z]){11,30}\b").expect("a valid pattern")
});

/// The kinds of personal data `note` seems to hold, each once, in order.
pub fn personal_data_in(note: &str) -> Vec<PersonalData> {
    let mut found = Vec::new();
    if TAX_CODE.is_match(note) {
        found.push(PersonalData::TaxCode);
    }
    if EMAIL.is_match(note) {
        found.push(PersonalData::Email);
    }
    if PHONE.is_match(note) {
        found.push(PersonalData::Phone);
    }
    if IBAN
        .find_iter(note)
        .any(|candidate| iban_checks(candidate.as_str()))
    {
        found.push(PersonalData::Iban);
    }
    found
}

/// The ISO 13616 check: the rearranged number, letters as 10..35, is 1 mod 97.
/// Counted in characters, so no input can split a character.
fn iban_checks(candidate: &str) -> bool {
    let compact: Vec<char> = candidate.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 5 {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder = 0u32;
    for &c in tail.iter().chain(head) {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spots_each_kind() {
        let cases = [
            ("Richiedente RSSMRA85T10A562S.", PersonalData::TaxCode),
            ("omocodia: RSSMRA85T10A56NS", PersonalData::TaxCode),
            ("Scriva a mario.rossi@example.it", PersonalData::Email),
            ("Chiami il 347 123 4567", PersonalData::Phone),
            ("Tel. +39 0471 555010", PersonalData::Phone),
            ("IBAN IT60 X054 2811 1010 0000 0123 456", PersonalData::Iban),
            ("IT60X0542811101000000123456", PersonalData::Iban),
        ];
        for (note, kind) in cases {
            assert!(personal_data_in(note).contains(&kind), "{note}: {kind:?}");
        }
    }

    #[test]
    fn ordinary_notes_pass() {
        for note in [
            "Domanda ricevuta e protocollata.",
            "Pratica PROT. 2026/14503 assegnata all'istruttore tecnico.",
            "Si chiede di integrare la relazione geologica entro il 15/12/2026.",
            "Termine prorogato di 30 giorni (L. 241/1990, art. 14-bis).",
            "Codice JYRH-CM4Q-3DY4-B",
            // Fails the IBAN check: one digit changed.
            "IT60X0542811101000000123457",
            // Fullwidth digits are not an IBAN's (they once panicked the check).
            "IT００12345678901",
            "IT\u{ff10}\u{ff10}1234567890123",
        ] {
            assert_eq!(personal_data_in(note), [], "{note}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(note in "\\PC{0,400}") {
            let _ = personal_data_in(&note);
        }

        /// Shapes close to each pattern, built of characters that case
        /// folding or `\\d` would confuse with ASCII: Unicode digits of other
        /// scripts, `ſ`, the Kelvin sign, accented letters.
        #[test]
        fn never_panics_on_near_misses(
            note in "[A-Za-zſ\u{212A}é]{0,3}[0-9０-９٠-٩߀-߉]{0,3}[0-9A-Za-z０-９ſ\u{212A} @.+-]{0,40}"
        ) {
            let _ = personal_data_in(&note);
        }

        #[test]
        fn non_ascii_digits_are_never_an_iban(
            country in "[A-Z]{2}",
            digits in "[０-９٠-٩]{2}",
            rest in "[0-9A-Z]{11,30}"
        ) {
            let note = format!("{country}{digits}{rest}");
            prop_assert!(!personal_data_in(&note).contains(&PersonalData::Iban));
        }
    }
}
