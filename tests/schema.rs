//! The committed JSON Schema (`schemas/trail-spec.schema.json`) is what the spec types generate,
//! and editors that use it accept every shipped example.
//!
//! After changing `src/spec.rs`: `cargo run -- schema > schemas/trail-spec.schema.json`.

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
