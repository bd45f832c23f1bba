//! Case codes (docs/rules.md, Case codes): 12 Crockford base32 symbols (60 random bits) plus one
//! Crockford mod-37 check symbol, shown as `XXXX-XXXX-XXXX-C`.

use std::fmt;
use std::str::FromStr;

/// The 32 data symbols, in value order.
const DATA_SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The 37 check symbols: the data symbols, then `* ~ $ = U`.
const CHECK_SYMBOLS: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// Number of data symbols in a code.
pub const DATA_LEN: usize = 12;
/// Number of symbols in a code, check symbol included.
pub const CODE_LEN: usize = DATA_LEN + 1;
const VALUE_LIMIT: u64 = 1 << (5 * DATA_LEN);

/// A well-formed case code: its 60-bit value. The check symbol follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseCode(u64);

/// Why some input is not a case code. The check symbol is public, so these
/// answers reveal nothing about which codes exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code is empty")]
    Empty,
    #[error("the code has {found} of its {CODE_LEN} symbols")]
    Incomplete { found: usize },
    #[error("the code has {found} symbols, more than {CODE_LEN}")]
    TooLong { found: usize },
    /// A character that can never occur, or a check-only symbol (`* ~ $ = U`)
    /// among the first twelve. `position` counts symbols from 1.
    #[error("the symbol {symbol:?} cannot occur at position {position}")]
    InvalidSymbol { symbol: char, position: usize },
    #[error("the check symbol does not match the rest of the code")]
    WrongCheck,
}

impl CaseCode {
    /// Builds a code from the low 60 bits of `value`.
    pub fn from_value(value: u64) -> Self {
        Self(value % VALUE_LIMIT)
    }

    /// The 60-bit value behind the code.
    pub fn value(self) -> u64 {
        self.0
    }

    /// A fresh code from the operating system's CSPRNG.
    #[cfg(feature = "generate")]
    pub fn generate() -> Self {
        Self::from_value(rand::random::<u64>())
    }

    /// The 13 symbols, without separators.
    pub fn compact(self) -> String {
        let mut symbols = String::with_capacity(CODE_LEN);
        for index in (0..DATA_LEN).rev() {
            let digit = (self.0 >> (5 * index)) & 0x1f;
            symbols.push(char::from(DATA_SYMBOLS[digit as usize]));
        }
        symbols.push(self.check_symbol());
        symbols
    }

    /// The first symbols of the code, safe to write to logs.
    pub fn redacted(self) -> String {
        format!("{}…", &self.compact()[..4])
    }

    fn check_symbol(self) -> char {
        char::from(CHECK_SYMBOLS[(self.0 % 37) as usize])
    }

    /// Reads what a citizen typed: case-insensitive, spaces and hyphens (or
    /// other dashes) ignored, `I` and `L` read as `1`, `O` as `0`.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let symbols: Vec<char> = normalise(input).collect();
        if symbols.is_empty() {
            return Err(CodeError::Empty);
        }
        for (index, &symbol) in symbols.iter().enumerate() {
            let allowed: &[u8] = if index < DATA_LEN {
                DATA_SYMBOLS
            } else {
                CHECK_SYMBOLS
            };
            if !symbol.is_ascii() || !allowed.contains(&(symbol as u8)) {
                return Err(CodeError::InvalidSymbol {
                    symbol,
                    position: index + 1,
                });
            }
        }
        match symbols.len() {
            found if found < CODE_LEN => return Err(CodeError::Incomplete { found }),
            found if found > CODE_LEN => return Err(CodeError::TooLong { found }),
            _ => {}
        }
        let value = symbols[..DATA_LEN]
            .iter()
            .fold(0u64, |value, &symbol| (value << 5) | data_value(symbol));
        let code = Self(value);
        if code.check_symbol() == symbols[DATA_LEN] {
            Ok(code)
        } else {
            Err(CodeError::WrongCheck)
        }
    }
}

/// How many symbols the input holds once separators are dropped; the island
/// uses it to decide when to speak.
pub fn symbol_count(input: &str) -> usize {
    normalise(input).count()
}

/// Fewest symbols in what [`looks_like_code`] treats as a code: two thirds of
/// one.
const CODE_LIKE_MIN: usize = 8;

/// Whether `input` may be a code or most of one (typed with a mistake, cut
/// short, or with a symbol too many): at least 8 and at most 14 symbols once
/// separators are dropped, each one a code could hold. Logs redact such
/// text, so not even a mistyped code is written whole.
pub fn looks_like_code(input: &str) -> bool {
    let mut count = 0;
    for symbol in normalise(input) {
        if !symbol.is_ascii() || !CHECK_SYMBOLS.contains(&(symbol as u8)) {
            return false;
        }
        count += 1;
    }
    (CODE_LIKE_MIN..=CODE_LEN + 1).contains(&count)
}

fn normalise(input: &str) -> impl Iterator<Item = char> + '_ {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '−' | '_' | '.')
}

fn data_value(symbol: char) -> u64 {
    DATA_SYMBOLS
        .iter()
        .position(|&s| char::from(s) == symbol)
        .expect("symbols are checked before their value is read") as u64
}

/// Shown as `XXXX-XXXX-XXXX-C`.
impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let compact = self.compact();
        write!(
            f,
            "{}-{}-{}-{}",
            &compact[0..4],
            &compact[4..8],
            &compact[8..12],
            &compact[12..]
        )
    }
}

