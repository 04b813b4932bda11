//! What EventBridge rules on CloudTrail events need of the topic they notify and of the key that
//! encrypts it.
//!
//! Owns the statements that let `events.amazonaws.com` publish, scoped to the rules by ARN. Like
//! its parent, it must not know target syntax nor refer to the rules as resources: their ARNs are
//! built from their names, known before they exist.

use super::{
    alarms_publish, allow, cond, publish_to_encrypted_topic, Policy, Principal, Statement,
};
use crate::expr::{Attr, Expr, Res};

const EVENTS: &str = "events.amazonaws.com";

fn events() -> Principal {
    Principal::Service(Expr::lit(EVENTS))
}

/// `arn:P:events:R:A:rule/NAME`: a rule on the default event bus of the account and region the
/// output is deployed to.
pub fn rule_arn(name: &str) -> Expr {
    Expr::arn(
        "events",
        Some(Expr::Region),
        Some(Expr::Account),
        Expr::lit(format!("rule/{name}")),
    )
}

/// "Amazon SNS permissions" (EventBridge User Guide, resource-based policies): EventBridge
/// publishes as its service principal; `aws:SourceArn` names the rules that may make it do so
/// (confused deputy protection), these and no other.
pub fn events_publish(topic: Expr, rules: &[String]) -> Statement {
    allow(
        "AllowEventBridgeRulesPublish",
        events(),
        &["sns:Publish"],
        vec![topic],
    )
    .when(cond(
        "ArnEquals",
        "aws:SourceArn",
        rules.iter().map(|r| rule_arn(r)).collect(),
    ))
}

/// The new alerts topic's policy: CloudWatch alarms publish when there are alarms, the rules
/// when there are rules.
pub fn alerts_topic_policy_for(alarms: bool, rules: &[String]) -> Policy {
    let topic = Expr::Attr(Res::AlertsTopic, Attr::Arn);
    let mut statements = Vec::new();
    if alarms {
        statements.push(alarms_publish(topic.clone()));
    }
    if !rules.is_empty() {
        statements.push(events_publish(topic, rules));
    }
    Policy { statements }
}

/// "Enable compatibility between event sources from AWS services and encrypted topics" (Amazon
/// SNS Developer Guide): EventBridge needs both actions on the key of an encrypted target topic.
/// Scoped to that one topic by the encryption context SNS passes, as for CloudWatch; the page
/// gives no source condition that reaches the key, since SNS, not the rule, calls KMS.
pub fn events_encrypted_topic(topic: &str) -> Statement {
    publish_to_encrypted_topic("AllowEventBridgeEncryptedTopic", events(), topic)
}
