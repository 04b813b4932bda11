//! Part of `tests/golden.rs`: both targets carry the same metric filters and alarms (names,
//! chosen or derived, patterns, log group, metrics, statistic, period, evaluations, threshold,
//! comparison, missing data, actions) and the same subscriptions of the alerts and delivery
//! topics (topic, protocol, endpoint), every alarm watches a metric a filter publishes, and `cis: all` gives the
//! fifteen CIS filters and alarms, each with an action, in both targets.
//!
//! It uses the neutral spelling of deploy-time values defined in `golden.rs` (`cfn_value`,
//! `tf_str`), so both targets are read the same way.

use super::{built, cfn_value, many, parsed, set, tf_str, Case};
use serde_json::Value;
use trailsmith::Target;

/// Metric filters and alarms in neutral spelling: one sorted line per filter and per alarm.
#[derive(Debug, PartialEq)]
struct Watches {
    filters: Vec<String>,
    alarms: Vec<String>,
    subscriptions: Vec<String>,
}

fn number(v: &Value) -> String {
    v.as_f64()
        .map(|n| n.to_string())
        .unwrap_or_else(|| panic!("not a number: {v}"))
}

fn cfn_watches(template: &Value) -> Watches {
    let resources = template["Resources"].as_object().expect("Resources");
    let of_type = |kind: &str| -> Vec<&Value> {
        resources
            .values()
            .filter(|r| r["Type"] == kind)
            .map(|r| &r["Properties"])
            .collect()
    };
    let mut filters: Vec<String> = of_type("AWS::Logs::MetricFilter")
        .into_iter()
        .map(|p| {
            let [t] = p["MetricTransformations"]
                .as_array()
                .expect("one")
                .as_slice()
            else {
                panic!("one transformation per filter")
            };
            format!(
                "{} group={} pattern={} metric={}/{} value={}",
                cfn_value(&p["FilterName"]),
                cfn_value(&p["LogGroupName"]),
                cfn_value(&p["FilterPattern"]),
                cfn_value(&t["MetricNamespace"]),
                cfn_value(&t["MetricName"]),
                cfn_value(&t["MetricValue"]),
            )
        })
        .collect();
    let mut alarms: Vec<String> = of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .map(|p| {
            format!(
                "{} [{}] metric={}/{} {} period={} evaluations={} {} {} missing={} actions={}",
                cfn_value(&p["AlarmName"]),
                cfn_value(&p["AlarmDescription"]),
                cfn_value(&p["Namespace"]),
                cfn_value(&p["MetricName"]),
                cfn_value(&p["Statistic"]),
                number(&p["Period"]),
                number(&p["EvaluationPeriods"]),
                cfn_value(&p["ComparisonOperator"]),
                number(&p["Threshold"]),
                cfn_value(&p["TreatMissingData"]),
                set(many(p.get("AlarmActions"))
                    .into_iter()
                    .map(cfn_value)
                    .collect()),
            )
        })
        .collect();
    let mut subscriptions: Vec<String> = of_type("AWS::SNS::Subscription")
        .into_iter()
        .map(|p| {
            format!(
                "{} {} {}",
                cfn_value(&p["TopicArn"]),
                cfn_value(&p["Protocol"]),
                cfn_value(&p["Endpoint"]),
            )
        })
        .collect();
    filters.sort();
    alarms.sort();
    subscriptions.sort();
    Watches {
        filters,
        alarms,
        subscriptions,
    }
}

fn tf_watches(config: &Value) -> Watches {
    let r = &config["resource"];
    let bodies = |kind: &str| -> Vec<Value> {
        r[kind]
            .as_object()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    };
    let mut filters: Vec<String> = bodies("aws_cloudwatch_log_metric_filter")
        .iter()
        .map(|b| {
            let t = &b["metric_transformation"];
            format!(
                "{} group={} pattern={} metric={}/{} value={}",
                tf_str(&b["name"]),
                tf_str(&b["log_group_name"]),
                tf_str(&b["pattern"]),
                tf_str(&t["namespace"]),
                tf_str(&t["name"]),
                tf_str(&t["value"]),
            )
        })
        .collect();
    let mut alarms: Vec<String> = bodies("aws_cloudwatch_metric_alarm")
        .iter()
        .map(|b| {
            format!(
                "{} [{}] metric={}/{} {} period={} evaluations={} {} {} missing={} actions={}",
                tf_str(&b["alarm_name"]),
                tf_str(&b["alarm_description"]),
                tf_str(&b["namespace"]),
                tf_str(&b["metric_name"]),
                tf_str(&b["statistic"]),
                number(&b["period"]),
                number(&b["evaluation_periods"]),
                tf_str(&b["comparison_operator"]),
                number(&b["threshold"]),
                tf_str(&b["treat_missing_data"]),
                set(many(b.get("alarm_actions"))
                    .into_iter()
                    .map(tf_str)
                    .collect()),
            )
        })
        .collect();
    let mut subscriptions: Vec<String> = bodies("aws_sns_topic_subscription")
        .iter()
        .map(|b| {
            format!(
                "{} {} {}",
                tf_str(&b["topic_arn"]),
                tf_str(&b["protocol"]),
                tf_str(&b["endpoint"]),
            )
        })
        .collect();
    filters.sort();
    alarms.sort();
    subscriptions.sort();
    Watches {
        filters,
        alarms,
        subscriptions,
    }
}

