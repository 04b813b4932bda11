//! The model's metric filters, alarms and alerts topic as CloudFormation resources.
//!
//! Owns their logical ids (`MetricFilter<Key>`, `Alarm<Key>`, `AlertsTopic`, `AlertsTopicPolicy`,
//! `AlertsSubscription<Key>`, and the delivery topic's `TrailSubscription<Key>`) and property names. Like its parent, it makes no decisions.

use super::{expr, logical_id, policy, resource, tagged, text};
use crate::emit::{fields, number, object, pascal_case};
use crate::expr::{Attr, Expr, Res};
use crate::model::{Model, Subscription};
use serde_json::{json, Map, Value};

/// Stable logical ids, from the keys the model gives (renaming one replaces the resource).
pub fn filter_id(key: &str) -> String {
    format!("MetricFilter{}", pascal_case(key))
}

pub fn alarm_id(key: &str) -> String {
    format!("Alarm{}", pascal_case(key))
}

pub fn subscription_id(key: &str) -> String {
    format!("AlertsSubscription{}", pascal_case(key))
}

pub fn trail_subscription_id(key: &str) -> String {
    format!("TrailSubscription{}", pascal_case(key))
}

/// A new topic's subscriptions, each under the logical id `id` gives its key.
fn add_subscriptions(
    resources: &mut Map<String, Value>,
    id: fn(&str) -> String,
    topic: &Value,
    subscriptions: &[Subscription],
) {
    for s in subscriptions {
        resources.insert(
            id(&s.key),
            resource(
                "AWS::SNS::Subscription",
                &[],
                object([
                    ("TopicArn", topic.clone()),
                    ("Protocol", json!(s.protocol)),
                    ("Endpoint", text(&s.endpoint)),
                ]),
            ),
        );
    }
}

pub(super) fn add(model: &Model, resources: &mut Map<String, Value>) {
    if let Some(t) = &model.topic {
        let topic = expr(&Expr::Attr(Res::Topic, Attr::Arn));
        add_subscriptions(resources, trail_subscription_id, &topic, &t.subscriptions);
    }
    if let Some(t) = &model.alerts_topic {
        let topic = expr(&Expr::Attr(Res::AlertsTopic, Attr::Arn));
        let p = fields(vec![
            ("TopicName", Some(text(&t.name))),
            ("KmsMasterKeyId", t.kms_key.as_ref().map(expr)),
        ]);
        resources.insert(
            logical_id(Res::AlertsTopic).into(),
            resource("AWS::SNS::Topic", &[], tagged(p, model)),
        );
        resources.insert(
            logical_id(Res::AlertsTopicPolicy).into(),
            resource(
                "AWS::SNS::TopicPolicy",
                &[],
                json!({"Topics": [topic], "PolicyDocument": policy(&t.policy)}),
            ),
        );
        add_subscriptions(resources, subscription_id, &topic, &t.subscriptions);
    }
    for f in &model.metric_filters {
        let p = object([
            ("FilterName", text(&f.name)),
            ("FilterPattern", text(&f.pattern)),
            ("LogGroupName", expr(&f.log_group_name)),
            (
                "MetricTransformations",
                Value::Array(vec![object([
                    ("MetricName", text(&f.metric)),
                    ("MetricNamespace", text(&f.namespace)),
                    ("MetricValue", json!(f.value)),
                ])]),
            ),
        ]);
        resources.insert(
            filter_id(&f.key),
            resource("AWS::Logs::MetricFilter", &[], p),
        );
    }
    for a in &model.alarms {
        let p = fields(vec![
            ("AlarmName", Some(text(&a.name))),
            ("AlarmDescription", Some(text(&a.description))),
            ("MetricName", Some(text(&a.metric))),
            ("Namespace", Some(text(&a.namespace))),
            ("Statistic", Some(json!(a.statistic))),
            ("Period", Some(json!(a.period))),
            ("EvaluationPeriods", Some(json!(a.evaluation_periods))),
            ("Threshold", Some(number(a.threshold))),
            ("ComparisonOperator", Some(json!(a.comparison))),
            ("TreatMissingData", Some(json!(a.treat_missing_data))),
            (
                "AlarmActions",
                Some(Value::Array(a.actions.iter().map(expr).collect())),
            ),
        ]);
        resources.insert(
            alarm_id(&a.key),
            resource("AWS::CloudWatch::Alarm", &[], tagged(p, model)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_pascal_case_of_the_keys() {
        assert_eq!(
            alarm_id("unauthorized_api_calls"),
            "AlarmUnauthorizedApiCalls"
        );
        assert_eq!(filter_id("bucket_deleted"), "MetricFilterBucketDeleted");
        assert_eq!(
            subscription_id("email_secops_example_com"),
            "AlertsSubscriptionEmailSecopsExampleCom"
        );
        assert_eq!(
            expr(&Expr::Attr(Res::AlertsTopic, Attr::Arn)),
            json!({"Ref": "AlertsTopic"})
        );
    }
}
