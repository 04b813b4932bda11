//! Rules for `alarms.events`: each entry a preset or a pattern, a pattern EventBridge accepts
//! ("Creating event patterns": an object whose values are arrays or objects) that selects events
//! CloudTrail delivers ("AWS service events delivered via AWS CloudTrail"), names PutRule
//! accepts and that stay unique, and what the trail must record for the rules to fire.
//!
//! Owns what an entry may say and the notes on what an existing topic must allow. Names and
//! patterns come from `derived`, as `model` reads them.

use super::rules::{required, rule};
use crate::derived::{self, CLOUDTRAIL_DETAIL_TYPES};
use crate::diag::{Code, Diagnostic};
use crate::expr::{Attr, Expr, Res};
use crate::policy;
use crate::selectors::Recorded;
use crate::source::escape_segment;
use crate::spec::{EventRule, PatternSpec, Preset, Spec};
use serde_json::Value;

/// "PutRule": Name is 1 to 64 characters of `[\.\-_A-Za-z0-9]+`; Description at most 512.
const MAX_RULE_NAME: usize = 64;
const MAX_DESCRIPTION: usize = 512;

fn base(i: usize) -> String {
    format!("/alarms/events/{i}")
}

pub fn check(spec: &Spec, rules: &[EventRule], out: &mut Vec<Diagnostic>) {
    let trail = &spec.trail.name;
    let mut seen: Vec<(String, String, usize)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let at = base(i);
        form(r, &at, out);
        if let Some(name) = &r.name {
            rule(
                out,
                Code::EventRuleName,
                &format!("{at}/name"),
                key_name_check(name),
                Some("for example `bucket-deleted`"),
            );
        }
        let rule_name = derived::event_rule_name(trail, r);
        let name_path = match (&r.rule_name, &r.name) {
            (Some(_), _) => format!("{at}/rule_name"),
            (None, Some(_)) => format!("{at}/name"),
            (None, None) => at.clone(),
        };
        rule(
            out,
            Code::EventRuleName,
            &name_path,
            rule_name_check(&rule_name),
            Some("give a shorter `rule_name`, of letters, digits, `.`, `-` and `_`"),
        );
        if let Some(d) = &r.description {
            if d.chars().count() > MAX_DESCRIPTION {
                out.push(
                    Diagnostic::error(
                        Code::EventRuleDescription,
                        format!("{at}/description"),
                        format!(
                            "a rule description is at most {MAX_DESCRIPTION} characters (PutRule); this one has {}",
                            d.chars().count()
                        ),
                    )
                    .hint("shorten it"),
                );
            }
        }
        let key = derived::event_rule_key(r);
        if let Some((_, _, first)) = seen
            .iter()
            .find(|(k, n, _)| (!key.is_empty() && *k == key) || *n == rule_name)
        {
            out.push(
                Diagnostic::error(
                    Code::EventRuleDuplicate,
                    name_path.clone(),
                    format!(
                        "rule {} has the same name as rule {first} (`{rule_name}` or `{key}`)",
                        i
                    ),
                )
                .hint("give one of them another `name`"),
            );
        }
        seen.push((key, rule_name, i));
        pattern(r, &at, out);
    }
    let n = &spec
        .alarms
        .as_ref()
        .map(|a| a.notify.clone())
        .unwrap_or_default();
    if !rules.is_empty() {
        let existing = if let Some(arn) = &n.topic_arn {
            Some(("/alarms/notify/topic_arn", arn.clone()))
        } else if n.delivery_topic {
            spec.sns
                .settings()
                .and_then(|s| s.topic_arn)
                .map(|arn| ("/alarms/notify/delivery_topic", arn))
        } else {
            None
        };
        if let Some((path, arn)) = existing {
            if super::names::arn(&arn, "sns", &[]).is_ok() {
                out.push(existing_topic_note(spec, rules, path, &arn));
            }
        }
    }
}

