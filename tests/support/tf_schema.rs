//! Offline check of a Terraform JSON configuration (`.tf.json`) against a provider schema dump
//! (`terraform providers schema -json`, see `tests/data/terraform-aws-schema.json`).
//!
//! It owns the question "does this config fit the provider schema?": unknown resource/data source
//! types, unknown arguments and blocks, missing required arguments and blocks, arguments only the
//! provider may set, literal types, block counts. It answers with findings, one string per problem,
//! each starting with the address it concerns.
//!
//! It is deliberately stricter than `terraform validate` in two ways, because trailsmith generates
//! these configs and should say exactly what it means: deprecated arguments and blocks are
//! findings, and a literal must have the argument's own type (terraform would quietly turn `true`
//! or `5` into a string, which hides a generator writing a bool where the API wants "Enabled").
//! Interpolated strings (`${...}`, `%{...}`) are accepted for any type: only plan time knows them.
//!
//! It must not run terraform, touch the network or the file system, or panic: the config under test
//! and the schema file are both data it reports on. It knows nothing of trailsmith's own rules
//! (security posture, naming); those belong in other tests. Enum values are out of reach too: the
//! schema does not carry them, only plan/apply sees them.
//!
//! Include it with `#[path = "support/tf_schema.rs"] mod tf_schema;`; it depends on serde_json only.

// Each integration test crate that includes this file may use only part of it.
#![allow(dead_code)]

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

type Object = Map<String, Value>;

const TOP_LEVEL_KEYS: &[&str] = &[
    "terraform",
    "provider",
    "resource",
    "data",
    "output",
    "variable",
    "locals",
];
const RESOURCE_META: &[&str] = &[
    "depends_on",
    "count",
    "for_each",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];
const DATA_META: &[&str] = &["depends_on", "count", "for_each", "provider"];
const PROVIDER_META: &[&str] = &["alias"];
const OUTPUT_KEYS: &[&str] = &["value", "description", "sensitive", "depends_on"];
const VARIABLE_KEYS: &[&str] = &[
    "default",
    "type",
    "description",
    "validation",
    "sensitive",
    "nullable",
    "ephemeral",
];
const TERRAFORM_KEYS: &[&str] = &[
    "required_version",
    "required_providers",
    "backend",
    "cloud",
    "experiments",
    "provider_meta",
];
const LIFECYCLE_KEYS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
    "precondition",
    "postcondition",
];
/// Terraform's JSON syntax ignores a property named "//" in a block body: it is a comment.
const COMMENT_KEY: &str = "//";

/// Checks `config` (parsed `.tf.json`) against `schema` (parsed `terraform providers schema -json`).
/// Returns one human readable finding per problem, e.g.
/// `aws_cloudtrail.trail: unknown argument "enable_loging"; did you mean "enable_logging"?`;
/// an empty vector means the config is clean. Problems with the schema itself start with `schema:`.
pub fn check_config(config: &Value, schema: &Value) -> Vec<String> {
    let Some(providers) = schema.get("provider_schemas").and_then(Value::as_object) else {
        return vec![
            "schema: no \"provider_schemas\" object; expected `terraform providers schema -json` output"
                .to_string(),
        ];
    };
    let Some(root) = config.as_object() else {
        return vec![format!(
            "config: the top level must be a JSON object, got {}",
            describe(config)
        )];
    };
    let mut checker = Checker {
        providers,
        sources: BTreeMap::new(),
        declared: BTreeSet::new(),
        findings: Vec::new(),
    };
    // Provider addresses must be known before any resource is looked up, wherever `terraform` sits.
    if let Some(terraform) = root.get("terraform") {
        checker.check_terraform(terraform);
    }
    for (key, value) in root {
        match key.as_str() {
            COMMENT_KEY | "terraform" => {}
            "resource" => checker.check_resources(value, Kind::Resource),
            "data" => checker.check_resources(value, Kind::Data),
            "provider" => checker.check_providers(value),
            "output" => checker.check_outputs(value),
            "variable" => checker.check_variables(value),
            "locals" => {
                if bodies(value).is_none() {
                    checker.push(
                        "locals",
                        format!("must be an object, got {}", describe(value)),
                    );
                }
            }
            other => checker.push(
                "config",
                format!(
                    "unknown top-level key \"{other}\"{}",
                    suggest(other, TOP_LEVEL_KEYS.iter().copied())
                ),
            ),
        }
    }
    checker.findings
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Resource,
    Data,
}

