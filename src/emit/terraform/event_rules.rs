//! The model's EventBridge rules as Terraform resources: `aws_cloudwatch_event_rule.<key>` and
//! its target `aws_cloudwatch_event_target.<key>`.
//!
//! Owns their addresses and argument names, checked against the provider schema by the golden
//! test. Like its parent, it makes no decisions: the pattern is the model's JSON text, through
//! the one door that escapes `${` and `%{`.

use super::{address, expr, text, with_tags, Blocks};
use crate::emit::object;
use crate::model::Model;
use serde_json::{json, Map, Value};

pub(super) fn add(model: &Model, resources: &mut Blocks) {
    for r in &model.event_rules {
        let mut body = Map::new();
        body.insert("name".into(), text(&r.name));
        body.insert("description".into(), text(&r.description));
        body.insert("event_pattern".into(), text(&r.pattern));
        body.insert("state".into(), json!("ENABLED"));
        resources.add("aws_cloudwatch_event_rule", &r.key, with_tags(body, model));
        let mut target = object([
            (
                "rule",
                json!(format!("${{aws_cloudwatch_event_rule.{}.name}}", r.key)),
            ),
            ("target_id", json!(r.target_id)),
            ("arn", expr(&r.target)),
        ]);
        if let (Some(res), Value::Object(m)) = (r.waits_for, &mut target) {
            m.insert("depends_on".into(), json!([address(res)]));
        }
        resources.add("aws_cloudwatch_event_target", &r.key, target);
    }
}
