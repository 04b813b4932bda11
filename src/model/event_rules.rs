//! `alarms.events` resolved: an EventBridge rule on the default event bus for each entry, with
//! its pattern as JSON text and the topic it notifies.
//!
//! Owns the rules' names, descriptions, patterns and the words `explain` says of them; the names
//! and patterns come from `derived`, which `validate::event_rules` asks too. It must not write
//! policy statements (that is `policy`) nor know target syntax.

use crate::derived::{event_pattern, event_rule_key, event_rule_name};
use crate::expr::{Expr, Res, Text};
use crate::spec::{EventRule as RuleSpec, Preset};

/// An EventBridge rule on CloudTrail events with one target, the alerts topic.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRule {
    /// snake_case, unique among the rules: names the resources in both targets.
    pub key: String,
    pub name: Text,
    pub description: Text,
    /// The event pattern as compact JSON, keys in the order the spec gives them.
    pub pattern: Text,
    /// What the rule matches, for `explain`.
    pub words: String,
    /// The topic it notifies.
    pub target: Expr,
    /// The target's id within the rule.
    pub target_id: &'static str,
    /// The policy of a topic the output creates, which must let EventBridge publish before the
    /// first event is sent to it.
    pub waits_for: Option<Res>,
}

/// The id EventBridge knows the topic by among the rule's targets ("PutTargets": 1 to 64
/// letters, digits, `.`, `-`, `_`).
pub const TARGET_ID: &str = "alerts-topic";

/// What an entry matches, in words.
fn words(r: &RuleSpec) -> String {
    match r.preset {
        Some(Preset::ConsoleSignIn) if r.pattern.is_none() => {
            match (r.failures_only, r.without_mfa) {
                (false, false) => "every console sign-in".into(),
                (true, false) => "failed console sign-ins".into(),
                (false, true) => "console sign-ins without MFA".into(),
                (true, true) => "failed console sign-ins without MFA".into(),
            }
        }
        Some(Preset::RootActivity) if r.pattern.is_none() => {
            "API calls and console sign-ins of the root user".into()
        }
        _ => "CloudTrail events matching a pattern of your own".into(),
    }
}

/// The rules of `alarms.events`, each notifying `target`. An entry without a readable pattern
/// (which `validate` refuses) is left out: lowering cannot fail.
pub fn lower(trail: &str, rules: &[RuleSpec], target: &Expr) -> Vec<EventRule> {
    let waits_for = match target {
        Expr::Attr(Res::AlertsTopic, _) => Some(Res::AlertsTopicPolicy),
        Expr::Attr(Res::Topic, _) => Some(Res::TopicPolicy),
        _ => None,
    };
    rules
        .iter()
        .filter_map(|r| {
            let pattern = event_pattern(r).ok().flatten()?;
            let words = words(r);
            let description = r.description.clone().unwrap_or_else(|| {
                format!("Notifies of {words}, as CloudTrail delivers them to EventBridge (trail {trail})")
            });
            Some(EventRule {
                key: event_rule_key(r),
                name: Text::new(event_rule_name(trail, r)),
                description: Text::new(description),
                pattern: Text::new(pattern.to_string()),
                words,
                target: target.clone(),
                target_id: TARGET_ID,
                waits_for,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::expr::{Attr, Expr, Res};

    fn lowered(text: &str) -> crate::model::Model {
        let (spec, selectors) = crate::validate::valid(text);
        crate::model::lower(&spec, selectors)
    }

    #[test]
    fn rules_notify_the_alerts_topic_which_lets_only_them_publish() {
        let m = lowered(
            "version: 1\ntrail: {name: audit}\ncloudwatch_logs: false\nalarms:\n  notify: {email: [a@example.com]}\n  events:\n    - {preset: console_sign_in, failures_only: true}\n    - {preset: root_activity}\n",
        );
        let keys: Vec<(&str, &str)> = m
            .event_rules
            .iter()
            .map(|r| (r.key.as_str(), r.name.verbatim()))
            .collect();
        assert_eq!(
            keys,
            [
                ("console_sign_in", "audit-console-sign-in"),
                ("root_activity", "audit-root-activity")
            ]
        );
        assert_eq!(
            m.event_rules[0].pattern.verbatim(),
            r#"{"source":["aws.signin"],"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"responseElements":{"ConsoleLogin":["Failure"]}}}"#
        );
        assert!(m
            .event_rules
            .iter()
            .all(|r| r.target == Expr::Attr(Res::AlertsTopic, Attr::Arn)));
        let topic = m
            .alerts_topic
            .expect("a new alerts topic without CloudWatch Logs");
        let sids: Vec<&str> = topic.policy.statements.iter().map(|s| s.sid).collect();
        assert_eq!(sids, ["AllowEventBridgeRulesPublish"]);
        assert_eq!(topic.policy.statements[0].conditions[0].values.len(), 2);
        let key = m.key.expect("key").policy;
        assert!(key
            .statements
            .iter()
            .any(|s| s.sid == "AllowEventBridgeEncryptedTopic"));
        assert!(!key
            .statements
            .iter()
            .any(|s| s.sid == "AllowCloudWatchAlarmsEncryptedTopic"));
    }

    #[test]
    fn in_an_organization_layout_the_rules_go_with_the_alerts_topic() {
        let (spec, selectors) = crate::validate::valid(
            "version: 1\ntrail: {name: org-audit, home_region: us-east-1, organization: {id: o-a1b2c3d4e5}}\naccounts: {log_archive: '111111111111', management: '222222222222'}\nbucket: {name: acme-org-audit-logs}\nalarms:\n  notify: {email: [a@example.com]}\n  events: [{preset: root_activity}]\n",
        );
        let parts = crate::model::lower_all(&spec, selectors);
        let placed: Vec<(usize, bool)> = parts
            .iter()
            .map(|m| (m.event_rules.len(), m.alerts_topic.is_some()))
            .collect();
        assert_eq!(placed, [(0, false), (1, true)]);
    }

    #[test]
    fn the_delivery_topic_can_take_the_rules() {
        let m = lowered(
            "version: 1\ntrail: {name: audit}\nalarms:\n  notify: {delivery_topic: true}\n  events: [{preset: root_activity}]\n",
        );
        let sids: Vec<&str> = m
            .topic
            .expect("delivery topic")
            .policy
            .statements
            .iter()
            .map(|s| s.sid)
            .collect();
        assert_eq!(
            sids,
            ["AWSCloudTrailSNSPolicy", "AllowEventBridgeRulesPublish"]
        );
        assert_eq!(m.event_rules[0].target, Expr::Attr(Res::Topic, Attr::Arn));
    }
}
