//! The resources of a plan or state, gathered from the root module and child modules at any
//! depth, with what a plan knows of each ("JSON Output Format": `planned_values`, the data
//! sources of `prior_state`, `resource_changes[].change.after_unknown`), and the `configuration`
//! references that say where a value known only after apply comes from.
//!
//! Owns walking the JSON and following references: through a module's variables into the
//! calling module, and through a module's outputs into the called one. It must not decide what
//! an attribute means (that is `terraform`, `resources`, `watched` and `recording`).

use serde_json::{Map, Value};

/// Deepest nesting of modules (and of references through variables and outputs) followed.
const MAX_DEPTH: usize = 64;

/// One resource instance.
#[derive(Debug, Default)]
pub(super) struct Resource {
    pub address: String,
    /// The names of the modules it sits in, from the root, without instance keys: its
    /// configuration's path.
    pub path: Vec<String>,
    pub data: bool,
    pub kind: String,
    pub name: String,
    pub values: Map<String, Value>,
    /// The change's `after_unknown`: attributes known only after apply.
    pub unknown: Map<String, Value>,
}

/// What a file says of an attribute.
pub(super) enum Got<'v> {
    Known(&'v Value),
    /// Known only after apply.
    Unknown,
    /// Not set (absent or null).
    Absent,
}

impl Got<'_> {
    /// Whether the attribute is set to something other than an empty value (the provider
    /// writes unset optional strings as `""` and unset blocks as `[]`).
    pub fn is_set(&self) -> bool {
        match self {
            Got::Known(Value::String(s)) => !s.is_empty(),
            Got::Known(Value::Array(a)) => !a.is_empty(),
            Got::Known(Value::Object(o)) => !o.is_empty(),
            Got::Known(_) | Got::Unknown => true,
            Got::Absent => false,
        }
    }
}

/// Whether an `after_unknown` value marks anything unknown, at any depth.
fn any_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(a) => a.iter().any(any_true),
        Value::Object(o) => o.values().any(any_true),
        _ => false,
    }
}

impl Resource {
    pub fn got(&self, attr: &str) -> Got<'_> {
        match self.values.get(attr) {
            Some(v) if !v.is_null() => Got::Known(v),
            _ if self.unknown.get(attr) == Some(&Value::Bool(true)) => Got::Unknown,
            _ => Got::Absent,
        }
    }

    /// Whether any part of the attribute is known only after apply.
    pub fn is_unknown(&self, attr: &str) -> bool {
        self.unknown.get(attr).is_some_and(any_true)
    }

    /// A string attribute that is set (not empty).
    pub fn text(&self, attr: &str) -> Option<String> {
        self.values
            .get(attr)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    pub fn number(&self, attr: &str) -> Option<f64> {
        self.values.get(attr).and_then(Value::as_f64)
    }

    /// The first object of a nested block (`versioning_configuration[0]`).
    pub fn block(&self, attr: &str) -> Option<&Value> {
        self.values.get(attr)?.as_array()?.first()
    }

    /// The values other resources name it by: its id, ARN, name, bucket or key id.
    pub fn ids(&self) -> Vec<String> {
        ["id", "arn", "name", "bucket", "key_id"]
            .iter()
            .filter_map(|k| self.text(k))
            .collect()
    }
}

/// The parts of a plan or state the reader reads.
#[derive(Debug, Default)]
pub(super) struct Doc {
    pub resources: Vec<Resource>,
    /// A plan's `configuration.root_module`.
    pub config: Option<Value>,
    /// Whether the file is a plan (else a state).
    pub plan: bool,
    pub partition: String,
    pub region: Option<String>,
    pub account: Option<String>,
}

