//! Deploy-time values in names and ARNs: `${account}`, `${region}`, `${partition}` and the spec's
//! own `parameters`, checked before the other rules see the spec.
//!
//! Owns which fields may hold a reference (`FIELDS`), the rules on parameters, and the sample
//! the other rules check in place of each reference: the deployment's values stand for a
//! sample account and region, a parameter for its default (or first allowed value). A field
//! whose parameter has neither is replaced by a placeholder its rule accepts, with a note that
//! it is checked only at deploy time. It must not build expressions (`expr` turns references
//! into them, the emitters into `Ref`/`var.`); every other field keeps refusing `${` by its own
//! rule, so user text never becomes code.

use super::suggest;
use crate::diag::{Code, Diagnostic, Severity};
use crate::expr::{references, BUILTINS};
use crate::source::escape_segment;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The fields that may hold references (`*` is any list index), each with the placeholder its
/// rule accepts when a reference cannot be sampled. `{region}` is the sample region.
const FIELDS: &[(&str, &str)] = &[
    ("/bucket/name", "placeholder-bucket-name"),
    (
        "/bucket/access_logging/target_bucket",
        "placeholder-access-logs",
    ),
    (
        "/kms/key_arn",
        "arn:aws:kms:{region}:123456789012:key/00000000-0000-0000-0000-000000000000",
    ),
    ("/kms/alias", "alias/placeholder"),
    (
        "/kms/admins/*",
        "arn:aws:iam::123456789012:role/placeholder",
    ),
    (
        "/kms/decrypt_principals/*",
        "arn:aws:iam::123456789012:role/placeholder",
    ),
    ("/sns/topic_name", "placeholder"),
    (
        "/sns/topic_arn",
        "arn:aws:sns:{region}:123456789012:placeholder",
    ),
    ("/sns/subscriptions/*/endpoint", ""),
    ("/cloudwatch_logs/log_group", "placeholder"),
    (
        "/cloudwatch_logs/log_group_arn",
        "arn:aws:logs:{region}:123456789012:log-group:placeholder:*",
    ),
    (
        "/cloudwatch_logs/role_arn",
        "arn:aws:iam::123456789012:role/placeholder",
    ),
    ("/cloudwatch_logs/role/name", "placeholder"),
    (
        "/cloudwatch_logs/role/permissions_boundary",
        "arn:aws:iam::123456789012:policy/placeholder",
    ),
    ("/alarms/notify/topic_name", "placeholder"),
    (
        "/alarms/notify/topic_arn",
        "arn:aws:sns:{region}:123456789012:placeholder",
    ),
    ("/alarms/notify/subscriptions/*/endpoint", ""),
    (
        "/athena/readers/*",
        "arn:aws:iam::123456789012:role/placeholder",
    ),
    ("/athena/results/bucket", "placeholder-athena-results"),
];

/// A subscription endpoint's placeholder depends on its protocol.
fn endpoint_placeholder(protocol: &str) -> &'static str {
    match protocol {
        "sqs" => "arn:aws:sqs:{region}:123456789012:placeholder",
        "lambda" => "arn:aws:lambda:{region}:123456789012:function:placeholder",
        "https" => "https://example.com/placeholder",
        "http" => "http://example.com/placeholder",
        _ => "placeholder@example.com",
    }
}

/// The account id sampled for `${account}`: twelve digits, as every account id has.
const SAMPLE_ACCOUNT: &str = "123456789012";
/// Names a parameter may not take: the deployment's own values, and the input an organization
/// layout's management part declares.
const RESERVED: [&str; 4] = ["account", "region", "partition", "kms_key_arn"];

/// The spec with every reference sampled, for the other rules to check.
pub struct Sampled {
    /// The spec with its samples, or `None` when no field holds a reference (it is the spec).
    pub value: Option<Value>,
    /// Findings on references and parameters.
    pub findings: Vec<Diagnostic>,
    /// Each sampled field's path, its sample and the text written, for `restore`.
    written: Vec<(String, String, String)>,
}

impl Sampled {
    /// Findings of the other rules in the spec's own words: a field's sample, quoted in a
    /// message or hint (a policy statement to copy, say), becomes the field as written, so no
    /// one copies the sample account `123456789012` into a policy. Samples shorter than eight
    /// characters are left, lest a word of the message be taken for one.
    /// A finding on a sampled field says what it was checked as.
    pub fn restore(&self, found: &mut [Diagnostic]) {
        let mut pairs: Vec<(&String, &String)> = self
            .written
            .iter()
            .filter(|(_, s, _)| s.len() >= 8)
            .map(|(_, s, w)| (s, w))
            .collect();
        pairs.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        for d in found.iter_mut() {
            for (sample, written) in &pairs {
                if d.message.contains(sample.as_str()) {
                    d.message = d.message.replace(sample.as_str(), written);
                }
                if let Some(h) = d.hint.as_mut().filter(|h| h.contains(sample.as_str())) {
                    *h = h.replace(sample.as_str(), written);
                }
            }
            let at = self.written.iter().find(|(p, _, _)| *p == d.path);
            if let Some((_, sample, _)) = at.filter(|_| d.severity == Severity::Error) {
                let checked = format!(
                    "checked as `{sample}`, each reference replaced by its sample or default"
                );
                d.hint = Some(match d.hint.take() {
                    Some(h) => format!("{h}; {checked}"),
                    None => checked,
                });
            }
        }
    }
}

