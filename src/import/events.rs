//! A deployed trail's selectors and Insights as the spec's `events` section: intents (management,
//! data, network activity) where the selectors say one, raw `advanced` otherwise.
//!
//! Owns reading selectors as intents and proving each reading: the intent is planned by
//! `selectors::plan` and kept only when what the plan records equals what is deployed. It must
//! not write YAML (that is `yaml`).

use crate::deployed::{self, canonical, Canon, Env, Selectors};
use crate::spec::{AdvancedSelectorSpec, Events, Operator};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The `events` section and the notes it needs.
pub struct Imported {
    pub events: Value,
    pub notes: Vec<String>,
}

fn values(c: &Canon, field: &str, op: Operator) -> Option<Vec<String>> {
    c.get(field)?.get(&op).map(|v| v.iter().cloned().collect())
}

/// The only value of `field`'s one condition, when it has exactly that.
fn only(c: &Canon, field: &str, op: Operator) -> Option<String> {
    let conditions = c.get(field)?;
    let vals = conditions.get(&op)?;
    (conditions.len() == 1 && vals.len() == 1).then(|| vals.iter().next().cloned())?
}

fn fields_within(c: &Canon, allowed: &[&str]) -> bool {
    c.keys().all(|k| allowed.contains(&k.as_str()))
}

/// `readOnly` as the spec's `read_write`.
fn read_write(c: &Canon) -> Option<&'static str> {
    match c.get("readOnly") {
        None => Some("all"),
        Some(_) => match only(c, "readOnly", Operator::Equals)?.as_str() {
            "true" => Some("read_only"),
            "false" => Some("write_only"),
            _ => None,
        },
    }
}

fn management(c: &Canon) -> Option<Value> {
    if !fields_within(c, &["eventCategory", "readOnly", "eventSource"]) {
        return None;
    }
    let rw = read_write(c)?;
    let excluded = match c.get("eventSource") {
        None => Vec::new(),
        Some(conditions) if conditions.len() == 1 => values(c, "eventSource", Operator::NotEquals)?,
        Some(_) => return None,
    };
    Some(if excluded.is_empty() {
        json!(rw)
    } else {
        json!({ "read_write": rw, "exclude_sources": excluded })
    })
}

fn data(c: &Canon, env: &Env) -> Option<Value> {
    if !fields_within(
        c,
        &[
            "eventCategory",
            "resources.type",
            "readOnly",
            "resources.ARN",
            "eventName",
        ],
    ) {
        return None;
    }
    let resource_type = only(c, "resources.type", Operator::Equals)?;
    let s3 = resource_type == "AWS::S3::Object";
    let mut out = Map::new();
    out.insert("type".into(), json!(resource_type));
    let trail_bucket = env
        .bucket
        .as_ref()
        .map(|b| format!("arn:{}:s3:::{b}/", env.partition));
    match c.get("resources.ARN") {
        None => {
            out.insert("all".into(), json!(true));
            if s3 {
                out.insert("include_trail_bucket".into(), json!(true));
            }
        }
        Some(arn) => {
            let ops: Vec<Operator> = arn.keys().copied().collect();
            match ops.as_slice() {
                [Operator::NotStartsWith]
                    if s3
                        && values(c, "resources.ARN", Operator::NotStartsWith)
                            == trail_bucket.map(|b| vec![b]) =>
                {
                    out.insert("all".into(), json!(true));
                }
                [Operator::StartsWith] if s3 => {
                    let prefix = format!("arn:{}:s3:::", env.partition);
                    let buckets: Option<Vec<String>> =
                        values(c, "resources.ARN", Operator::StartsWith)?
                            .iter()
                            .map(|v| {
                                let path = v.strip_prefix(&prefix)?;
                                // `b/` is the whole bucket `b`; a key prefix keeps its slash
                                // (`b/logs/`), as the spec writes it.
                                Some(match path.strip_suffix('/') {
                                    Some(bucket) if !bucket.contains('/') => bucket.to_string(),
                                    _ => path.to_string(),
                                })
                            })
                            .collect();
                    out.insert("buckets".into(), json!(buckets?));
                }
                [Operator::StartsWith] => {
                    out.insert(
                        "arn_prefixes".into(),
                        json!(values(c, "resources.ARN", Operator::StartsWith)?),
                    );
                }
                [Operator::Equals] => {
                    out.insert(
                        "arns".into(),
                        json!(values(c, "resources.ARN", Operator::Equals)?),
                    );
                }
                _ => return None,
            }
        }
    }
    let rw = read_write(c)?;
    if rw != "all" {
        out.insert("read_write".into(), json!(rw));
    }
    if let Some(names) = c.get("eventName") {
        let mut en = Map::new();
        for (op, key) in [
            (Operator::Equals, "include"),
            (Operator::NotEquals, "exclude"),
        ] {
            if let Some(v) = names.get(&op) {
                en.insert(key.into(), json!(v.iter().collect::<Vec<_>>()));
            }
        }
        if en.len() != names.len() {
            return None;
        }
        out.insert("event_names".into(), Value::Object(en));
    }
    Some(Value::Object(out))
}