/// A module address's segments, split at the dots outside instance keys (`module.a["x.y"]`).
pub(super) fn segments(address: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        if quoted {
            quoted = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            quoted = true;
        } else if c == '[' {
            depth += 1;
        } else if c == ']' {
            depth = depth.saturating_sub(1);
        } else if c == '.' && depth == 0 {
            out.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// A segment without its instance key (`default[0]` gives `default`).
pub(super) fn bare(segment: &str) -> &str {
    segment.split('[').next().unwrap_or(segment)
}

/// The module names of a module address (`module.a[0].module.b` gives `a`, `b`).
pub(super) fn module_path(address: &str) -> Vec<String> {
    let parts = segments(address);
    parts
        .windows(2)
        .filter(|w| w[0] == "module")
        .map(|w| bare(&w[1]).to_string())
        .collect()
}

fn collect(module: &Value, out: &mut Vec<Resource>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let path = module
        .get("address")
        .and_then(Value::as_str)
        .map(module_path)
        .unwrap_or_default();
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
        out.push(Resource {
            address: text("address").to_string(),
            path: path.clone(),
            data: text("mode") == "data",
            kind: text("type").to_string(),
            name: text("name").to_string(),
            values: r
                .get("values")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            unknown: Map::new(),
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(child, out, depth + 1);
    }
}

impl Doc {
    pub fn of(json: &Value) -> Doc {
        let plan = json.get("planned_values").is_some();
        let mut resources = Vec::new();
        let root = if plan {
            "/planned_values/root_module"
        } else {
            "/values/root_module"
        };
        if let Some(m) = json.pointer(root) {
            collect(m, &mut resources, 0);
        }
        if plan {
            // The data sources a plan read are in its prior state, not its planned values.
            let mut prior = Vec::new();
            if let Some(m) = json.pointer("/prior_state/values/root_module") {
                collect(m, &mut prior, 0);
            }
            for r in prior.into_iter().filter(|r| r.data) {
                if !resources.iter().any(|x| x.address == r.address) {
                    resources.push(r);
                }
            }
            for change in json
                .get("resource_changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let address = change.get("address").and_then(Value::as_str);
                let unknown = change
                    .pointer("/change/after_unknown")
                    .and_then(Value::as_object);
                if let (Some(address), Some(unknown)) = (address, unknown) {
                    if let Some(r) = resources.iter_mut().find(|r| r.address == address) {
                        r.unknown = unknown.clone();
                    }
                }
            }
        }
        let mut doc = Doc {
            resources,
            config: json.pointer("/configuration/root_module").cloned(),
            plan,
            ..Doc::default()
        };
        let data = |kind: &str, attrs: &[&str]| {
            doc.resources
                .iter()
                .filter(|r| r.data && r.kind == kind)
                .find_map(|r| attrs.iter().find_map(|a| r.text(a)))
        };
        // aws_region says `name` in provider 5 (`region` from 6).
        let region = data("aws_region", &["name", "region"]).or_else(|| provider_region(json));
        let account = data("aws_caller_identity", &["account_id"]);
        let partition = data("aws_partition", &["partition"]);
        // "Pseudo parameters reference" (the same rule for Terraform): the partition follows
        // the region.
        doc.partition = partition.unwrap_or_else(|| {
            match region.as_deref() {
                Some(r) if r.starts_with("cn-") => "aws-cn",
                Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
                _ => "aws",
            }
            .into()
        });
        doc.region = region;
        doc.account = account;
        doc
    }

    /// The configuration of the module at `path`.
    fn module_config(&self, path: &[String]) -> Option<&Value> {
        let mut m = self.config.as_ref()?;
        for name in path {
            m = m.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(m)
    }

    /// The configuration expression of one of a resource's arguments.
    fn expression(&self, r: &Resource, attr: &str) -> Option<&Value> {
        let address = if r.data {
            format!("data.{}.{}", r.kind, r.name)
        } else {
            format!("{}.{}", r.kind, r.name)
        };
        self.module_config(&r.path)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|c| c.get("address").and_then(Value::as_str) == Some(address.as_str()))?
            .get("expressions")?
            .get(attr)
    }

    /// Whether a plan's configuration sets the argument (one it leaves out and the provider
    /// computes reads as unknown in the plan, yet is the provider's default).
    pub fn configured(&self, i: usize, attr: &str) -> bool {
        self.config.is_none()
            || self
                .resources
                .get(i)
                .is_some_and(|r| self.expression(r, attr).is_some())
    }

    /// The managed resources an argument's expression refers to, however far through
    /// variables and module outputs, by index.
    pub fn refers(&self, i: usize, attr: &str) -> Vec<usize> {
        let Some(r) = self.resources.get(i) else {
            return Vec::new();
        };
        let mut targets = Vec::new();
        if let Some(e) = self.expression(r, attr) {
            self.targets(&r.path, e, 0, &mut targets);
        }
        let mut out: Vec<usize> = Vec::new();
        for (path, kind, name) in targets {
            let found = self
                .resources
                .iter()
                .position(|x| !x.data && x.kind == kind && x.name == name && x.path == path);
            if let Some(j) = found.filter(|j| !out.contains(j)) {
                out.push(j);
            }
        }
        out
    }

    /// The first resource of a type an argument refers to.
    pub fn refers_to(&self, i: usize, attr: &str, kind: &str) -> Option<usize> {
        self.refers(i, attr)
            .into_iter()
            .find(|j| self.resources[*j].kind == kind)
    }

    fn targets(
        &self,
        path: &[String],
        expression: &Value,
        depth: usize,
        out: &mut Vec<(Vec<String>, String, String)>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let references = expression
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        for reference in references {
            let parts = segments(reference);
            let part = |n: usize| parts.get(n).map(|s| bare(s));
            match (part(0), part(1), part(2)) {
                (Some("var"), Some(var), _) => {
                    let Some((call, parent)) = path.split_last() else {
                        continue;
                    };
                    let e = self.module_config(parent).and_then(|m| {
                        m.get("module_calls")?
                            .get(call)?
                            .get("expressions")?
                            .get(var)
                    });
                    if let Some(e) = e {
                        self.targets(parent, e, depth + 1, out);
                    }
                }
                (Some("module"), Some(call), Some(output)) => {
                    let e = self.module_config(path).and_then(|m| {
                        m.get("module_calls")?
                            .get(call)?
                            .get("module")?
                            .get("outputs")?
                            .get(output)?
                            .get("expression")
                    });
                    if let Some(e) = e {
                        let mut inner = path.to_vec();
                        inner.push(call.to_string());
                        self.targets(&inner, e, depth + 1, out);
                    }
                }
                (
                    Some(
                        "module" | "data" | "local" | "each" | "count" | "path" | "self"
                        | "terraform",
                    ),
                    ..,
                ) => {}
                (Some(kind), Some(name), _) => {
                    let target = (path.to_vec(), kind.to_string(), name.to_string());
                    if !out.contains(&target) {
                        out.push(target);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The provider configuration's `region`, when the configuration gives it as a constant.
fn provider_region(json: &Value) -> Option<String> {
    let providers = json
        .pointer("/configuration/provider_config")?
        .as_object()?;
    let aws = providers.get("aws").or_else(|| {
        providers.values().find(|p| {
            p.get("name").and_then(Value::as_str) == Some("aws") && p.get("alias").is_none()
        })
    })?;
    aws.pointer("/expressions/region/constant_value")?
        .as_str()
        .map(str::to_string)
}