/// The spec with every reference sampled, and the findings on references and parameters.
pub fn check(value: &Value) -> Sampled {
    let mut out = Vec::new();
    let params = parameters(value, &mut out);
    let region = value
        .pointer("/trail/home_region")
        .and_then(Value::as_str)
        .unwrap_or("us-east-1")
        .to_string();
    let layout = value.get("accounts").is_some_and(|a| !a.is_null());
    let mut sampled: Option<Value> = None;
    let mut written = Vec::new();
    let mut used = BTreeSet::new();
    for (pattern, placeholder) in FIELDS {
        for (path, found) in expand(value, pattern) {
            let Some(text) = found.as_str() else {
                continue;
            };
            let placeholder = match *placeholder {
                "" => {
                    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
                    let protocol = value.pointer(&format!("{parent}/protocol"));
                    endpoint_placeholder(protocol.and_then(Value::as_str).unwrap_or(""))
                }
                p => p,
            };
            let sample = sample(text, &path, &params, &region, layout, &mut used, &mut out);
            let replacement = match sample {
                Sample::Same => continue,
                Sample::Value(s) => {
                    written.push((path.clone(), s.clone(), text.to_string()));
                    s
                }
                Sample::Unchecked(param) => {
                    out.push(
                        Diagnostic::note(
                            Code::DeployTimeUnchecked,
                            path.clone(),
                            format!("`{text}` is checked only when deployed: parameter `{param}` has no default and no allowed values"),
                        )
                        .hint(format!("give `parameters.{param}` a `default` (or `allowed` values) to have trailsmith check it now")),
                    );
                    placeholder.replace("{region}", &region)
                }
                // Its finding is made; the field's own rule would only repeat it.
                Sample::Broken => placeholder.replace("{region}", &region),
            };
            let copy = sampled.get_or_insert_with(|| value.clone());
            if let Some(slot) = copy.pointer_mut(&path) {
                *slot = Value::String(replacement);
            }
        }
    }
    // A parameter refused for its name is reported once, for that.
    for name in params
        .keys()
        .filter(|n| !used.contains(*n) && parameter_name(n).is_ok())
    {
        out.push(
            Diagnostic::warning(
                Code::ParameterUnused,
                format!("/parameters/{}", escape_segment(name)),
                format!("parameter `{name}` is used by no name or ARN of the spec"),
            )
            .at_key()
            .hint(format!(
                "write `${{{name}}}` where a name or ARN takes it, or remove it"
            )),
        );
    }
    Sampled {
        value: sampled,
        findings: out,
        written,
    }
}

/// What stands for one field in the sampled spec.
enum Sample {
    /// The field has no reference.
    Same,
    Value(String),
    /// A parameter without a default or allowed values.
    Unchecked(String),
    /// A finding was made on a reference, or on the parameter it names.
    Broken,
}

