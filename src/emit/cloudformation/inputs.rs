//! What a CloudFormation template asks of its deployer and refers to: the `Parameters` (a
//! layout's inputs and the spec's parameters the template uses), the `Rules` that hold a stack to
//! its region and account, and the logical ids a value names through `Ref`, `Fn::GetAtt` or
//! `Fn::Sub`.
//!
//! Part of the CloudFormation emitter, kept apart so that each file stays short; like it, it
//! decides nothing and cannot fail.

use super::{text, texts};
use crate::emit::pascal_case;
use crate::model::Model;
use serde_json::{json, Map, Value};

/// Logical ids a value refers to through `Ref`, `Fn::GetAtt` or `Fn::Sub` placeholders.
pub(super) fn references<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("Ref", Value::String(id)) => out.push(id),
                    ("Fn::GetAtt", Value::Array(a)) => {
                        out.extend(a.first().and_then(Value::as_str))
                    }
                    ("Fn::Sub", Value::String(text)) => placeholders(text, out),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// The names `${Name}` and `${Name.Attribute}` placeholders of a `Fn::Sub` text refer to. Read
/// byte by byte: the delimiters are ASCII, so every cut is at a character boundary.
fn placeholders<'v>(text: &'v str, out: &mut Vec<&'v str>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] == b'$' && bytes[at + 1] == b'{' {
            let start = at + 2;
            let end = bytes[start..]
                .iter()
                .position(|b| matches!(b, b'}' | b'.'))
                .map_or(bytes.len(), |n| start + n);
            out.push(text.get(start..end).unwrap_or_default());
            at = start;
        } else {
            at += 1;
        }
    }
}

/// What the deployer passes in, each held to its pattern before anything is made: the inputs a
/// layout's part takes, and the spec's parameters that `used` (the template's references) names.
pub(super) fn parameters(model: &Model, used: &[&str]) -> Map<String, Value> {
    let mut params: Map<String, Value> = model
        .inputs
        .iter()
        .map(|i| {
            (
                pascal_case(i.input.name()),
                json!({
                    "Type": "String",
                    "Description": text(&i.description),
                    "AllowedPattern": i.pattern,
                    "ConstraintDescription": format!("must match {}", i.pattern)
                }),
            )
        })
        .collect();
    for p in &model.params {
        let name = pascal_case(&p.name);
        if !used.contains(&name.as_str()) {
            continue;
        }
        let mut param = Map::new();
        param.insert("Type".into(), json!("String"));
        param.insert("Description".into(), text(&p.description));
        if let Some(d) = &p.default {
            param.insert("Default".into(), text(d));
        }
        if !p.allowed.is_empty() {
            param.insert("AllowedValues".into(), texts(&p.allowed));
        }
        params.insert(name, Value::Object(param));
    }
    params
}

/// Where the stack may be deployed: the trail's home region and, in an organization layout, the
/// account the part belongs to, checked before any resource is made.
pub(super) fn rules(model: &Model) -> Map<String, Value> {
    let mut rules = Map::new();
    if let Some(region) = &model.home_region {
        rules.insert(
            "HomeRegion".into(),
            json!({"Assertions": [{
                "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, text(region)]},
                "AssertDescription": format!(
                    "trail {} belongs in {} (trail.home_region); deploy this stack there",
                    model.name.verbatim(),
                    region.verbatim()
                )
            }]}),
        );
    }
    if let (Some(account), Some(part)) = (&model.account, model.part) {
        rules.insert(
            "Account".into(),
            json!({"Assertions": [{
                "Assert": {"Fn::Equals": [{"Ref": "AWS::AccountId"}, text(account)]},
                "AssertDescription": format!(
                    "this is the {} part of trail {}: deploy it in account {}",
                    part.title(),
                    model.name.verbatim(),
                    account.verbatim()
                )
            }]}),
        );
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_name_what_a_sub_text_refers_to() {
        let names = |text: &str| {
            let mut out = Vec::new();
            placeholders(text, &mut out);
            out.into_iter().map(String::from).collect::<Vec<_>>()
        };
        assert_eq!(
            names("arn:${AWS::Partition}:s3:::${Bucket}/AWSLogs/${AWS::AccountId}/*"),
            ["AWS::Partition", "Bucket", "AWS::AccountId"]
        );
        assert_eq!(names("${Topic.TopicName}é${Key.Arn}"), ["Topic", "Key"]);
        assert_eq!(names("$ ${!Literal} $"), ["!Literal"]);
        assert_eq!(names("no placeholder, a $ alone"), Vec::<String>::new());
        assert_eq!(names("cut ${Name"), ["Name"]);
    }
}
