//! Where an output holds code rather than data: the template sequences Terraform reads in every
//! string of a `.tf.json`, and the placeholders CloudFormation reads in `Fn::Sub` strings. Each
//! output may hold only the references trailsmith writes on purpose, to blocks or resources the
//! same output declares; everything else must be written so that the target reads it as text.
//!
//! Written from the targets' documentation and behaviour, not from trailsmith's emitters:
//! - Terraform (HCL's template scanner, `hclsyntax/scan_tokens.rl`; checked with terraform 1.11.4
//!   `console`): scanning left to right, `$${` and `%%{` are the literal text `${` and `%{`
//!   (three characters taken); any other `${` starts an interpolation that runs to its `}`, and
//!   any other `%{` a directive. So `$$${a.b.c}` is the text `$${a.b.c}` (a `$`, then the escape),
//!   not a reference. In the JSON syntax every string value is such a template, and so is every
//!   property name of an object that is a map value (`tags`); this checker reads every key.
//! - CloudFormation (`Fn::Sub`): `${!` is the literal text `${`; any other `${NAME}` is a
//!   parameter, a logical id (`NAME.ATTR` for an attribute) or a pseudo parameter `AWS::...`.
//!   Strings outside `Fn::Sub` are data.
//!
//! Include it with `#[path = "support/interpolation.rs"] mod interpolation;`. Its own tests, on
//! hand-written inputs, are in `tests/injection.rs`.

// Each integration test crate that includes this file may use only part of it.
#![allow(dead_code)]

use serde_json::{Map, Value};

/// A piece of a template string: text as the target reads it (escapes undone), or a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// The reference between `${` and `}`, as written.
    Ref(String),
}

/// What a scan of one output found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Each problem with the JSON pointer of the string (or ` (key)` for a property name).
    pub problems: Vec<String>,
    /// References seen, each to a declared block or resource.
    pub references: usize,
}

