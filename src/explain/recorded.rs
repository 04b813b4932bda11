//! What the trail records, in words: management events, each data event entry, network activity,
//! Insights and raw advanced selectors, and which selector form carries them.
//!
//! Reads what is recorded, and the form, from the model's planned selectors, and the details
//! (sources, scopes, names) from the spec's words. It must not plan selectors itself: whether all
//! S3 objects leave out the trail bucket is asked of `selectors`, the rule the plan follows.

use super::prose::{and_list, count};
use crate::model::Model;
use crate::selectors::{self, excludes_trail_bucket, Recorded, Selectors};
use crate::spec::{DataEvents, Events, Management, ReadWrite, Spec};

fn read_write(rw: ReadWrite) -> &'static str {
    match rw {
        ReadWrite::All => "read and write",
        ReadWrite::ReadOnly => "read only",
        ReadWrite::WriteOnly => "write only",
    }
}

/// What is recorded (the plan), in the words of the spec where they agree, saying where raw
/// advanced selectors record more than the `management` word asks for (as `selectors` reads it).
fn management(m: &Management, r: Recorded) -> String {
    let recorded = (r.management_reads, r.management_writes);
    let mut text = match recorded {
        (true, true) => "all (read and write)".to_string(),
        (true, false) => "read only".to_string(),
        (false, true) => "write only".to_string(),
        (false, false) => "none".to_string(),
    };
    let asked = selectors::management(m);
    let (reads, writes) = asked.as_ref().map_or((false, false), |(rw, _)| {
        (*rw != ReadWrite::WriteOnly, *rw != ReadWrite::ReadOnly)
    });
    if let Some((_, excluded)) = &asked {
        if !excluded.is_empty() {
            text.push_str(&format!(", except from {}", and_list(excluded)));
        }
    }
    if recorded != (reads, writes) {
        text.push_str(" (partly through the raw advanced selectors)");
    }
    text
}

/// One data entry: its type, scope, operations and event names.
pub fn data_entry(d: &DataEvents) -> String {
    let s3 = d.resource_type == "AWS::S3::Object";
    let scope = if d.all && s3 {
        if excludes_trail_bucket(d) {
            "all buckets except the trail's own bucket (its deliveries would be recorded again)"
                .to_string()
        } else {
            "all buckets, the trail's own bucket included".to_string()
        }
    } else if d.all {
        "every resource of the type".to_string()
    } else {
        let mut parts = Vec::new();
        if !d.buckets.is_empty() {
            parts.push(format!("objects in {}", and_list(&d.buckets)));
        }
        if !d.arns.is_empty() {
            parts.push(and_list(&d.arns));
        }
        if !d.arn_prefixes.is_empty() {
            parts.push(format!("ARNs starting {}", and_list(&d.arn_prefixes)));
        }
        parts.join(", ")
    };
    let mut text = format!("{}: {scope}; {}", d.resource_type, read_write(d.read_write));
    if let Some(names) = &d.event_names {
        if !names.include.is_empty() {
            text.push_str(&format!("; only {}", and_list(&names.include)));
        }
        if !names.exclude.is_empty() {
            text.push_str(&format!("; all but {}", and_list(&names.exclude)));
        }
    }
    text
}

fn insight_name(aws: &str) -> String {
    match aws {
        "ApiCallRateInsight" => "API call rate".to_string(),
        "ApiErrorRateInsight" => "API error rate".to_string(),
        other => other.to_string(),
    }
}

/// The raw advanced selectors, as names with their field conditions.
fn advanced(events: &Events) -> Vec<String> {
    events
        .advanced
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let name = a
                .name
                .clone()
                .unwrap_or_else(|| format!("advanced selector {}", i + 1));
            let tests: Vec<String> = a
                .field_selectors
                .iter()
                .flat_map(|f| {
                    f.operators()
                        .into_iter()
                        .filter(|(_, values)| !values.is_empty())
                        .map(|(op, values)| {
                            format!("{} {} {}", f.field, op.snake(), values.join(" | "))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            format!("\"{name}\": {}", tests.join(", "))
        })
        .collect()
}

/// The "Recorded" section.
pub fn section(spec: &Spec, model: &Model) -> Vec<String> {
    let e = &spec.events;
    let Some(trail) = &model.trail else {
        return Vec::new();
    };
    let recorded = trail.selectors.recorded();
    let form = match &trail.selectors {
        Selectors::Basic(s) => count(s.len(), "basic event selector", "basic event selectors"),
        Selectors::Advanced(s) => count(
            s.len(),
            "advanced event selector",
            "advanced event selectors",
        ),
    };
    let mut lines = vec![
        format!("Recorded (written as {form})"),
        format!(
            "  management events: {}",
            management(&e.management, recorded)
        ),
    ];
    let raw_only = |kind: &str, is: bool| {
        if is {
            format!("  {kind} events: only through the raw advanced selectors")
        } else {
            format!("  {kind} events: none")
        }
    };
    match e.data.as_slice() {
        [] => lines.push(raw_only("data", recorded.data)),
        [one] => lines.push(format!("  data events: {}", data_entry(one))),
        many => {
            lines.push("  data events:".to_string());
            lines.extend(many.iter().map(|d| format!("    {}", data_entry(d))));
        }
    }
    if e.network_activity.is_empty() {
        lines.push(raw_only("network activity", recorded.network_activity));
    }
    for n in &e.network_activity {
        let mut text = format!("  network activity events of {}", n.source.as_str());
        if !n.vpc_endpoint_ids.is_empty() {
            text.push_str(&format!(" through {}", and_list(&n.vpc_endpoint_ids)));
        }
        if n.vpce_access_denied_only {
            text.push_str(": only calls a VPC endpoint policy denied");
        }
        lines.push(text);
    }
    let insights: Vec<String> = trail.insights.iter().map(|i| insight_name(i)).collect();
    lines.push(if insights.is_empty() {
        "  Insights: off".to_string()
    } else {
        // Without `EventCategories`, Insights analyze management events ("InsightSelector"),
        // which is what "Insights" alone has always said here.
        match &trail.insight_categories {
            Some(c) => {
                let on: Vec<String> = c.iter().map(|c| c.to_lowercase()).collect();
                format!(
                    "  Insights: {}, on {} events",
                    and_list(&insights),
                    and_list(&on)
                )
            }
            None => format!("  Insights: {}", and_list(&insights)),
        }
    });
    for (category, templates) in &trail.aggregations {
        let names: Vec<String> = templates
            .iter()
            .map(|t| t.to_lowercase().replace('_', " "))
            .collect();
        lines.push(format!(
            "  aggregated {} events: 5-minute summaries by {}",
            category.to_lowercase(),
            and_list(&names)
        ));
    }
    for a in advanced(e) {
        lines.push(format!("  raw advanced selector {a}"));
    }
    lines
}