impl FromStr for CaseCode {
    type Err = CodeError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_code() -> impl Strategy<Value = CaseCode> {
        (0..VALUE_LIMIT).prop_map(CaseCode)
    }

    #[test]
    fn reads_forgiving_input() {
        let code = CaseCode::from_value(0x0123_4567_89AB_CDEF);
        let shown = code.to_string();
        let messy = format!("  {} ", shown.to_lowercase().replace('-', " - "));
        assert_eq!(CaseCode::parse(&messy), Ok(code));
    }

    #[test]
    fn reads_i_l_o_as_digits() {
        let code = CaseCode::from_value(0); // 0000-0000-0000-0
        assert_eq!(code.to_string(), "0000-0000-0000-0");
        assert_eq!(CaseCode::parse("oOoO-0000-0000-o"), Ok(code));
        let one = CaseCode::from_value(1);
        assert_eq!(one.to_string(), "0000-0000-0001-1");
        assert_eq!(CaseCode::parse("0000 0000 000l-I"), Ok(one));
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(CaseCode::parse(" - "), Err(CodeError::Empty));
        assert_eq!(
            CaseCode::parse("ABCD-EFGH"),
            Err(CodeError::Incomplete { found: 8 })
        );
        assert_eq!(
            CaseCode::parse("0000-0000-0000-00"),
            Err(CodeError::TooLong { found: 14 })
        );
        assert_eq!(
            CaseCode::parse("00U0-0000-0000-0"),
            Err(CodeError::InvalidSymbol {
                symbol: 'U',
                position: 3
            })
        );
        assert_eq!(
            CaseCode::parse("0000-0000-0000-#"),
            Err(CodeError::InvalidSymbol {
                symbol: '#',
                position: 13
            })
        );
        assert_eq!(
            CaseCode::parse("0000-0000-0000-1"),
            Err(CodeError::WrongCheck)
        );
    }

    #[test]
    fn uses_every_check_symbol() {
        // value % 37 == 36 gives the last check symbol, U.
        let code = CaseCode::from_value(36);
        assert!(code.to_string().ends_with("-U"));
        assert_eq!(CaseCode::parse(&code.to_string()), Ok(code));
        assert_eq!(CaseCode::from_value(32).to_string(), "0000-0000-0010-*");
    }

    #[cfg(feature = "generate")]
    #[test]
    fn generated_codes_differ() {
        let codes: std::collections::HashSet<_> = (0..1000).map(|_| CaseCode::generate()).collect();
        assert_eq!(codes.len(), 1000);
    }

    #[test]
    fn tells_what_looks_like_a_code() {
        assert!(looks_like_code("JYRH-CM4Q-3DY4-B"));
        assert!(looks_like_code("jyrhcm4q3dy4z"));
        assert!(looks_like_code("JYRH-CM4Q"));
        assert!(!looks_like_code("JYRH"));
        assert!(!looks_like_code("prot. 2026/13877"));
        assert!(!looks_like_code("12345"));
        assert!(!looks_like_code("JYRH-CM4Q-3DY4-B-JYRH-CM4Q"));
    }

    proptest! {
        #[test]
        fn every_code_and_every_typo_of_one_looks_like_a_code(code in any_code(), cut in 8usize..=13) {
            prop_assert!(looks_like_code(&code.to_string()));
            prop_assert!(looks_like_code(&code.compact().to_lowercase()));
            prop_assert!(looks_like_code(&code.compact()[..cut]));
        }

        #[test]
        fn looking_never_panics(input in "\\PC{0,60}") {
            let _ = looks_like_code(&input);
        }

        #[test]
        fn round_trips(code in any_code()) {
            prop_assert_eq!(CaseCode::parse(&code.to_string()), Ok(code));
            prop_assert_eq!(CaseCode::parse(&code.compact().to_lowercase()), Ok(code));
        }

        #[test]
        fn catches_every_single_substitution(code in any_code()) {
            let symbols: Vec<char> = code.compact().chars().collect();
            for position in 0..CODE_LEN {
                let alphabet: &[u8] = if position < DATA_LEN { DATA_SYMBOLS } else { CHECK_SYMBOLS };
                for &other in alphabet.iter().chain(CHECK_SYMBOLS) {
                    let other = char::from(other);
                    if other == symbols[position] {
                        continue;
                    }
                    let mut typo = symbols.clone();
                    typo[position] = other;
                    let typo: String = typo.into_iter().collect();
                    prop_assert!(CaseCode::parse(&typo).is_err(), "{} accepted", typo);
                }
            }
        }

        #[test]
        fn catches_every_adjacent_transposition(code in any_code()) {
            let symbols: Vec<char> = code.compact().chars().collect();
            for position in 0..CODE_LEN - 1 {
                if symbols[position] == symbols[position + 1] {
                    continue;
                }
                let mut typo = symbols.clone();
                typo.swap(position, position + 1);
                let typo: String = typo.into_iter().collect();
                prop_assert!(CaseCode::parse(&typo).is_err(), "{} accepted", typo);
            }
        }

        #[test]
        fn never_panics_on_any_input(input in "\\PC{0,40}") {
            let _ = CaseCode::parse(&input);
        }
    }
}