fn network(c: &Canon) -> Option<Value> {
    if !fields_within(
        c,
        &["eventCategory", "eventSource", "errorCode", "vpcEndpointId"],
    ) {
        return None;
    }
    let mut out = Map::new();
    out.insert(
        "source".into(),
        json!(only(c, "eventSource", Operator::Equals)?),
    );
    if c.contains_key("errorCode") {
        (only(c, "errorCode", Operator::Equals)? == "VpceAccessDenied").then_some(())?;
        out.insert("vpce_access_denied_only".into(), json!(true));
    }
    if c.contains_key("vpcEndpointId") {
        out.insert(
            "vpc_endpoint_ids".into(),
            json!(values(c, "vpcEndpointId", Operator::Equals)?),
        );
        (c["vpcEndpointId"].len() == 1).then_some(())?;
    }
    Some(Value::Object(out))
}

/// One selector as a spec `advanced` entry, exactly as written.
fn raw(a: &AdvancedSelectorSpec) -> Value {
    let mut out = Map::new();
    if let Some(name) = &a.name {
        out.insert("name".into(), json!(name));
    }
    let fields: Vec<Value> = a
        .field_selectors
        .iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("field".into(), json!(f.field));
            for (op, vals) in f.operators() {
                if !vals.is_empty() {
                    m.insert(op.snake().into(), json!(vals));
                }
            }
            Value::Object(m)
        })
        .collect();
    out.insert("field_selectors".into(), json!(fields));
    Value::Object(out)
}

/// The intents the selectors say, or `None` when one of them is not an intent.
fn intents(advanced: &[AdvancedSelectorSpec], env: &Env) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    let mut management_seen = None;
    let mut data_list = Vec::new();
    let mut network_list = Vec::new();
    for a in advanced {
        let c = canonical(&Selectors::Advanced(vec![a.clone()]), &env.partition)
            .into_iter()
            .next()?;
        match only(&c, "eventCategory", Operator::Equals)?.as_str() {
            "Management" if management_seen.is_none() => management_seen = Some(management(&c)?),
            "Data" => data_list.push(data(&c, env)?),
            "NetworkActivity" => network_list.push(network(&c)?),
            _ => return None,
        }
    }
    out.insert(
        "management".into(),
        management_seen.unwrap_or_else(|| json!("none")),
    );
    if !data_list.is_empty() {
        out.insert("data".into(), json!(data_list));
    }
    if !network_list.is_empty() {
        out.insert("network_activity".into(), json!(network_list));
    }
    Some(out)
}

/// What `events` records at this deployment, or `None` when the plan cannot be resolved.
fn records(events: &Map<String, Value>, env: &Env) -> Option<BTreeSet<Canon>> {
    let parsed: Events = serde_json::from_value(Value::Object(events.clone())).ok()?;
    let bucket_arn = crate::expr::Expr::lit(format!(
        "arn:{}:s3:::{}",
        env.partition,
        env.bucket.as_deref().unwrap_or_default()
    ));
    let planned = crate::selectors::plan(&parsed, &bucket_arn);
    Some(canonical(
        &env.selectors(&planned.selectors)?,
        &env.partition,
    ))
}

