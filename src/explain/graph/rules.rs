//! The EventBridge rules of `alarms.events` in the graph: one node for the rules (their names in
//! the label), fed by the trail, notifying their topic.
//!
//! Owns only that node and its two kinds of edge; the topic policy's grant to EventBridge is
//! drawn with every other policy statement. Edges run the way events flow: trail, rules, topic.

use super::{Graph, Kind, Line, Way};
use crate::explain::prose::count;
use crate::explain::words::Words;
use crate::model::Model;

pub(super) fn add(model: &Model, w: &Words, g: &mut Graph) {
    let rules = &model.event_rules;
    if rules.is_empty() {
        return;
    }
    let mut label = count(rules.len(), "EventBridge rule", "EventBridge rules");
    for r in rules {
        label.push_str(&format!("\n{}", r.name.verbatim()));
    }
    g.node("event_rules", label, Kind::Created);
    if model.trail.is_some() {
        g.edge(
            "trail",
            "event_rules",
            "events via EventBridge",
            Line::Reference,
        );
    }
    let mut seen = Vec::new();
    for r in rules {
        if !seen.contains(&&r.target) {
            seen.push(&r.target);
            g.refer(
                w,
                "event_rules",
                "notify",
                Way::Forward,
                "SNS topic",
                &r.target,
            );
        }
    }
}
