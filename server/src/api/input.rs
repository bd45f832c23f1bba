//! Reading request bodies: size limits, media types, strict JSON with every
//! error located by a JSON Pointer, and the rules' problems at their
//! pointers. Parsers never panic, whatever the bytes (property-tested).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use pratiche_domain::intake::event::{CLOCK_SKEW, EXTENSION_DAYS};
use pratiche_domain::intake::registration::earliest_submission;
use pratiche_domain::intake::{Kind, Problem};
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

/// The rules' problems ([`pratiche_domain::intake`]) as one 422, each at
/// its JSON Pointer under `base`; `member` names a field as the request
/// spells it.
pub fn invalid<F: Copy>(
    problems: &[Problem<F>],
    base: &str,
    member: impl Fn(F) -> &'static str,
) -> ApiError {
    ApiError::Invalid(
        problems
            .iter()
            .map(|problem| {
                let member = member(problem.field);
                FieldError::new(
                    format!("{base}/{member}"),
                    problem.kind.code(),
                    detail(member, &problem.kind),
                )
            })
            .collect(),
    )
}

/// What a problem means, for the developer reading the answer.
fn detail(member: &str, kind: &Kind) -> String {
    match kind {
        Kind::Required => "required; must not be empty".into(),
        Kind::TooLong { max } => format!("at most {max} characters"),
        Kind::ControlCharacters => "control characters are not allowed".into(),
        Kind::OutOfRange => match member {
            "extension_days" => format!(
                "from {} to {} days",
                EXTENSION_DAYS.start(),
                EXTENSION_DAYS.end()
            ),
            "observations_on" => "must be between the submission and the event".into(),
            "submitted_on" => format!("must be between {} and today", earliest_submission()),
            _ => "out of range".into(),
        },
        Kind::InvalidDate => "not a date as YYYY-MM-DD".into(),
        Kind::InvalidTime => "not a time as HH:MM".into(),
        Kind::InvalidInstant => {
            "not an RFC 3339 instant with an offset, e.g. 2026-11-20T10:30:00+01:00".into()
        }
        Kind::BeforeSubmission => "before the pratica was submitted".into(),
        Kind::InFuture => format!(
            "in the future (more than {} minutes ahead of the server's clock)",
            CLOCK_SKEW.num_minutes()
        ),
        Kind::BeforeEvent => "before the event".into(),
        Kind::PersonalData(found) => {
            let kinds: Vec<String> = found
                .iter()
                .map(|kind| format!("{kind:?}").to_lowercase())
                .collect();
            format!(
                "the public note seems to hold personal data ({}); remove it, or send confirm_personal_data: true",
                kinds.join(", ")
            )
        }
        Kind::UnknownState => "not a state of the pratica's procedure type".into(),
        Kind::ReplyByNeedsRequest => {
            "a reply-by date goes only with a request for documents".into()
        }
        Kind::TransitionNotAllowed => "the procedure type does not allow this state after the one in effect when the event happened".into(),
        Kind::BreaksLaterEvent => {
            "filed at this time, the event would make a later event an illegal transition".into()
        }
        Kind::BeforeRegistration => "before the pratica's first event".into(),
        Kind::UnknownProcedureType => "not one of your body's procedure types".into(),
        Kind::ReferenceTaken => "another pratica of your body has this own reference".into(),
        Kind::InvalidEmail => "not an e-mail address, e.g. nome@esempio.it".into(),
        Kind::ConsentMissing => {
            "the applicant's address needs their consent: send email_consent: true".into()
        }
        Kind::InvalidFiscalCode => {
            "not a codice fiscale: 16 characters with a matching check letter".into()
        }
        Kind::IoNotConfigured => {
            "your body has not set up App IO: a body admin enters its IO service key first".into()
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

    proptest! {
        #[test]
        fn json_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_json::<Batch>(&bytes, "/0");
        }

        #[test]
        fn json_like_text_never_panics(text in r#"[\[\]{}",:0-9a-z\\ -]{0,200}"#) {
            let _ = parse_json::<Batch>(text.as_bytes(), "");
        }

    }
}

/// Strategies for the "never panics" properties of the API's inputs: request
/// bodies shaped as the API expects, most of which parse, so that the checks
/// behind the parser run on odd values instead of on bytes that never get
/// past it.
#[cfg(test)]
pub(crate) mod shaped_json {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use serde_json::{Map, Value};

    /// What a member holds when it has the type the API expects.
    #[derive(Clone, Copy, Debug)]
    pub enum Shape {
        Text,
        Email,
        Date,
        Instant,
        Integer,
        Flag,
    }

    /// Whether a member may be left out or null.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Presence {
        Required,
        Optional,
    }

    /// Values of the member's type: mostly plausible ones (so some requests
    /// pass every check), then odd and oversized ones.
    fn typed(shape: Shape) -> BoxedStrategy<Value> {
        match shape {
            Shape::Text => prop_oneof![
                6 => "[A-Za-z0-9 ./'-]{1,30}",
                2 => "\\PC{0,40}",
                // Past every limit.
                1 => "\\PC{490,700}",
            ]
            .prop_map(Value::from)
            .boxed(),
            Shape::Email => prop_oneof![
                4 => "[a-z]{1,8}(\\.[a-z]{1,8})?@[a-z]{1,8}\\.(it|eu)",
                1 => "\\PC{0,30}",
            ]
            .prop_map(Value::from)
            .boxed(),
            Shape::Date => prop_oneof![
                4 => (2020i32..2027, 1u32..=12, 1u32..=28)
                    .prop_map(|(year, month, day)| format!("{year}-{month:02}-{day:02}")),
                1 => "(19|20|29)[0-9]{2}-[01][0-9]-[0-3][0-9]",
                1 => "\\PC{0,12}",
            ]
            .prop_map(Value::from)
            .boxed(),
            Shape::Instant => prop_oneof![
                4 => (1u32..=30, 0u32..24, 0u32..60)
                    .prop_map(|(day, hour, minute)| format!("2026-11-{day:02}T{hour:02}:{minute:02}:00+01:00")),
                1 => "(19|20|29)[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,9})?(Z|[+-][01][0-9]:[0-5][0-9])",
                1 => "\\PC{0,30}",
            ]
            .prop_map(Value::from)
            .boxed(),
            Shape::Integer => prop_oneof![
                8 => (-5i64..400).prop_map(Value::from),
                1 => any::<i64>().prop_map(Value::from),
                1 => any::<f64>().prop_map(Value::from),
            ]
            .boxed(),
            Shape::Flag => any::<bool>().prop_map(Value::from).boxed(),
        }
    }

    fn any_other() -> BoxedStrategy<Value> {
        prop_oneof![
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,10}".prop_map(Value::from),
            Just(Value::Array(Vec::new())),
            Just(Value::Object(Map::new())),
        ]
        .boxed()
    }

    /// A member: mostly well-typed; an optional one often missing or null, a
    /// required one rarely; now and then of another type.
    fn member(shape: Shape, presence: Presence) -> BoxedStrategy<Option<Value>> {
        let absent = if presence == Presence::Optional {
            12
        } else {
            1
        };
        prop_oneof![
            36 => typed(shape).prop_map(Some),
            absent => Just(Some(Value::Null)),
            absent => Just(None),
            1 => any_other().prop_map(Some),
        ]
        .boxed()
    }

    /// JSON objects with these members.
    pub fn object(
        members: &[(&'static str, Shape, Presence)],
    ) -> impl Strategy<Value = Value> + use<> {
        let members: Vec<_> = members
            .iter()
            .map(|&(name, shape, presence)| {
                member(shape, presence).prop_map(move |value| (name, value))
            })
            .collect();
        members.prop_map(|members| {
            Value::Object(
                members
                    .into_iter()
                    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
                    .collect(),
            )
        })
    }

    /// Asserts that of 400 bodies of `strategy` (the same ones every run)
    /// enough parse for the checks to run, and that the checks refuse some
    /// and accept a few: `outcome` is `None` for a body that does not parse,
    /// else whether the checks accept it.
    pub fn assert_bodies_reach_the_checks<S: Strategy<Value = Value>>(
        strategy: S,
        outcome: impl Fn(&Value) -> Option<bool>,
    ) {
        let outcomes: Vec<_> = sample(strategy, 400).iter().map(outcome).collect();
        let parsed = outcomes.iter().filter(|outcome| outcome.is_some()).count();
        let refused = outcomes
            .iter()
            .filter(|outcome| **outcome == Some(false))
            .count();
        eprintln!("{parsed} of 400 parsed, {refused} of them refused by the checks");
        assert!(parsed >= 120, "{parsed} of 400 parsed");
        assert!(refused >= 40, "{refused} of 400 refused by the checks");
        assert!(
            parsed - refused >= 3,
            "{} of 400 accepted",
            parsed - refused
        );
    }

    /// `count` values of `strategy`, the same ones every run.
    pub fn sample<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
        let mut runner = TestRunner::deterministic();
        (0..count)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect()
    }
}
