//! What in a spec is billed, with the unit price where trailsmith's AWS facts give one.
//!
//! Owns the list of cost drivers and the one price `selectors` has no use for (CloudWatch Logs
//! delivery), and the storage of a log group that keeps events forever. Event prices are `selectors`' constants, so `validate` and `explain` quote the same
//! figure. In an organization layout each part lists what its own account pays for. It must not
//! estimate volumes or totals, nor give a figure the facts file does not: a driver without one is
//! named without a price.

use super::prose::{and_list, count};
use crate::model::{Model, Retention};
use crate::selectors::{DATA_EVENT_PRICE, INSIGHTS_PRICE, NETWORK_EVENT_PRICE};
use crate::spec::Spec;

/// "aws-cloudtrail-facts" §3 (CloudTrail pricing page): CloudWatch Logs delivery.
pub const CLOUDWATCH_LOGS_DELIVERY_PRICE: &str = "$0.25 per GB";

/// The category a raw advanced selector records, when it names exactly one.
fn category(a: &crate::spec::AdvancedSelectorSpec) -> Option<&str> {
    let f = a
        .field_selectors
        .iter()
        .find(|f| f.field == "eventCategory")?;
    match f.equals.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    }
}

/// The "Cost drivers" section.
pub fn section(spec: &Spec, model: &Model) -> Vec<String> {
    let mut items = events(spec, model);
    let insights = model.trail.as_ref().map_or(0, |t| t.insights.len());
    if insights > 0 {
        items.push(format!(
            "Insights ({}): {INSIGHTS_PRICE}, for each Insights type",
            count(insights, "type", "types")
        ));
    }
    if model
        .trail
        .as_ref()
        .is_some_and(|t| t.cloudwatch_logs.is_some())
    {
        items.push(format!(
            "CloudWatch Logs delivery of the events: {CLOUDWATCH_LOGS_DELIVERY_PRICE}"
        ));
    }
    // Storage is billed with any retention, but a bounded one caps it; `never` is the one choice
    // under which the bill only grows, so it is named (without a price: the facts give none).
    // Not a warning: it is written on purpose, and 3653 days costs the same for ten years.
    if model
        .log_group
        .as_ref()
        .is_some_and(|g| g.retention == Retention::Never)
    {
        items.push(
            "CloudWatch Logs storage of the events, kept forever (`retention_days: never`): it grows every month"
                .to_string(),
        );
    }
    if model.key.is_some() {
        items.push("the new KMS key: a monthly charge for the key and one per request".to_string());
    }
    if !model.alarms.is_empty() {
        items.push(format!(
            "{}: a monthly charge for each",
            count(model.alarms.len(), "CloudWatch alarm", "CloudWatch alarms")
        ));
    }
    // The bucket's account pays for storage: in a layout, the part that holds the bucket.
    if model.bucket.is_some() || model.part.is_none() {
        items.push("S3 storage and requests of the log files".to_string());
    }
    let mut lines =
        vec!["Cost drivers (a price only where trailsmith's AWS facts give one)".to_string()];
    lines.extend(items.into_iter().map(|i| format!("  {i}")));
    lines
}

/// What the trail records that is billed per event; nothing for a layout's part without the
/// trail, since events are billed to the trail's account.
fn events(spec: &Spec, model: &Model) -> Vec<String> {
    let mut items = Vec::new();
    if model.trail.is_none() {
        return items;
    }
    let e = &spec.events;
    let mut types: Vec<String> = Vec::new();
    for d in &e.data {
        if !types.contains(&d.resource_type) {
            types.push(d.resource_type.clone());
        }
    }
    if !types.is_empty() {
        items.push(format!(
            "data events of {}: {DATA_EVENT_PRICE}",
            and_list(&types)
        ));
    }
    let sources: Vec<String> = e
        .network_activity
        .iter()
        .map(|n| n.source.as_str().to_string())
        .collect();
    if !sources.is_empty() {
        items.push(format!(
            "network activity events of {}: {NETWORK_EVENT_PRICE}",
            and_list(&sources)
        ));
    }
    for (i, a) in e.advanced.iter().enumerate() {
        let (what, price) = match category(a) {
            Some("Data") => ("data events", DATA_EVENT_PRICE),
            Some("NetworkActivity") => ("network activity events", NETWORK_EVENT_PRICE),
            _ => continue,
        };
        let name = a
            .name
            .clone()
            .unwrap_or_else(|| format!("advanced selector {}", i + 1));
        items.push(format!("{what} of the raw selector \"{name}\": {price}"));
    }
    items
}