#[test]
fn both_targets_watch_with_the_same_filters_and_alarms() {
    let mut watched = 0;
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let (cfn, tf) = (cfn_watches(&template), tf_watches(&config));
        assert_eq!(
            cfn,
            tf,
            "filters or alarms differ between targets for {}",
            example.display()
        );
        // Every alarm watches a metric that one of the filters publishes.
        for alarm in &cfn.alarms {
            let metric = alarm
                .split(" metric=")
                .nth(1)
                .and_then(|m| m.split(' ').next())
                .expect("metric");
            assert!(
                cfn.filters
                    .iter()
                    .any(|f| f.contains(&format!(" metric={metric} "))),
                "{}: no filter publishes {metric}",
                example.display()
            );
        }
        watched += usize::from(!cfn.alarms.is_empty());
    }
    assert!(
        watched >= 5,
        "expected the alarm cases and examples/cis.yaml"
    );
}

#[test]
fn the_alarm_comparison_sees_a_change() {
    let example = Case::whole("tests/cases/alarms-custom.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let mut config: Value = parsed(&example, Target::Terraform);
    assert_eq!(cfn_watches(&template), tf_watches(&config));
    config["resource"]["aws_cloudwatch_metric_alarm"]["bucket_deleted"]["threshold"] =
        Value::from(2);
    assert_ne!(cfn_watches(&template), tf_watches(&config));
}

/// The delivery topic's subscriptions, chosen names and `treat_missing_data` reach both targets
/// alike, and the comparison sees each of them change.
#[test]
fn chosen_names_missing_data_and_delivery_subscriptions_match() {
    let example = Case::whole("tests/cases/notify-subscriptions-names.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let config: Value = parsed(&example, Target::Terraform);
    let cfn = cfn_watches(&template);
    assert_eq!(cfn, tf_watches(&config));
    assert!(cfn
        .alarms
        .iter()
        .any(|a| a.starts_with("BucketDeleted [") && a.contains(" missing=missing ")));
    assert!(cfn
        .filters
        .iter()
        .any(|f| f.starts_with("RootAccountUsageFilter group=")));
    let delivery = cfn
        .subscriptions
        .iter()
        .filter(|s| !s.contains("alerts"))
        .count();
    assert_eq!((cfn.subscriptions.len(), delivery), (4, 3), "{cfn:?}");
    let r = &config["resource"];
    for (kind, name, field, value) in [
        (
            "aws_cloudwatch_metric_alarm",
            "bucket_deleted",
            "treat_missing_data",
            "ignore",
        ),
        (
            "aws_cloudwatch_metric_alarm",
            "bucket_deleted",
            "alarm_name",
            "Other",
        ),
        (
            "aws_cloudwatch_log_metric_filter",
            "bucket_deleted",
            "name",
            "Other",
        ),
        (
            "aws_sns_topic_subscription",
            "trail_sqs_log_deliveries",
            "endpoint",
            "arn:aws:sqs:eu-west-1:111122223333:other",
        ),
    ] {
        let mut changed = config.clone();
        changed["resource"][kind][name][field] = Value::from(value);
        assert!(r[kind][name].get(field).is_some(), "{kind}.{name}.{field}");
        assert_ne!(cfn, tf_watches(&changed), "{kind}.{name}.{field}");
    }
}

#[test]
fn cis_all_gives_fifteen_filters_and_alarms_with_actions_in_both_targets() {
    for case in ["examples/cis.yaml", "tests/cases/alarms-cis-all.yaml"] {
        let example = Case::whole(case);
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = parsed(&example, Target::Terraform);
        for watches in [cfn_watches(&template), tf_watches(&config)] {
            assert_eq!(watches.filters.len(), 15, "{case}");
            assert_eq!(watches.alarms.len(), 15, "{case}");
            for alarm in &watches.alarms {
                let actions = alarm.rsplit(" actions=").next().unwrap_or_default();
                assert!(!actions.is_empty(), "{case}: {alarm} has no action");
            }
        }
        let filters = cfn_watches(&template).filters;
        for control in &trailsmith::cis::CONTROLS {
            assert!(
                filters
                    .iter()
                    .any(|f| f.contains(&format!(" pattern={} metric=", control.pattern))),
                "{case}: no filter with the pattern of {}",
                control.name
            );
        }
    }
}