/// Exactly one of `preset` and `pattern`, a `name` with a pattern, and the sign-in options only
/// on the sign-in preset.
fn form(r: &EventRule, at: &str, out: &mut Vec<Diagnostic>) {
    let mut error = |path: String, message: String, hint: &str| {
        out.push(Diagnostic::error(Code::EventRuleForm, path, message).hint(hint));
    };
    match (&r.preset, &r.pattern) {
        (Some(_), Some(_)) => error(
            format!("{at}/pattern"),
            "a rule is a `preset` or a `pattern`, not both".into(),
            "remove `preset`, or remove `pattern`",
        ),
        (None, None) => error(
            at.into(),
            "a rule needs a `preset` (`console_sign_in`, `root_activity`) or a `pattern`".into(),
            "add `preset: console_sign_in`, or `pattern: {detail-type: [AWS API Call via CloudTrail], ...}`",
        ),
        (None, Some(_)) if r.name.is_none() => error(
            at.into(),
            "a rule with a `pattern` needs a `name`, which names its resources".into(),
            "add `name: bucket-deleted` (lowercase letters, digits, `-`, `_`)",
        ),
        _ => {}
    }
    if r.preset != Some(Preset::ConsoleSignIn) {
        for (field, set) in [
            ("failures_only", r.failures_only),
            ("without_mfa", r.without_mfa),
        ] {
            if set {
                error(
                    format!("{at}/{field}"),
                    format!("`{field}` narrows the `console_sign_in` preset; this rule is not one"),
                    "remove it, or say it in the pattern",
                );
            }
        }
    }
}

/// `name` becomes resource names in both targets: what custom alarm names may be.
fn key_name_check(name: &str) -> Result<(), String> {
    let ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let starts = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let len = name.chars().count();
    if !(1..=64).contains(&len) || !ok || !starts {
        return Err(format!("a rule's `name` is 1 to 64 lowercase letters, digits, `-` and `_`, starting with a letter; `{name}` is not"));
    }
    Ok(())
}

fn rule_name_check(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 || len > MAX_RULE_NAME {
        return Err(format!(
            "EventBridge rule name `{name}` has {len} characters; PutRule takes 1 to {MAX_RULE_NAME}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(format!(
            "EventBridge rule name `{name}` holds `{c}`; PutRule takes letters, digits, `.`, `-` and `_`"
        ));
    }
    Ok(())
}

/// The pattern parses, has EventBridge's shape and selects CloudTrail events.
fn pattern(r: &EventRule, at: &str, out: &mut Vec<Diagnostic>) {
    let path = format!("{at}/pattern");
    let value = match derived::event_pattern(r) {
        Ok(Some(v)) => v,
        Ok(None) => return,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    Code::EventPatternJson,
                    path,
                    format!(
                        "the pattern is not valid JSON, at line {} column {} of its text: {}",
                        e.line, e.column, e.message
                    ),
                )
                .inside(e.line, e.column)
                .hint("paste the pattern as the console shows it, or write it as a mapping"),
            );
            return;
        }
    };
    // Inside a mapping the source knows every key's position; inside text, only the field's.
    let located = matches!(r.pattern, Some(PatternSpec::Mapping(_)));
    let mut shape = Vec::new();
    match &value {
        Value::Object(m) if !m.is_empty() => shape_of(&value, "", &mut shape),
        _ => shape.push((
            String::new(),
            "the pattern must be a non-empty JSON object".to_string(),
        )),
    }
    if let Some((inner, message)) = shape.into_iter().next() {
        let (p, m) = if located {
            (format!("{path}{inner}"), message)
        } else {
            let field = inner.trim_start_matches('/').replace('/', ".");
            (path.clone(), format!("{message} (at `{field}`)"))
        };
        out.push(Diagnostic::error(Code::EventPatternShape, p, m).hint(
            "EventBridge matches values listed in arrays: `eventName: [DeleteBucket]`, not `eventName: DeleteBucket`",
        ));
        return;
    }
    let types = value.get("detail-type");
    let listed: Vec<&str> = match types {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let count = types.and_then(Value::as_array).map_or(0, Vec::len);
    let stranger = listed.iter().find(|t| !CLOUDTRAIL_DETAIL_TYPES.contains(t));
    let problem = match (types, stranger) {
        (None, _) => Some("it has no `detail-type`, so it would match events of every service, not only those CloudTrail delivers".to_string()),
        (Some(_), Some(t)) => Some(format!("`detail-type` `{t}` is not one CloudTrail delivers")),
        (Some(_), None) if listed.len() != count => {
            Some("`detail-type` must list the CloudTrail event types as plain strings".into())
        }
        _ => None,
    };
    if let Some(why) = problem {
        let p = if located && types.is_some() {
            format!("{path}/detail-type")
        } else {
            path
        };
        let hint = if stranger
            .is_some_and(|t| t.eq_ignore_ascii_case("AWS Console Signin via CloudTrail"))
        {
            "sign-in events carry `AWS Console Sign In via CloudTrail`".to_string()
        } else {
            format!(
                "list some of: {}",
                CLOUDTRAIL_DETAIL_TYPES.map(|t| format!("`{t}`")).join(", ")
            )
        };
        out.push(
            Diagnostic::error(
                Code::EventPatternNotCloudtrail,
                p,
                format!("the pattern does not select CloudTrail events: {why}"),
            )
            .hint(hint),
        );
    }
}

