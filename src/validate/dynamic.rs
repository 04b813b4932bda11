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
use crate::source::push_segment;
use serde_json::Value;
use std::fmt::Write;

const OPENING: &str = "{{resolve:";

/// Whether `text` holds the opening; most text has no `{` at all, which is found faster.
fn opens(text: &str) -> bool {
    text.contains('{') && text.contains(OPENING)
}

/// `at` is the path of `value`, grown and cut back in place as the walk goes down and up.
fn walk(value: &Value, at: &mut String, out: &mut Vec<Diagnostic>) {
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
    let len = at.len();
    match value {
        Value::String(s) if opens(s) => out.push(found(at.clone(), false)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                // Writing into a String cannot fail.
                let _ = write!(at, "/{i}");
                walk(item, at, out);
                at.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                push_segment(at, k);
                if opens(k) {
                    out.push(found(at.clone(), true));
                }
                walk(v, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// An error at every string or key of `value` that holds a dynamic reference.
pub fn check(value: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
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
            "tags": {"{{resolve:secretsmanager:s}}": "v", "a/b~c": ["x", "{{resolve:ssm:q}}"]},
            "alarms": {"custom": [{"description": "{{ not a reference }}"}]}
        });
        let paths: Vec<String> = check(&v).into_iter().map(|d| d.path).collect();
        assert_eq!(
            paths,
            [
                "/events/advanced/0/name",
                "/tags/{{resolve:secretsmanager:s}}",
                "/tags/a~1b~0c/1"
            ]
        );
    }
}
