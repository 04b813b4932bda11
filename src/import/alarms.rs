//! A deployed trail's metric filters and alarms as the spec's `alarms` section: CIS patterns by
//! their `cis` id, every other filter as a `custom` alarm.
//!
//! Owns recognizing a CIS filter (its pattern equal to the benchmark's but for spacing) and
//! carrying each alarm's settings and names (filter, alarm, metric) where they differ from the
//! spec's defaults. It must not write YAML.

use crate::cis::{squeezed, CONTROLS};
use crate::deployed::{Alarm, Deployed, Env, MetricFilter};
use crate::derived::{
    cis_alarm_names, pascal, resource_name, DEFAULT_EVALUATION_PERIODS, DEFAULT_NAMESPACE,
    DEFAULT_PERIOD, DEFAULT_THRESHOLD,
};
use crate::model::alarms::{treat_missing_data, TREAT_MISSING_DATA};
use crate::spec::{Alarms, Comparison, MissingData};
use serde_json::{json, Map, Value};

pub struct Imported {
    pub alarms: Option<Value>,
    /// (JSON pointer, note).
    pub notes: Vec<(String, String)>,
}

/// `<trail>-Name_2` as a custom alarm name: lowercase letters, digits, `-`, `_`, a letter first.
fn custom_name(filter: &str, trail: &str) -> String {
    let bare = filter.strip_prefix(&format!("{trail}-")).unwrap_or(filter);
    // `BucketDeleted` reads as `bucket-deleted`, whose default metric is `BucketDeleted` again.
    let mut name = String::new();
    let mut previous_lower = false;
    for c in bare.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('-');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        name.push(match c {
            c if c.is_ascii_alphanumeric() || c == '_' => c.to_ascii_lowercase(),
            _ => '-',
        });
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "filter-");
    }
    name.truncate(64);
    name
}

fn alarm_of<'a>(f: &MetricFilter, alarms: &'a [Alarm]) -> Option<&'a Alarm> {
    alarms
        .iter()
        .find(|a| a.metric == f.metric && a.namespace == f.namespace)
}

pub fn import(d: &Deployed, env: &Env) -> Imported {
    let mut notes = Vec::new();
    let Some(filters) = &d.metric_filters else {
        notes.push((
            "/cloudwatch_logs".into(),
            "metric filters and alarms not given (aws logs describe-metric-filters, aws \
             cloudwatch describe-alarms); none written"
                .into(),
        ));
        return Imported {
            alarms: None,
            notes,
        };
    };
    let no_alarms = Vec::new();
    let alarms = d.alarms.as_ref().unwrap_or(&no_alarms);
    if d.alarms.is_none() && !filters.is_empty() {
        notes.push((
            "/alarms".into(),
            "alarm settings not given (aws cloudwatch describe-alarms); the spec's defaults are written".into(),
        ));
    }
    let mut cis = Vec::new();
    let mut custom = Vec::new();
    let mut namespaces = Vec::new();
    let mut actions: Vec<&str> = Vec::new();
    // Names of CIS alarms carried where they are not trailsmith's, by id.
    let mut cis_names = Map::new();
    for f in filters {
        let alarm = alarm_of(f, alarms);
        if d.alarms.is_some() && alarm.is_none() {
            notes.push((
                "/alarms".into(),
                format!("metric filter {} has no alarm; written with one", f.name),
            ));
        }
        if let Some(a) = alarm {
            actions.extend(a.actions.iter().map(String::as_str));
        }
        let control = CONTROLS
            .iter()
            .find(|c| squeezed(c.pattern) == squeezed(&f.pattern));
        match control {
            Some(c) if !cis.contains(&c.name) => {
                cis.push(c.name);
                // trailsmith's own names for this control, as the model would give them.
                let ours = cis_alarm_names(&d.trail.name, &Alarms::default(), c.id);
                let mut names = Map::new();
                if f.name != ours.filter {
                    names.insert("filter_name".into(), json!(f.name));
                }
                if let Some(a) = alarm.filter(|a| a.name != ours.alarm) {
                    names.insert("alarm_name".into(), json!(a.name));
                }
                if f.metric != ours.metric {
                    names.insert("metric".into(), json!(f.metric));
                }
                if !names.is_empty() {
                    cis_names.insert(c.name.into(), Value::Object(names));
                }
                namespaces.push(f.namespace.clone());
                let changes = cis_changes(alarm);
                if !changes.is_empty() {
                    notes.push((
                        "/alarms/cis".into(),
                        format!("{} (filter {}): {}", c.name, f.name, changes.join(", ")),
                    ));
                }
            }
            _ => custom.push(custom_alarm(f, alarm, &d.trail.name)),
        }
    }
    if filters.is_empty() {
        return Imported {
            alarms: None,
            notes,
        };
    }
    let mut out = Map::new();
    if cis.len() == CONTROLS.len() {
        out.insert("cis".into(), json!("all"));
    } else if !cis.is_empty() {
        // In the benchmark's order, as `cis: all` would make them.
        let ordered: Vec<&str> = CONTROLS
            .iter()
            .map(|c| c.name)
            .filter(|n| cis.contains(n))
            .collect();
        out.insert("cis".into(), json!(ordered));
    }
    if !cis_names.is_empty() {
        out.insert("cis_names".into(), Value::Object(cis_names));
    }
    namespaces.sort();
    namespaces.dedup();
    let section = match namespaces.as_slice() {
        [one] => one.clone(),
        [_, _, ..] => {
            notes.push((
                "/alarms".into(),
                format!(
                    "the CIS filters count into several namespaces ({}); the spec uses one",
                    namespaces.join(", ")
                ),
            ));
            namespaces[0].clone()
        }
        [] => DEFAULT_NAMESPACE.to_string(),
    };
    if section != DEFAULT_NAMESPACE {
        out.insert("namespace".into(), json!(section));
    }
    for alarm in &mut custom {
        if let Some(a) = alarm.as_object_mut() {
            if a.get("namespace").and_then(Value::as_str) == Some(section.as_str()) {
                a.remove("namespace");
            }
        }
    }
    if !custom.is_empty() {
        out.insert("custom".into(), json!(custom));
    }
    actions.sort();
    actions.dedup();
    let notify = match actions.as_slice() {
        [] => None,
        [topic] if Some(*topic) == d.trail.sns_topic_arn.as_deref() => {
            Some(json!({ "delivery_topic": true }))
        }
        [topic] if topic.split(':').nth(4) == Some(env.account.as_str()) => {
            notes.push((
                "/alarms/notify".into(),
                "the alerts topic is carried by name; its subscriptions are not read \
                 (aws sns list-subscriptions-by-topic)"
                    .into(),
            ));
            Some(json!({ "topic_name": topic.rsplit(':').next().unwrap_or(topic) }))
        }
        [topic] => Some(json!({ "topic_arn": topic })),
        many => {
            notes.push((
                "/alarms/notify".into(),
                format!(
                    "the alarms act on {} topics ({}); the spec sends all to one, the first",
                    many.len(),
                    many.join(", ")
                ),
            ));
            Some(json!({ "topic_arn": many[0] }))
        }
    };
    if let Some(n) = notify {
        out.insert("notify".into(), n);
    }

    Imported {
        alarms: Some(Value::Object(out)),
        notes,
    }
}

