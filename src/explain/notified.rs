//! The lines of "Created" about the EventBridge rules of `alarms.events`: each rule's name, what
//! its pattern matches in words, and the topic it notifies.
//!
//! Reads the model's rules only; the words come from `model::event_rules`, which decided them. It
//! must not parse or judge a pattern (that is `validate`).

use super::prose::count;
use super::words::Words;
use crate::expr::{Attr, Expr, Res};
use crate::model::Model;

/// The topic a rule notifies, in words.
fn target(e: &Expr, w: &Words) -> String {
    match e {
        Expr::Attr(Res::AlertsTopic, _) => format!(
            "the alerts topic {}",
            w.expr(&Expr::Attr(Res::AlertsTopic, Attr::Name))
        ),
        Expr::Attr(Res::Topic, _) => "the delivery topic".to_string(),
        other => format!("the existing topic {}", w.expr(other)),
    }
}

pub(super) fn lines(model: &Model, w: &Words, lines: &mut Vec<String>) {
    if model.event_rules.is_empty() {
        return;
    }
    lines.push(format!(
        "  Notified through EventBridge: {} on the default event bus of the region deployed to, without CloudWatch Logs",
        count(model.event_rules.len(), "rule", "rules")
    ));
    for r in &model.event_rules {
        lines.push(format!(
            "    rule {}: {}, to {}",
            r.name.verbatim(),
            r.words,
            target(&r.target, w)
        ));
        lines.push(format!("      pattern {}", r.pattern.verbatim()));
    }
}
