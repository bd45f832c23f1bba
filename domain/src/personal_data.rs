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
/// A candidate Italian mobile (3xx) or landline (0 and an area code that
/// is not 0) number, with or without +39 or 0039, grouped by spaces, dots,
/// hyphens or slashes; confirmed by [`phone_checks`].
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:\+|\b00)39[\s.-]?|\b)(?:3[0-9]{2}|0[1-9][0-9]{0,3})(?:[\s./-]?[0-9]){4,8}\b")
        .expect("a valid pattern")
});
/// A date written with dots, hyphens or slashes: 03.12.2026, 5-1-27.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{2}|[0-9]{4})$").expect("a valid pattern")
});
/// What comes right before a protocol or file number, an amount.
static NUMBER_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bprot(?:ocollo)?\.?|\bn\.|\bn°|\bnr\.?|\bnumero|\brif\.?|€|\beur(?:o)?)\s*(?:n\.|n°)?\s*$")
        .expect("a valid pattern")
});
/// What comes right after an amount: decimals, the currency.
static AMOUNT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:,[0-9]|\s*(?:€|euro\b|eur\b))").expect("a valid pattern")
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
    let ibans: Vec<std::ops::Range<usize>> = IBAN
        .find_iter(note)
        .filter(|candidate| iban_checks(candidate.as_str()))
        .map(|iban| iban.range())
        .collect();
    // The digit groups of an IBAN are not a phone number.
    let within_an_iban = |candidate: &regex::Match<'_>| {
        ibans
            .iter()
            .any(|iban| iban.start < candidate.end() && candidate.start() < iban.end)
    };
    if PHONE
        .find_iter(note)
        .any(|candidate| !within_an_iban(&candidate) && phone_checks(note, candidate))
    {
        found.push(PersonalData::Phone);
    }
    if !ibans.is_empty() {
        found.push(PersonalData::Iban);
    }
    found
}

