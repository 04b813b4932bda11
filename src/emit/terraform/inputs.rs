//! What a Terraform configuration takes from whoever uses it: the variables a deployer passes
//! (the inputs of a layout's part, the spec's parameters that the configuration's names use),
//! and, in a module, the preconditions that stand for the provider block it leaves to its caller.
//! Like its parent, it decides nothing and cannot fail.

use super::{address, escaped, quoted, spelled, text, Blocks};
use crate::expr::Res;
use crate::model::{Model, TerraformProvider};
use serde_json::{json, Map, Value};

/// The variables a configuration interpolates (`${var.NAME}`), read off its strings. A `${` the
/// user wrote is escaped (`$${`), and a `$` before an interpolation is quoted, so only
/// interpolations match.
pub(super) fn variables_used(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            for (at, _) in s.match_indices("${var.") {
                if at > 0 && s.as_bytes()[at - 1] == b'$' {
                    continue;
                }
                let name: String = s[at + 6..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| variables_used(v, out)),
        Value::Object(m) => m.values().for_each(|v| variables_used(v, out)),
        _ => {}
    }
}

/// What the deployer passes in (`-var`), each held to its pattern before anything is planned:
/// the inputs a layout's part takes, and the spec's parameters that `used` names.
pub(super) fn variables(model: &Model, used: &[String]) -> Map<String, Value> {
    let mut vars: Map<String, Value> = model
        .inputs
        .iter()
        .map(|i| {
            let name = i.input.name();
            // A quoted string inside the interpolation, as `sns_topic` writes one; the pattern
            // is built from checked account ids and regions, so it has no `\` or `"`.
            let mut pattern = String::new();
            escaped(&i.pattern, &mut pattern);
            (
                name.to_string(),
                json!({
                    "type": "string",
                    "description": text(&i.description),
                    "validation": [{
                        "condition": format!("${{can(regex(\"{pattern}\", var.{name}))}}"),
                        "error_message": format!("{name} must match {pattern}.")
                    }]
                }),
            )
        })
        .collect();
    for p in model.params.iter().filter(|p| used.contains(&p.name)) {
        let name = &p.name;
        let mut var = Map::new();
        var.insert("type".into(), json!("string"));
        var.insert("description".into(), text(&p.description));
        if let Some(d) = &p.default {
            var.insert("default".into(), text(d));
        }
        if !p.allowed.is_empty() {
            let list: Vec<String> = p.allowed.iter().map(|a| quoted(&spelled(a))).collect();
            let shown: Vec<String> = p.allowed.iter().map(spelled).collect();
            var.insert(
                "validation".into(),
                json!([{
                    "condition": format!("${{contains([{}], var.{name})}}", list.join(", ")),
                    "error_message": format!("{name} must be one of: {}.", shown.join(", "))
                }]),
            );
        }
        vars.insert(name.clone(), Value::Object(var));
    }
    vars
}

/// In a module, what the provider block would have held (the home region, a part's account)
/// as preconditions of the first resource made: the plan stops before anything is created
/// under a caller's provider of another region or account.
pub(super) fn guard(model: &Model, resources: &mut Blocks) {
    let region = match model.terraform_provider {
        TerraformProvider::V5 => "data.aws_region.current.name",
        TerraformProvider::V6 => "data.aws_region.current.region",
    };
    let mut conditions = Vec::new();
    if let Some(r) = &model.home_region {
        conditions.push(json!({
            "condition": format!("${{{region} == {}}}", quoted(&spelled(r))),
            "error_message": format!("Trail {} belongs in {} (trail.home_region): call this module with a provider of that region.", spelled(&model.name), spelled(r))
        }));
    }
    if let Some(a) = &model.account {
        conditions.push(json!({
            "condition": format!("${{data.aws_caller_identity.current.account_id == {}}}", quoted(&spelled(a))),
            "error_message": format!("This part of trail {} belongs in account {}: call this module with a provider of that account.", spelled(&model.name), spelled(a))
        }));
    }
    if conditions.is_empty() {
        return;
    }
    let first = [Res::Trail, Res::Bucket]
        .into_iter()
        .find(|r| resources.get_mut(address(*r)).is_some());
    if let Some(Value::Object(body)) = first.and_then(|r| resources.get_mut(address(r))) {
        let lifecycle = body.entry("lifecycle").or_insert_with(|| json!({}));
        if let Value::Object(l) = lifecycle {
            l.insert("precondition".into(), Value::Array(conditions));
        }
    }
}
