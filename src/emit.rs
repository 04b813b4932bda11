//! Target writers. Each translates the model into one target's syntax and makes no decisions.
//!
//! Shared here: the IAM JSON policy document (statement layout as AWS documents it), casing and
//! the one pretty-printer, so that every output file is formatted the same way.

pub mod cloudformation;
mod json_text;
pub mod terraform;

pub use json_text::pretty;

use crate::expr::Expr;
use crate::policy::{Policy, Principal};
use serde_json::{json, Map, Value};

/// A list with one element is written as that element, the way AWS documents policies.
fn one_or_many(mut values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    }
}

/// A JSON object of `pairs`, in order, moving the values. (`json!` serializes each value it is
/// given, which deep-copies a `Value`: the policy documents spent a third of their time in it.)
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// An IAM policy document, with `expr` translating deploy-time values for the target.
pub fn document(policy: &Policy, expr: impl Fn(&Expr) -> Value) -> Value {
    let statements: Vec<Value> = policy
        .statements
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("Sid".into(), json!(s.sid));
            m.insert("Effect".into(), json!(s.effect.as_str()));
            match &s.principal {
                Principal::Service(e) => {
                    m.insert("Principal".into(), object([("Service", expr(e))]));
                }
                Principal::Aws(list) => {
                    m.insert(
                        "Principal".into(),
                        object([("AWS", one_or_many(list.iter().map(&expr).collect()))]),
                    );
                }
                Principal::Everyone => {
                    m.insert("Principal".into(), json!("*"));
                }
                Principal::None => {}
            }
            m.insert(
                "Action".into(),
                one_or_many(s.actions.iter().map(|a| json!(a)).collect()),
            );
            if !s.resources.is_empty() {
                m.insert(
                    "Resource".into(),
                    one_or_many(s.resources.iter().map(&expr).collect()),
                );
            }
            if !s.conditions.is_empty() {
                let mut by_test: Map<String, Value> = Map::new();
                for c in &s.conditions {
                    let entry = by_test
                        .entry(c.test.to_string())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(keys) = entry {
                        keys.insert(
                            c.key.to_string(),
                            one_or_many(c.values.iter().map(&expr).collect()),
                        );
                    }
                }
                m.insert("Condition".into(), Value::Object(by_test));
            }
            Value::Object(m)
        })
        .collect();
    object([
        ("Version", json!("2012-10-17")),
        ("Statement", Value::Array(statements)),
    ])
}

/// An object from (key, value) pairs, leaving out the keys whose value is `None`.
pub fn fields(pairs: Vec<(&str, Option<Value>)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

/// A JSON number, written without a fraction when it has none (`1`, not `1.0`), as people write
/// thresholds.
#[allow(
    clippy::cast_possible_truncation,
    reason = "only whole numbers below 2^53 are cast, which i64 holds exactly"
)]
pub fn number(x: f64) -> Value {
    // Whole numbers within 2^53 convert to i64 exactly.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// `trail_arn` to `TrailArn`; one spelling rule for logical ids, outputs and metric names.
pub use crate::derived::pascal as pascal_case;
