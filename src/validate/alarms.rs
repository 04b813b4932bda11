//! Rules for the `alarms` section: that there is a log group to watch, custom alarms that
//! CloudWatch accepts ("PutMetricFilter" and "PutMetricAlarm" in the API references) and names
//! that stay unique once derived. Where alarms go is checked by `notify`.
//!
//! Owns what the alarm entries may say. It must not derive the names itself: it asks
//! `derived`, as `model` does, so the check and the output cannot disagree.

use super::names;
use super::rules::rule;
use crate::derived;
use crate::diag::{Code, Diagnostic};
use crate::spec::{Alarms, CisId, CustomAlarm, Spec};

/// "PutMetricAlarm": an alarm looks back at most one day when its period is under an hour, and at
/// most seven days otherwise.
const MAX_WINDOW_SHORT_PERIODS: u64 = 86_400;
const MAX_WINDOW: u64 = 604_800;
/// "PutMetricAlarm": AlarmDescription is at most 1024 characters.
const MAX_DESCRIPTION: usize = 1024;
/// "PutMetricAlarm": AlarmName is 1 to 255 characters; CloudFormation's AWS::CloudWatch::Alarm
/// adds that it cannot contain ASCII control characters.
const MAX_ALARM_NAME: usize = 255;
/// "PutMetricFilter": filterName is 1 to 512 characters matching `[^:*]*`.
const MAX_FILTER_NAME: usize = 512;

pub fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(a) = &spec.alarms else { return };
    let alarms = !derived::cis_ids(&a.cis).is_empty() || !a.custom.is_empty();
    // EventBridge rules (`events`) need no log group; alarms, or a section asking for nothing, do.
    if spec.cloudwatch_logs.settings().is_none() && (alarms || a.events.is_empty()) {
        out.push(
            Diagnostic::error(
                Code::AlarmsNeedCloudwatchLogs,
                "/alarms",
                "alarms count events in the trail's CloudWatch Logs group, but `cloudwatch_logs: false` turns delivery to CloudWatch Logs off",
            )
            .hint("remove `cloudwatch_logs: false`, or remove `alarms`"),
        );
    }
    if let crate::spec::CisAlarms::Some(list) = &a.cis {
        super::rules::no_duplicates(list, "/alarms/cis", out);
    }
    let cis = derived::cis_ids(&a.cis);
    let any = !cis.is_empty() || !a.custom.is_empty() || !a.events.is_empty();
    if !any {
        out.push(
            Diagnostic::warning(
                Code::NoAlarms,
                "/alarms",
                "the alarms section asks for no alarm, so nothing is created",
            )
            .hint("add `cis: all`, `custom:` alarms or `events:` rules"),
        );
    }
    if let Some(ns) = &a.namespace {
        rule(
            out,
            Code::MetricNamespace,
            "/alarms/namespace",
            names::metric_namespace(ns),
            Some("for example `CloudTrailMetrics` or `Security/CloudTrail`"),
        );
    }
    custom_alarms(a, &cis, out);
    chosen_names(&spec.trail.name, a, &cis, out);
    super::event_rules::check(spec, &a.events, out);
    super::notify::check(spec, &a.notify, any, alarms, out);
}

