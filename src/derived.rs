//! What a spec implies without saying it: the names trailsmith gives what it creates (topics,
//! filters, alarms, metrics), the defaults of the alarms and of the log retention, and the trail
//! bucket's ARN.
//!
//! Upstream of both `validate`, which checks these names and values against AWS's rules, and
//! `model`, which writes them, so that the check and the output read the same function and
//! `validate` never reaches into `model`. It reads the spec and builds `expr` values only; it must
//! not decide what a resource holds (that is `model`) nor report anything (that is `validate`).

mod athena;
mod regions;

pub use athena::*;
pub use regions::REGIONS;
mod event_rules;

pub use event_rules::*;

use crate::cis::CONTROLS;
use crate::expr::{Attr, Expr, Res};
use crate::spec::{Alarms, CisAlarms, CisId, CustomAlarm, Notify, Sns, Spec};

/// CIS AWS Foundations Benchmark section 4 and most anchors use this namespace.
/// The snake_case beginnings of the CloudFormation logical ids and output names an output may
/// use (in PascalCase: `Trail...`, `Alerts...`, `Alarm...`, `MetricFilter...`, and the outputs):
/// a parameter, which CloudFormation names in the same space, takes none of them.
pub const TEMPLATE_NAMES: [&str; 8] = [
    "trail",
    "alerts",
    "alarm",
    "metric_filter",
    "bucket_name",
    "log_group_name",
    "monitoring_key_arn",
    "sns_topic_arn",
];

pub const DEFAULT_NAMESPACE: &str = "CloudTrailMetrics";
/// The CIS alarm settings ("aws-cloudtrail-facts" §4), also the defaults of custom alarms.
pub const DEFAULT_PERIOD: u32 = 300;
pub const DEFAULT_EVALUATION_PERIODS: u32 = 1;
pub const DEFAULT_THRESHOLD: f64 = 1.0;
/// Days a new log group keeps events when the spec is silent: a year, as CIS asks of the trail's
/// logs. Here rather than in `model` because `validate` names it too (the hint of
/// `retention-null`).
pub const DEFAULT_RETENTION_DAYS: u32 = 365;
/// Log files are never overwritten, so a noncurrent version only arises when a file expires (or is
/// deleted); keep it this long for recovery, then let it go so expiry really frees the space.
/// Here because `validate` counts with it too (`lock-outlasts-expiry`).
pub const NONCURRENT_VERSION_DAYS: u32 = 30;

/// Letters, digits, `_` and `-` only: trail names may hold `.`, which topic names and aliases
/// cannot.
pub fn dashed(name: &str) -> String {
    name.replace('.', "-")
}

/// The name of a new delivery topic: `<trail>-delivery` unless named.
pub fn delivery_topic_name(trail: &str, sns: &Sns) -> String {
    sns.topic_name
        .clone()
        .unwrap_or_else(|| format!("{}-delivery", dashed(trail)))
}

/// `<trail>-alarms` unless named; `.` is not allowed in topic names.
pub fn alerts_topic_name(trail: &str, n: &Notify) -> String {
    n.topic_name
        .clone()
        .unwrap_or_else(|| format!("{}-alarms", dashed(trail)))
}

/// The trail bucket's ARN: literal when the spec names a bucket another stack owns (an existing
/// one, or the log archive part's in a layout), otherwise the ARN of the bucket trailsmith makes.
pub fn trail_bucket_arn(spec: &Spec) -> Expr {
    let b = &spec.bucket;
    match &b.name {
        Some(name) if b.existing || spec.accounts.is_some() => {
            Expr::arn("s3", None, None, Expr::deploy_time(name))
        }
        _ => Expr::Attr(Res::Bucket, Attr::Arn),
    }
}

/// The CIS controls asked for, once each, in benchmark order.
pub fn cis_ids(cis: &CisAlarms) -> Vec<CisId> {
    let mut ids: Vec<CisId> = match cis {
        CisAlarms::All(_) => CONTROLS.iter().map(|c| c.id).collect(),
        CisAlarms::Some(list) => list.clone(),
    };
    ids.sort();
    ids.dedup();
    ids
}

pub fn namespace(a: &Alarms) -> String {
    a.namespace
        .clone()
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
}

/// The name of a metric filter and of its alarm: the trail's name, then the alarm's (`cis` id
/// with `-` for `_`, or the custom name), so that two trails' alarms in one account never clash.
pub fn resource_name(trail: &str, alarm: &str) -> String {
    format!("{trail}-{alarm}")
}

/// `unauthorized_api_calls` or `bucket-deleted` to `UnauthorizedApiCalls`, `BucketDeleted`.
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(['_', '-']) {
        let mut c = word.chars();
        if let Some(first) = c.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// Names that differ only in case, `-` and `_` give the same CloudFormation logical id.
pub fn collision_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub fn custom_metric(c: &CustomAlarm) -> String {
    c.metric.clone().unwrap_or_else(|| pascal(&c.name))
}

/// The filter, alarm and metric names of a CIS alarm: the user's (`cis_names`) or trailsmith's.
pub struct CisAlarmNames {
    pub filter: String,
    pub alarm: String,
    pub metric: String,
}

pub fn cis_alarm_names(trail: &str, a: &Alarms, id: CisId) -> CisAlarmNames {
    let c = crate::cis::control(id);
    let ours = resource_name(trail, &c.name.replace('_', "-"));
    let chosen = a.cis_names.get(&id);
    let pick = |field: Option<&Option<String>>, default: String| {
        field.and_then(Clone::clone).unwrap_or(default)
    };
    CisAlarmNames {
        filter: pick(chosen.map(|n| &n.filter_name), ours.clone()),
        alarm: pick(chosen.map(|n| &n.alarm_name), ours),
        metric: pick(chosen.map(|n| &n.metric), pascal(c.name)),
    }
}

/// A custom alarm's filter name: `filter_name`, or `<trail>-<name>`.
pub fn custom_filter_name(trail: &str, c: &CustomAlarm) -> String {
    c.filter_name
        .clone()
        .unwrap_or_else(|| resource_name(trail, &c.name))
}

/// A custom alarm's alarm name: `alarm_name`, or `<trail>-<name>`.
pub fn custom_alarm_name(trail: &str, c: &CustomAlarm) -> String {
    c.alarm_name
        .clone()
        .unwrap_or_else(|| resource_name(trail, &c.name))
}
