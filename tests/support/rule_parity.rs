//! Part of `tests/golden.rs`: both targets carry the same EventBridge rules of `alarms.events`
//! (name, description, state, the pattern compared as parsed JSON, and the one target by id and
//! topic), and the comparison sees a change to any of them.
//!
//! It uses the neutral spelling of `golden.rs` (`cfn_value`, `tf_str`); a pattern is read back
//! through it, so Terraform's `$${` escape is undone before the JSON is compared.

use super::{built, cfn_value, parsed, tf_str, Case};
use serde_json::Value;
use trailsmith::Target;

/// The pattern as JSON, whatever its spacing: what EventBridge would read.
fn pattern(text: &str) -> String {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("pattern {text}: {e}"));
    v.to_string()
}

fn cfn_rules(template: &Value) -> Vec<String> {
    let mut rules: Vec<String> = template["Resources"]
        .as_object()
        .expect("Resources")
        .values()
        .filter(|r| r["Type"] == "AWS::Events::Rule")
        .map(|r| {
            let p = &r["Properties"];
            let targets: Vec<String> = p["Targets"]
                .as_array()
                .expect("Targets")
                .iter()
                .map(|t| format!("{}={}", cfn_value(&t["Id"]), cfn_value(&t["Arn"])))
                .collect();
            line(
                &cfn_value(&p["Name"]),
                &cfn_value(&p["Description"]),
                &cfn_value(&p["State"]),
                &cfn_value(&p["EventPattern"]),
                &targets,
            )
        })
        .collect();
    rules.sort();
    rules
}

/// One rule as both targets are compared: the same words in the same order for each.
fn line(
    name: &str,
    description: &str,
    state: &str,
    event_pattern: &str,
    targets: &[String],
) -> String {
    format!(
        "{name} [{description}] {state} pattern={} targets={}",
        pattern(event_pattern),
        targets.join(",")
    )
}

fn tf_rules(config: &Value) -> Vec<String> {
    let r = &config["resource"];
    let targets = r["aws_cloudwatch_event_target"].as_object();
    let mut rules: Vec<String> = r["aws_cloudwatch_event_rule"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(key, b)| {
                    let mine: Vec<String> = targets
                        .iter()
                        .flat_map(|t| t.values())
                        .filter(|t| {
                            t["rule"].as_str()
                                == Some(&format!("${{aws_cloudwatch_event_rule.{key}.name}}"))
                        })
                        .map(|t| format!("{}={}", tf_str(&t["target_id"]), tf_str(&t["arn"])))
                        .collect();
                    line(
                        &tf_str(&b["name"]),
                        &tf_str(&b["description"]),
                        &tf_str(&b["state"]),
                        &tf_str(&b["event_pattern"]),
                        &mine,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules
}

#[test]
fn both_targets_notify_through_the_same_event_rules() {
    let mut with_rules = 0;
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let cfn = cfn_rules(&template);
        assert_eq!(
            cfn,
            tf_rules(&config),
            "event rules differ between targets for {}",
            example.display()
        );
        with_rules += usize::from(!cfn.is_empty());
    }
    assert!(with_rules >= 3, "expected the event rule cases and example");
}

#[test]
fn the_rule_comparison_sees_a_change() {
    let example = Case::whole("tests/cases/alarms-events-encrypted.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let config: Value = parsed(&example, Target::Terraform);
    let cfn = cfn_rules(&template);
    assert_eq!(cfn, tf_rules(&config));
    // The `${` of the spec's pattern is text in both: `$${` in Terraform, plain in CloudFormation.
    assert!(
        cfn.iter().any(|r| r.contains(r#"{"prefix":"tmp-${"}"#)),
        "{cfn:?}"
    );
    for (kind, field, value) in [
        (
            "aws_cloudwatch_event_rule",
            "event_pattern",
            r#"{"detail-type":["AWS API Call via CloudTrail"]}"#,
        ),
        ("aws_cloudwatch_event_rule", "name", "Other"),
        ("aws_cloudwatch_event_rule", "state", "DISABLED"),
        (
            "aws_cloudwatch_event_target",
            "arn",
            "arn:aws:sns:us-east-1:111122223333:other",
        ),
    ] {
        let mut changed = config.clone();
        let body = &mut changed["resource"][kind]["temp_bucket_policy"];
        assert!(body.get(field).is_some(), "{kind}.{field}");
        body[field] = Value::from(value);
        assert_ne!(cfn, tf_rules(&changed), "{kind}.{field}");
    }
}