/// Names chosen for alarms and filters (`cis_names`, `alarm_name`, `filter_name`) keep to
/// CloudWatch's rules and stay unique among the spec's alarms and among its filters (one log
/// group, one account and region). Resource keys stay derived from the ids and `name`, so a
/// chosen name never changes a logical id.
fn chosen_names(trail: &str, a: &Alarms, cis: &[CisId], out: &mut Vec<Diagnostic>) {
    // (name, where, chosen): default names only meet when the ids or `name`s do, which the
    // duplicate-alarm rule of `custom_alarms` reports already.
    let mut alarms: Vec<(String, String, bool)> = Vec::new();
    let mut filters: Vec<(String, String, bool)> = Vec::new();
    let unique = |list: &mut Vec<(String, String, bool)>,
                  (name, path, chosen): (String, String, bool),
                  what: &str,
                  out: &mut Vec<Diagnostic>| {
        if let Some((_, first, _)) = list.iter().find(|(n, _, c)| *n == name && (chosen || *c)) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateAlarm,
                    path.clone(),
                    format!("the {what} name `{name}` is also the one of {first}"),
                )
                .hint(format!("choose another `{what}_name`")),
            );
        }
        list.push((name, path, chosen));
    };
    for (id, chosen) in &a.cis_names {
        let key = crate::cis::control(*id).name;
        let base = format!("/alarms/cis_names/{key}");
        if !cis.contains(id) {
            out.push(
                Diagnostic::error(
                    Code::CisNamesUnused,
                    base.clone(),
                    format!("`{key}` names a CIS alarm that `cis` does not ask for"),
                )
                .hint(format!("add `{key}` to `cis`, or remove this entry")),
            );
        }
        names_rules(
            chosen.alarm_name.as_deref(),
            chosen.filter_name.as_deref(),
            &base,
            out,
        );
        if let Some(m) = &chosen.metric {
            rule(
                out,
                Code::MetricName,
                &format!("{base}/metric"),
                names::metric_name(m),
                Some("for example `RootAccountUsage`"),
            );
        }
    }
    for id in cis {
        let key = crate::cis::control(*id).name;
        let n = derived::cis_alarm_names(trail, a, *id);
        let chosen = a.cis_names.get(id);
        let at = |field: &str, set: bool| match set {
            true => (format!("/alarms/cis_names/{key}/{field}"), true),
            false => (format!("the CIS alarm `{key}`"), false),
        };
        let (alarm_at, a_set) = at("alarm_name", chosen.is_some_and(|c| c.alarm_name.is_some()));
        let (filter_at, f_set) = at(
            "filter_name",
            chosen.is_some_and(|c| c.filter_name.is_some()),
        );
        unique(&mut alarms, (n.alarm, alarm_at, a_set), "alarm", out);
        unique(&mut filters, (n.filter, filter_at, f_set), "filter", out);
    }
    for (i, c) in a.custom.iter().enumerate() {
        let base = format!("/alarms/custom/{i}");
        names_rules(
            c.alarm_name.as_deref(),
            c.filter_name.as_deref(),
            &base,
            out,
        );
        let at = |field: &str, set: bool| match set {
            true => (format!("{base}/{field}"), true),
            false => (format!("{base}/name"), false),
        };
        let (alarm_at, a_set) = at("alarm_name", c.alarm_name.is_some());
        let (filter_at, f_set) = at("filter_name", c.filter_name.is_some());
        let alarm = derived::custom_alarm_name(trail, c);
        let filter = derived::custom_filter_name(trail, c);
        unique(&mut alarms, (alarm, alarm_at, a_set), "alarm", out);
        unique(&mut filters, (filter, filter_at, f_set), "filter", out);
    }
}

fn names_rules(alarm: Option<&str>, filter: Option<&str>, base: &str, out: &mut Vec<Diagnostic>) {
    if let Some(name) = alarm {
        let n = name.chars().count();
        let problem = if n == 0 || n > MAX_ALARM_NAME {
            Some(format!(
                "an alarm name must be 1 to {MAX_ALARM_NAME} characters long, this one has {n}"
            ))
        } else if name.chars().any(|c| c.is_ascii_control()) {
            Some("an alarm name cannot contain control characters".to_string())
        } else {
            None
        };
        if let Some(message) = problem {
            out.push(
                Diagnostic::error(
                    Code::CloudwatchAlarmName,
                    format!("{base}/alarm_name"),
                    message,
                )
                .hint("for example `RootAccountUsage` or `org-audit/bucket-deleted`"),
            );
        }
    }
    if let Some(name) = filter {
        let n = name.chars().count();
        let problem = if n == 0 || n > MAX_FILTER_NAME {
            Some(format!("a metric filter name must be 1 to {MAX_FILTER_NAME} characters long, this one has {n}"))
        } else if name.contains([':', '*']) {
            Some("a metric filter name cannot contain `:` or `*`".to_string())
        } else {
            None
        };
        if let Some(message) = problem {
            out.push(
                Diagnostic::error(
                    Code::MetricFilterName,
                    format!("{base}/filter_name"),
                    message,
                )
                .hint("for example `RootAccountUsage`"),
            );
        }
    }
}

