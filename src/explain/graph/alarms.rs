//! The alarms section in the graph: the metric filters and the alarms as one node each (fifteen
//! CIS filters as fifteen boxes would drown the trail), the alerts topic, its policy and its
//! subscriptions.
//!
//! Owns only which of these nodes exist and their labels; edges still come from the model's
//! expressions, except the two links the model holds by name rather than by `Expr` (an alarm's
//! metric is its filter's, a subscription belongs to its topic). Edges here run the way events
//! flow (log group, filters, alarms, topic, subscribers), so the chain reads left to right.

use super::{Graph, Kind, Line, Way};
use crate::explain::prose::count;
use crate::explain::words::Words;
use crate::model::Model;

pub(super) fn add(model: &Model, w: &Words, g: &mut Graph) {
    if let Some(t) = &model.alerts_topic {
        g.node(
            "alerts_topic",
            format!("SNS topic\n{}", t.name.verbatim()),
            Kind::Created,
        );
        let policy = "alerts topic policy".to_string();
        g.node("alerts_topic_policy", policy, Kind::Created);
        if let Some(key) = &t.kms_key {
            g.refer(
                w,
                "alerts_topic",
                "encrypts with",
                Way::Forward,
                "KMS key",
                key,
            );
        }
        if !t.subscriptions.is_empty() {
            let mut label = count(t.subscriptions.len(), "subscription", "subscriptions");
            for s in &t.subscriptions {
                label.push_str(&format!("\n{} {}", s.protocol, s.endpoint.verbatim()));
            }
            g.node("subscriptions", label, Kind::Created);
            g.edge(
                "alerts_topic",
                "subscriptions",
                "delivers to",
                Line::Reference,
            );
        }
    }
    let filters = &model.metric_filters;
    if filters.is_empty() {
        return;
    }
    let label = count(filters.len(), "metric filter", "metric filters");
    g.node("metric_filters", label, Kind::Created);
    for f in filters {
        let group = &f.log_group_name;
        let what = "CloudWatch Logs group";
        g.refer(w, "metric_filters", "filtered by", Way::Back, what, group);
    }
    if model.alarms.is_empty() {
        return;
    }
    let label = count(model.alarms.len(), "alarm", "alarms");
    g.node("alarms", label, Kind::Created);
    let watched = model.alarms.iter().any(|a| {
        filters
            .iter()
            .any(|f| f.metric == a.metric && f.namespace == a.namespace)
    });
    if watched {
        g.edge("metric_filters", "alarms", "watched by", Line::Reference);
    }
    for a in &model.alarms {
        for action in &a.actions {
            g.refer(w, "alarms", "notify", Way::Forward, "SNS topic", action);
        }
    }
}