/// Whether a phone-shaped `candidate` of `note` is a phone number: as many
/// digits as Italian numbers have (mobile 9 or 10, landline 6 to 11, the
/// country code aside), and not a date, an amount or a protocol number.
/// Regex offsets fall on character boundaries, so the slices are safe.
fn phone_checks(note: &str, candidate: regex::Match<'_>) -> bool {
    let text = candidate.as_str();
    let number = text
        .strip_prefix("+39")
        .or_else(|| text.strip_prefix("0039"))
        .unwrap_or(text)
        .trim_start_matches([' ', '.', '-']);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let plausible = match number.chars().next() {
        Some('3') => (9..=10).contains(&digits),
        Some('0') => (6..=11).contains(&digits),
        _ => false,
    };
    plausible
        && !DATE.is_match(text)
        && !NUMBER_CONTEXT.is_match(&note[..candidate.start()])
        && !AMOUNT_AFTER.is_match(&note[candidate.end()..])
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

    use PersonalData::{Email, Iban, Phone, TaxCode};

    /// Realistic public notes and what the detector must say of each:
    /// dates, protocol numbers, amounts, cadastral references and offices'
    /// addresses are not personal data; phone numbers in every common
    /// Italian form, e-mail addresses, tax codes (omocodia too) and IBANs
    /// are.
    const NOTES: [(&str, &[PersonalData]); 64] = [
        // Dates, in every way clerks write them.
        ("Rispondere entro il 03.12.2026.", &[]),
        ("Sopralluogo fissato per il 05-01-2027 alle ore 10.30.", &[]),
        ("Integrare la relazione geologica entro il 15/12/2026.", &[]),
        ("Scadenza 3/1/27, poi archiviazione.", &[]),
        ("Comunicazione del 2026-12-03 acquisita.", &[]),
        ("Riunione dal 01.02.26 al 28.02.26.", &[]),
        ("Orari dello sportello: 9.00-12.30 e 14.30-16.00.", &[]),
        (
            "Termine prorogato di 30 giorni (L. 241/1990, art. 14-bis).",
            &[],
        ),
        // Protocol, file and procedure numbers.
        ("Prot. n. 0012345 del 03/12/2026.", &[]),
        ("Protocollo 0345678: pratica assegnata.", &[]),
        (
            "Pratica PROT. 2026/14503 assegnata all'istruttore tecnico.",
            &[],
        ),
        ("Rif. n. 3471234 del fascicolo edilizio.", &[]),
        ("Nota n° 0471555 trasmessa alla Soprintendenza.", &[]),
        ("Determinazione nr. 123/2026 pubblicata all'albo.", &[]),
        ("Codice JYRH-CM4Q-3DY4-B", &[]),
        ("Domanda ricevuta e protocollata.", &[]),
        ("CIG Z1A3B4C5D6 per il servizio.", &[]),
        ("Numero 0021345 di repertorio.", &[]),
        // Amounts.
        ("Diritti di segreteria: € 1.250,00.", &[]),
        ("Contributo concesso di euro 3.450.000,00 in tre rate.", &[]),
        ("Importo di 345.000 euro a carico del richiedente.", &[]),
        ("Oneri di urbanizzazione € 34.567.890 da versare.", &[]),
        ("Marca da bollo da 16,00 € allegata.", &[]),
        ("Sanzione ridotta: EUR 3.200,50.", &[]),
        // Cadastral references.
        ("Foglio 12, mappale 345, subalterno 3.", &[]),
        ("Catasto: Fg. 3 part. 1234 sub. 7, categoria A/2.", &[]),
        (
            "Particella edificiale 1234/5 della p.m. 2 in C.C. Valdoria.",
            &[],
        ),
        // Offices and their postal addresses.
        ("Ufficio tecnico, Via Roma 12, 39100 Bolzano.", &[]),
        (
            "Sportello in Piazza del Municipio 1, 00184 Roma, stanza 3.",
            &[],
        ),
        (
            "Ritiro presso l'Ufficio SUAP, Corso Italia 45/B, 3° piano.",
            &[],
        ),
        // Phone numbers in their common forms.
        ("Chiami il 347 123 4567", &[Phone]),
        ("Cell. 3471234567 per il sopralluogo.", &[Phone]),
        ("Reperibile al 347-1234567.", &[Phone]),
        ("Reperibile al 347/1234567.", &[Phone]),
        ("Tel. 347.123.4567", &[Phone]),
        ("Tel. +39 347 1234567", &[Phone]),
        ("Tel. +393471234567", &[Phone]),
        ("Tel. 0039 347 1234567", &[Phone]),
        ("Tel. +39 0471 555010", &[Phone]),
        ("Telefonare allo 0471 555010.", &[Phone]),
        ("Telefonare allo 0471/555010.", &[Phone]),
        ("Telefonare allo 0471-555010.", &[Phone]),
        ("Telefono 06 12345678.", &[Phone]),
        ("Telefono 02 1234 5678.", &[Phone]),
        ("Telefono 0471.55.50.10", &[Phone]),
        ("Richiamare il geometra al 3331234567 dopo le 15.", &[Phone]),
        // E-mail addresses.
        ("Scriva a mario.rossi@example.it", &[Email]),
        ("Inviare a m.rossi+pratiche@studio-tecnico.it.", &[Email]),
        ("PEC del tecnico: ing.bianchi@pec.ordine.bz.it", &[Email]),
        ("Contatto: MARIO.ROSSI@EXAMPLE.COM", &[Email]),
        // Tax codes, omocodia too.
        ("Richiedente RSSMRA85T10A562S.", &[TaxCode]),
        ("omocodia: RSSMRA85T10A56NS", &[TaxCode]),
        ("cf rssmra85t10a562s in minuscolo", &[TaxCode]),
        (
            "C.F.: VRDLGU70A01L378P; P.IVA del tecnico in allegato.",
            &[TaxCode],
        ),
        (
            "Codice fiscale BNCLRA80M41H50RM (omocodia in due cifre).",
            &[TaxCode],
        ),
        // IBANs.
        ("IBAN IT60 X054 2811 1010 0000 0123 456", &[Iban]),
        ("IT60X0542811101000000123456", &[Iban]),
        ("Rimborso sul conto it60x0542811101000000123456.", &[Iban]),
        ("Bonifico su DE89 3704 0044 0532 0130 00.", &[Iban]),
        // Fails the IBAN check: one digit changed.
        ("IT60X0542811101000000123457", &[]),
        // Fullwidth digits are not an IBAN's (they once panicked the check).
        ("IT００12345678901", &[]),
        ("IT\u{ff10}\u{ff10}1234567890123", &[]),
        // Several at once, each once, in order.
        (
            "Sig. RSSMRA85T10A562S, tel. 347 1234567, mario.rossi@example.it",
            &[TaxCode, Email, Phone],
        ),
        (
            "Rimborso a RSSMRA85T10A562S su IT60X0542811101000000123456",
            &[TaxCode, Iban],
        ),
    ];

    #[test]
    fn meets_the_table_of_public_notes() {
        let wrong: Vec<String> = NOTES
            .iter()
            .filter(|(note, expected)| personal_data_in(note) != *expected)
            .map(|(note, expected)| {
                format!(
                    "{note:?}: expected {expected:?}, found {:?}",
                    personal_data_in(note)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
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

        /// IBAN-, phone-, tax-code- and address-shaped notes with a few
        /// characters swapped for Unicode digits and letters, on either
        /// side of every check's byte arithmetic.
        #[test]
        fn never_panics_on_mutated_shapes(
            shape in prop::sample::select(vec![
                "IT60X0542811101000000123456",
                "IBAN IT60 X054 2811 1010 0000 0123 456",
                "Tel. +39 347 123 4567",
                "0471/555010 prot. n. 0012345",
                "RSSMRA85T10A56NS",
                "mario.rossi@example.it",
            ]),
            swaps in prop::collection::vec((any::<prop::sample::Index>(), "[٠-٩０-９߀-߉ſ\u{212A}éßİ]"), 0..4),
        ) {
            let mut chars: Vec<char> = shape.chars().collect();
            for (at, with) in swaps {
                let at = at.index(chars.len());
                chars.splice(at..=at, with.chars());
            }
            let note: String = chars.into_iter().collect();
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
