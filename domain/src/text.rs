//! The normalised form of text for searching (docs/rules.md, Data conventions): lower case, accents
//! folded, runs of spaces and punctuation made one space, so SQLite and
//! PostgreSQL answer a plain `LIKE` alike.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub fn fold_for_search(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::fold_for_search;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn folding_is_total_and_stable(text in "\\PC{0,300}") {
            let folded = fold_for_search(&text);
            prop_assert_eq!(fold_for_search(&folded), folded.clone());
            prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' '));
        }
    }

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            fold_for_search("Attività  PRODUTTIVE"),
            "attivita produttive"
        );
        assert_eq!(fold_for_search("PROT. 2026/13877"), "prot 2026 13877");
        assert_eq!(
            fold_for_search("Cambio d'uso — È così"),
            "cambio d uso e cosi"
        );
    }
}
