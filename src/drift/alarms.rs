//! Drift of the metric filters and alarms the spec makes on the trail's log group.
//!
//! Each filter and alarm of the model is looked for by the name trailsmith gives it, and compared
//! with what is deployed: pattern, metric, threshold, period, evaluation periods, comparison,
//! statistic, actions. Filters and alarms the spec does not make are not compared: other teams
//! and services add their own to a shared log group.

use super::{wanted, Found, Wanted, REDEPLOY};
use crate::cis::squeezed;
use crate::deployed::{Deployed, Env};
use crate::diag::Code;
use crate::model::Model;
use crate::spec::{CisAlarms, Spec};

/// The spec key that makes the filter or alarm of `key`.
fn path_of(spec: &Spec, key: &str) -> String {
    let Some(a) = &spec.alarms else {
        return "/alarms".into();
    };
    match &a.cis {
        CisAlarms::Some(ids) => {
            if let Some(i) = ids
                .iter()
                .position(|id| crate::cis::control(*id).name == key)
            {
                return format!("/alarms/cis/{i}");
            }
        }
        CisAlarms::All(_) => {
            if crate::cis::CONTROLS.iter().any(|c| c.name == key) {
                return "/alarms/cis".into();
            }
        }
    }
    match a
        .custom
        .iter()
        .position(|c| c.name.replace('-', "_") == key)
    {
        Some(i) => format!("/alarms/custom/{i}"),
        None => "/alarms".into(),
    }
}

pub(super) fn compare(found: &mut Found, spec: &Spec, model: &Model, d: &Deployed, env: &Env) {
    if let Some(filters) = &d.metric_filters {
        for f in &model.metric_filters {
            let path = path_of(spec, &f.key);
            let name = f.name.verbatim();
            let Some(have) = filters.iter().find(|h| h.name == name) else {
                found.differ(
                    Code::DriftMetricFilter,
                    &path,
                    format!("the metric filter {name} is not on the trail's log group"),
                    REDEPLOY,
                );
                continue;
            };
            let mut changed = Vec::new();
            if squeezed(&have.pattern) != squeezed(f.pattern.verbatim()) {
                changed.push(format!(
                    "its pattern is {:?}, the spec's {:?}",
                    have.pattern,
                    f.pattern.verbatim()
                ));
            }
            if have.metric != f.metric.verbatim() || have.namespace != f.namespace.verbatim() {
                changed.push(format!(
                    "it counts into {}/{}, the spec's {}/{}",
                    have.namespace,
                    have.metric,
                    f.namespace.verbatim(),
                    f.metric.verbatim()
                ));
            }
            if !changed.is_empty() {
                found.differ(
                    Code::DriftMetricFilter,
                    &path,
                    format!("the metric filter {name} differs: {}", changed.join("; ")),
                    REDEPLOY,
                );
            }
        }
    }
    let Some(alarms) = &d.alarms else {
        return;
    };
    for a in &model.alarms {
        let path = path_of(spec, &a.key);
        let name = a.name.verbatim();
        let Some(have) = alarms.iter().find(|h| h.name == name) else {
            found.differ(
                Code::DriftAlarm,
                &path,
                format!("the alarm {name} is not deployed"),
                REDEPLOY,
            );
            continue;
        };
        let mut changed = Vec::new();
        let mut setting = |what: &str, have: String, want: String| {
            if have != want {
                changed.push(format!("{what} {have}, the spec's {want}"));
            }
        };
        setting(
            "metric",
            format!("{}/{}", have.namespace, have.metric),
            format!("{}/{}", a.namespace.verbatim(), a.metric.verbatim()),
        );
        setting(
            "threshold",
            have.threshold.to_string(),
            a.threshold.to_string(),
        );
        setting("period", have.period.to_string(), a.period.to_string());
        setting(
            "evaluation periods",
            have.evaluation_periods.to_string(),
            a.evaluation_periods.to_string(),
        );
        setting(
            "comparison",
            have.comparison.clone(),
            a.comparison.to_string(),
        );
        setting("statistic", have.statistic.clone(), a.statistic.to_string());
        if let Some(missing) = &have.treat_missing_data {
            setting(
                "missing data treated as",
                missing.clone(),
                a.treat_missing_data.to_string(),
            );
        }
        for action in &a.actions {
            match wanted(env, action) {
                Wanted::Known(arn) if !have.actions.contains(&arn) => changed.push(format!(
                    "it does not notify {arn} (it notifies {})",
                    if have.actions.is_empty() {
                        "nothing".to_string()
                    } else {
                        have.actions.join(", ")
                    }
                )),
                Wanted::Made if have.actions.is_empty() => {
                    changed.push("it notifies nothing".into())
                }
                _ => {}
            }
        }
        if !changed.is_empty() {
            found.differ(
                Code::DriftAlarm,
                &path,
                format!("the alarm {name} differs: {}", changed.join("; ")),
                REDEPLOY,
            );
        }
    }
}
