//! The applicant's codice fiscale, for messages in App IO (which names its
//! recipients by it). Parsed once: sixteen characters in the shape the
//! Agenzia delle Entrate gives them, omocodia included, and the check
//! letter right.
//!
//! Written here rather than taken from crates.io: the crates there
//! (`codice_fiscale`, `codice_fiscale_rs`) compute codes from personal
//! data, look municipalities up in tables, and by their own account refuse
//! or half-handle omocodia, which a register of real citizens meets every
//! year; the check itself is a table and a sum (D.M. 23/12/1976).

use std::fmt;

/// Positions (0-based) that hold digits, each of which the Agenzia may
/// replace with a letter to tell two people apart (omocodia): the year,
/// the day and the municipality's number.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// The letters that stand for 0 to 9 in an omocode.
const OMOCODE_LETTERS: &[u8; 10] = b"LMNPQRSTUV";

/// The month letters, January to December.
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";

/// The values of the characters in odd positions (1st, 3rd…), for the
/// digits and letters alike by their rank (0 and A, 1 and B, …).
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// A codice fiscale, in upper case. Its `Debug` hides it: it must never
/// reach a log.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FiscalCode(String);

/// Why a typed codice fiscale was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FiscalCodeProblem {
    #[error("a codice fiscale has 16 characters")]
    Length,
    #[error("not the shape of a codice fiscale")]
    Shape,
    #[error("the check letter does not match")]
    CheckLetter,
}

impl FiscalCode {
    /// Reads a typed code: spaces anywhere and lower case are forgiven.
    pub fn parse(typed: &str) -> Result<Self, FiscalCodeProblem> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.chars().count() != 16 {
            return Err(FiscalCodeProblem::Length);
        }
        let bytes = code.as_bytes();
        if !has_shape(bytes) {
            return Err(FiscalCodeProblem::Shape);
        }
        if check_letter(&bytes[..15]) != bytes[15] {
            return Err(FiscalCodeProblem::CheckLetter);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For the clerks' pages: `RSS••••••••••••U`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// `RSS••••••••••••U` for a stored code (see [`FiscalCode::masked`]).
pub fn mask(code: &str) -> String {
    let first: String = code.chars().take(3).collect();
    let last = code.chars().last().map(String::from).unwrap_or_default();
    format!("{first}{}{last}", "•".repeat(12))
}

impl fmt::Debug for FiscalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FiscalCode(…)")
    }
}

/// Letters where letters go, a digit or its omocode letter where digits
/// go, a month letter, a day from 1 to 31 (or 41 to 71, as women's are
/// written).
fn has_shape(bytes: &[u8]) -> bool {
    let digit_at = |position: usize| digit_value(bytes[position]);
    let letters_ok = (0..16)
        .filter(|position| !DIGIT_POSITIONS.contains(position))
        .all(|position| bytes[position].is_ascii_uppercase());
    let digits_ok = DIGIT_POSITIONS
        .iter()
        .all(|&position| digit_at(position).is_some());
    if !(letters_ok && digits_ok && MONTH_LETTERS.contains(&bytes[8])) {
        return false;
    }
    let day = digit_at(9).unwrap_or(0) * 10 + digit_at(10).unwrap_or(0);
    (1..=31).contains(&day) || (41..=71).contains(&day)
}

/// The digit a character stands for in a digit position: itself, or the
/// omocode letter's.
fn digit_value(byte: u8) -> Option<u32> {
    match byte {
        b'0'..=b'9' => Some(u32::from(byte - b'0')),
        _ => OMOCODE_LETTERS
            .iter()
            .position(|&letter| letter == byte)
            .and_then(|digit| u32::try_from(digit).ok()),
    }
}

