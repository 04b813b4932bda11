//! The model's metric filters, alarms and alerts topic as Terraform resources.
//!
//! Owns their addresses (`aws_cloudwatch_log_metric_filter.<key>`,
//! `aws_cloudwatch_metric_alarm.<key>`, `aws_sns_topic.alerts`, `aws_sns_topic_policy.alerts`,
//! `aws_sns_topic_subscription.alerts_<key>`, and the delivery topic's
//! `aws_sns_topic_subscription.trail_<key>`) and argument names, checked against the provider
//! schema by the golden test. Like its parent, it makes no decisions.

use super::{address, expr, text, with_tags, Blocks};
use crate::emit::{fields, number, object};
use crate::expr::{Attr, Expr, Res};
use crate::model::{Model, Subscription};
use serde_json::{json, Value};

/// A new topic's subscriptions, as `aws_sns_topic_subscription.<prefix>_<key>` (`alerts`,
/// `trail`).
pub(super) fn add_subscriptions(
    resources: &mut Blocks,
    prefix: &str,
    topic: &Value,
    subscriptions: &[Subscription],
) {
    for s in subscriptions {
        resources.add(
            "aws_sns_topic_subscription",
            &format!("{prefix}_{}", s.key),
            object([
                ("topic_arn", topic.clone()),
                ("protocol", json!(s.protocol)),
                ("endpoint", text(&s.endpoint)),
            ]),
        );
    }
}

pub(super) fn add(model: &Model, resources: &mut Blocks, data: &mut Blocks) {
    if let Some(t) = &model.alerts_topic {
        let body = fields(vec![
            ("name", Some(text(&t.name))),
            ("kms_master_key_id", t.kms_key.as_ref().map(expr)),
        ]);
        resources.resource(address(Res::AlertsTopic), with_tags(body, model));
        let topic = expr(&Expr::Attr(Res::AlertsTopic, Attr::Arn));
        let policy = data.policy("alerts_topic", &t.policy);
        resources.resource(
            address(Res::AlertsTopicPolicy),
            json!({"arn": topic, "policy": policy}),
        );
        add_subscriptions(resources, "alerts", &topic, &t.subscriptions);
    }
    for f in &model.metric_filters {
        resources.add(
            "aws_cloudwatch_log_metric_filter",
            &f.key,
            object([
                ("name", text(&f.name)),
                ("pattern", text(&f.pattern)),
                ("log_group_name", expr(&f.log_group_name)),
                (
                    "metric_transformation",
                    object([
                        ("name", text(&f.metric)),
                        ("namespace", text(&f.namespace)),
                        ("value", json!(f.value)),
                    ]),
                ),
            ]),
        );
    }
    for a in &model.alarms {
        let body = fields(vec![
            ("alarm_name", Some(text(&a.name))),
            ("alarm_description", Some(text(&a.description))),
            ("metric_name", Some(text(&a.metric))),
            ("namespace", Some(text(&a.namespace))),
            ("statistic", Some(json!(a.statistic))),
            ("period", Some(json!(a.period))),
            ("evaluation_periods", Some(json!(a.evaluation_periods))),
            ("threshold", Some(number(a.threshold))),
            ("comparison_operator", Some(json!(a.comparison))),
            ("treat_missing_data", Some(json!(a.treat_missing_data))),
            (
                "alarm_actions",
                Some(Value::Array(a.actions.iter().map(expr).collect())),
            ),
        ]);
        resources.add(
            "aws_cloudwatch_metric_alarm",
            &a.key,
            with_tags(body, model),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_start_a_template() {
        assert_eq!(
            text(&r#"{ $.user = "${x}" && $.y = "%{z}" }"#.into()),
            json!(r#"{ $.user = "$${x}" && $.y = "%%{z}" }"#)
        );
        assert_eq!(
            expr(&Expr::Attr(Res::AlertsTopic, Attr::Arn)),
            json!("${aws_sns_topic.alerts.arn}")
        );
    }
}
