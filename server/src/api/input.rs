//! Reading request bodies: size limits, media types, strict JSON with every
//! error located by a JSON Pointer, and the typed fields of the API
//! (instants, dates, trimmed texts). Parsers never panic, whatever the bytes
//! (property-tested).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::problem::{ApiError, FieldError};

/// Largest body of a single request.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Largest body of a batch.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// The body, refused with 413 beyond `limit` bytes (by its declared length
/// before reading it).
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::TooLarge { limit });
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::TooLarge { limit })
}

/// The media type of the request, without parameters, in lower case.
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Refuses anything but JSON with 415.
pub fn expect_json(headers: &HeaderMap) -> Result<(), ApiError> {
    if media_type(headers) == "application/json" {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        })
    }
}

/// Deserialises strict JSON (unknown fields refused by the types); errors
/// come back at their place, under `base` (a JSON Pointer prefix).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], base: &str) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| json_error(&error, base))?;
    deserializer
        .end()
        .map_err(|error| ApiError::Malformed(format!("not valid JSON ({error})")))?;
    Ok(value)
}

/// Deserialises an already parsed JSON value, as strictly as
/// [`parse_json`], with errors under `base`.
pub fn parse_value<T: DeserializeOwned>(
    value: serde_json::Value,
    base: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| json_error(&error, base))
}

fn json_error(error: &serde_path_to_error::Error<serde_json::Error>, base: &str) -> ApiError {
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::Malformed(format!("not valid JSON ({inner})"));
    }
    let message = inner.to_string();
    // serde_json appends " at line L column C"; the pointer says where.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message)
        .to_owned();
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "required"
    } else if message.starts_with("invalid type") {
        "invalid_type"
    } else {
        "invalid"
    };
    ApiError::Invalid(vec![FieldError::new(
        format!("{base}{}", pointer(error.path())),
        code,
        message,
    )])
}

/// A serde path as a JSON Pointer (RFC 6901).
fn pointer(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .map(|token| format!("/{}", token.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Collects the errors of one request's fields, each at its pointer.
pub struct Checked {
    base: String,
    pub errors: Vec<FieldError>,
}

impl Checked {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            errors: Vec::new(),
        }
    }

    pub fn error(&mut self, field: &str, code: &str, detail: impl Into<String>) {
        self.errors.push(FieldError::new(
            format!("{}/{field}", self.base),
            code,
            detail,
        ));
    }

    /// A trimmed text of 1 to `max` characters.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, "required", "must not be empty");
        }
        self.limit(field, value, max);
        value.to_owned()
    }

    /// A trimmed text of at most `max` characters; empty is none.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|value| !value.is_empty())?;
        self.limit(field, value, max);
        Some(value.to_owned())
    }

    fn limit(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.error(field, "too_long", format!("at most {max} characters"));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.error(
                field,
                "control_characters",
                "control characters are not allowed",
            );
        }
    }

    /// An RFC 3339 instant with an explicit offset.
    pub fn instant(&mut self, field: &str, value: &str) -> Option<DateTime<Utc>> {
        match DateTime::parse_from_rfc3339(value.trim()) {
            Ok(instant) => Some(instant.with_timezone(&Utc)),
            Err(_) => {
                self.error(
                    field,
                    "invalid_instant",
                    "not an RFC 3339 instant with an offset, e.g. 2026-11-20T10:30:00+01:00",
                );
                None
            }
        }
    }

    /// A calendar date as `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if value.len() == 10 => Some(date),
            _ => {
                self.error(field, "invalid_date", "not a date as YYYY-MM-DD");
                None
            }
        }
    }

    /// The value built from the checked fields, or every error at once.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        if self.errors.is_empty() {
            value().ok_or(ApiError::Invalid(self.errors))
        } else {
            Err(ApiError::Invalid(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        count: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Batch {
        items: Vec<Item>,
    }

    fn pointer_of(json: &str) -> (String, String) {
        match parse_json::<Batch>(json.as_bytes(), "") {
            Err(ApiError::Invalid(errors)) => (errors[0].pointer.clone(), errors[0].code.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn locates_errors_with_json_pointers() {
        assert_eq!(
            pointer_of(r#"{"items": [{"name": "a", "count": 1}, {"name": "b", "count": -1}]}"#),
            ("/items/1/count".into(), "invalid".into())
        );
        assert_eq!(
            pointer_of(r#"{"items": [{"name": "a", "count": 1, "extra": true}]}"#).1,
            "unknown_field"
        );
        assert_eq!(
            pointer_of(r#"{"items": [{"name": "a"}]}"#),
            ("/items/0".into(), "required".into())
        );
        assert!(matches!(
            parse_json::<Batch>(b"{\"items\": [", ""),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            parse_json::<Batch>(br#"{"items": []} trailing"#, ""),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn reads_instants_with_offsets_and_plain_dates() {
        let mut checked = Checked::new("");
        assert!(checked.instant("at", "2026-11-20T10:30:00+01:00").is_some());
        assert!(checked.instant("at", "2026-11-20T10:30:00Z").is_some());
        assert!(checked.errors.is_empty());
        assert!(checked.instant("at", "2026-11-20T10:30:00").is_none());
        assert!(checked.date("on", "2026-11-20").is_some());
        assert!(checked.date("on", "2026-1-5").is_none());
        assert!(checked.date("on", "20/11/2026").is_none());
        assert_eq!(checked.errors.len(), 3);
        assert_eq!(checked.errors[0].pointer, "/at");
    }

    proptest! {
        #[test]
        fn json_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_json::<Batch>(&bytes, "/0");
        }

        #[test]
        fn json_like_text_never_panics(text in r#"[\[\]{}",:0-9a-z\\ -]{0,200}"#) {
            let _ = parse_json::<Batch>(text.as_bytes(), "");
        }

        #[test]
        fn field_parsers_never_panic(text in "\\PC{0,80}") {
            let mut checked = Checked::new("");
            let _ = checked.instant("at", &text);
            let _ = checked.date("on", &text);
            let _ = checked.required_text("t", &text, 10);
            let _ = checked.optional_text("t", Some(&text), 10);
        }
    }
}