/// The check letter of the first fifteen characters.
fn check_letter(first_fifteen: &[u8]) -> u8 {
    let sum: u32 = first_fifteen
        .iter()
        .enumerate()
        .map(|(position, &byte)| {
            let rank = match byte {
                b'0'..=b'9' => usize::from(byte - b'0'),
                _ => usize::from(byte - b'A'),
            };
            if position % 2 == 0 {
                ODD_VALUES[rank]
            } else {
                u32::try_from(rank).unwrap_or(0)
            }
        })
        .sum();
    b'A' + u8::try_from(sum % 26).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_a_known_code_forgivingly() {
        // Published examples: the Agenzia's own and a well-known one.
        for code in ["RSSMRA80A01H501U", "MRTMTT25D09F205Z"] {
            assert_eq!(FiscalCode::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(
            FiscalCode::parse(" rssmra80a01h501u ").unwrap().as_str(),
            "RSSMRA80A01H501U"
        );
        assert_eq!(
            FiscalCode::parse("RSS MRA 80A01 H501U").unwrap().as_str(),
            "RSSMRA80A01H501U"
        );
    }

    #[test]
    fn accepts_omocodia_with_its_own_check_letter() {
        // The last digit of H501 replaced by M (1), then the next by L (0):
        // the check letter is computed over the letters.
        let once = format!(
            "RSSMRA80A01H50M{}",
            char::from(check_letter(b"RSSMRA80A01H50M"))
        );
        let twice = format!(
            "RSSMRA80A01H5LM{}",
            char::from(check_letter(b"RSSMRA80A01H5LM"))
        );
        assert!(FiscalCode::parse(&once).is_ok());
        assert!(FiscalCode::parse(&twice).is_ok());
        // An omocode letter outside the digit positions is no digit.
        assert_eq!(
            FiscalCode::parse("RSSMRA80A01H501V"),
            Err(FiscalCodeProblem::CheckLetter)
        );
    }

    #[test]
    fn refuses_what_is_not_one() {
        use FiscalCodeProblem::*;
        assert_eq!(FiscalCode::parse(""), Err(Length));
        assert_eq!(FiscalCode::parse("RSSMRA80A01H501"), Err(Length));
        assert_eq!(FiscalCode::parse("RSSMRA80A01H501UU"), Err(Length));
        // A month letter that is none, a day 32, a digit where a letter goes.
        assert_eq!(FiscalCode::parse("RSSMRA80F01H501U"), Err(Shape));
        assert_eq!(FiscalCode::parse("RSSMRA80A32H501U"), Err(Shape));
        assert_eq!(FiscalCode::parse("RSSMR080A01H501U"), Err(Shape));
        // Accented and other letters outside A–Z.
        assert_eq!(FiscalCode::parse("RSSMRÀ80A01H501U"), Err(Shape));
        assert_eq!(FiscalCode::parse("RSSMRA80A01H501A"), Err(CheckLetter));
    }

    #[test]
    fn never_shows_itself_in_debug_output() {
        let code = FiscalCode::parse("RSSMRA80A01H501U").unwrap();
        assert_eq!(format!("{code:?}"), "FiscalCode(…)");
        assert_eq!(code.masked(), "RSS••••••••••••U");
    }

    /// A random code of the right shape, omocodia at random positions, with
    /// its check letter.
    fn valid_code() -> impl Strategy<Value = String> {
        (
            "[A-Z]{6}",
            0u32..100,
            0usize..12,
            prop_oneof![1u32..=31, 41u32..=71],
            "[A-Z]",
            0u32..1000,
            proptest::collection::vec(any::<bool>(), 7),
        )
            .prop_map(|(names, year, month, day, place, number, omocodia)| {
                let mut code = format!(
                    "{names}{year:02}{}{day:02}{place}{number:03}",
                    char::from(MONTH_LETTERS[month])
                )
                .into_bytes();
                for (&position, replace) in DIGIT_POSITIONS.iter().zip(omocodia) {
                    if replace {
                        code[position] = OMOCODE_LETTERS[usize::from(code[position] - b'0')];
                    }
                }
                let check = check_letter(&code);
                code.push(check);
                String::from_utf8(code).expect("ASCII")
            })
    }

    proptest! {
        #[test]
        fn every_well_formed_code_parses(code in valid_code()) {
            prop_assert_eq!(FiscalCode::parse(&code).map(|parsed| parsed.0), Ok(code.clone()));
            prop_assert_eq!(FiscalCode::parse(&code.to_lowercase()).map(|parsed| parsed.0), Ok(code));
        }

        #[test]
        fn a_wrong_check_letter_is_refused(code in valid_code(), other in 0u8..26) {
            let mut bytes = code.into_bytes();
            prop_assume!(bytes[15] != b'A' + other);
            bytes[15] = b'A' + other;
            let changed = String::from_utf8(bytes).expect("ASCII");
            prop_assert_eq!(FiscalCode::parse(&changed), Err(FiscalCodeProblem::CheckLetter));
        }

        #[test]
        fn anything_typed_is_answered_without_panicking(typed in "\\PC{0,24}") {
            let _ = FiscalCode::parse(&typed);
        }
    }
}