fn sample(
    text: &str,
    path: &str,
    params: &BTreeMap<String, Value_>,
    region: &str,
    layout: bool,
    used: &mut BTreeSet<String>,
    out: &mut Vec<Diagnostic>,
) -> Sample {
    let refs = match references(text) {
        Ok(refs) if refs.is_empty() => return Sample::Same,
        Ok(refs) => refs,
        Err(at) => {
            out.push(
                Diagnostic::error(
                    Code::DeployTimeReference,
                    path,
                    format!("`${{` at byte {at} of `{text}` is never closed by `}}`"),
                )
                .hint("deploy-time values are written `${account}`, `${region}`, `${partition}` or `${PARAMETER}`"),
            );
            return Sample::Broken;
        }
    };
    let mut result = String::new();
    let mut last = 0;
    let mut unchecked = None;
    let mut broken = false;
    for (range, name) in refs {
        result.push_str(&text[last..range.start]);
        last = range.end;
        let value = match name {
            "account" if layout => {
                out.push(
                    Diagnostic::error(
                        Code::DeployTimeAccountInLayout,
                        path,
                        format!("`${{account}}` in `{text}` would be a different account in each part of the organization layout"),
                    )
                    .hint("write the account id the resource belongs to: `accounts.log_archive` or `accounts.management`"),
                );
                broken = true;
                continue;
            }
            "account" => SAMPLE_ACCOUNT.to_string(),
            "region" => region.to_string(),
            "partition" => "aws".to_string(),
            param => match params.get(param) {
                Some(value) => {
                    used.insert(param.to_string());
                    match value {
                        Value_::Sample(v) => v.clone(),
                        Value_::Unset => {
                            unchecked.get_or_insert_with(|| param.to_string());
                            String::new()
                        }
                        Value_::Broken => {
                            broken = true;
                            String::new()
                        }
                    }
                }
                None => {
                    let known: Vec<&str> = BUILTINS
                        .iter()
                        .copied()
                        .chain(params.keys().map(String::as_str))
                        .collect();
                    let mut d = Diagnostic::error(
                        Code::DeployTimeReference,
                        path,
                        format!("`${{{param}}}` in `{text}` is neither `account`, `region`, `partition` nor a parameter of the spec"),
                    );
                    d = match suggest::did_you_mean(param, known.iter().copied()) {
                        Some(mean) => d.hint(mean),
                        None => d.hint(format!(
                            "declare it under `parameters: {{ {param}: {{ description: ..., default: ... }} }}`, or write the value itself"
                        )),
                    };
                    out.push(d);
                    broken = true;
                    continue;
                }
            },
        };
        result.push_str(&value);
    }
    result.push_str(&text[last..]);
    match (broken, unchecked) {
        (true, _) => Sample::Broken,
        (false, Some(param)) => Sample::Unchecked(param),
        (false, None) => Sample::Value(result),
    }
}

/// What a parameter is checked with.
enum Value_ {
    /// Its default, or its first allowed value.
    Sample(String),
    /// It has neither.
    Unset,
    /// Its values broke a rule, which is reported on them.
    Broken,
}

/// The declared parameters with the value each is checked with, after the rules on their names
/// and values.
fn parameters(value: &Value, out: &mut Vec<Diagnostic>) -> BTreeMap<String, Value_> {
    let mut params = BTreeMap::new();
    let Some(Value::Object(declared)) = value.get("parameters") else {
        return params;
    };
    for (name, p) in declared {
        let path = format!("/parameters/{}", escape_segment(name));
        if let Err(why) = parameter_name(name) {
            out.push(
                Diagnostic::error(Code::ParameterName, path.clone(), why)
                    .at_key()
                    .hint("snake_case, such as `log_bucket_name`: CloudFormation gets it in PascalCase (`LogBucketName`), Terraform as written"),
            );
        }
        let default = p.get("default").and_then(Value::as_str);
        let allowed: Vec<&str> = p
            .get("allowed")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let found = out.len();
        if let Some(d) = default.filter(|d| !allowed.is_empty() && !allowed.contains(d)) {
            out.push(
                Diagnostic::error(
                    Code::ParameterDefault,
                    format!("{path}/default"),
                    format!("the default `{d}` is not one of the allowed values"),
                )
                .hint(format!("allowed: {}", allowed.join(", "))),
            );
        }
        if let Some(bad) = std::iter::once(default)
            .flatten()
            .chain(allowed.iter().copied())
            .find(|v| !v.chars().all(value_char))
        {
            out.push(
                Diagnostic::error(
                    Code::ParameterDefault,
                    format!("{path}/default"),
                    format!("`{}`: a parameter's values are names and ARNs, of letters, digits and `-_.:/@+=,*`", bad.escape_debug()),
                )
                .hint("write the value itself; references belong in the names and ARNs that use the parameter"),
            );
        }
        let sample = match default.or(allowed.first().copied()) {
            _ if out.len() > found => Value_::Broken,
            Some(v) => Value_::Sample(v.to_string()),
            None => Value_::Unset,
        };
        params.insert(name.clone(), sample);
    }
    params
}

/// The characters of names and ARNs: no quote, backslash, space or template character, so that a
/// value is the same text in every target and every quoting.
fn value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.:/@+=,*".contains(c)
}

/// snake_case, so that the PascalCase CloudFormation name maps back to one parameter.
fn parameter_name(name: &str) -> Result<(), String> {
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is reserved: `${{{name}}}` is a value trailsmith gives"
        ));
    }
    let pascal = name.replace('_', "");
    if let Some(taken) = crate::derived::TEMPLATE_NAMES
        .iter()
        .find(|t| pascal.starts_with(&t.replace('_', "")))
    {
        return Err(format!(
            "`{name}` would share its CloudFormation name with the template's own resources or outputs (names beginning `{taken}`)"
        ));
    }
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('_').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "parameter name `{name}` must be snake_case: lowercase letters and digits in words joined by single `_`, starting with a letter, at most 64 characters"
        ))
    }
}

