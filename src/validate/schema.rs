//! Shape checks: the spec's own JSON Schema applied with the `jsonschema` crate.
//!
//! Owns turning schema errors into located diagnostics in plain words. It must not hold AWS rules;
//! the schema is generated from `spec`, so the shape is defined in one place only.

use super::suggest::did_you_mean;
use crate::derived::DEFAULT_RETENTION_DAYS;
use crate::diag::{Code, Diagnostic};
use crate::source::escape_segment;
use crate::spec::patterns::RETENTION_DAYS;
use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::Value;
use std::sync::OnceLock;

/// The spec's shape as a validator generated when trailsmith is built, from the committed schema
/// less the patterns `validate` words through its own rules (`spec::shape_schema_text`;
/// tests/schema.rs proves both files are what the spec types generate). Building a validator at
/// run time (parsing the schema, checking it against the 2020-12 meta-schema, compiling it) was
/// two thirds of a one-spec run.
#[jsonschema::validator(path = "schemas/trail-spec.shape.json")]
struct Shape;

/// The schema as JSON, read only to explain an error (the fields an object allows, the forms an
/// `anyOf` accepts): a valid spec never needs it.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../schemas/trail-spec.schema.json"))
            .unwrap_or(Value::Null)
    })
}

/// Every shape error of `value`, each with its JSON path (positions are added by the caller).
pub fn check(value: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for error in Shape::iter_errors(value) {
        describe(&error, value, schema(), &mut out);
    }
    null_retention(value, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    out.dedup();
    // A value of the wrong type also breaks its range or pattern; the type is the one to fix.
    let mistyped: Vec<String> = out
        .iter()
        .filter(|d| d.code == Code::WrongType)
        .map(|d| d.path.clone())
        .collect();
    out.retain(|d| d.code == Code::WrongType || !mistyped.contains(&d.path));
    out
}

/// `retention_days: null` has no accepted form, like any other wrong value, but it is a choice
/// half made: a null reads as "no retention", which is how both targets spell events that never
/// expire (a log group without `RetentionInDays`), while leaving the key out means the default.
/// The generic "not an accepted form" is replaced by one that names both, at the key.
fn null_retention(value: &Value, out: &mut Vec<Diagnostic>) {
    const PATH: &str = "/cloudwatch_logs/retention_days";
    if value.pointer(PATH) != Some(&Value::Null) {
        return;
    }
    out.retain(|d| d.path != PATH);
    out.push(
        Diagnostic::error(
            Code::RetentionNull,
            PATH,
            "`retention_days` is null, which could mean the default retention or events that never expire",
        )
        .at_key()
        .hint(format!(
            "write `retention_days: never` to keep events forever, or leave the key out for the default of {DEFAULT_RETENTION_DAYS} days"
        )),
    );
}

/// Whether an AWS rule judges what this schema error says, and words it better: the retention's
/// list of days (the rule names the nearest allowed value). The schema carries the list for
/// editors; `tests/schema.rs` proves each value it refuses is an error of `validate` too. (The
/// patterns of `spec::patterns::RULED` are the same case, left out of the validator's schema.)
fn ruled(error: &ValidationError<'_>, root: &Value) -> bool {
    match error.kind() {
        ValidationErrorKind::Enum { options } => {
            error.instance_path().to_string() == RETENTION
                && options
                    .as_array()
                    .is_some_and(|o| o.iter().all(Value::is_u64))
                && root
                    .pointer(RETENTION)
                    .is_none_or(|v| whole(v).is_none_or(|n| retention_range(n).is_ok()))
        }
        _ => false,
    }
}

const RETENTION: &str = "/cloudwatch_logs/retention_days";

/// Days within the retention's range, or the limit crossed. The validator checks a value against
/// the list of days and not the range (the list implies it), so the range is said here.
fn retention_range(days: i128) -> Result<(), u32> {
    let (first, last) = (RETENTION_DAYS[0], RETENTION_DAYS[RETENTION_DAYS.len() - 1]);
    match days {
        n if n < i128::from(first) => Err(first),
        n if n > i128::from(last) => Err(last),
        _ => Ok(()),
    }
}

/// A JSON integer of any size serde_json keeps exactly.
fn whole(value: &Value) -> Option<i128> {
    value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
}

fn describe(error: &ValidationError<'_>, root: &Value, schema: &Value, out: &mut Vec<Diagnostic>) {
    if ruled(error, root) {
        return;
    }
    let path = error.instance_path().to_string();
    let found = root.pointer(&path).map(short).unwrap_or_default();
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_fields(schema, &error.schema_path().to_string());
            for name in unexpected {
                if let Some(d) = super::lake::key(&path, name) {
                    out.push(d);
                    continue;
                }
                let mut d = Diagnostic::error(
                    Code::UnknownField,
                    format!("{path}/{}", escape_segment(name)),
                    format!("unknown field `{name}` in {}", where_(&path)),
                )
                .at_key();
                if !allowed.is_empty() {
                    let guess = did_you_mean(name, allowed.iter().map(String::as_str))
                        .map(|g| format!("{g} "))
                        .unwrap_or_default();
                    d = d.hint(format!(
                        "{guess}allowed fields here: {}",
                        allowed.join(", ")
                    ));
                }
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            out.push(
                Diagnostic::error(
                    Code::MissingField,
                    path.clone(),
                    format!("missing required field `{name}` in {}", where_(&path)),
                )
                .hint(format!("add `{name}:` here")),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let options = options.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut d = Diagnostic::error(
                Code::NotOneOf,
                path.as_str(),
                format!(
                    "{found} is not one of: {}",
                    options.iter().map(short).collect::<Vec<_>>().join(", ")
                ),
            );
            if let Some(guess) = root
                .pointer(&path)
                .and_then(Value::as_str)
                .and_then(|word| did_you_mean(word, options.iter().filter_map(Value::as_str)))
            {
                d = d.hint(guess);
            }
            out.push(d);
        }
        ValidationErrorKind::Type { .. } => {
            let expected = expected_of(&error.to_string());
            let (what, hint) = describe_type(&expected);
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    path,
                    format!("expected {what}, found {found}"),
                )
                .hint(hint),
            );
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            out.push(Diagnostic::error(
                Code::OutOfRange,
                path,
                format!("{found} is out of range (limit {limit})"),
            ));
        }
        ValidationErrorKind::AnyOf { context } => any_of(&path, &found, context, root, schema, out),
        _ => out.push(Diagnostic::error(Code::Schema, path, error.to_string())),
    }
}

