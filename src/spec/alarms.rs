//! The `alarms` section: what a trail watches, as the user means it.
//!
//! Owns the shape of CIS alarms, custom alarms and where alarms are sent. The CIS catalog itself
//! (patterns, control numbers) is data in `cis`; AWS rules on names, periods and subscriptions are
//! `validate::alarms`; names and defaults are resolved by `model`.

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Metric filters on the trail's CloudWatch Logs group, each with an alarm.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarms {
    /// CIS AWS Foundations Benchmark monitoring alarms (v5.0 section 4): `all`, or a list of ids.
    #[serde(default)]
    pub cis: CisAlarms,
    /// Alarms on filter patterns of your own.
    #[serde(default)]
    pub custom: Vec<CustomAlarm>,
    /// CloudWatch namespace of the metrics (default `CloudTrailMetrics`): at most 255 characters,
    /// without `:`, `*` or `$`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Where alarms are sent (default: a new topic `<trail name>-alarms`).
    #[serde(default)]
    pub notify: Notify,
    /// Names of CIS alarms, by id, where they are not trailsmith's (`<trail name>-<id with ->`
    /// for the filter and the alarm, the id in PascalCase for the metric): to keep the names of
    /// alarms deployed before.
    #[serde(default)]
    pub cis_names: BTreeMap<CisId, CisNames>,
    /// EventBridge rules on CloudTrail events, sent to the same topic as the alarms without
    /// CloudWatch Logs in between: `[{preset: console_sign_in}, {preset: root_activity}]`.
    #[serde(default)]
    pub events: Vec<super::EventRule>,
}

/// The names of one CIS alarm, its filter and its metric; the benchmark's pattern and settings
/// stay.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CisNames {
    /// CloudWatch alarm name: 1 to 255 characters, no control characters.
    #[serde(default)]
    pub alarm_name: Option<String>,
    /// Metric filter name: 1 to 512 characters, without `:` or `*`.
    #[serde(default)]
    pub filter_name: Option<String>,
    /// Metric name, at most 255 characters, without `:`, `*` or `$`.
    #[serde(default)]
    pub metric: Option<String>,
}

/// Which CIS monitoring alarms to create.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CisAlarms {
    /// `all`: every CIS monitoring alarm.
    All(AllKeyword),
    /// Only these.
    Some(Vec<CisId>),
}

impl Default for CisAlarms {
    fn default() -> Self {
        CisAlarms::Some(Vec::new())
    }
}

/// The word `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllKeyword {
    All,
}

/// A CIS AWS Foundations Benchmark monitoring control (v5.0 numbering 4.1 to 4.15, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CisId {
    UnauthorizedApiCalls,
    ConsoleSigninWithoutMfa,
    RootAccountUsage,
    IamPolicyChanges,
    CloudtrailConfigChanges,
    ConsoleAuthFailures,
    CmkDisableOrDeletion,
    S3BucketPolicyChanges,
    ConfigChanges,
    SecurityGroupChanges,
    NaclChanges,
    NetworkGatewayChanges,
    RouteTableChanges,
    VpcChanges,
    OrganizationsChanges,
}

/// An alarm on a metric filter pattern of your own.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomAlarm {
    /// Up to 64 lowercase letters, digits, `-` and `_`, starting with a letter: names the
    /// resources in both targets, and the alarm and its filter `<trail name>-<name>` unless
    /// `alarm_name` or `filter_name` say otherwise.
    pub name: String,
    /// CloudWatch alarm name (default `<trail name>-<name>`): 1 to 255 characters, no control
    /// characters.
    #[serde(default)]
    pub alarm_name: Option<String>,
    /// Metric filter name (default `<trail name>-<name>`): 1 to 512 characters, without `:` or
    /// `*`.
    #[serde(default)]
    pub filter_name: Option<String>,
    /// CloudWatch Logs filter pattern, at most 1024 characters, such as
    /// `{ $.eventName = DeleteBucket }`.
    pub pattern: String,
    /// Metric name (default: the name in PascalCase, `bucket-deleted` gives `BucketDeleted`).
    #[serde(default)]
    pub metric: Option<String>,
    /// Metric namespace (default: the section's `namespace`).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Value the statistic is compared with (default 1).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Seconds per evaluated period: 10, 30 or a multiple of 60 (default 300).
    #[serde(default)]
    #[schemars(range(min = 10, max = 604800))]
    pub period: Option<u32>,
    /// Periods evaluated before the alarm fires (default 1).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub evaluation_periods: Option<u32>,
    /// Statistic over each period (default `Sum`: the number of matching events).
    #[serde(default)]
    pub statistic: Statistic,
    /// How the statistic is compared with the threshold (default `GreaterThanOrEqualToThreshold`).
    /// With `LessThan...`, a period without any matching event counts as breaching.
    #[serde(default)]
    pub comparison: Comparison,
    /// Alarm description, up to 1024 characters (default: names the trail and the filter).
    #[serde(default)]
    pub description: Option<String>,
    /// How a period without data counts: `missing`, `notBreaching`, `breaching` or `ignore`
    /// (default `notBreaching`, or `breaching` with a `LessThan...` comparison, since a filter
    /// publishes nothing in a period without a matching event).
    #[serde(default)]
    pub treat_missing_data: Option<MissingData>,
}

