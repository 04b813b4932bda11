//! The committed JSON Schema (`schemas/trail-spec.schema.json`) is what the spec types generate,
//! and editors that use it accept every shipped example.
//!
//! After changing `src/spec.rs`: `cargo run -- schema > schemas/trail-spec.schema.json`, then
//! `TRAILSMITH_BLESS=1 cargo test --test schema` for the validator's copy beside it.

use serde_json::Value;

const COMMITTED: &str = "schemas/trail-spec.schema.json";

#[test]
fn committed_schema_is_fresh() {
    let committed = std::fs::read_to_string(COMMITTED).expect("schema committed");
    assert!(
        committed == trailsmith::spec::schema_text(),
        "{COMMITTED} is stale: run `cargo run -- schema > {COMMITTED}`"
    );
}

/// The validator's copy: the committed schema less the patterns `validate` words itself.
#[test]
fn committed_shape_is_fresh() {
    const SHAPE: &str = "schemas/trail-spec.shape.json";
    let fresh = trailsmith::spec::shape_schema_text();
    if std::env::var_os("TRAILSMITH_BLESS").is_some() {
        std::fs::write(SHAPE, &fresh).expect("shape written");
    }
    let committed = std::fs::read_to_string(SHAPE).expect("shape committed");
    assert!(
        committed == fresh,
        "{SHAPE} is stale: run `TRAILSMITH_BLESS=1 cargo test --test schema`"
    );
    let full = std::fs::read_to_string(COMMITTED).expect("schema committed");
    for pattern in trailsmith::spec::patterns::RULED {
        let quoted = serde_json::to_string(pattern).expect("a string");
        assert!(full.contains(&quoted), "{pattern} is in {COMMITTED}");
        assert!(
            !committed.contains(&quoted),
            "{pattern} is left out of {SHAPE}"
        );
    }
}

#[test]
fn examples_follow_the_committed_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut checked = 0;
    for entry in std::fs::read_dir("examples").expect("examples/") {
        let path = entry.expect("entry").path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !matches!(ext, "yaml" | "yml" | "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc = trailsmith::source::parse(&text).expect("parses");
        let errors: Vec<String> = validator
            .iter_errors(&doc.value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
fn the_schema_rejects_what_the_types_reject() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let bad = serde_json::json!({"version": 1, "trail": {"name": "a", "colour": "red"}});
    assert!(
        !validator.is_valid(&bad),
        "unknown fields must be refused (deny_unknown_fields)"
    );
    let bad = serde_json::json!({"version": 1, "trail": {"name": "abc"}, "kms": "yes"});
    assert!(!validator.is_valid(&bad));
}

/// A spec with one value set at `path`; the rest is valid.
fn spec_with(path: &str, value: &str) -> Value {
    let mut spec = serde_json::json!({
        "version": 1,
        "trail": {"name": "org-audit", "home_region": "eu-west-1", "organization": {"id": "o-a1b2c3d4e5"}},
        "accounts": {"log_archive": "111111111111", "management": "222222222222"},
        "bucket": {"name": "acme-audit-logs", "writer_accounts": ["333333333333"],
                   "access_logging": {"target_bucket": "acme-access-logs"}},
        "events": {"data": [{"type": "AWS::S3::Object", "all": true}]},
        "cloudwatch_logs": {"retention_days": 365}
    });
    *spec.pointer_mut(path).expect("a path of the base spec") = Value::from(value);
    spec
}

/// Each pattern and list the schema carries for editors (`spec::patterns`), with values it must
/// refuse and values it must accept. `validate` leaves these to its own AWS rules, so each value
/// the schema refuses must be an error of `validate` at the same path: the editor never flags
/// what the CLI accepts.
const FORMS: &[(&str, &[&str], &[&str])] = &[
    (
        "/trail/name",
        &["-audit", "org..audit", "org audit", "org-audit-"],
        &["org-audit", "a1.b_c-d"],
    ),
    (
        "/trail/home_region",
        &["EU-WEST-1", "eu_west_1", "euwest1", "eu-west", "eu-west-1a"],
        &["eu-west-1", "us-gov-west-1", "ap-southeast-7"],
    ),
    (
        "/trail/organization/id",
        &["o-ABCDEFGHIJ", "o-short", "org-a1b2c3d4e5"],
        &["o-a1b2c3d4e5"],
    ),
    (
        "/accounts/log_archive",
        &["11111111111", "1111-1111-1111", "acme"],
        &["444444444444"],
    ),
    (
        "/accounts/management",
        &["2222222222222"],
        &["555555555555"],
    ),
    ("/bucket/writer_accounts/0", &["3333"], &["666666666666"]),
    (
        "/bucket/name",
        &["Acme-Audit", "acme_audit", "acme-${Account}", "acme audit"],
        &["acme-audit-logs", "acme-${account}-${region}"],
    ),
    (
        "/bucket/access_logging/target_bucket",
        &["Access_Logs"],
        &["acme-access-logs"],
    ),
    (
        "/events/data/0/type",
        &[
            "s3object",
            "AWS::S3",
            "AWS::S3::Object::Version",
            "aws::s3::object",
        ],
        &["AWS::S3::Object", "AWS::DynamoDB::Table"],
    ),
];

fn committed_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).expect("schema")).expect("JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn what_the_schema_refuses_validate_refuses_at_the_same_path() {
    let validator = committed_validator();
    for (path, bad, good) in FORMS {
        for value in *good {
            let spec = spec_with(path, value);
            let errors: Vec<String> = validator
                .iter_errors(&spec)
                .map(|e| e.to_string())
                .collect();
            assert!(
                errors.is_empty(),
                "{path} = {value:?}: the schema refuses it: {errors:?}"
            );
        }
        for value in *bad {
            let spec = spec_with(path, value);
            assert!(
                !validator.is_valid(&spec),
                "{path} = {value:?}: the schema accepts it"
            );
            let checked = trailsmith::validate::check(&spec.to_string());
            let at_path = checked.diagnostics.iter().any(|d| {
                d.severity == trailsmith::diag::Severity::Error && d.path.starts_with(path)
            });
            assert!(
                at_path,
                "{path} = {value:?}: the schema refuses it but validate finds no error there: {:?}",
                checked.diagnostics
            );
        }
    }
}

