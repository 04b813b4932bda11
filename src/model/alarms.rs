//! The `alarms` section resolved: a metric filter and an alarm for each CIS control and custom
//! entry, the topic the alarms notify, and what that asks of the trail's own topic and key.
//!
//! Owns the resources and the choice of destination; the names and defaults it gives them come
//! from `derived`, which `validate::alarms` asks too, so checks and output agree. It must not
//! write policy statements (that is `policy`) nor know target syntax.

use crate::derived::{
    alerts_topic_name, cis_alarm_names, cis_ids, collision_key, custom_alarm_name,
    custom_filter_name, custom_metric, delivery_topic_name, namespace, DEFAULT_EVALUATION_PERIODS,
    DEFAULT_PERIOD, DEFAULT_THRESHOLD,
};
use crate::expr::{Attr, Expr, Res, Text};
use crate::policy::{self, Policy};
use crate::spec::{Comparison, MissingData, Protocol, Spec, SubscriptionSpec};

/// Each matching event counts one.
pub const METRIC_VALUE: &str = "1";
/// A metric filter publishes nothing in a period without a matching event. For an alarm on too
/// many events that is the normal state, not a reason to alarm or to report INSUFFICIENT_DATA
/// ("Configuring how CloudWatch alarms treat missing data").
pub const TREAT_MISSING_DATA: &str = "notBreaching";
/// For an alarm on too few events, a period without any is the very thing to alarm on.
pub const TREAT_MISSING_DATA_BELOW: &str = "breaching";

/// A custom alarm's treatment of missing data: the user's, else the rule above. CIS alarms always
/// take `notBreaching`: they count events (`>= 1`), so `missing` would leave them in
/// INSUFFICIENT_DATA, `breaching` would fire in every quiet period and `ignore` would keep one in
/// ALARM after a single event; the benchmark says nothing that asks for another.
pub fn treat_missing_data(comparison: Comparison, chosen: Option<MissingData>) -> &'static str {
    match (chosen, comparison) {
        (Some(m), _) => m.as_str(),
        (None, Comparison::LessThanThreshold | Comparison::LessThanOrEqualToThreshold) => {
            TREAT_MISSING_DATA_BELOW
        }
        (None, _) => TREAT_MISSING_DATA,
    }
}

/// A CloudWatch Logs metric filter on the trail's log group.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFilter {
    /// snake_case, unique in the model: names the resource in both targets.
    pub key: String,
    pub name: Text,
    pub log_group_name: Expr,
    pub pattern: Text,
    pub metric: Text,
    pub namespace: Text,
    pub value: &'static str,
}

/// A CloudWatch alarm on a filter's metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// The key of its metric filter.
    pub key: String,
    pub name: Text,
    pub description: Text,
    pub metric: Text,
    pub namespace: Text,
    pub statistic: &'static str,
    pub period: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: &'static str,
    pub treat_missing_data: &'static str,
    pub actions: Vec<Expr>,
}

/// A new topic that receives the alarms.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertsTopic {
    pub name: Text,
    pub kms_key: Option<Expr>,
    pub policy: Policy,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// snake_case, unique among the topic's subscriptions: names the resource in both targets.
    pub key: String,
    pub protocol: &'static str,
    pub endpoint: Text,
}

/// What the alarms section adds, and what it asks of the trail's own topic and key.
#[derive(Debug, Clone, Default)]
pub struct Lowered {
    pub filters: Vec<MetricFilter>,
    pub alarms: Vec<Alarm>,
    pub topic: Option<AlertsTopic>,
    /// Alarms go to the trail's new delivery topic, whose policy must let CloudWatch publish.
    pub to_delivery_topic: bool,
    /// Name of the topic receiving alarms when the trail's new key encrypts it: the key policy
    /// must let CloudWatch use the key for that topic.
    pub encrypted_topic: Option<String>,
    /// EventBridge rules of `alarms.events`, notifying the same topic.
    pub rules: Vec<super::event_rules::EventRule>,
    /// Names of the rules when they notify the trail's new delivery topic, whose policy must let
    /// EventBridge publish for them.
    pub delivery_topic_rules: Vec<String>,
    /// Name of the topic the rules notify when the trail's new key encrypts it: the key policy
    /// must let EventBridge use the key for that topic.
    pub events_topic: Option<String>,
}

/// The group the filters watch: the new one by reference, an existing one by the name in its ARN.
fn log_group_name(spec: &Spec) -> Option<Expr> {
    let c = spec.cloudwatch_logs.settings()?;
    Some(match &c.log_group_arn {
        None => Expr::Attr(Res::LogGroup, Attr::Name),
        Some(arn) => {
            let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
            let name = resource
                .strip_prefix("log-group")
                .and_then(|r| r.get(1..))
                .unwrap_or_default();
            Expr::deploy_time(name.split(':').next().unwrap_or_default())
        }
    })
}