fn custom_alarms(a: &Alarms, cis: &[CisId], out: &mut Vec<Diagnostic>) {
    let namespace = derived::namespace(a);
    // (namespace, metric, where) of every filter so far, CIS first: two filters feeding one
    // metric would count matching events into it together.
    let mut metrics: Vec<(String, String, String)> = Vec::new();
    for id in cis {
        let c = crate::cis::control(*id);
        // The trail's name only shapes filter and alarm names, not metrics.
        let metric = derived::cis_alarm_names("", a, *id).metric;
        if let Some((_, _, other)) = metrics.iter().find(|(_, m, _)| *m == metric) {
            out.push(
                Diagnostic::error(
                    Code::SharedMetric,
                    format!("/alarms/cis_names/{}/metric", c.name),
                    format!("this alarm's filter and {other} would both publish to the metric {namespace}/{metric}, counting events into it together"),
                )
                .hint("give this alarm its own `metric`"),
            );
        }
        metrics.push((
            namespace.clone(),
            metric,
            format!("the CIS alarm `{}`", c.name),
        ));
    }
    let mut taken: Vec<(String, String)> = cis
        .iter()
        .map(|id| {
            let name = crate::cis::control(*id).name;
            (
                derived::collision_key(name),
                format!("the CIS alarm `{name}`"),
            )
        })
        .collect();
    for (i, c) in a.custom.iter().enumerate() {
        let base = format!("/alarms/custom/{i}");
        let name_ok = custom_name(&c.name, &format!("{base}/name"), out);
        let key = derived::collision_key(&c.name);
        let mut clash = false;
        if let Some((_, other)) = taken.iter().find(|(k, _)| name_ok && *k == key) {
            clash = true;
            out.push(
                Diagnostic::error(
                    Code::DuplicateAlarm,
                    format!("{base}/name"),
                    format!("`{}` gives the same alarm and resource names as {other}", c.name),
                )
                .hint("names that differ only in `-` and `_` name the same resources; choose another name"),
            );
        }
        taken.push((key, format!("/alarms/custom/{i} (`{}`)", c.name)));
        rule(
            out,
            Code::FilterPattern,
            &format!("{base}/pattern"),
            names::filter_pattern(&c.pattern),
            Some("see \"Filter pattern syntax for metric filters\" in the CloudWatch Logs User Guide, e.g. `{ $.eventName = DeleteBucket }`"),
        );
        if let Some(m) = &c.metric {
            rule(
                out,
                Code::MetricName,
                &format!("{base}/metric"),
                names::metric_name(m),
                Some("for example `BucketDeleted`"),
            );
        }
        if let Some(ns) = &c.namespace {
            rule(
                out,
                Code::MetricNamespace,
                &format!("{base}/namespace"),
                names::metric_namespace(ns),
                Some("for example `CloudTrailMetrics` or `Security/CloudTrail`"),
            );
        }
        timing(c, &base, out);
        if let Some(d) = &c.description {
            let n = d.chars().count();
            if n > MAX_DESCRIPTION {
                out.push(Diagnostic::error(
                    Code::AlarmDescription,
                    format!("{base}/description"),
                    format!("an alarm description can be at most {MAX_DESCRIPTION} characters long, this one has {n}"),
                ));
            }
        }
        let metric_path = match c.metric {
            Some(_) => format!("{base}/metric"),
            None => format!("{base}/name"),
        };
        let ns = c.namespace.clone().unwrap_or_else(|| namespace.clone());
        let metric = derived::custom_metric(c);
        if !clash && name_ok {
            if let Some((_, _, other)) = metrics.iter().find(|(n, m, _)| *n == ns && *m == metric) {
                out.push(
                    Diagnostic::error(
                        Code::SharedMetric,
                        metric_path,
                        format!("this alarm's filter and {other} would both publish to the metric {ns}/{metric}, counting events into it together"),
                    )
                    .hint("give this alarm its own `metric`"),
                );
            }
        }
        metrics.push((ns, metric, format!("/alarms/custom/{i}")));
    }
}

/// Names become `<trail>-<name>` alarm and filter names, metric names and resource names in both
/// targets, so they keep to what every one of those accepts.
fn custom_name(name: &str, path: &str, out: &mut Vec<Diagnostic>) -> bool {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let starts = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let problem = if name.is_empty() || name.chars().count() > 64 {
        Some(format!(
            "an alarm name must be 1 to 64 characters long, this one has {}",
            name.chars().count()
        ))
    } else if !ok_chars || !starts {
        Some("an alarm name may only contain lowercase letters, digits, `-` and `_`, and must start with a letter".to_string())
    } else {
        None
    };
    match problem {
        Some(message) => {
            out.push(
                Diagnostic::error(Code::AlarmName, path, message)
                    .hint("for example `bucket-deleted`; the alarm is named `<trail name>-<name>`"),
            );
            false
        }
        None => true,
    }
}