/// Every value of an object is a non-empty object or a non-empty array (of values or of
/// content filters, which are objects). Finds `(json pointer, problem)`.
fn shape_of(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let Value::Object(m) = v else { return };
    for (k, value) in m {
        let here = format!("{at}/{}", escape_segment(k));
        match value {
            Value::Object(inner) if inner.is_empty() => out.push((
                here,
                format!("`{k}` is an empty object, which matches nothing"),
            )),
            Value::Object(_) => shape_of(value, &here, out),
            Value::Array(a) if a.is_empty() => out.push((
                here,
                format!("`{k}` is an empty array, which matches nothing"),
            )),
            Value::Array(a) => {
                if a.iter().any(|x| matches!(x, Value::Array(_))) {
                    out.push((here, format!("`{k}` holds an array in an array")));
                }
            }
            other => out.push((
                here,
                format!(
                    "`{k}` is {}; EventBridge matches only values listed in an array",
                    match other {
                        Value::String(_) => "a string",
                        Value::Number(_) => "a number",
                        Value::Bool(_) => "a boolean",
                        _ => "null",
                    }
                ),
            )),
        }
    }
}

/// What the trail records, against what the rules match: EventBridge receives CloudTrail's API
/// call and console events only from a trail that logs management events ("AWS service events
/// delivered via AWS CloudTrail").
pub fn recorded(spec: &Spec, r: Recorded, out: &mut Vec<Diagnostic>) {
    let Some(a) = &spec.alarms else { return };
    region(spec, a.events.as_slice(), out);
    if r.management() {
        return;
    }
    for (i, rule) in a.events.iter().enumerate() {
        let Ok(Some(pattern)) = derived::event_pattern(rule) else {
            continue;
        };
        let management = pattern
            .get("detail-type")
            .and_then(Value::as_array)
            .is_some_and(|t| {
                t.iter().any(|t| {
                    matches!(
                        t.as_str(),
                        Some(
                            derived::API_CALL
                                | derived::SIGN_IN
                                | "AWS Console Action via CloudTrail"
                        )
                    )
                })
            });
        if management {
            out.push(
                Diagnostic::warning(
                    Code::EventRuleNeedsManagementEvents,
                    base(i),
                    "the rule matches API calls or console events, but the trail records no management events, so CloudTrail sends it none from this trail",
                )
                .hint("record management events (`events.management: all`), or match data events only"),
            );
        }
    }
}

/// "AWS Management Console sign-in events": sign-ins through the global endpoint, and the IAM
/// calls of global services, reach EventBridge in US East (N. Virginia) only, where a rule
/// elsewhere never sees them.
fn region(spec: &Spec, rules: &[EventRule], out: &mut Vec<Diagnostic>) {
    let Some(home) = spec.trail.home_region.as_deref() else {
        return;
    };
    if home == "us-east-1" {
        return;
    }
    for (i, r) in rules.iter().enumerate() {
        let Some(p) = r.preset else { continue };
        out.push(
            Diagnostic::warning(
                Code::EventRuleRegion,
                base(i),
                format!("the `{}` rule is created in {home}, but console sign-ins through the global endpoint, of the root user and IAM users, reach EventBridge in us-east-1 only", p.as_str()),
            )
            .hint("deploy a spec with these rules in us-east-1 too (`trail.home_region: us-east-1`), or silence this warning if your users sign in through a regional endpoint"),
        );
    }
}

/// What an existing topic the rules notify must allow, from `policy` itself.
fn existing_topic_note(spec: &Spec, rules: &[EventRule], path: &str, arn: &str) -> Diagnostic {
    let known = |r, a| (r == Res::AlertsTopic && a == Attr::Arn).then(|| arn.to_string());
    let names: Vec<String> = rules
        .iter()
        .map(|r| derived::event_rule_name(&spec.trail.name, r))
        .collect();
    let topic = policy::Policy {
        statements: vec![policy::events_publish(
            Expr::Attr(Res::AlertsTopic, Attr::Arn),
            &names,
        )],
    };
    let (sids, words) = required(&topic, &known);
    Diagnostic::note(
        Code::ExistingTopicEventsPolicy,
        path,
        format!("the existing topic's policy must let EventBridge publish for the rules of `alarms.events`: {sids}, as trailsmith writes it for a topic it creates; a key encrypting the topic must let `events.amazonaws.com` use it (kms:GenerateDataKey*, kms:Decrypt)"),
    )
    .hint(format!("{words} (\"Amazon SNS permissions\" in the EventBridge User Guide)"))
}