/// How an alarm treats periods without data ("Configuring how CloudWatch alarms treat missing
/// data"), as PutMetricAlarm spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MissingData {
    Missing,
    NotBreaching,
    Breaching,
    Ignore,
}

impl MissingData {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingData::Missing => "missing",
            MissingData::NotBreaching => "notBreaching",
            MissingData::Breaching => "breaching",
            MissingData::Ignore => "ignore",
        }
    }
}

/// A CloudWatch statistic, as PutMetricAlarm spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
pub enum Statistic {
    #[default]
    Sum,
    Average,
    Minimum,
    Maximum,
    SampleCount,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Average => "Average",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
        }
    }
}

/// A comparison operator of a static-threshold alarm, as PutMetricAlarm spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
pub enum Comparison {
    #[default]
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }
}

/// Where alarms are sent: the trail's delivery topic (`delivery_topic: true`), an existing topic
/// (`topic_arn`), or a new alerts topic (the default, optionally named with `topic_name`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// Send alarms to the topic of the `sns` section, which is told of each log file delivery.
    #[serde(default)]
    pub delivery_topic: bool,
    /// Name of the new alerts topic (default `<trail name>-alarms`).
    #[serde(default)]
    pub topic_name: Option<String>,
    /// Send alarms to an existing topic (its policy is managed elsewhere).
    #[serde(default)]
    pub topic_arn: Option<String>,
    /// Email addresses subscribed to the new alerts topic (each must confirm by email).
    #[serde(default)]
    pub email: Vec<String>,
    /// Other subscriptions of the new alerts topic.
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionSpec>,
    /// Encrypt the new alerts topic with the trail's key (default: true when trailsmith creates
    /// the key; topics encrypted with the AWS managed key cannot receive alarms).
    #[serde(default)]
    pub encrypted: Option<bool>,
}

/// A subscription of the alerts topic or of the delivery topic.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Subscription")]
pub struct SubscriptionSpec {
    pub protocol: Protocol,
    /// An email address, an `https://` or `http://` URL, an SQS queue or Lambda function ARN, or
    /// a phone number in E.164 form (`+` and digits).
    pub endpoint: String,
}

/// An SNS subscription protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Email,
    EmailJson,
    Https,
    Http,
    Sqs,
    Lambda,
    Sms,
}

impl Protocol {
    /// The name SNS and both targets use.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Email => "email",
            Protocol::EmailJson => "email-json",
            Protocol::Https => "https",
            Protocol::Http => "http",
            Protocol::Sqs => "sqs",
            Protocol::Lambda => "lambda",
            Protocol::Sms => "sms",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cis_is_all_or_a_list_and_nothing_by_default() {
        let all: Alarms = serde_json::from_value(json!({"cis": "all"})).expect("all");
        assert!(matches!(all.cis, CisAlarms::All(AllKeyword::All)));
        let some: Alarms =
            serde_json::from_value(json!({"cis": ["vpc_changes", "root_account_usage"]}))
                .expect("list");
        assert!(
            matches!(some.cis, CisAlarms::Some(ref ids) if ids == &[CisId::VpcChanges, CisId::RootAccountUsage])
        );
        let none: Alarms = serde_json::from_value(json!({})).expect("empty");
        assert!(matches!(none.cis, CisAlarms::Some(ref ids) if ids.is_empty()));
        assert!(serde_json::from_value::<Alarms>(json!({"cis": "some"})).is_err());
    }

    #[test]
    fn aws_spellings_round_trip() {
        for p in [
            Protocol::Email,
            Protocol::EmailJson,
            Protocol::Https,
            Protocol::Http,
            Protocol::Sqs,
            Protocol::Lambda,
            Protocol::Sms,
        ] {
            let parsed: Protocol = serde_json::from_value(json!(p.as_str())).expect("protocol");
            assert_eq!(parsed, p);
        }
        for s in [
            Statistic::Sum,
            Statistic::Average,
            Statistic::Minimum,
            Statistic::Maximum,
            Statistic::SampleCount,
        ] {
            let parsed: Statistic = serde_json::from_value(json!(s.as_str())).expect("statistic");
            assert_eq!(parsed, s);
        }
        for c in [
            Comparison::GreaterThanOrEqualToThreshold,
            Comparison::GreaterThanThreshold,
            Comparison::LessThanThreshold,
            Comparison::LessThanOrEqualToThreshold,
        ] {
            let parsed: Comparison = serde_json::from_value(json!(c.as_str())).expect("comparison");
            assert_eq!(parsed, c);
        }
        for m in [
            MissingData::Missing,
            MissingData::NotBreaching,
            MissingData::Breaching,
            MissingData::Ignore,
        ] {
            let parsed: MissingData = serde_json::from_value(json!(m.as_str())).expect("missing");
            assert_eq!(parsed, m);
        }
    }
}