impl Kind {
    fn schemas_key(self) -> &'static str {
        match self {
            Kind::Resource => "resource_schemas",
            Kind::Data => "data_source_schemas",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Resource => "resource type",
            Kind::Data => "data source type",
        }
    }

    fn meta(self) -> &'static [&'static str] {
        match self {
            Kind::Resource => RESOURCE_META,
            Kind::Data => DATA_META,
        }
    }

    fn address(self, type_name: &str, name: &str) -> String {
        match self {
            Kind::Resource => format!("{type_name}.{name}"),
            Kind::Data => format!("data.{type_name}.{name}"),
        }
    }
}

struct Checker<'s> {
    providers: &'s Object,
    /// Local provider name -> provider address, from `terraform.required_providers`.
    sources: BTreeMap<String, String>,
    /// Addresses seen so far, to catch the same resource declared twice.
    declared: BTreeSet<String>,
    findings: Vec<String>,
}

impl<'s> Checker<'s> {
    fn push(&mut self, address: &str, message: String) {
        self.findings.push(format!("{address}: {message}"));
    }

    fn push_schema(&mut self, address: &str, message: String) {
        self.findings.push(format!("schema: {address}: {message}"));
    }

    /// Records a declaration; reports it when the address was already taken, as terraform would.
    fn declare(&mut self, address: &str) {
        if !self.declared.insert(address.to_string()) {
            self.push(address, "declared more than once".to_string());
        }
    }

