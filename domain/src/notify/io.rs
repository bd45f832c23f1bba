//! What App IO accepts as a message's content (`MessageContentBase` in the
//! published OpenAPI of `pagopa/io-functions-services`): a subject of 10 to
//! 120 characters and a Markdown body of 80 to 10,000, counted as JSON
//! Schema counts them (code points).

use std::ops::RangeInclusive;

/// The subject's length, in characters.
pub const SUBJECT_CHARS: RangeInclusive<usize> = 10..=120;

/// The Markdown body's length, in characters.
pub const MARKDOWN_CHARS: RangeInclusive<usize> = 80..=10_000;

/// A subject and a body that App IO will take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoContent {
    subject: String,
    markdown: String,
}

/// Why a content would be refused by App IO.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IoContentProblem {
    #[error("the subject has {0} characters; App IO takes 10 to 120")]
    Subject(usize),
    #[error("the text has {0} characters; App IO takes 80 to 10,000")]
    Markdown(usize),
}

impl IoContent {
    pub fn new(subject: String, markdown: String) -> Result<Self, IoContentProblem> {
        let subject_chars = subject.chars().count();
        if !SUBJECT_CHARS.contains(&subject_chars) {
            return Err(IoContentProblem::Subject(subject_chars));
        }
        let markdown_chars = markdown.chars().count();
        if !MARKDOWN_CHARS.contains(&markdown_chars) {
            return Err(IoContentProblem::Markdown(markdown_chars));
        }
        Ok(Self { subject, markdown })
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn markdown(&self) -> &str {
        &self.markdown
    }
}

/// A subject cut to App IO's longest, with an ellipsis where it was cut.
pub fn fit_subject(subject: &str) -> String {
    let max = *SUBJECT_CHARS.end();
    if subject.chars().count() <= max {
        return subject.to_owned();
    }
    let mut cut: String = subject.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// The characters Markdown reads wherever they are: emphasis, code, links,
/// HTML, headings, tables, strikethrough, and the escape itself.
const ALWAYS_ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~'];

/// `text` as Markdown that shows it literally: the characters Markdown
/// reads anywhere are escaped with a backslash (CommonMark lets any ASCII
/// punctuation be), and at the start of a line what would make a list, a
/// rule or a heading (`-`, `+`, `=`, `1.`, `1)`). Lines lose their
/// leading spaces (four would make a code block) and stay lines (two
/// trailing spaces). Everything else is left as typed, so that a
/// renderer less strict than CommonMark shows no stray backslashes.
/// Hand-written: the Markdown crates parse or render Markdown, none writes
/// text into it.
pub fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 4);
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            escaped.push_str("  \n");
        }
        let line = line.trim_start();
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        for (position, c) in line.chars().enumerate() {
            let line_start = position == 0 && matches!(c, '-' | '+' | '=');
            let list_number = digits > 0 && position == digits && matches!(c, '.' | ')');
            if ALWAYS_ESCAPED.contains(&c) || line_start || list_number {
                escaped.push('\\');
            }
            escaped.push(c);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_limits_of_the_published_schema() {
        let text = |n: usize| "x".repeat(n);
        assert!(IoContent::new(text(10), text(80)).is_ok());
        assert!(IoContent::new(text(120), text(10_000)).is_ok());
        assert_eq!(
            IoContent::new(text(9), text(80)),
            Err(IoContentProblem::Subject(9))
        );
        assert_eq!(
            IoContent::new(text(121), text(80)),
            Err(IoContentProblem::Subject(121))
        );
        assert_eq!(
            IoContent::new(text(10), text(79)),
            Err(IoContentProblem::Markdown(79))
        );
        assert_eq!(
            IoContent::new(text(10), text(10_001)),
            Err(IoContentProblem::Markdown(10_001))
        );
        // Characters, not bytes.
        assert!(IoContent::new("è".repeat(120), "è".repeat(80)).is_ok());
    }

    #[test]
    fn escapes_what_markdown_would_read() {
        assert_eq!(
            escape_markdown("*a* [b](c) #1_2 <x>: ok."),
            "\\*a\\* \\[b\\](c) \\#1\\_2 \\<x\\>: ok."
        );
        assert_eq!(
            escape_markdown("- uno\r\n  2. due\n+3 = 3\n10) dieci"),
            "\\- uno  \n2\\. due  \n\\+3 = 3  \n10\\) dieci"
        );
    }

    proptest! {
        #[test]
        fn a_fitted_subject_is_within_the_limit_and_keeps_its_start(subject in "\\PC{0,300}") {
            let fitted = fit_subject(&subject);
            prop_assert!(fitted.chars().count() <= *SUBJECT_CHARS.end());
            let kept = fitted.trim_end_matches('…');
            prop_assert!(subject.starts_with(kept));
        }

        #[test]
        fn escaping_leaves_nothing_markdown_reads_and_loses_nothing(text in "\\PC{0,200}") {
            let escaped = escape_markdown(&text);
            let mut chars = escaped.chars().peekable();
            let mut restored = String::new();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next();
                    prop_assert!(next.is_some_and(|next| next.is_ascii_punctuation()));
                    restored.extend(next);
                } else {
                    prop_assert!(!ALWAYS_ESCAPED.contains(&c), "{} unescaped in {}", c, escaped);
                    restored.push(c);
                }
            }
            for line in escaped.split("  \n") {
                prop_assert!(!line.starts_with(['-', '+', '=', ' ']), "{}", line);
            }
            let typed: Vec<&str> = text.lines().map(str::trim_start).collect();
            prop_assert_eq!(restored, typed.join("  \n"));
        }
    }
}
