//! The model's EventBridge rules as CloudFormation `AWS::Events::Rule` resources, each with its
//! one target inline.
//!
//! Owns their logical ids (`AlertsRule<Key>`) and property names. Like its parent, it makes no
//! decisions: the pattern is the model's JSON text, written as a string (`EventPattern` takes a
//! string or an object), so both targets carry the same bytes.

use super::{expr, resource, tagged, text};
use crate::emit::{object, pascal_case};
use crate::model::Model;
use serde_json::{json, Map, Value};

/// Stable logical ids, from the keys the model gives (renaming one replaces the rule).
pub fn rule_id(key: &str) -> String {
    format!("AlertsRule{}", pascal_case(key))
}

pub(super) fn add(model: &Model, resources: &mut Map<String, Value>) {
    for r in &model.event_rules {
        let mut p = Map::new();
        p.insert("Name".into(), text(&r.name));
        p.insert("Description".into(), text(&r.description));
        p.insert("EventPattern".into(), text(&r.pattern));
        p.insert("State".into(), json!("ENABLED"));
        p.insert(
            "Targets".into(),
            json!([object([
                ("Id", json!(r.target_id)),
                ("Arn", expr(&r.target))
            ])]),
        );
        let waits: Vec<_> = r.waits_for.into_iter().collect();
        resources.insert(
            rule_id(&r.key),
            resource("AWS::Events::Rule", &waits, tagged(p, model)),
        );
    }
}