    fn check_terraform(&mut self, value: &Value) {
        let Some(blocks) = bodies(value) else {
            self.push(
                "terraform",
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for body in blocks {
            for (key, value) in body {
                if key == COMMENT_KEY {
                    continue;
                }
                if !TERRAFORM_KEYS.contains(&key.as_str()) {
                    self.push(
                        "terraform",
                        format!(
                            "unknown argument \"{key}\"{}",
                            suggest(key, TERRAFORM_KEYS.iter().copied())
                        ),
                    );
                } else if key == "required_providers" {
                    self.read_required_providers(value);
                }
            }
        }
    }

    fn read_required_providers(&mut self, value: &Value) {
        let Some(entries) = labelled(value) else {
            self.push(
                "terraform.required_providers",
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for (local, spec) in entries {
            match spec {
                Value::Object(spec) => match spec.get("source") {
                    Some(Value::String(source)) => {
                        self.sources
                            .insert(local.clone(), provider_address_from_source(source));
                    }
                    Some(other) => self.push(
                        &format!("terraform.required_providers.{local}"),
                        format!("source must be a string, got {}", describe(other)),
                    ),
                    None => {}
                },
                // Old-style `aws = "~> 5.0"`: a version constraint with the default source.
                Value::String(_) => {}
                other => self.push(
                    &format!("terraform.required_providers.{local}"),
                    format!("must be an object, got {}", describe(other)),
                ),
            }
        }
    }

    /// The provider address terraform would use for a local provider name.
    fn provider_address(&self, local: &str) -> String {
        self.sources
            .get(local)
            .cloned()
            .unwrap_or_else(|| format!("registry.terraform.io/hashicorp/{local}"))
    }

    /// The schema object of provider `local`, or a finding against `address` when there is none.
    fn provider_schema(&mut self, address: &str, local: &str) -> Option<&'s Object> {
        let provider = self.provider_address(local);
        match self.providers.get(&provider) {
            Some(Value::Object(schema)) => Some(schema),
            Some(other) => {
                self.push_schema(
                    &provider,
                    format!("provider schema must be an object, got {}", describe(other)),
                );
                None
            }
            None => {
                self.push(
                    address,
                    format!("provider \"{provider}\" is not in the schema"),
                );
                None
            }
        }
    }

    fn check_resources(&mut self, value: &Value, kind: Kind) {
        let section = match kind {
            Kind::Resource => "resource",
            Kind::Data => "data",
        };
        let Some(types) = labelled(value) else {
            self.push(
                section,
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for (type_name, by_name) in types {
            let Some(names) = labelled(by_name) else {
                self.push(
                    &format!("{section}.{type_name}"),
                    format!(
                        "must be an object of named {section} blocks, got {}",
                        describe(by_name)
                    ),
                );
                continue;
            };
            for (name, body) in names {
                let address = kind.address(type_name, name);
                let Some(blocks) = bodies(body) else {
                    self.declare(&address);
                    self.push(
                        &address,
                        format!("body must be an object, got {}", describe(body)),
                    );
                    continue;
                };
                for body in blocks {
                    self.declare(&address);
                    self.check_resource(&address, kind, type_name, body);
                }
            }
        }
    }

    fn check_resource(&mut self, address: &str, kind: Kind, type_name: &str, body: &Object) {
        // Terraform picks the provider from an explicit `provider = "aws.alias"`, else from the
        // type name's prefix.
        let local = match body.get("provider") {
            Some(Value::String(reference)) => reference
                .trim_start_matches("${")
                .split(['.', '}'])
                .next()
                .unwrap_or_default()
                .to_string(),
            _ => type_name.split('_').next().unwrap_or(type_name).to_string(),
        };
        let Some(provider) = self.provider_schema(address, &local) else {
            return;
        };
        let provider_name = self.provider_address(&local);
        let Some(schemas) = provider.get(kind.schemas_key()).and_then(Value::as_object) else {
            self.push_schema(
                &provider_name,
                format!("no \"{}\" object", kind.schemas_key()),
            );
            return;
        };
        let Some(type_schema) = schemas.get(type_name) else {
            self.push(
                address,
                format!(
                    "unknown {} \"{type_name}\"{}",
                    kind.noun(),
                    suggest(type_name, schemas.keys().map(String::as_str))
                ),
            );
            return;
        };
        let Some(block) = type_schema.get("block").and_then(Value::as_object) else {
            self.push_schema(
                &format!("{provider_name}.{type_name}"),
                "no \"block\" object".to_string(),
            );
            return;
        };
        if block.get("deprecated") == Some(&Value::Bool(true)) {
            self.push(
                address,
                format!("{} \"{type_name}\" is deprecated", kind.noun()),
            );
        }
        self.check_body(address, body, block, kind.meta());
    }

    fn check_providers(&mut self, value: &Value) {
        let Some(locals) = labelled(value) else {
            self.push(
                "provider",
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for (local, configs) in locals {
            let base = format!("provider.{local}");
            let Some(blocks) = bodies(configs) else {
                self.push(
                    &base,
                    format!("must be an object, got {}", describe(configs)),
                );
                continue;
            };
            for body in blocks {
                let address = match body.get("alias") {
                    Some(Value::String(alias)) => format!("{base}.{alias}"),
                    _ => base.clone(),
                };
                self.declare(&address);
                let Some(provider) = self.provider_schema(&address, local) else {
                    continue;
                };
                let Some(block) = provider
                    .get("provider")
                    .and_then(|p| p.get("block"))
                    .and_then(Value::as_object)
                else {
                    let name = self.provider_address(local);
                    self.push_schema(&name, "no \"provider\".\"block\" object".to_string());
                    continue;
                };
                self.check_body(&address, body, block, PROVIDER_META);
            }
        }
    }

    fn check_outputs(&mut self, value: &Value) {
        let Some(outputs) = labelled(value) else {
            self.push(
                "output",
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for (name, body) in outputs {
            let address = format!("output.{name}");
            let Some(blocks) = bodies(body) else {
                self.push(
                    &address,
                    format!("must be an object, got {}", describe(body)),
                );
                continue;
            };
            for body in blocks {
                self.declare(&address);
                if !body.contains_key("value") {
                    self.push(&address, "missing required argument \"value\"".to_string());
                }
                for (key, value) in body {
                    match key.as_str() {
                        COMMENT_KEY | "value" => {}
                        "description" if !value.is_string() => self.push(
                            &address,
                            format!("description must be a string, got {}", describe(value)),
                        ),
                        "sensitive" if !value.is_boolean() => self.push(
                            &address,
                            format!("sensitive must be a bool, got {}", describe(value)),
                        ),
                        "depends_on" => self.check_meta(&address, key, value),
                        "description" | "sensitive" => {}
                        other => self.push(
                            &address,
                            format!(
                                "unknown argument \"{other}\"{}",
                                suggest(other, OUTPUT_KEYS.iter().copied())
                            ),
                        ),
                    }
                }
            }
        }
    }

    fn check_variables(&mut self, value: &Value) {
        let Some(variables) = labelled(value) else {
            self.push(
                "variable",
                format!("must be an object, got {}", describe(value)),
            );
            return;
        };
        for (name, body) in variables {
            let address = format!("variable.{name}");
            let Some(blocks) = bodies(body) else {
                self.push(
                    &address,
                    format!("must be an object, got {}", describe(body)),
                );
                continue;
            };
            for body in blocks {
                self.declare(&address);
                for key in body.keys() {
                    if key != COMMENT_KEY && !VARIABLE_KEYS.contains(&key.as_str()) {
                        self.push(
                            &address,
                            format!(
                                "unknown argument \"{key}\"{}",
                                suggest(key, VARIABLE_KEYS.iter().copied())
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Checks one block body against a schema block (`{"attributes": ..., "block_types": ...}`).
    /// `meta` lists the meta-arguments terraform itself accepts in this kind of block.
    fn check_body(&mut self, address: &str, body: &Object, block: &'s Object, meta: &[&str]) {
        let attributes = self.schema_object(address, block, "attributes");
        let block_types = self.schema_object(address, block, "block_types");
        // Blocks given through `dynamic` have a count only known at plan time: `None`.
        let mut counts: BTreeMap<&str, Option<usize>> = BTreeMap::new();

        for (key, value) in body {
            if key == COMMENT_KEY {
                continue;
            }
            if let Some(attribute) = attributes.and_then(|a| a.get(key)) {
                self.check_attribute(address, key, value, attribute);
            } else if let Some(block_type) = block_types.and_then(|b| b.get(key)) {
                let count = self.check_nested_block(address, key, value, block_type);
                counts.insert(key.as_str(), count);
            } else if meta.contains(&key.as_str()) {
                self.check_meta(address, key, value);
            } else if key == "dynamic" {
                for label in self.check_dynamic(address, value, block_types) {
                    counts.insert(label, None);
                }
            } else {
                let settable = attributes
                    .into_iter()
                    .flatten()
                    .filter(|(_, a)| a.as_object().is_some_and(|a| !is_computed_only(a)))
                    .map(|(name, _)| name.as_str());
                let blocks = block_types.into_iter().flatten().map(|(n, _)| n.as_str());
                let candidates = settable.chain(blocks).chain(meta.iter().copied());
                self.push(
                    address,
                    format!("unknown argument \"{key}\"{}", suggest(key, candidates)),
                );
            }
        }

        for (name, attribute) in attributes.into_iter().flatten() {
            if attribute.get("required") != Some(&Value::Bool(true)) {
                continue;
            }
            match body.get(name) {
                None => self.push(address, format!("missing required argument \"{name}\"")),
                Some(Value::Null) => {
                    self.push(address, format!("required argument \"{name}\" is null"))
                }
                Some(_) => {}
            }
        }

        for (name, block_type) in block_types.into_iter().flatten() {
            let Some(count) = counts.get(name.as_str()).copied().unwrap_or(Some(0)) else {
                continue;
            };
            let min = block_type.get("min_items").and_then(Value::as_u64);
            let mode = block_type.get("nesting_mode").and_then(Value::as_str);
            let max = match mode {
                Some("single" | "group") => Some(1),
                _ => block_type.get("max_items").and_then(Value::as_u64),
            };
            let count = count as u64;
            match min {
                Some(min) if count == 0 && min > 0 => {
                    self.push(address, format!("missing required block \"{name}\""))
                }
                Some(min) if count < min => self.push(
                    address,
                    format!("too few \"{name}\" blocks: {count} given, at least {min} required"),
                ),
                _ => {}
            }
            if let Some(max) = max.filter(|max| count > *max) {
                self.push(
                    address,
                    format!("too many \"{name}\" blocks: {count} given, at most {max} allowed"),
                );
            }
        }
    }

    /// `block[key]` as an object; absent is fine (a block may have no attributes), anything else
    /// is a broken schema.
    fn schema_object(&mut self, address: &str, block: &'s Object, key: &str) -> Option<&'s Object> {
        match block.get(key) {
            None => None,
            Some(Value::Object(object)) => Some(object),
            Some(other) => {
                self.push_schema(
                    address,
                    format!("\"{key}\" must be an object, got {}", describe(other)),
                );
                None
            }
        }
    }

    fn check_attribute(&mut self, address: &str, name: &str, value: &Value, attribute: &'s Value) {
        let Some(attribute) = attribute.as_object() else {
            self.push_schema(
                address,
                format!(
                    "attribute \"{name}\" must be an object, got {}",
                    describe(attribute)
                ),
            );
            return;
        };
        if attribute.get("deprecated") == Some(&Value::Bool(true)) {
            self.push(address, format!("argument \"{name}\" is deprecated"));
        }
        if is_computed_only(attribute) {
            self.push(
                address,
                format!("argument \"{name}\" is computed by the provider and cannot be set"),
            );
            return;
        }
        let what = format!("argument \"{name}\"");
        if let Some(ty) = attribute.get("type") {
            self.check_type(address, &what, value, ty);
        } else if let Some(nested) = attribute.get("nested_type") {
            self.check_nested_attribute(address, name, value, nested);
        } else {
            self.push_schema(
                address,
                format!("attribute \"{name}\" has neither \"type\" nor \"nested_type\""),
            );
        }
    }

    /// Checks a literal against a cty type as printed in the schema JSON.
    fn check_type(&mut self, address: &str, what: &str, value: &Value, ty: &Value) {
        // Interpolations are only known at plan time; null means "unset" for optional arguments
        // (required ones are checked by the caller).
        if value.is_null() || is_template(value) {
            return;
        }
        let mismatch = |checker: &mut Self| {
            checker.push(
                address,
                format!("{what} must be {}, got {}", type_name(ty), describe(value)),
            );
        };
        match ty {
            Value::String(primitive) => {
                let ok = match primitive.as_str() {
                    "string" => value.is_string(),
                    "number" => value.is_number(),
                    "bool" => value.is_boolean(),
                    "dynamic" => true,
                    other => {
                        self.push_schema(address, format!("{what} has unknown type \"{other}\""));
                        true
                    }
                };
                if !ok {
                    mismatch(self);
                }
            }
            Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
                (Some("list" | "set"), Some(element)) => match value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            self.check_type(address, &format!("{what}[{i}]"), item, element);
                        }
                    }
                    _ => mismatch(self),
                },
                (Some("map"), Some(element)) => match value {
                    Value::Object(items) => {
                        for (key, item) in items {
                            self.check_type(address, &format!("{what}[\"{key}\"]"), item, element);
                        }
                    }
                    _ => mismatch(self),
                },
                (Some("object"), Some(Value::Object(fields))) => match value {
                    Value::Object(items) => {
                        let optional: Vec<&str> = parts
                            .get(2)
                            .and_then(Value::as_array)
                            .map(|names| names.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        for (key, item) in items {
                            match fields.get(key) {
                                Some(field) => {
                                    self.check_type(address, &format!("{what}.{key}"), item, field)
                                }
                                None => self.push(
                                    address,
                                    format!(
                                        "{what} has unknown attribute \"{key}\"{}",
                                        suggest(key, fields.keys().map(String::as_str))
                                    ),
                                ),
                            }
                        }
                        for field in fields.keys() {
                            if !items.contains_key(field) && !optional.contains(&field.as_str()) {
                                self.push(address, format!("{what} lacks attribute \"{field}\""));
                            }
                        }
                    }
                    _ => mismatch(self),
                },
                (Some("tuple"), Some(Value::Array(elements))) => match value {
                    Value::Array(items) if items.len() == elements.len() => {
                        for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                            self.check_type(address, &format!("{what}[{i}]"), item, element);
                        }
                    }
                    _ => mismatch(self),
                },
                _ => self.push_schema(address, format!("{what} has unknown type {ty}")),
            },
            _ => self.push_schema(address, format!("{what} has unknown type {ty}")),
        }
    }

    /// Attributes with `nested_type` (plugin framework) take objects like blocks do, but as
    /// attribute values: no `dynamic`, and interpolation allowed.
    fn check_nested_attribute(
        &mut self,
        address: &str,
        name: &str,
        value: &Value,
        nested: &'s Value,
    ) {
        if value.is_null() || is_template(value) {
            return;
        }
        let Some(nested) = nested.as_object() else {
            self.push_schema(address, format!("\"{name}\".nested_type must be an object"));
            return;
        };
        let mode = nested.get("nesting_mode").and_then(Value::as_str);
        let items: Vec<(String, &Value)> = match (mode, value) {
            (Some("single"), Value::Object(_)) => vec![(format!("{address}.{name}"), value)],
            (Some("list" | "set"), Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{address}.{name}[{i}]"), item))
                .collect(),
            (Some("map"), Value::Object(items)) => items
                .iter()
                .map(|(key, item)| (format!("{address}.{name}[\"{key}\"]"), item))
                .collect(),
            (Some("single" | "list" | "set" | "map"), _) => {
                self.push(
                    address,
                    format!(
                        "argument \"{name}\" does not fit nesting mode {}, got {}",
                        mode.unwrap_or_default(),
                        describe(value)
                    ),
                );
                return;
            }
            _ => {
                self.push_schema(
                    address,
                    format!("\"{name}\".nested_type has no known nesting_mode"),
                );
                return;
            }
        };
        for (item_address, item) in items {
            match item {
                Value::Object(body) => self.check_body(&item_address, body, nested, &[]),
                Value::Null => {}
                other => self.push(
                    &item_address,
                    format!("must be an object, got {}", describe(other)),
                ),
            }
        }
    }

    /// Checks one nested block type's value; returns how many blocks it holds, or `None` when the
    /// value is too broken to count (already reported, so no second "missing" finding).
    fn check_nested_block(
        &mut self,
        address: &str,
        name: &str,
        value: &Value,
        block_type: &'s Value,
    ) -> Option<usize> {
        let (mode, block) = self.block_type_parts(address, name, block_type)?;
        if block.get("deprecated") == Some(&Value::Bool(true)) {
            self.push(address, format!("block \"{name}\" is deprecated"));
        }
        let labelled_items: Vec<(String, &Value)> = if mode == "map" {
            let Some(entries) = value.as_object() else {
                self.push(
                    address,
                    format!(
                        "block \"{name}\" must be an object of labelled blocks, got {}",
                        describe(value)
                    ),
                );
                return None;
            };
            entries
                .iter()
                .filter(|(label, _)| label.as_str() != COMMENT_KEY)
                .map(|(label, item)| (format!("{address}.{name}[\"{label}\"]"), item))
                .collect()
        } else {
            let Some(blocks) = bodies(value) else {
                self.push(
                    address,
                    format!(
                        "block \"{name}\" must be an object or an array of objects, got {}",
                        describe(value)
                    ),
                );
                return None;
            };
            let single = mode == "single" || mode == "group";
            let n = blocks.len();
            for (i, body) in blocks.into_iter().enumerate() {
                let item_address = if single && n == 1 {
                    format!("{address}.{name}")
                } else {
                    format!("{address}.{name}[{i}]")
                };
                self.check_body(&item_address, body, block, &[]);
            }
            return Some(n);
        };
        let n = labelled_items.len();
        for (item_address, item) in labelled_items {
            match item {
                Value::Object(body) => self.check_body(&item_address, body, block, &[]),
                other => self.push(
                    &item_address,
                    format!("must be an object, got {}", describe(other)),
                ),
            }
        }
        Some(n)
    }

    /// The nesting mode and schema block of a `block_types` entry, reporting a broken schema.
    fn block_type_parts(
        &mut self,
        address: &str,
        name: &str,
        block_type: &'s Value,
    ) -> Option<(&'s str, &'s Object)> {
        let mode = block_type.get("nesting_mode").and_then(Value::as_str);
        let block = block_type.get("block").and_then(Value::as_object);
        match (mode, block) {
            (Some(mode @ ("single" | "group" | "list" | "set" | "map")), Some(block)) => {
                Some((mode, block))
            }
            (Some(mode), Some(_)) => {
                self.push_schema(
                    address,
                    format!("block type \"{name}\" has unknown nesting_mode \"{mode}\""),
                );
                None
            }
            (None, _) => {
                self.push_schema(
                    address,
                    format!("block type \"{name}\" has no nesting_mode"),
                );
                None
            }
            (_, None) => {
                self.push_schema(
                    address,
                    format!("block type \"{name}\" has no \"block\" object"),
                );
                None
            }
        }
    }

    /// Checks `"dynamic": {LABEL: {"for_each": ..., "content": {...}}}`; returns the labels that
    /// named a real block type, whose counts are then unknown.
    fn check_dynamic<'v>(
        &mut self,
        address: &str,
        value: &'v Value,
        block_types: Option<&'s Object>,
    ) -> Vec<&'v str> {
        let mut labels = Vec::new();
        let Some(entries) = labelled(value) else {
            self.push(
                address,
                format!("\"dynamic\" must be an object, got {}", describe(value)),
            );
            return labels;
        };
        for (label, spec) in entries {
            let dynamic_address = format!("{address}.dynamic.{label}");
            let Some(block_type) = block_types.and_then(|b| b.get(label)) else {
                self.push(
                    address,
                    format!(
                        "unknown dynamic block type \"{label}\"{}",
                        suggest(
                            label,
                            block_types.into_iter().flatten().map(|(n, _)| n.as_str())
                        )
                    ),
                );
                continue;
            };
            labels.push(label.as_str());
            let Some((_, block)) = self.block_type_parts(address, label, block_type) else {
                continue;
            };
            let Some(specs) = bodies(spec) else {
                self.push(
                    &dynamic_address,
                    format!("must be an object, got {}", describe(spec)),
                );
                continue;
            };
            for spec in specs {
                if !spec.contains_key("for_each") {
                    self.push(&dynamic_address, "missing \"for_each\"".to_string());
                }
                for (key, item) in spec {
                    match key.as_str() {
                        COMMENT_KEY | "for_each" | "iterator" | "labels" => {}
                        "content" => match bodies(item) {
                            Some(contents) => {
                                for content in contents {
                                    self.check_body(&dynamic_address, content, block, &[]);
                                }
                            }
                            None => self.push(
                                &dynamic_address,
                                format!("content must be an object, got {}", describe(item)),
                            ),
                        },
                        other => {
                            self.push(&dynamic_address, format!("unknown argument \"{other}\""))
                        }
                    }
                }
                if !spec.contains_key("content") {
                    self.push(&dynamic_address, "missing \"content\"".to_string());
                }
            }
        }
        labels
    }

    /// Meta-arguments are terraform's, not the provider's: shapes only, no schema.
    fn check_meta(&mut self, address: &str, key: &str, value: &Value) {
        let ok = match key {
            "depends_on" => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            "count" => value.is_u64() || is_template(value),
            "for_each" => value.is_object() || value.is_array() || is_template(value),
            "provider" | "alias" => value.is_string(),
            "lifecycle" => {
                self.check_lifecycle(address, value);
                true
            }
            // Provisioners and connections are opaque to the provider schema.
            _ => true,
        };
        if !ok {
            self.push(
                address,
                format!(
                    "meta-argument \"{key}\" has the wrong shape: {}",
                    describe(value)
                ),
            );
        }
    }

    fn check_lifecycle(&mut self, address: &str, value: &Value) {
        let Some(blocks) = bodies(value) else {
            self.push(
                address,
                format!("lifecycle must be an object, got {}", describe(value)),
            );
            return;
        };
        for body in blocks {
            for (key, item) in body {
                match key.as_str() {
                    COMMENT_KEY => {}
                    // Terraform reads these before any evaluation: no interpolation possible.
                    "create_before_destroy" | "prevent_destroy" if !item.is_boolean() => self.push(
                        address,
                        format!(
                            "lifecycle.{key} must be a literal bool, got {}",
                            describe(item)
                        ),
                    ),
                    known if LIFECYCLE_KEYS.contains(&known) => {}
                    other => self.push(
                        address,
                        format!(
                            "unknown lifecycle argument \"{other}\"{}",
                            suggest(other, LIFECYCLE_KEYS.iter().copied())
                        ),
                    ),
                }
            }
        }
    }
}

/// A block body in Terraform JSON is an object, or an array of objects (one per block).
fn bodies(value: &Value) -> Option<Vec<&Object>> {
    match value {
        Value::Object(object) => Some(vec![object]),
        Value::Array(items) => items.iter().map(Value::as_object).collect(),
        _ => None,
    }
}

/// A level of block labels (`resource` -> type -> name): an object, or an array of objects whose
/// entries are taken in order.
fn labelled(value: &Value) -> Option<Vec<(&String, &Value)>> {
    Some(
        bodies(value)?
            .into_iter()
            .flatten()
            .filter(|(key, _)| key.as_str() != COMMENT_KEY)
            .collect(),
    )
}

fn is_computed_only(attribute: &Object) -> bool {
    let flag = |key| attribute.get(key) == Some(&Value::Bool(true));
    flag("computed") && !flag("optional") && !flag("required")
}

/// True for a string holding a `${...}` interpolation or `%{...}` directive; `$${` and `%%{` are
/// escapes for literal text and do not count.
fn is_template(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.replace("$${", "").contains("${") || s.replace("%%{", "").contains("%{"))
}

/// A cty type from the schema JSON in terraform's own notation.
fn type_name(ty: &Value) -> String {
    match ty {
        Value::String(primitive) => primitive.clone(),
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some(kind @ ("list" | "set" | "map")), Some(element)) => {
                format!("{kind}({})", type_name(element))
            }
            (Some("object"), Some(Value::Object(fields))) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(name, field)| format!("{name}={}", type_name(field)))
                    .collect();
                format!("object({{{}}})", fields.join(", "))
            }
            (Some("tuple"), Some(Value::Array(elements))) => {
                let elements: Vec<String> = elements.iter().map(type_name).collect();
                format!("tuple([{}])", elements.join(", "))
            }
            _ => ty.to_string(),
        },
        _ => ty.to_string(),
    }
}

/// A short description of a JSON value for messages; long literals are cut so a finding stays
/// one readable line.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("bool {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(40).collect();
            format!("string {:?}", format!("{head}..."))
        }
        Value::String(s) => format!("string {s:?}"),
        Value::Array(items) => format!("array of {}", items.len()),
        Value::Object(_) => "object".to_string(),
    }
}

/// Turns a `required_providers` source ("hashicorp/aws", "aws", "example.com/ns/name") into the
/// provider address used as key in the schema dump.
fn provider_address_from_source(source: &str) -> String {
    let source = source.to_ascii_lowercase();
    match source.split('/').count() {
        1 => format!("registry.terraform.io/hashicorp/{source}"),
        2 => format!("registry.terraform.io/{source}"),
        _ => source,
    }
}

/// `; did you mean "x"?` for the closest candidate within terraform's own distance (< 3), else "".
fn suggest<'a>(given: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|candidate| (levenshtein(given, candidate), candidate))
        .filter(|(distance, _)| *distance < 3)
        .min()
        .map(|(_, candidate)| format!("; did you mean \"{candidate}\"?"))
        .unwrap_or_default()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