#[test]
fn every_pattern_of_the_schema_is_tested_or_judged_by_the_schema_alone() {
    fn patterns(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("pattern", Value::String(p)) => out.push(p.clone()),
                        _ => patterns(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).expect("schema")).expect("JSON");
    let mut found = Vec::new();
    patterns(&schema, &mut found);
    for pattern in found {
        // A pattern validate leaves to its rules must have rows in FORMS (RULED lists them);
        // any other pattern is enforced by the schema itself, with the shape's own error.
        if trailsmith::spec::patterns::RULED.contains(&pattern.as_str()) {
            continue;
        }
        assert_eq!(
            pattern, r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$",
            "a new pattern: add it to spec::patterns::RULED with rows in FORMS, or here"
        );
    }
    assert!(FORMS.len() >= trailsmith::spec::patterns::RULED.len());
}

#[test]
fn the_retention_lists_the_days_cloudwatch_logs_accepts() {
    let validator = committed_validator();
    let with = |days: Value| {
        let mut spec = spec_with("/trail/name", "org-audit");
        spec["cloudwatch_logs"]["retention_days"] = days;
        spec
    };
    for days in trailsmith::spec::patterns::RETENTION_DAYS {
        assert!(validator.is_valid(&with(days.into())), "{days}");
    }
    assert!(validator.is_valid(&with("never".into())));
    for bad in [Value::from(366), Value::from(0), Value::from("forever")] {
        assert!(!validator.is_valid(&with(bad.clone())), "{bad}");
        let checked = trailsmith::validate::check(&with(bad.clone()).to_string());
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.severity == trailsmith::diag::Severity::Error
                    && d.path == "/cloudwatch_logs/retention_days"),
            "{bad}: {:?}",
            checked.diagnostics
        );
    }
}

#[test]
fn the_schema_has_no_format_a_strict_validator_does_not_know() {
    let text = std::fs::read_to_string(COMMITTED).expect("schema");
    for format in ["uint", "int8", "int16", "int32", "int64", "float", "double"] {
        assert!(
            !text.contains(&format!("\"format\": \"{format}")),
            "`format: {format}...` makes Ajv's strict mode refuse the schema"
        );
    }
}