/// How trailsmith's alarm for a CIS control differs from the deployed one, beyond its names
/// (carried in `cis_names`).
fn cis_changes(alarm: Option<&Alarm>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = alarm {
        let settings = [
            (
                "threshold",
                a.threshold.to_string(),
                DEFAULT_THRESHOLD.to_string(),
            ),
            ("period", a.period.to_string(), DEFAULT_PERIOD.to_string()),
            (
                "evaluation periods",
                a.evaluation_periods.to_string(),
                DEFAULT_EVALUATION_PERIODS.to_string(),
            ),
            ("statistic", a.statistic.clone(), "Sum".into()),
            (
                "comparison",
                a.comparison.clone(),
                "GreaterThanOrEqualToThreshold".into(),
            ),
            (
                "missing data treated as",
                a.treat_missing_data
                    .clone()
                    .unwrap_or_else(|| TREAT_MISSING_DATA.into()),
                TREAT_MISSING_DATA.into(),
            ),
        ];
        for (what, deployed, ours) in settings {
            if deployed != ours {
                out.push(format!(
                    "{what} {deployed} becomes {ours} (CIS alarms take the benchmark's settings)"
                ));
            }
        }
    }
    out
}

fn custom_alarm(f: &MetricFilter, alarm: Option<&Alarm>, trail: &str) -> Value {
    let name = custom_name(&f.name, trail);
    let ours = resource_name(trail, &name);
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    if f.name != ours {
        out.insert("filter_name".into(), json!(f.name));
    }
    if let Some(a) = alarm.filter(|a| a.name != ours) {
        out.insert("alarm_name".into(), json!(a.name));
    }
    out.insert("pattern".into(), json!(f.pattern));
    if f.metric != pascal(&name) {
        out.insert("metric".into(), json!(f.metric));
    }
    // Dropped again below where it is the section's.
    out.insert("namespace".into(), json!(f.namespace));
    if let Some(a) = alarm {
        if a.threshold != DEFAULT_THRESHOLD {
            out.insert("threshold".into(), json!(a.threshold));
        }
        if a.period != DEFAULT_PERIOD {
            out.insert("period".into(), json!(a.period));
        }
        if a.evaluation_periods != DEFAULT_EVALUATION_PERIODS {
            out.insert("evaluation_periods".into(), json!(a.evaluation_periods));
        }
        if a.statistic != "Sum" && !a.statistic.is_empty() {
            out.insert("statistic".into(), json!(a.statistic));
        }
        if a.comparison != "GreaterThanOrEqualToThreshold" && !a.comparison.is_empty() {
            out.insert("comparison".into(), json!(a.comparison));
        }
        if let Some(desc) = &a.description {
            out.insert("description".into(), json!(desc));
        }
        let comparison: Option<Comparison> = serde_json::from_value(json!(a.comparison)).ok();
        let known = a
            .treat_missing_data
            .as_ref()
            .and_then(|m| serde_json::from_value::<MissingData>(json!(m)).ok());
        if let (Some(missing), Some(comparison)) = (known, comparison) {
            if missing.as_str() != treat_missing_data(comparison, None) {
                out.insert("treat_missing_data".into(), json!(missing.as_str()));
            }
        }
    }
    Value::Object(out)
}