/// The `events` section for what is deployed. `selectors` `None`: the files did not say.
pub fn import(selectors: Option<&Selectors>, insights: Option<&[String]>, env: &Env) -> Imported {
    let mut notes = Vec::new();
    let mut events = Map::new();
    match selectors {
        None => notes.push(
            "event selectors not given (aws cloudtrail get-event-selectors); the spec's \
             default, all management events, is written"
                .into(),
        ),
        Some(deployed_selectors) => {
            let wanted = canonical(deployed_selectors, &env.partition);
            let advanced: Vec<AdvancedSelectorSpec> = match deployed_selectors {
                Selectors::Advanced(list) => list.clone(),
                Selectors::Basic(list) => list
                    .iter()
                    .flat_map(|b| deployed::basic_as_advanced(b, &env.partition))
                    .collect(),
            };
            let as_intents =
                intents(&advanced, env).filter(|m| records(m, env).as_ref() == Some(&wanted));
            events = match as_intents {
                Some(m) => m,
                None => {
                    let mut m = Map::new();
                    m.insert("management".into(), json!("none"));
                    m.insert(
                        "advanced".into(),
                        json!(advanced.iter().map(raw).collect::<Vec<_>>()),
                    );
                    if records(&m, env).as_ref() != Some(&wanted) {
                        notes.push(
                            "the deployed selectors are written as raw advanced \
                             selectors, but trailsmith's plan of them records differently; \
                             compare with `trailsmith drift`"
                                .into(),
                        );
                    } else {
                        notes.push(
                            "written as raw advanced selectors, since they are not all \
                             management, data or network activity intents"
                                .into(),
                        );
                    }
                    m
                }
            };
        }
    }
    match insights {
        None => notes.push(
            "insight selectors not given (aws cloudtrail get-insight-selectors); none written"
                .into(),
        ),
        Some(list) => {
            let mut known = Vec::new();
            for i in list {
                match i.as_str() {
                    "ApiCallRateInsight" => known.push("api_call_rate"),
                    "ApiErrorRateInsight" => known.push("api_error_rate"),
                    other => notes.push(format!(
                        "events.insights: Insights type {other} is not one the spec can say; left out"
                    )),
                }
            }
            if !known.is_empty() {
                events.insert("insights".into(), json!(known));
            }
        }
    }
    Imported {
        events: Value::Object(events),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env {
            partition: "aws".into(),
            region: "eu-west-1".into(),
            account: "111122223333".into(),
            bucket: Some("trail-logs".into()),
            ..Env::default()
        }
    }

    /// Advanced selectors written as the spec writes raw ones.
    fn advanced(v: Value) -> Selectors {
        Selectors::Advanced(serde_json::from_value(v).expect("selectors"))
    }

    fn management_and(other: Value) -> Value {
        json!([
            { "field_selectors": [{ "field": "eventCategory", "equals": ["Management"] }] },
            other
        ])
    }

    #[test]
    fn a_network_activity_selector_reads_as_its_intent() {
        let s = advanced(management_and(
            json!({ "name": "kms denied", "field_selectors": [
                { "field": "eventCategory", "equals": ["NetworkActivity"] },
                { "field": "eventSource", "equals": ["kms.amazonaws.com"] },
                { "field": "errorCode", "equals": ["VpceAccessDenied"] },
            ]}),
        ));
        let got = import(Some(&s), Some(&[]), &env());
        assert_eq!(
            got.events,
            json!({
                "management": "all",
                "network_activity": [{ "source": "kms.amazonaws.com", "vpce_access_denied_only": true }],
            })
        );
        assert!(got.notes.is_empty(), "{:?}", got.notes);
    }

    #[test]
    fn data_events_under_a_prefix_and_writes_only_read_as_their_intent() {
        let s = advanced(management_and(json!({ "field_selectors": [
            { "field": "eventCategory", "equals": ["Data"] },
            { "field": "resources.type", "equals": ["AWS::S3::Object"] },
            { "field": "resources.ARN", "starts_with": ["arn:aws:s3:::payroll/reports/"] },
            { "field": "readOnly", "equals": ["false"] },
        ]})));
        let got = import(Some(&s), None, &env());
        assert_eq!(
            got.events["data"],
            json!([{ "type": "AWS::S3::Object", "buckets": ["payroll/reports/"], "read_write": "write_only" }])
        );
    }

    /// A condition no intent has (`userIdentity.arn`) keeps every selector raw, as written, and
    /// says so; what it records is still what is deployed.
    #[test]
    fn a_selector_no_intent_says_keeps_them_all_raw() {
        let list = management_and(json!({ "name": "one role", "field_selectors": [
            { "field": "eventCategory", "equals": ["Data"] },
            { "field": "resources.type", "equals": ["AWS::Lambda::Function"] },
            { "field": "userIdentity.arn", "starts_with": ["arn:aws:sts::111122223333:assumed-role/deployer/"] },
        ]}));
        let got = import(Some(&advanced(list.clone())), None, &env());
        assert_eq!(got.events["management"], json!("none"));
        assert_eq!(got.events["advanced"], list);
        assert!(
            got.notes
                .iter()
                .any(|n| n.contains("written as raw advanced")),
            "{:?}",
            got.notes
        );
    }

    #[test]
    fn an_insights_type_the_spec_cannot_say_is_a_note() {
        let s = advanced(json!([
            { "field_selectors": [{ "field": "eventCategory", "equals": ["Management"] }] }
        ]));
        let insights = [
            "ApiErrorRateInsight".to_string(),
            "FutureInsight".to_string(),
        ];
        let got = import(Some(&s), Some(&insights), &env());
        assert_eq!(got.events["insights"], json!(["api_error_rate"]));
        assert!(
            got.notes.iter().any(|n| n.contains("FutureInsight")),
            "{:?}",
            got.notes
        );
    }
}
