//! `alarms.events`: EventBridge rules on the events CloudTrail delivers to the default event bus,
//! as the user means them (a preset, or a pattern of their own).
//!
//! Owns the shape of an entry. What a pattern may say (valid JSON, a CloudTrail pattern, values
//! in arrays) is `validate::event_rules`; the preset patterns, names and the topic policy are
//! resolved by `derived` and `model`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

/// An EventBridge rule on CloudTrail events that notifies the alerts topic (`alarms.notify`),
/// without CloudWatch Logs in between. Give either `preset` or `pattern`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRule {
    /// A ready-made pattern: `console_sign_in` (every console sign-in) or `root_activity` (API
    /// calls and console sign-ins of the root user).
    #[serde(default)]
    pub preset: Option<Preset>,
    /// An event pattern of your own: a mapping, or the JSON text as the EventBridge console shows
    /// it. It must select CloudTrail events (`detail-type` such as `AWS API Call via
    /// CloudTrail`).
    #[serde(default)]
    pub pattern: Option<PatternSpec>,
    /// Up to 64 lowercase letters, digits, `-` and `_`, starting with a letter: names the
    /// resources in both targets, and the rule `<trail name>-<name>` unless `rule_name` says
    /// otherwise. Required with `pattern`; a preset defaults to its own name with `-`
    /// (`console-sign-in`).
    #[serde(default)]
    pub name: Option<String>,
    /// EventBridge rule name (default `<trail name>-<name>`): 1 to 64 letters, digits, `.`, `-`
    /// and `_`.
    #[serde(default)]
    pub rule_name: Option<String>,
    /// Rule description, up to 512 characters (default: says what the rule matches).
    #[serde(default)]
    pub description: Option<String>,
    /// With `preset: console_sign_in`: only failed sign-ins (`responseElements.ConsoleLogin` is
    /// `Failure`).
    #[serde(default)]
    pub failures_only: bool,
    /// With `preset: console_sign_in`: only sign-ins without MFA (`additionalEventData.MFAUsed`
    /// is `No`).
    #[serde(default)]
    pub without_mfa: bool,
}

/// A ready-made rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Every sign-in to the AWS Management Console ("AWS Management Console sign-in events").
    ConsoleSignIn,
    /// Any API call or console sign-in whose `userIdentity.type` is `Root`.
    RootActivity,
}

impl Preset {
    /// As the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::ConsoleSignIn => "console_sign_in",
            Preset::RootActivity => "root_activity",
        }
    }
}

/// An event pattern: a mapping, or JSON text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PatternSpec {
    /// The pattern as a mapping (YAML or JSON).
    Mapping(Map<String, Value>),
    /// The pattern as JSON text, as pasted from the console.
    Json(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pattern_is_a_mapping_or_text() {
        let r: EventRule =
            serde_json::from_value(json!({"name": "x", "pattern": {"source": ["aws.s3"]}}))
                .expect("mapping");
        assert!(matches!(r.pattern, Some(PatternSpec::Mapping(_))));
        let r: EventRule =
            serde_json::from_value(json!({"name": "x", "pattern": "{\"source\": [\"aws.s3\"]}"}))
                .expect("text");
        assert!(matches!(r.pattern, Some(PatternSpec::Json(_))));
        let r: EventRule =
            serde_json::from_value(json!({"preset": "console_sign_in"})).expect("preset");
        assert_eq!(r.preset, Some(Preset::ConsoleSignIn));
        assert!(serde_json::from_value::<EventRule>(json!({"pattern": 3})).is_err());
        assert!(serde_json::from_value::<EventRule>(json!({"preset": "sign_in"})).is_err());
    }
}