/// The values a pattern with `*` (any list index) reaches in `value`, each with its path.
/// Walked once, not looked up again by path: a JSON pointer lookup splits and unescapes the path
/// at every call (6% of a directory build's instructions, callgrind).
fn expand<'v>(value: &'v Value, pattern: &str) -> Vec<(String, &'v Value)> {
    let mut found = vec![(String::new(), value)];
    for segment in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (path, v) in found {
            match (segment, v) {
                ("*", Value::Array(items)) => next.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (format!("{path}/{i}"), item)),
                ),
                ("*", _) => {}
                (s, Value::Object(map)) => {
                    if let Some(child) = map.get(s) {
                        next.push((format!("{path}/{s}"), child));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(v: Value) -> Vec<(String, String)> {
        check(&v)
            .findings
            .into_iter()
            .map(|d| (d.code.as_str().to_string(), d.path))
            .collect()
    }

    #[test]
    fn references_are_sampled_for_the_other_rules() {
        let spec = json!({
            "trail": {"name": "t", "home_region": "eu-west-1"},
            "parameters": {"env": {"default": "prod"}},
            "bucket": {"name": "acme-${env}-${account}-${region}"},
            "kms": {"admins": ["arn:${partition}:iam::${account}:role/Admin"]}
        });
        let Sampled {
            value: sampled,
            findings: found,
            ..
        } = check(&spec);
        assert!(found.is_empty(), "{found:?}");
        let sampled = sampled.unwrap_or_default();
        assert_eq!(
            sampled.pointer("/bucket/name"),
            Some(&json!("acme-prod-123456789012-eu-west-1"))
        );
        assert_eq!(
            sampled.pointer("/kms/admins/0"),
            Some(&json!("arn:aws:iam::123456789012:role/Admin"))
        );
    }

    #[test]
    fn findings_quote_the_field_as_written_and_errors_say_what_was_checked() {
        let sampled = check(&json!({
            "trail": {"name": "t", "home_region": "eu-west-1"},
            "sns": {"topic_arn": "arn:${partition}:sns:${region}:${account}:alerts"}
        }));
        let mut found = vec![
            Diagnostic::note(
                Code::ExistingTopicPolicy,
                "/sns/topic_arn",
                "allow publishing to arn:aws:sns:eu-west-1:123456789012:alerts",
            ),
            Diagnostic::error(Code::TopicArn, "/sns/topic_arn", "bad"),
        ];
        sampled.restore(&mut found);
        assert_eq!(
            found[0].message,
            "allow publishing to arn:${partition}:sns:${region}:${account}:alerts"
        );
        assert_eq!(found[0].hint, None);
        assert!(found[1]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("checked as `arn:aws:sns:eu-west-1:123456789012:alerts`")));
    }

    #[test]
    fn unknown_references_and_bad_parameters_are_found() {
        let found = codes(json!({
            "parameters": {"Env": {}, "region": {}, "x": {"default": "a", "allowed": ["b"]}, "unused": {}},
            "bucket": {"name": "acme-${acount}-${Env}-${x}"},
            "sns": {"topic_name": "t-${region"}
        }));
        assert!(found.contains(&("deploy-time-reference".into(), "/bucket/name".into())));
        assert!(found.contains(&("deploy-time-reference".into(), "/sns/topic_name".into())));
        assert!(found.contains(&("parameter-name".into(), "/parameters/Env".into())));
        assert!(found.contains(&("parameter-name".into(), "/parameters/region".into())));
        assert!(found.contains(&("parameter-default".into(), "/parameters/x/default".into())));
        assert!(found.contains(&("parameter-unused".into(), "/parameters/unused".into())));
    }

    #[test]
    fn a_parameter_without_default_is_noted_and_replaced() {
        let spec = json!({
            "parameters": {"key": {}},
            "kms": {"key_arn": "${key}"},
            "sns": {"subscriptions": [{"protocol": "sqs", "endpoint": "${key}"}]}
        });
        let Sampled {
            value: sampled,
            findings: found,
            ..
        } = check(&spec);
        assert_eq!(found.len(), 2, "{found:?}");
        let sampled = sampled.unwrap_or_default();
        assert!(found.iter().all(|d| d.code == Code::DeployTimeUnchecked));
        assert_eq!(
            sampled.pointer("/sns/subscriptions/0/endpoint"),
            Some(&json!("arn:aws:sqs:us-east-1:123456789012:placeholder"))
        );
    }

    #[test]
    fn account_is_refused_in_a_layout_and_fields_outside_the_list_are_left() {
        let found = codes(json!({
            "accounts": {"log_archive": "111111111111", "management": "222222222222"},
            "trail": {"name": "t-${account}"},
            "bucket": {"name": "logs-${account}"}
        }));
        assert_eq!(
            found,
            vec![(
                "deploy-time-account-in-layout".into(),
                "/bucket/name".into()
            )]
        );
    }
}