/// Resolves the section; empty when there is none or it asks for no alarm.
pub fn lower(spec: &Spec) -> Lowered {
    let Some(a) = &spec.alarms else {
        return Lowered::default();
    };
    let cis = cis_ids(&a.cis);
    // Alarms watch the log group; the rules of `alarms.events` need none.
    let group = log_group_name(spec).filter(|_| !cis.is_empty() || !a.custom.is_empty());
    let alarms = group.is_some();
    if !alarms && a.events.is_empty() {
        return Lowered::default();
    }
    let trail = &spec.trail.name;
    let rule_names: Vec<String> = a
        .events
        .iter()
        .map(|r| crate::derived::event_rule_name(trail, r))
        .collect();
    let new_key = spec.kms.settings().is_some_and(|k| k.key_arn.is_none());
    let mut out = Lowered::default();
    let n = &a.notify;
    // The topic's name when the trail's new key encrypts it: CloudWatch (for alarms) and
    // EventBridge (for rules) must be let use the key for it.
    let mut encrypted_name = None;
    let action = if n.delivery_topic {
        let sns = spec.sns.settings().unwrap_or_default();
        match sns.topic_arn {
            Some(arn) => Expr::deploy_time(&arn),
            None => {
                out.to_delivery_topic = alarms;
                out.delivery_topic_rules = rule_names.clone();
                // A new delivery topic is encrypted exactly when the key is new (see `lower`).
                encrypted_name = new_key.then(|| delivery_topic_name(trail, &sns));
                Expr::Attr(Res::Topic, Attr::Arn)
            }
        }
    } else if let Some(arn) = &n.topic_arn {
        Expr::deploy_time(arn)
    } else {
        let name = alerts_topic_name(trail, n);
        // Only the trail's new key: its policy is ours to extend for CloudWatch, and a topic under
        // the AWS managed key (alias/aws/sns) cannot receive alarms at all.
        let encrypted = new_key && n.encrypted.unwrap_or(true);
        encrypted_name = encrypted.then(|| name.clone());
        out.topic = Some(AlertsTopic {
            kms_key: encrypted.then_some(Expr::Attr(Res::Key, Attr::Arn)),
            policy: policy::alerts_topic_policy_for(alarms, &rule_names),
            subscriptions: subscriptions(&n.email, &n.subscriptions),
            name: Text::deploy_time(name),
        });
        Expr::Attr(Res::AlertsTopic, Attr::Arn)
    };
    out.encrypted_topic = encrypted_name.clone().filter(|_| alarms);
    out.events_topic = encrypted_name.filter(|_| !a.events.is_empty());
    out.rules = super::event_rules::lower(trail, &a.events, &action);
    let Some(group) = group else {
        return out;
    };

    let namespace = namespace(a);
    let filter = |key: &str, name: &str, pattern: &str, metric: &str, ns: &str| MetricFilter {
        key: key.to_string(),
        name: Text::from(name),
        log_group_name: group.clone(),
        pattern: Text::from(pattern),
        metric: Text::from(metric),
        namespace: Text::from(ns),
        value: METRIC_VALUE,
    };
    for id in cis {
        let c = crate::cis::control(id);
        let names = cis_alarm_names(trail, a, id);
        out.filters.push(filter(
            c.name,
            &names.filter,
            c.pattern,
            &names.metric,
            &namespace,
        ));
        out.alarms.push(Alarm {
            key: c.name.to_string(),
            name: Text::new(names.alarm),
            description: Text::new(crate::cis::description(c)),
            metric: Text::new(names.metric),
            namespace: Text::new(namespace.clone()),
            statistic: "Sum",
            period: DEFAULT_PERIOD,
            evaluation_periods: DEFAULT_EVALUATION_PERIODS,
            threshold: DEFAULT_THRESHOLD,
            comparison: "GreaterThanOrEqualToThreshold",
            treat_missing_data: TREAT_MISSING_DATA,
            actions: vec![action.clone()],
        });
    }
    for c in &a.custom {
        let key = c.name.replace('-', "_");
        let filter_name = custom_filter_name(trail, c);
        let metric = custom_metric(c);
        let ns = c.namespace.clone().unwrap_or_else(|| namespace.clone());
        out.filters
            .push(filter(&key, &filter_name, &c.pattern, &metric, &ns));
        out.alarms.push(Alarm {
            key,
            description: Text::new(c.description.clone().unwrap_or_else(|| {
                format!(
                    "Custom alarm on the metric filter {filter_name} of CloudTrail trail {trail}"
                )
            })),
            name: Text::new(custom_alarm_name(trail, c)),
            metric: Text::new(metric),
            namespace: Text::new(ns),
            statistic: c.statistic.as_str(),
            period: c.period.unwrap_or(DEFAULT_PERIOD),
            evaluation_periods: c.evaluation_periods.unwrap_or(DEFAULT_EVALUATION_PERIODS),
            threshold: c.threshold.unwrap_or(DEFAULT_THRESHOLD),
            comparison: c.comparison.as_str(),
            treat_missing_data: treat_missing_data(c.comparison, c.treat_missing_data),
            actions: vec![action.clone()],
        });
    }
    out
}

