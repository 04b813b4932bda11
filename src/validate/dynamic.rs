//! Text a target reads as code and has no escape for: CloudFormation dynamic references.
//!
//! CloudFormation resolves `{{resolve:ssm:...}}`, `{{resolve:ssm-secure:...}}` and
//! `{{resolve:secretsmanager:...}}` in any resource property of a template ("Get values stored in
//! other services using dynamic references"), `Fn::Sub` or not, and nothing writes the characters
//! literally. A spec that carried one would make the deployer's stack read a parameter or secret
//! into a selector name, an alarm description or a subscription endpoint of the spec author's
//! choosing. Owns the walk over every string and key of the merged spec; Terraform's `${`/`%{` are
//! escaped by its emitter instead, so they are not refused here.

use crate::diag::{Code, Diagnostic};
use crate::source::escape_segment;
use serde_json::Value;

const OPENING: &str = "{{resolve:";

fn walk(value: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    let found = |path: String, at_key: bool| {
        let d = Diagnostic::error(
            Code::DynamicReference,
            path,
            "`{{resolve:` starts a CloudFormation dynamic reference, which the stack would resolve (an SSM parameter or a secret) wherever the text lands",
        )
        .hint("write the value itself; CloudFormation has no way to write `{{resolve:` literally");
        if at_key {
            d.at_key()
        } else {
            d
        }
    };
    match value {
        Value::String(s) if s.contains(OPENING) => out.push(found(at.to_string(), false)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", escape_segment(k));
                if k.contains(OPENING) {
                    out.push(found(here.clone(), true));
                }
                walk(v, &here, out);
            }
        }
        _ => {}
    }
}

/// An error at every string or key of `value` that holds a dynamic reference.
pub fn check(value: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_and_key_is_looked_at() {
        let v = serde_json::json!({
            "trail": {"name": "a"},
            "events": {"advanced": [{"name": "x {{resolve:ssm:/p}}"}]},
            "tags": {"{{resolve:secretsmanager:s}}": "v"},
            "alarms": {"custom": [{"description": "{{ not a reference }}"}]}
        });
        let paths: Vec<String> = check(&v).into_iter().map(|d| d.path).collect();
        assert_eq!(
            paths,
            [
                "/events/advanced/0/name",
                "/tags/{{resolve:secretsmanager:s}}"
            ]
        );
    }
}
