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

#[cfg(test)]
mod tests {
    use crate::explain::tests::lowered;
    use crate::explain::{mermaid, text};

    const RULES: &str = "version: 1\ntrail: {name: audit}\ncloudwatch_logs: false\nalarms:\n  notify: {email: [a@example.com]}\n  events:\n    - {preset: console_sign_in, without_mfa: true}\n    - {name: deleted, pattern: '{\"detail-type\": [\"AWS API Call via CloudTrail\"]}'}\n";

    #[test]
    fn each_rule_says_what_it_matches_and_where_it_goes() {
        let (spec, model) = lowered(RULES);
        let t = text(&spec, &model);
        let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("Notified through EventBridge: 2 rules on the default event bus"),
            "{t}"
        );
        assert!(
            flat.contains("rule audit-console-sign-in: console sign-ins without MFA, to the alerts topic audit-alarms"),
            "{t}"
        );
        assert!(
            flat.contains(r#"pattern {"detail-type":["AWS API Call via CloudTrail"]}"#),
            "{t}"
        );
        assert!(flat.contains("SNS topic audit-alarms for the rules"), "{t}");
    }

    #[test]
    fn the_graph_runs_from_the_trail_through_the_rules_to_the_topic() {
        let (_, model) = lowered(RULES);
        let m = mermaid(&model);
        assert!(
            m.contains("trail -->|\"events via EventBridge\"| event_rules"),
            "{m}"
        );
        assert!(
            m.contains("event_rules -->|\"notify\"| alerts_topic"),
            "{m}"
        );
    }
}