/// A new topic's subscriptions (the alerts topic's, the delivery topic's): `email` entries
/// first, then `subscriptions`, each keyed by protocol and endpoint so that reordering the list
/// does not replace resources.
pub(super) fn subscriptions(email: &[String], others: &[SubscriptionSpec]) -> Vec<Subscription> {
    // `validate` admits deploy-time values in `subscriptions` endpoints, never in the e-mail
    // addresses of `email`, where `${` is text.
    let entries = email
        .iter()
        .map(|e| (Protocol::Email, e.as_str(), false))
        .chain(
            others
                .iter()
                .map(|s| (s.protocol, s.endpoint.as_str(), true)),
        );
    let mut out: Vec<Subscription> = Vec::new();
    for (protocol, endpoint, deploy_time) in entries {
        let base = subscription_key(protocol, endpoint);
        let mut key = base.clone();
        let mut n = 1;
        while out
            .iter()
            .any(|s| collision_key(&s.key) == collision_key(&key))
        {
            n += 1;
            key = format!("{base}_{n}");
        }
        out.push(Subscription {
            key,
            protocol: protocol.as_str(),
            endpoint: match deploy_time {
                true => Text::deploy_time(endpoint),
                false => Text::new(endpoint),
            },
        });
    }
    out
}

/// `email_secops_example_com`, `lambda_notify` (an ARN's last part), `https_hooks_example_com`.
fn subscription_key(protocol: Protocol, endpoint: &str) -> String {
    let readable = match protocol {
        Protocol::Sqs | Protocol::Lambda => endpoint.rsplit(':').next().unwrap_or(endpoint),
        Protocol::Https | Protocol::Http => endpoint
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(endpoint),
        _ => endpoint,
    };
    let mut key = format!("{}_", protocol.as_str().replace('-', "_"));
    for c in readable.chars().take(48) {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if c != '_' || !key.ends_with('_') {
            key.push(c);
        }
    }
    key.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(text: &str) -> Lowered {
        lower(&crate::validate::valid(text).0)
    }

    #[test]
    fn cis_all_gives_fifteen_filters_and_alarms_with_actions() {
        let l = lowered("version: 1\ntrail: {name: org.audit}\nalarms: {cis: all}\n");
        assert_eq!((l.filters.len(), l.alarms.len()), (15, 15));
        let first = &l.alarms[0];
        assert_eq!(first.name, "org.audit-unauthorized-api-calls");
        assert_eq!(first.metric, "UnauthorizedApiCalls");
        assert_eq!(first.namespace, "CloudTrailMetrics");
        assert_eq!(
            (first.statistic, first.period, first.evaluation_periods),
            ("Sum", 300, 1)
        );
        assert_eq!(first.threshold, 1.0);
        assert_eq!(first.comparison, "GreaterThanOrEqualToThreshold");
        assert_eq!(first.treat_missing_data, "notBreaching");
        assert!(l
            .alarms
            .iter()
            .all(|a| a.actions == vec![Expr::Attr(Res::AlertsTopic, Attr::Arn)]));
        assert!(l
            .filters
            .iter()
            .all(|f| f.log_group_name == Expr::Attr(Res::LogGroup, Attr::Name) && f.value == "1"));
        let topic = l.topic.expect("a new alerts topic by default");
        assert_eq!(topic.name, "org-audit-alarms");
        assert_eq!(topic.kms_key, Some(Expr::Attr(Res::Key, Attr::Arn)));
        assert_eq!(l.encrypted_topic.as_deref(), Some("org-audit-alarms"));
    }

    #[test]
    fn the_delivery_topic_can_receive_alarms() {
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nalarms: {cis: [vpc_changes], notify: {delivery_topic: true}}\n",
        );
        assert!(l.topic.is_none() && l.to_delivery_topic);
        assert_eq!(l.encrypted_topic.as_deref(), Some("audit-delivery"));
        assert_eq!(l.alarms[0].actions, vec![Expr::Attr(Res::Topic, Attr::Arn)]);
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nkms: false\nsns: {topic_arn: 'arn:aws:sns:eu-west-1:111122223333:t'}\nalarms: {cis: [vpc_changes], notify: {delivery_topic: true}}\n",
        );
        assert!(!l.to_delivery_topic && l.encrypted_topic.is_none());
        assert_eq!(
            l.alarms[0].actions,
            vec![Expr::lit("arn:aws:sns:eu-west-1:111122223333:t")]
        );
    }

    #[test]
    fn custom_alarms_take_their_settings_and_an_existing_group() {
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nkms: false\n\
             cloudwatch_logs: {log_group_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:Central/trail:*'}\n\
             alarms:\n  namespace: Sec\n  notify: {email: [a@example.com, b@example.com], subscriptions: [{protocol: lambda, endpoint: 'arn:aws:lambda:eu-west-1:111122223333:function:notify'}]}\n\
             \x20 custom:\n    - {name: bucket-deleted, pattern: '{ $.eventName = DeleteBucket }', threshold: 2.5, period: 60, evaluation_periods: 3, statistic: Maximum, comparison: GreaterThanThreshold}\n",
        );
        let (f, a) = (&l.filters[0], &l.alarms[0]);
        assert_eq!(f.log_group_name, Expr::lit("Central/trail"));
        assert_eq!(
            (f.key.as_str(), f.name.verbatim()),
            ("bucket_deleted", "audit-bucket-deleted")
        );
        assert_eq!(
            (a.metric.verbatim(), a.namespace.verbatim()),
            ("BucketDeleted", "Sec")
        );
        assert_eq!((a.threshold, a.period, a.evaluation_periods), (2.5, 60, 3));
        assert_eq!(
            (a.statistic, a.comparison),
            ("Maximum", "GreaterThanThreshold")
        );
        assert_eq!(a.treat_missing_data, "notBreaching");
        let topic = l.topic.expect("topic");
        assert!(topic.kms_key.is_none() && l.encrypted_topic.is_none());
        let keys: Vec<&str> = topic.subscriptions.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "email_a_example_com",
                "email_b_example_com",
                "lambda_notify"
            ]
        );
    }

    #[test]
    fn silence_breaches_an_alarm_on_too_few_events() {
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nalarms:\n  notify: {email: [a@example.com]}\n  custom:\n    - {name: quiet, pattern: x, comparison: LessThanThreshold}\n    - {name: loud, pattern: x, comparison: GreaterThanThreshold}\n",
        );
        let missing: Vec<&str> = l.alarms.iter().map(|a| a.treat_missing_data).collect();
        assert_eq!(missing, ["breaching", "notBreaching"]);
    }

    #[test]
    fn chosen_names_and_missing_data_keep_the_keys() {
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nalarms:\n  cis: [root_account_usage]\n  cis_names: {root_account_usage: {alarm_name: Root, metric: RootCount}}\n  notify: {email: [a@example.com]}\n  custom:\n    - {name: quiet, pattern: x, comparison: LessThanThreshold, treat_missing_data: ignore, filter_name: QuietFilter}\n",
        );
        let got: Vec<(&str, &str, &str, &str)> = l
            .alarms
            .iter()
            .map(|a| {
                (
                    a.key.as_str(),
                    a.name.verbatim(),
                    a.metric.verbatim(),
                    a.treat_missing_data,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("root_account_usage", "Root", "RootCount", "notBreaching"),
                ("quiet", "audit-quiet", "Quiet", "ignore"),
            ]
        );
        let filters: Vec<(&str, &str)> = l
            .filters
            .iter()
            .map(|f| (f.key.as_str(), f.name.verbatim()))
            .collect();
        assert_eq!(
            filters,
            [
                ("root_account_usage", "audit-root-account-usage"),
                ("quiet", "QuietFilter"),
            ]
        );
    }

    #[test]
    fn the_delivery_topic_takes_subscriptions() {
        let (spec, selectors) = crate::validate::valid(
            "version: 1\ntrail: {name: audit}\nsns:\n  email: [a@example.com]\n  subscriptions: [{protocol: https, endpoint: 'https://x.example.com/a'}]\n",
        );
        let model = crate::model::lower(&spec, selectors);
        let keys: Vec<String> = model
            .topic
            .expect("a delivery topic")
            .subscriptions
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(keys, ["email_a_example_com", "https_x_example_com_a"]);
    }

    #[test]
    fn subscription_keys_stay_unique() {
        let email = ["a.b@x.io".into(), "a_b@x.io".into(), "ab@x.io".into()];
        let keys: Vec<String> = subscriptions(&email, &[])
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(
            keys,
            ["email_a_b_x_io", "email_a_b_x_io_2", "email_ab_x_io_3"]
        );
    }

    #[test]
    fn no_alarms_means_nothing_is_created() {
        let l = lowered(
            "version: 1\ntrail: {name: audit}\nalarms: {notify: {email: [a@example.com]}}\n",
        );
        assert!(l.filters.is_empty() && l.alarms.is_empty() && l.topic.is_none());
    }
}
