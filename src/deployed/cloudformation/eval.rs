//! Intrinsic functions evaluated as far as the template alone says their value: parameters by
//! their `Default`, what `Ref` and `Fn::GetAtt` return for the resources trailsmith reads (per
//! each type's "Return values" in the CloudFormation resource reference), `Fn::Sub`, `Fn::Join`,
//! conditions, mappings.
//!
//! Owns the rule for what is known before deployment. The region and account are not (unless the
//! template's `Rules` pin them): they may stand only in the region and account fields of an ARN,
//! which then reads with those fields empty, as `import` carries resources by name. Anything else
//! that depends on the deployment is `Unresolved`, for the caller to note. It must not decide
//! what a property means (that is `cloudformation` and `resources`).

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;

mod refs;

/// Stand-ins for the deployment's region and account inside a value being built; `settle` keeps
/// them only in an ARN's region and account fields (and empties them there).
const REGION: &str = "\u{E000}";
const ACCOUNT: &str = "\u{E001}";

/// Deepest nesting of functions (and conditions naming conditions) followed.
const MAX_DEPTH: usize = 64;

/// The long-form keys of the functions `eval` knows (and those it knows it cannot evaluate).
const FUNCTIONS: [&str; 21] = [
    "Ref",
    "Condition",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::If",
    "Fn::Equals",
    "Fn::Not",
    "Fn::And",
    "Fn::Or",
    "Fn::FindInMap",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::GetAZs",
    "Fn::Cidr",
    "Fn::Transform",
    "Fn::ToJsonString",
    "Fn::Length",
    "Fn::ForEach",
];

/// An expression whose value the template does not say, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    /// The innermost expression that could not be evaluated, as compact JSON.
    pub expr: String,
    pub why: String,
}

impl Unresolved {
    fn new(expr: &Value, why: impl Into<String>) -> Self {
        Unresolved {
            expr: compact(expr),
            why: why.into(),
        }
    }
}

/// A value as one line of JSON, shortened for a note.
pub fn compact(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 160 {
        format!("{}...", text.chars().take(157).collect::<String>())
    } else {
        text
    }
}

type Eval = Result<Option<Value>, Unresolved>;

/// The parts of a template intrinsic functions read.
#[derive(Debug, Default)]
pub struct Template {
    pub parameters: Map<String, Value>,
    pub resources: Map<String, Value>,
    pub conditions: Map<String, Value>,
    pub mappings: Map<String, Value>,
    pub partition: String,
    /// Pinned by a `Rules` assertion on `AWS::Region`.
    pub region: Option<String>,
    /// Pinned by a `Rules` assertion on `AWS::AccountId`.
    pub account: Option<String>,
    /// The parameters read at their `Default`, for a note: the spec fixes those values.
    pub defaulted: RefCell<BTreeSet<String>>,
}