/// `anyOf` covers forms such as `kms: false | {...}` and `management: all | {...}`. When the value
/// has the shape of one branch (an object against the object branch), that branch's own errors
/// are the useful ones; otherwise say which forms are accepted.
fn any_of(
    path: &str,
    found: &str,
    context: &[Vec<ValidationError<'static>>],
    root: &Value,
    schema: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let context: Vec<Vec<&ValidationError<'static>>> = context
        .iter()
        .map(|errors| errors.iter().filter(|e| !ruled(e, root)).collect())
        .collect();
    // A form that fails only on what a rule judges is the form meant: the rule speaks.
    if context.iter().any(Vec::is_empty) {
        return;
    }
    if path == RETENTION {
        if let Some(Err(limit)) = root.pointer(path).and_then(whole).map(retention_range) {
            out.push(Diagnostic::error(
                Code::OutOfRange,
                path,
                format!("{found} is out of range (limit {limit})"),
            ));
            return;
        }
    }
    let same_shape = context.iter().find(|errors| {
        !errors.is_empty()
            && !errors.iter().any(|e| {
                e.instance_path().to_string() == path
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. } | ValidationErrorKind::Enum { .. }
                    )
            })
    });
    if let Some(errors) = same_shape {
        for e in errors {
            describe(e, root, schema, out);
        }
        return;
    }
    let forms: Vec<String> = context
        .iter()
        .flat_map(|errors| errors.iter())
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Type { .. } => Some(describe_type(&expected_of(&e.to_string())).0),
            ValidationErrorKind::Enum { options } => options
                .as_array()
                .map(|a| a.iter().map(short).collect::<Vec<_>>().join(" | ")),
            _ => None,
        })
        .collect();
    let mut d = Diagnostic::error(
        Code::WrongForm,
        path,
        format!(
            "{found} is not an accepted form; expected {}",
            forms.join(", or ")
        ),
    );
    let words: Vec<&str> = context
        .iter()
        .flat_map(|errors| errors.iter())
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Enum { options } => options.as_array(),
            _ => None,
        })
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(guess) = root
        .pointer(path)
        .and_then(Value::as_str)
        .and_then(|word| did_you_mean(word, words))
    {
        d = d.hint(guess);
    }
    out.push(d);
}