/// Period and evaluation window ("PutMetricAlarm"; cfn-lint's check of Period agrees).
fn timing(c: &CustomAlarm, base: &str, out: &mut Vec<Diagnostic>) {
    let period = c.period.unwrap_or(derived::DEFAULT_PERIOD);
    let evaluations = c
        .evaluation_periods
        .unwrap_or(derived::DEFAULT_EVALUATION_PERIODS);
    if c.period.is_some() {
        let path = format!("{base}/period");
        if !(period == 10 || period == 30 || period % 60 == 0) {
            let nearest = ((period + 30) / 60).max(1) * 60;
            out.push(
                Diagnostic::error(
                    Code::AlarmPeriod,
                    path,
                    format!("CloudWatch alarms take a period of 10, 30 or a multiple of 60 seconds, not {period}"),
                )
                .hint(format!("for example {nearest}")),
            );
        } else if period < 60 {
            out.push(
                Diagnostic::warning(
                    Code::HighResolutionPeriod,
                    path,
                    format!("metric filters publish one data point a minute, so most {period}-second periods find no data; the alarm is also billed as high-resolution"),
                )
                .hint("use 60 seconds or a multiple of 60"),
            );
        }
    }
    let window = u64::from(period) * u64::from(evaluations);
    let limit = if period < 3600 {
        MAX_WINDOW_SHORT_PERIODS
    } else {
        MAX_WINDOW
    };
    if window > limit {
        let path = match (c.evaluation_periods, c.period) {
            (Some(_), _) | (None, None) => format!("{base}/evaluation_periods"),
            (None, Some(_)) => format!("{base}/period"),
        };
        out.push(
            Diagnostic::error(
                Code::AlarmWindow,
                path,
                format!("the alarm would look back {window} seconds ({evaluations} periods of {period}); CloudWatch allows at most {limit}"),
            )
            .hint("periods under an hour may span one day in total, longer periods seven days"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cis_pattern_passes_the_pattern_rule() {
        for c in &crate::cis::CONTROLS {
            assert!(names::filter_pattern(c.pattern).is_ok(), "{}", c.name);
        }
    }

    fn codes(text: &str) -> Vec<(Code, String)> {
        crate::validate::check(text)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    #[test]
    fn a_quiet_alarms_section_is_valid() {
        let got = codes(
            "version: 1\ntrail: {name: audit}\nbucket: {access_logging: {target_bucket: access-logs}}\nalarms:\n  cis: all\n  notify: {email: [secops@example.com]}\ntags: {team: security}\n",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn derived_names_must_stay_unique() {
        let got = codes(
            "version: 1\ntrail: {name: audit}\nalarms:\n  cis: [root_account_usage]\n  notify: {email: [a@example.com]}\n  custom:\n    - {name: root-account-usage, pattern: '{ $.a = 1 }'}\n    - {name: b-1, pattern: '{ $.a = 1 }'}\n    - {name: b1, pattern: '{ $.a = 1 }'}\n    - {name: c, pattern: '{ $.a = 1 }', metric: RootAccountUsage}\n",
        );
        assert_eq!(
            got,
            vec![
                (Code::DuplicateAlarm, "/alarms/custom/0/name".to_string()),
                (Code::DuplicateAlarm, "/alarms/custom/2/name".to_string()),
                (Code::SharedMetric, "/alarms/custom/3/metric".to_string()),
            ]
        );
    }

    #[test]
    fn periods_and_windows() {
        let got = codes(
            "version: 1\ntrail: {name: audit}\nalarms:\n  notify: {email: [a@example.com]}\n  custom:\n    - {name: a, pattern: x, period: 90}\n    - {name: b, pattern: x, period: 30}\n    - {name: c, pattern: x, evaluation_periods: 289}\n    - {name: d, pattern: x, period: 3600, evaluation_periods: 168}\n    - {name: e, pattern: x, period: 3600, evaluation_periods: 169}\n",
        );
        assert_eq!(
            got,
            vec![
                (Code::AlarmPeriod, "/alarms/custom/0/period".to_string()),
                (
                    Code::HighResolutionPeriod,
                    "/alarms/custom/1/period".to_string()
                ),
                (
                    Code::AlarmWindow,
                    "/alarms/custom/2/evaluation_periods".to_string()
                ),
                (
                    Code::AlarmWindow,
                    "/alarms/custom/4/evaluation_periods".to_string()
                ),
            ]
        );
    }
}