fn section(doc: &Value, key: &str) -> Map<String, Value> {
    doc.get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The text of a scalar as CloudFormation passes it to a string property.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Template {
    pub fn of(doc: &Value) -> Template {
        let mut t = Template {
            parameters: section(doc, "Parameters"),
            resources: section(doc, "Resources"),
            conditions: section(doc, "Conditions"),
            mappings: section(doc, "Mappings"),
            ..Template::default()
        };
        t.region = t.pinned(doc, "AWS::Region");
        t.account = t.pinned(doc, "AWS::AccountId");
        // "Pseudo parameters reference": the partition follows the Region.
        t.partition = match t.region.as_deref() {
            Some(r) if r.starts_with("cn-") => "aws-cn",
            Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
            _ => "aws",
        }
        .into();
        t
    }

    /// The value a `Rules` assertion `Fn::Equals [Ref PSEUDO, "value"]` holds `pseudo` to, as
    /// trailsmith's own templates pin their region and account.
    fn pinned(&self, doc: &Value, pseudo: &str) -> Option<String> {
        let rules = doc.get("Rules")?.as_object()?;
        rules.values().find_map(|rule| {
            rule.get("Assertions")?.as_array()?.iter().find_map(|a| {
                let args = a.get("Assert")?.get("Fn::Equals")?.as_array()?;
                let is_pseudo = |v: &Value| v.get("Ref").and_then(Value::as_str) == Some(pseudo);
                match args.as_slice() {
                    [p, Value::String(s)] | [Value::String(s), p] if is_pseudo(p) => {
                        Some(s.clone())
                    }
                    _ => None,
                }
            })
        })
    }

    /// A resource's `Type` and `Properties`.
    pub fn resource(&self, id: &str) -> Option<(&str, &Map<String, Value>)> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let r = self.resources.get(id)?;
        let kind = r.get("Type").and_then(Value::as_str).unwrap_or_default();
        let props = r
            .get("Properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        Some((kind, props))
    }

    /// A value with its functions evaluated; `None` when it is `AWS::NoValue`.
    pub fn eval(&self, v: &Value) -> Eval {
        self.settled(v, 0)
    }

    /// A value evaluated to a string.
    pub fn string(&self, v: &Value) -> Result<Option<String>, Unresolved> {
        match self.eval(v)? {
            None => Ok(None),
            Some(x) => text(&x)
                .map(Some)
                .ok_or_else(|| Unresolved::new(v, "not a string")),
        }
    }

    /// A property of a resource a function reads, evaluated one level deeper: a name that refers
    /// to itself (`BucketName: !Ref Bucket`) ends at `MAX_DEPTH`, not in a stack overflow.
    fn string_at(&self, v: &Value, depth: usize) -> Result<Option<String>, Unresolved> {
        match self.settled(v, depth + 1)? {
            None => Ok(None),
            Some(x) => text(&x)
                .map(Some)
                .ok_or_else(|| Unresolved::new(v, "not a string")),
        }
    }

    /// Whether a condition of the `Conditions` section holds.
    pub fn condition(&self, name: &str) -> Result<bool, Unresolved> {
        self.condition_at(name, 0)
    }

    fn condition_at(&self, name: &str, depth: usize) -> Result<bool, Unresolved> {
        let here = || Value::Object(Map::from_iter([("Condition".into(), name.into())]));
        let c = self
            .conditions
            .get(name)
            .ok_or_else(|| Unresolved::new(&here(), format!("no condition named {name}")))?;
        match self.settled(c, depth + 1)? {
            Some(Value::Bool(b)) => Ok(b),
            _ => Err(Unresolved::new(
                c,
                format!("condition {name} is not a boolean"),
            )),
        }
    }

    /// Evaluated, with the region and account stand-ins kept only where an ARN allows them.
    fn settled(&self, v: &Value, depth: usize) -> Eval {
        match function(v) {
            Some(_) => {
                let raw = self.raw(v, depth)?;
                raw.map(|r| settle(r).ok_or_else(|| self.deploy_time(v)))
                    .transpose()
            }
            None => self.each(v, depth, Self::settled),
        }
    }

    fn deploy_time(&self, v: &Value) -> Unresolved {
        Unresolved::new(
            v,
            "the Region and account are known only at deploy time, and it is not an ARN in them",
        )
    }

    /// A container's members evaluated one by one; `AWS::NoValue` members left out.
    fn each(&self, v: &Value, depth: usize, f: fn(&Self, &Value, usize) -> Eval) -> Eval {
        Ok(Some(match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    if let Some(x) = f(self, x, depth + 1)? {
                        out.insert(k.clone(), x);
                    }
                }
                Value::Object(out)
            }
            Value::Array(a) => {
                let mut out = Vec::new();
                for x in a {
                    out.extend(f(self, x, depth + 1)?);
                }
                Value::Array(out)
            }
            other => other.clone(),
        }))
    }

    /// Evaluated, stand-ins left in place for the enclosing function.
    fn raw(&self, v: &Value, depth: usize) -> Eval {
        if depth > MAX_DEPTH {
            return Err(Unresolved::new(v, "nested too deeply"));
        }
        let Some((name, arg)) = function(v) else {
            return self.each(v, depth, Self::raw);
        };
        let string = |x: &Value| -> Result<String, Unresolved> {
            self.raw(x, depth + 1)?
                .as_ref()
                .and_then(text)
                .ok_or_else(|| Unresolved::new(x, "not a string"))
        };
        let list = |x: &Value| -> Result<Vec<Value>, Unresolved> {
            match self.raw(x, depth + 1)? {
                Some(Value::Array(a)) => Ok(a),
                _ => Err(Unresolved::new(x, "not a list")),
            }
        };
        let args = |n: usize| -> Result<&Vec<Value>, Unresolved> {
            arg.as_array()
                .filter(|a| a.len() == n)
                .ok_or_else(|| Unresolved::new(v, format!("{name} takes a list of {n}")))
        };
        Ok(Some(match name {
            "Ref" => match arg.as_str() {
                Some(target) => return self.reference(v, target, depth),
                None => return Err(Unresolved::new(v, "Ref takes a name")),
            },
            "Fn::GetAtt" => {
                let (id, attribute) = match arg {
                    Value::String(s) => s.split_once('.').unwrap_or((s, "")),
                    Value::Array(a) => match a.as_slice() {
                        [Value::String(id), Value::String(at)] => (id.as_str(), at.as_str()),
                        _ => {
                            return Err(Unresolved::new(
                                v,
                                "Fn::GetAtt takes [resource, attribute]",
                            ))
                        }
                    },
                    _ => return Err(Unresolved::new(v, "Fn::GetAtt takes [resource, attribute]")),
                };
                return self
                    .attribute(v, id, attribute, depth)
                    .map(|s| Some(Value::String(s)));
            }
            "Fn::Sub" => {
                let (pattern, vars) = match arg {
                    Value::String(s) => (s.clone(), Map::new()),
                    Value::Array(a) => match a.as_slice() {
                        [p, Value::Object(vars)] => (string(p)?, vars.clone()),
                        _ => {
                            return Err(Unresolved::new(
                                v,
                                "Fn::Sub takes a string or [string, {variables}]",
                            ))
                        }
                    },
                    _ => return Err(Unresolved::new(v, "Fn::Sub takes a string")),
                };
                Value::String(self.sub(v, &pattern, &vars, depth)?)
            }
            "Fn::Join" => {
                let a = args(2)?;
                let delimiter = string(&a[0])?;
                let parts: Result<Vec<String>, Unresolved> = list(&a[1])?
                    .iter()
                    .map(|p| {
                        text(p).ok_or_else(|| Unresolved::new(&a[1], "a part is not a string"))
                    })
                    .collect();
                Value::String(parts?.join(&delimiter))
            }
            "Fn::Select" => {
                let a = args(2)?;
                let index: usize = string(&a[0])?
                    .parse()
                    .map_err(|_| Unresolved::new(&a[0], "not an index"))?;
                list(&a[1])?
                    .get(index)
                    .cloned()
                    .ok_or_else(|| Unresolved::new(v, "index beyond the list"))?
            }
            "Fn::Split" => {
                let a = args(2)?;
                let delimiter = string(&a[0])?;
                let whole = string(&a[1])?;
                Value::Array(whole.split(delimiter.as_str()).map(|s| s.into()).collect())
            }
            "Fn::If" => {
                let a = args(3)?;
                let name = a[0]
                    .as_str()
                    .ok_or_else(|| Unresolved::new(v, "Fn::If names a condition"))?;
                let branch = if self.condition_at(name, depth + 1)? {
                    &a[1]
                } else {
                    &a[2]
                };
                return self.raw(branch, depth + 1);
            }
            "Condition" => {
                let name = arg
                    .as_str()
                    .ok_or_else(|| Unresolved::new(v, "Condition names a condition"))?;
                Value::Bool(self.condition_at(name, depth + 1)?)
            }
            "Fn::Equals" => {
                let a = args(2)?;
                let (x, y) = (self.raw(&a[0], depth + 1)?, self.raw(&a[1], depth + 1)?);
                let known = |x: &Option<Value>| {
                    !x.as_ref().is_some_and(|x| {
                        x.to_string().contains(REGION) || x.to_string().contains(ACCOUNT)
                    })
                };
                if !known(&x) || !known(&y) {
                    return Err(self.deploy_time(v));
                }
                // Compared as the strings CloudFormation compares.
                let norm = |x: Option<Value>| {
                    x.as_ref()
                        .and_then(text)
                        .or_else(|| x.map(|x| x.to_string()))
                };
                Value::Bool(norm(x) == norm(y))
            }
            "Fn::Not" | "Fn::And" | "Fn::Or" => {
                let items = arg
                    .as_array()
                    .ok_or_else(|| Unresolved::new(v, format!("{name} takes a list")))?;
                let mut values = Vec::new();
                for i in items {
                    match self.raw(i, depth + 1)? {
                        Some(Value::Bool(b)) => values.push(b),
                        _ => return Err(Unresolved::new(i, "not a condition")),
                    }
                }
                Value::Bool(match name {
                    "Fn::Not" => !values.first().copied().unwrap_or(false),
                    "Fn::And" => values.iter().all(|b| *b),
                    _ => values.iter().any(|b| *b),
                })
            }
            "Fn::FindInMap" => {
                let a = args(3)?;
                let (m, k1, k2) = (string(&a[0])?, string(&a[1])?, string(&a[2])?);
                if [&k1, &k2]
                    .iter()
                    .any(|k| k.contains(REGION) || k.contains(ACCOUNT))
                {
                    return Err(self.deploy_time(v));
                }
                self.mappings
                    .get(&m)
                    .and_then(|x| x.get(&k1))
                    .and_then(|x| x.get(&k2))
                    .cloned()
                    .ok_or_else(|| Unresolved::new(v, format!("mapping {m} has no {k1}/{k2}")))?
            }
            "Fn::Base64" => Value::String(base64(string(arg)?.as_bytes())),
            "Fn::ImportValue" => {
                return Err(Unresolved::new(v, "it is another stack's export"));
            }
            other => {
                return Err(Unresolved::new(
                    v,
                    format!("{other} is not evaluated by trailsmith"),
                ))
            }
        }))
    }

    /// `Fn::Sub`: `${Name}` is a variable, a parameter, a pseudo parameter or a resource,
    /// `${Resource.Attribute}` an attribute, `${!Text}` the literal `${Text}`.
    fn sub(
        &self,
        v: &Value,
        pattern: &str,
        vars: &Map<String, Value>,
        depth: usize,
    ) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| Unresolved::new(v, "an unclosed ${"))?;
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
                continue;
            }
            let value = match vars.get(name) {
                Some(x) => self.raw(x, depth + 1)?,
                None if !name.starts_with("AWS::") && name.contains('.') => {
                    let (id, attribute) = name.split_once('.').unwrap_or((name, ""));
                    Some(Value::String(self.attribute(v, id, attribute, depth)?))
                }
                None => self.reference(v, name, depth)?,
            };
            let piece = value
                .as_ref()
                .and_then(text)
                .ok_or_else(|| Unresolved::new(v, format!("${{{name}}} is not a string")))?;
            out.push_str(&piece);
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The function an object is, when it is one (a single key naming a function).
pub fn function(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, arg) = m.iter().next()?;
    FUNCTIONS.contains(&k.as_str()).then_some((k.as_str(), arg))
}

/// The value with stand-ins removed, or `None` when one stands outside an ARN's region or account
/// field.
fn settle(v: Value) -> Option<Value> {
    Some(match v {
        Value::String(s) if s.contains(REGION) || s.contains(ACCOUNT) => {
            let fields: Vec<&str> = s.split(':').collect();
            let arn = fields.len() > 5 && fields[0] == "arn";
            let clean = |i: usize| !fields[i].contains(REGION) && !fields[i].contains(ACCOUNT);
            let placed = arn
                && (0..fields.len()).all(|i| {
                    clean(i) || (i == 3 && fields[3] == REGION) || (i == 4 && fields[4] == ACCOUNT)
                });
            if !placed {
                return None;
            }
            Value::String(s.replace(REGION, "").replace(ACCOUNT, ""))
        }
        Value::Array(a) => Value::Array(a.into_iter().map(settle).collect::<Option<_>>()?),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, x)| Some((k, settle(x)?)))
                .collect::<Option<_>>()?,
        ),
        other => other,
    })
}

/// Standard base64 ("Fn::Base64"), which no dependency of trailsmith offers.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
