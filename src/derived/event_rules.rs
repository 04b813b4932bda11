//! What an `alarms.events` entry implies: its key, its EventBridge rule name and its event
//! pattern as data (a preset's, or the user's parsed).
//!
//! Read by `validate::event_rules`, which judges the names and patterns, and by `model`, which
//! writes them, so the check and the output agree. It reports nothing and decides no resource.

use crate::spec::{EventRule, PatternSpec, Preset};
use serde_json::{json, Map, Value};

/// The `detail-type` of each kind of event CloudTrail sends to the default event bus ("AWS
/// service events delivered via AWS CloudTrail", EventBridge User Guide). The page's list spells
/// the sign-in type `AWS Console Signin via CloudTrail`; the events themselves, and the examples
/// of "AWS Management Console sign-in events" (CloudTrail User Guide), carry `Sign In`.
pub const CLOUDTRAIL_DETAIL_TYPES: [&str; 5] = [
    API_CALL,
    SIGN_IN,
    "AWS Console Action via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Insight via CloudTrail",
];
pub const API_CALL: &str = "AWS API Call via CloudTrail";
pub const SIGN_IN: &str = "AWS Console Sign In via CloudTrail";

/// snake_case, unique among the rules: names the resources in both targets.
pub fn event_rule_key(r: &EventRule) -> String {
    short_name(r).replace('-', "_")
}

/// The entry's `name`, or its preset's with `-`.
pub fn short_name(r: &EventRule) -> String {
    match (&r.name, r.preset) {
        (Some(n), _) => n.clone(),
        (None, Some(p)) => p.as_str().replace('_', "-"),
        (None, None) => String::new(),
    }
}

/// `<trail>-<name>` unless `rule_name` is given.
pub fn event_rule_name(trail: &str, r: &EventRule) -> String {
    r.rule_name
        .clone()
        .unwrap_or_else(|| format!("{trail}-{}", short_name(r)))
}

/// The pattern of a preset. Sign-ins come from `aws.signin` ("Amazon Sign-In events delivered via
/// AWS CloudTrail", EventBridge events reference); the fields tested are those of a sign-in
/// record ("AWS Management Console sign-in events": `responseElements.ConsoleLogin`,
/// `additionalEventData.MFAUsed`).
pub fn preset_pattern(preset: Preset, failures_only: bool, without_mfa: bool) -> Value {
    match preset {
        Preset::ConsoleSignIn => {
            let mut pattern = Map::new();
            pattern.insert("source".into(), json!(["aws.signin"]));
            pattern.insert("detail-type".into(), json!([SIGN_IN]));
            let mut detail = Map::new();
            if failures_only {
                detail.insert(
                    "responseElements".into(),
                    json!({"ConsoleLogin": ["Failure"]}),
                );
            }
            if without_mfa {
                detail.insert("additionalEventData".into(), json!({"MFAUsed": ["No"]}));
            }
            if !detail.is_empty() {
                pattern.insert("detail".into(), Value::Object(detail));
            }
            Value::Object(pattern)
        }
        Preset::RootActivity => json!({
            "detail-type": [API_CALL, SIGN_IN],
            "detail": {"userIdentity": {"type": ["Root"]}}
        }),
    }
}

/// Why a pattern given as JSON text does not parse: the message, and the line and column inside
/// the text.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternSyntax {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The entry's pattern as data: its preset's, its mapping, or its text parsed. `Ok(None)` when it
/// gives neither (which `validate` reports).
pub fn event_pattern(r: &EventRule) -> Result<Option<Value>, PatternSyntax> {
    match (&r.pattern, r.preset) {
        (Some(PatternSpec::Mapping(m)), _) => Ok(Some(Value::Object(m.clone()))),
        (Some(PatternSpec::Json(text)), _) => serde_json::from_str::<Value>(text)
            .map(Some)
            .map_err(|e| PatternSyntax {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
            }),
        (None, Some(p)) => Ok(Some(preset_pattern(p, r.failures_only, r.without_mfa))),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v: Value) -> EventRule {
        serde_json::from_value(v).expect("rule")
    }

    #[test]
    fn presets_name_themselves_and_custom_rules_take_their_name() {
        let r = rule(json!({"preset": "console_sign_in"}));
        assert_eq!(event_rule_key(&r), "console_sign_in");
        assert_eq!(
            event_rule_name("org.audit", &r),
            "org.audit-console-sign-in"
        );
        let r = rule(json!({"name": "bucket-deleted", "pattern": {}, "rule_name": "Mine"}));
        assert_eq!(event_rule_key(&r), "bucket_deleted");
        assert_eq!(event_rule_name("audit", &r), "Mine");
    }

    #[test]
    fn sign_in_options_narrow_the_detail() {
        assert_eq!(
            preset_pattern(Preset::ConsoleSignIn, true, true),
            json!({"source": ["aws.signin"], "detail-type": [SIGN_IN],
                   "detail": {"responseElements": {"ConsoleLogin": ["Failure"]},
                              "additionalEventData": {"MFAUsed": ["No"]}}})
        );
        assert_eq!(
            preset_pattern(Preset::ConsoleSignIn, false, false),
            json!({"source": ["aws.signin"], "detail-type": [SIGN_IN]})
        );
    }

    #[test]
    fn text_that_is_not_json_is_located_inside_the_text() {
        let r = rule(json!({"name": "x", "pattern": "{\n  \"source\": [\"aws.s3\"\n}"}));
        let e = event_pattern(&r).expect_err("not JSON");
        assert_eq!((e.line, e.column), (3, 1));
    }
}