/// Pulls the expected JSON type out of a jsonschema type error (`x is not of type "boolean"`,
/// `x is not of types "null", "integer"`); `null` only stands for "may be left out".
fn expected_of(message: &str) -> String {
    let types = message
        .rsplit_once("of type")
        .map(|(_, t)| t.trim_start_matches('s'))
        .unwrap_or("");
    types
        .split(',')
        .map(|t| t.trim().trim_matches('"'))
        .filter(|t| !t.is_empty() && *t != "null")
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A JSON type in YAML words, and how to write it.
fn describe_type(json_type: &str) -> (String, &'static str) {
    match json_type {
        "boolean" => ("true or false".into(), "write true or false without quotes"),
        "string" => ("text".into(), "put the value in quotes"),
        "integer" | "number" => ("a number".into(), "write the number without quotes"),
        "object" => (
            "a mapping".into(),
            "indent `key: value` lines under this key",
        ),
        "array" => (
            "a list".into(),
            "write a list: `[a, b]`, or lines starting with `- `",
        ),
        other => (
            other.to_string(),
            "see `trailsmith schema` for the accepted form",
        ),
    }
}

/// The property names a schema object allows, found beside its `additionalProperties` keyword.
fn allowed_fields(schema: &Value, schema_path: &str) -> Vec<String> {
    let Some(parent) = schema_path.strip_suffix("/additionalProperties") else {
        return Vec::new();
    };
    schema
        .pointer(&format!("{parent}/properties"))
        .and_then(Value::as_object)
        .map(|props| {
            props
                .keys()
                .filter(|k| !k.starts_with('$'))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

fn where_(path: &str) -> String {
    if path.is_empty() {
        "the spec".to_string()
    } else {
        format!("`{path}`")
    }
}

/// A value as the user would write it, cut short.
fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("`{s}`"),
        Value::Object(_) => "a mapping".to_string(),
        Value::Array(_) => "a list".to_string(),
        other => format!("`{other}`"),
    };
    if text.chars().count() > 60 {
        format!("{}…`", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(value: Value) -> Vec<(String, Code)> {
        check(&value)
            .into_iter()
            .map(|d| (d.path, d.code))
            .collect()
    }

    #[test]
    fn schema_compiles_and_accepts_a_minimal_spec() {
        assert!(schema().is_object());
        assert!(check(&json!({"version": 1, "trail": {"name": "audit"}})).is_empty());
    }

    #[test]
    fn unknown_fields_name_the_key_and_list_the_allowed_ones() {
        let diags = check(&json!({"version": 1, "trail": {"name": "a", "nmae": "b"}}));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::UnknownField);
        assert_eq!(diags[0].path, "/trail/nmae");
        assert!(diags[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("multi_region"));
    }

    #[test]
    fn near_misses_get_a_did_you_mean() {
        let hint = |value: Value| {
            check(&value)
                .first()
                .and_then(|d| d.hint.clone())
                .unwrap_or_default()
        };
        let trail = json!({"name": "a", "multi-region": true});
        assert!(hint(json!({"version": 1, "trail": trail}))
            .starts_with("did you mean `multi_region`? allowed"));
        let data = json!([{"type": "AWS::S3::Object", "all": true, "read_write": "ReadOnly"}]);
        let events = json!({"data": data});
        assert_eq!(
            hint(json!({"version": 1, "trail": {"name": "a"}, "events": events})),
            "did you mean `read_only`?"
        );
        let events = json!({"management": "writeonly"});
        assert_eq!(
            hint(json!({"version": 1, "trail": {"name": "a"}, "events": events})),
            "did you mean `write_only`?"
        );
        let far = json!({"management": "everything"});
        assert_eq!(
            hint(json!({"version": 1, "trail": {"name": "a"}, "events": far})),
            ""
        );
    }

    #[test]
    fn every_error_is_reported() {
        let found = codes(json!({"version": 2, "trail": {"multi_region": "yes"}, "kms": 3}));
        assert!(
            found.contains(&("/version".into(), Code::OutOfRange)),
            "{found:?}"
        );
        assert!(
            found.contains(&("/trail".into(), Code::MissingField)),
            "{found:?}"
        );
        assert!(
            found.contains(&("/trail/multi_region".into(), Code::WrongType)),
            "{found:?}"
        );
        assert!(
            found.contains(&("/kms".into(), Code::WrongForm)),
            "{found:?}"
        );
    }

    #[test]
    fn a_null_retention_asks_for_never_or_the_default() {
        let logs = json!({"retention_days": null});
        let diags = check(&json!({"version": 1, "trail": {"name": "a"}, "cloudwatch_logs": logs}));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(
            (diags[0].code, diags[0].path.as_str(), diags[0].at_key),
            (Code::RetentionNull, "/cloudwatch_logs/retention_days", true)
        );
        let hint = diags[0].hint.clone().unwrap_or_default();
        assert!(
            hint.contains("`retention_days: never`") && hint.contains("365 days"),
            "{hint}"
        );
        let logs = json!({"retention_days": "never"});
        assert!(
            check(&json!({"version": 1, "trail": {"name": "a"}, "cloudwatch_logs": logs}))
                .is_empty()
        );
        let logs = json!({"retention_days": "forever"});
        let found = codes(json!({"version": 1, "trail": {"name": "a"}, "cloudwatch_logs": logs}));
        assert_eq!(
            found,
            vec![(
                "/cloudwatch_logs/retention_days".to_string(),
                Code::WrongForm
            )]
        );
    }

    #[test]
    fn an_object_in_an_any_of_reports_its_own_errors() {
        let found = codes(json!({"version": 1, "trail": {"name": "a"}, "kms": {"alais": "x"}}));
        assert_eq!(found, vec![("/kms/alais".to_string(), Code::UnknownField)]);
        let found =
            codes(json!({"version": 1, "trail": {"name": "a"}, "events": {"management": "most"}}));
        assert_eq!(
            found,
            vec![("/events/management".to_string(), Code::WrongForm)]
        );
    }
}