/// Every string of a JSON document with its JSON pointer, keys as `POINTER (key)`, in order.
pub fn strings(value: &Value) -> Vec<(String, &str)> {
    fn walk<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
        match value {
            Value::String(s) => out.push((at.to_string(), s)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push((format!("{here} (key)"), k));
                    walk(v, &here, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Terraform

/// A token of a Terraform string as written: an escape (`$${`, `%%{`), one character, an
/// interpolation (`${...}`, with what is between the braces) or the start of a directive (`%{`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Escape(&'a str),
    Char(char),
    Interpolation(&'a str),
    Directive,
}

/// One Terraform string split the way HCL's template scanner reads it, each token with its
/// spelling in `s`. An error for an interpolation without its `}`.
pub fn terraform_tokens(s: &str) -> Result<Vec<(Token<'_>, &str)>, String> {
    let mut tokens = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (token, len) = if rest.starts_with("$${") || rest.starts_with("%%{") {
            (Token::Escape(&rest[1..3]), 3)
        } else if let Some(after) = rest.strip_prefix("${") {
            let Some(end) = interpolation_end(after) else {
                return Err("a `${` without its `}`".into());
            };
            (Token::Interpolation(&after[..end]), end + 3)
        } else if rest.starts_with("%{") {
            (Token::Directive, 2)
        } else {
            let c = rest.chars().next().unwrap_or_default();
            (Token::Char(c), c.len_utf8())
        };
        tokens.push((token, &rest[..len]));
        rest = &rest[len..];
    }
    Ok(tokens)
}

/// Where the interpolation that `after` (the text after its `${`) opens is closed, as HCL reads
/// it: quoted strings inside it are templates of their own (with escapes and nested `${...}`),
/// braces nest.
fn interpolation_end(after: &str) -> Option<usize> {
    #[derive(PartialEq)]
    enum In {
        Expression,
        Quoted,
    }
    let mut stack = vec![In::Expression];
    let bytes = after.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &after[i..];
        match stack.last() {
            Some(In::Expression) => match bytes[i] {
                b'"' => stack.push(In::Quoted),
                b'{' => stack.push(In::Expression),
                b'}' => {
                    stack.pop();
                    if stack.is_empty() {
                        return Some(i);
                    }
                }
                _ => {}
            },
            Some(In::Quoted) => {
                if rest.starts_with("$${") || rest.starts_with("%%{") {
                    i += 3;
                    continue;
                } else if rest.starts_with("${") {
                    stack.push(In::Expression);
                    i += 2;
                    continue;
                } else if bytes[i] == b'\\' {
                    i += 2;
                    continue;
                } else if bytes[i] == b'"' {
                    stack.pop();
                }
            }
            None => return None,
        }
        i += 1;
    }
    None
}

/// The one call the Terraform emitter writes: an existing topic's ARN with this account's and
/// region's prefix taken off (`sns_topic_name`, as the provider reads it back). The ARN, when
/// `inner` is exactly that call on a literal of ARN characters.
pub fn own_topic_call(inner: &str) -> Option<&str> {
    // hashicorp/aws 5 names the region `name`, 6 `region` (README: the provider line).
    const PREFIXES: [&str; 2] = [
        "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:",
        "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:",
    ];
    let arn = inner.strip_prefix("trimprefix(\"")?;
    let arn = PREFIXES
        .iter()
        .find_map(|p| arn.strip_suffix(&format!("\", \"{p}\")")))?;
    let plain = arn.starts_with("arn:")
        && arn
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'));
    plain.then_some(arn)
}

/// The other call: a variable's validation, `can(regex("PATTERN", var.NAME))`, on a pattern of
/// the characters an ARN pattern needs and no `"`, `\\`, `${` or `%{`. The variable, when `inner`
/// is exactly that call.
pub fn validation_call(inner: &str) -> Option<&str> {
    let rest = inner.strip_prefix("can(regex(\"")?.strip_suffix("))")?;
    let (pattern, var) = rest.split_once("\", var.")?;
    let plain = pattern
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "^$:*-_/()[]{}|.".contains(c))
        && !pattern.contains("${")
        && !pattern.contains("%{");
    (plain && is_traversal(var)).then_some(var)
}

/// The last call: a parameter's allowed values, `contains(["A", "B"], var.NAME)`, on literals of
/// the characters names and ARNs have and no `"`, `\\`, `$`, `%`, `{` or `}`. The variable, when
/// `inner` is exactly that call.
pub fn allowed_values_call(inner: &str) -> Option<&str> {
    let rest = inner.strip_prefix("contains([")?.strip_suffix(")")?;
    let (list, var) = rest.split_once("], var.")?;
    let plain = list.split(", ").all(|item| {
        item.len() >= 2
            && item.starts_with('"')
            && item.ends_with('"')
            && item[1..item.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:/@+=,*".contains(c))
    });
    (plain && is_traversal(var)).then_some(var)
}

/// A module's precondition (README: `terraform.module`): the caller's region or account equal to
/// a literal of region or account characters. The data source reference, when `inner` is exactly
/// that comparison.
pub fn precondition_test(inner: &str) -> Option<&str> {
    let (left, right) = inner.split_once(" == ")?;
    let known = [
        "data.aws_region.current.name",
        "data.aws_region.current.region",
        "data.aws_caller_identity.current.account_id",
    ];
    let literal = right.strip_prefix('"')?.strip_suffix('"')?;
    let plain = !literal.is_empty()
        && literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (known.contains(&left) && plain).then_some(left)
}

/// The data sources `own_topic_call` refers to.
const OWN_TOPIC_DATA: [&str; 3] = [
    "data.aws_partition.current.partition",
    "data.aws_region.current.name",
    "data.aws_caller_identity.current.account_id",
];

/// One Terraform string as text (escapes undone) and references. An error for a directive, an
/// interpolation without its `}`, or one that is not a plain traversal `a.b.c`.
pub fn terraform_pieces(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    for (token, _) in terraform_tokens(s)? {
        match token {
            Token::Directive => return Err("a `%{` directive".into()),
            Token::Escape(e) => text.push_str(e),
            Token::Char(c) => text.push(c),
            // A quoted run of `$` is how the emitter keeps a literal `$` off a following `${`.
            Token::Interpolation(inner)
                if inner.len() > 2
                    && inner.starts_with('"')
                    && inner.ends_with('"')
                    && inner[1..inner.len() - 1].chars().all(|c| c == '$') =>
            {
                text.push_str(&inner[1..inner.len() - 1]);
            }
            Token::Interpolation(inner) => {
                if !is_traversal(inner)
                    && own_topic_call(inner).is_none()
                    && validation_call(inner).is_none()
                    && allowed_values_call(inner).is_none()
                    && precondition_test(inner).is_none()
                {
                    return Err(format!(
                        "`${{{inner}}}` is not a plain reference (a call, operator, quote, \
                         space...)"
                    ));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Ref(inner.to_string()));
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// `s` as written, each interpolation replaced by `with` and every other token kept as spelled;
/// an error for a directive.
pub fn terraform_without_references(s: &str, with: &str) -> Result<String, String> {
    terraform_tokens(s)?
        .into_iter()
        .map(|(token, spelled)| match token {
            Token::Directive => Err("a `%{` directive".to_string()),
            Token::Interpolation(_) => Ok(with),
            _ => Ok(spelled),
        })
        .collect()
}

/// `a.b.c`: identifiers of lowercase letters, digits and `_` (not starting with a digit) joined
/// by dots, nothing else.
fn is_traversal(inner: &str) -> bool {
    !inner.is_empty()
        && inner.split('.').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// The configuration block a reference names, if it declares it: `TYPE.NAME.ATTR...` under
/// `resource`, `data.TYPE.NAME.ATTR...` under `data`.
fn declared(config: &Value, reference: &str) -> bool {
    if own_topic_call(reference).is_some() {
        return OWN_TOPIC_DATA.iter().all(|r| declared(config, r));
    }
    if let Some(var) = validation_call(reference).or(allowed_values_call(reference)) {
        return config["variable"][var].is_object();
    }
    if let Some(data) = precondition_test(reference) {
        return declared(config, data);
    }
    let segs: Vec<&str> = reference.split('.').collect();
    match segs.as_slice() {
        ["var", name] => config["variable"][name].is_object(),
        ["data", kind, name, _attr, ..] => config["data"][kind][name].is_object(),
        [kind, name, _attr, ..] if *kind != "data" => config["resource"][kind][name].is_object(),
        _ => false,
    }
}

/// The problems of a Terraform JSON configuration, and the references it holds.
pub fn terraform_scan(config: &Value) -> Scan {
    let mut scan = Scan::default();
    for (at, s) in strings(config) {
        match terraform_pieces(s) {
            Err(why) => scan.problems.push(format!("{at}: {why} in {s:?}")),
            Ok(pieces) => {
                for p in pieces {
                    if let Piece::Ref(r) = p {
                        if declared(config, &r) {
                            scan.references += 1;
                        } else {
                            scan.problems.push(format!(
                                "{at}: `${{{r}}}` names no block this configuration \
                                 declares, in {s:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    scan
}

/// Every template sequence of a Terraform JSON configuration that is not a reference to a block
/// it declares, with its JSON pointer.
pub fn terraform_problems(config: &Value) -> Vec<String> {
    terraform_scan(config).problems
}

/// How a Terraform string must spell `text` to mean exactly those characters: a `$` before each
/// `${`, a `%` before each `%{` (HCL then reads `$${` as `${`; a longer run of `$` keeps all but
/// one of its extra `$`).
pub fn terraform_escaped(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// The text of every string and key of a configuration as Terraform reads it, references replaced
/// by `\u{0}` (so that a text cannot be found across one); strings with problems are left out.
pub fn terraform_meanings(config: &Value) -> Vec<(String, String)> {
    strings(config)
        .into_iter()
        .filter_map(|(at, s)| terraform_pieces(s).ok().map(|p| (at, joined(&p))))
        .collect()
}

fn joined(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.as_str(),
            Piece::Ref(_) => "\u{0}",
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// CloudFormation

/// Pseudo parameters ("Pseudo parameters reference", CloudFormation User Guide).
pub const PSEUDO_PARAMETERS: [&str; 8] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// One `Fn::Sub` string split the way CloudFormation reads it; an error for a `${` without its
/// `}`. A placeholder's name is not judged here.
pub fn sub_pieces(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${!") {
            text.push_str("${");
            rest = after;
        } else if let Some(after) = rest.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                return Err("a `${` without its `}`".into());
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Ref(after[..end].to_string()));
            rest = &after[end + 1..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Whether `name` (between `${` and `}`) is a placeholder the template can resolve.
fn resolvable(template: &Value, variables: Option<&Map<String, Value>>, name: &str) -> bool {
    let logical_id = |id: &str| {
        !id.is_empty()
            && id.chars().all(|c| c.is_ascii_alphanumeric())
            && template["Resources"][id].is_object()
    };
    let known = |id: &str| {
        logical_id(id)
            || (!id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric())
                && template["Parameters"][id].is_object())
            || PSEUDO_PARAMETERS.contains(&id)
            || variables.is_some_and(|v| v.contains_key(id))
    };
    match name.split_once('.') {
        None => known(name),
        Some((id, attr)) => {
            logical_id(id)
                && !attr.is_empty()
                && attr
                    .split('.')
                    .all(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric()))
        }
    }
}

/// An `Fn::Sub` string of a template.
struct Sub<'a> {
    at: String,
    text: &'a str,
    /// The variables of the list form.
    variables: Option<&'a Map<String, Value>>,
}

/// The `Fn::Sub` strings of a template.
fn subs(value: &Value) -> Vec<Sub<'_>> {
    fn walk<'a>(value: &'a Value, at: &str, out: &mut Vec<Sub<'a>>) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match (k.as_str(), v) {
                        ("Fn::Sub", Value::String(text)) => out.push(Sub {
                            at: here,
                            text,
                            variables: None,
                        }),
                        ("Fn::Sub", Value::Array(form)) => {
                            if let Some(text) = form.first().and_then(Value::as_str) {
                                out.push(Sub {
                                    at: format!("{here}/0"),
                                    text,
                                    variables: form.get(1).and_then(Value::as_object),
                                });
                            }
                            // The variables' values may hold intrinsics (and Subs) of their own.
                            for (i, item) in form.iter().enumerate().skip(1) {
                                walk(item, &format!("{here}/{i}"), out);
                            }
                        }
                        _ => walk(v, &here, out),
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

/// The problems of a CloudFormation template's `Fn::Sub` strings, and the placeholders it holds.
pub fn cloudformation_scan(template: &Value) -> Scan {
    let mut scan = Scan::default();
    // A dynamic reference is resolved in any property, in or out of Fn::Sub, and has no escape.
    for (at, s) in strings(template) {
        if s.contains("{{resolve:") {
            scan.problems.push(format!(
                "{at}: `{{{{resolve:` is a dynamic reference CloudFormation resolves, in {s:?}"
            ));
        }
    }
    for Sub {
        at,
        text: s,
        variables,
    } in subs(template)
    {
        match sub_pieces(s) {
            Err(why) => scan.problems.push(format!("{at}: {why} in {s:?}")),
            Ok(pieces) => {
                for p in pieces {
                    if let Piece::Ref(name) = p {
                        if resolvable(template, variables, &name) {
                            scan.references += 1;
                        } else {
                            scan.problems.push(format!(
                                "{at}: `${{{name}}}` is no parameter, resource or pseudo \
                                 parameter of this template, in {s:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    scan
}

/// Every `Fn::Sub` placeholder of a template that the template cannot resolve, with its pointer.
pub fn cloudformation_problems(template: &Value) -> Vec<String> {
    cloudformation_scan(template).problems
}

/// The text of every string of a template as CloudFormation reads it: plain strings as they are,
/// `Fn::Sub` strings with `${!` undone and placeholders replaced by `\u{0}`.
pub fn cloudformation_meanings(template: &Value) -> Vec<(String, String)> {
    let sub_at: Vec<String> = subs(template).into_iter().map(|sub| sub.at).collect();
    strings(template)
        .into_iter()
        .filter_map(|(at, s)| {
            if sub_at.contains(&at) {
                sub_pieces(s).ok().map(|p| (at, joined(&p)))
            } else {
                Some((at, s.to_string()))
            }
        })
        .collect()
}
