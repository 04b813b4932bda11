//! A CloudFormation template (JSON or YAML) read into `Deployed`: the `AWS::CloudTrail::Trail`
//! and the resources it refers to, with intrinsic functions resolved where the template alone
//! says their value ("AWS::CloudTrail::Trail" in the CloudFormation resource reference).
//!
//! Owns telling a template apart, parsing it (`yaml` for YAML), choosing the trail and reading
//! its properties; `eval` evaluates intrinsic functions, `resources` reads what the trail uses.
//! What the template does not say stays `None`; what cannot be resolved or carried becomes a
//! note naming the property, never a silent drop. It must not open files nor write the spec.

mod eval;
mod recording;
mod resources;
mod watched;
mod yaml;

#[cfg(test)]
mod tests;

use super::{Deployed, Failure, File, Key, Read, Selectors, Trail};
use crate::diag::Code;
use eval::{compact, Template};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const TRAIL: &str = "AWS::CloudTrail::Trail";

/// The trail properties read; any other is noted as not carried.
const TRAIL_PROPERTIES: [&str; 16] = [
    "TrailName",
    "S3BucketName",
    "S3KeyPrefix",
    "IsMultiRegionTrail",
    "IncludeGlobalServiceEvents",
    "EnableLogFileValidation",
    "IsOrganizationTrail",
    "IsLogging",
    "KmsKeyId",
    "SnsTopicName",
    "CloudWatchLogsLogGroupArn",
    "CloudWatchLogsRoleArn",
    "EventSelectors",
    "AdvancedEventSelectors",
    "InsightSelectors",
    "Tags",
];

/// Whether a file's text looks like a template (a top-level `Resources` or
/// `AWSTemplateFormatVersion`). YAML is told by its top-level keys at the start of a line, so a
/// template with a syntax error is still reported as a template.
pub fn is_template(text: &str) -> bool {
    const KEYS: [&str; 2] = ["Resources", "AWSTemplateFormatVersion"];
    if is_json(text) {
        return match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => KEYS.iter().any(|k| m.contains_key(*k)),
            Ok(_) => false,
            Err(_) => text.contains("\"AWSTemplateFormatVersion\""),
        };
    }
    text.lines().any(|line| {
        let key = line.split(':').next().unwrap_or_default();
        let key = key.trim_end().trim_matches(['"', '\'']);
        line.contains(':') && KEYS.contains(&key)
    })
}

fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

fn parse(file: &File) -> Result<Value, Failure> {
    let hint = "the file must be a template CloudFormation accepts; `aws cloudformation \
                validate-template --template-body file://FILE` shows the same";
    if is_json(&file.text) {
        return super::parse_json(file, hint);
    }
    yaml::parse(file.text.trim_start_matches('\u{feff}')).map_err(|e| {
        Failure::at(
            file,
            Code::ImportInvalidYaml,
            e.pos,
            format!("not a valid YAML template: {}", e.message),
            hint,
        )
    })
}

/// Reads a template into its trail's facts.
pub fn read(files: &[File], wanted: Option<&str>) -> Result<Read, Failure> {
    let file = match files {
        [one] => one,
        [first, ..] => {
            return Err(Failure::Usage(format!(
                "{} is a CloudFormation template, which is imported alone; give it without the \
                 {} other file(s)",
                first.name,
                files.len() - 1
            )))
        }
        [] => return Err(Failure::Usage("no file given".into())),
    };
    let doc = parse(file)?;
    let t = Template::of(&doc);
    let id = choose(file, &t, wanted)?;
    let mut reader = Reader {
        t: &t,
        notes: Vec::new(),
        used: BTreeSet::from([id.clone()]),
    };
    let deployed = reader.trail(&id);
    reader.passed_over();
    let defaulted = t.defaulted.take();
    if !defaulted.is_empty() {
        let names: Vec<String> = defaulted.into_iter().collect();
        reader.note(format!(
            "parameters read at their Default, which the spec now fixes: {}",
            names.join(", ")
        ));
    }
    Ok(Read {
        source: format!("the CloudFormation template {} (trail {id})", file.name),
        deployed,
        notes: reader.notes,
    })
}

/// The logical id of the trail to read: the only one, or the one `wanted` names by logical id or
/// `TrailName`.
fn choose(file: &File, t: &Template, wanted: Option<&str>) -> Result<String, Failure> {
    let trails: Vec<(&String, Option<String>)> = t
        .resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(TRAIL))
        .map(|(id, r)| {
            let name = r
                .get("Properties")
                .and_then(|p| p.get("TrailName"))
                .and_then(|n| t.string(n).ok().flatten());
            (id, name)
        })
        .collect();
    let listed = || {
        trails
            .iter()
            .map(|(id, name)| match name {
                Some(n) if n != *id => format!("{id} (TrailName {n})"),
                _ => (*id).clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (wanted, trails.as_slice()) {
        (_, []) => Err(Failure::at(
            file,
            Code::ImportNoTrail,
            super::first_pos(&file.text, "Resources"),
            format!("{} declares no {TRAIL} resource", file.name),
            "give the template that creates the trail (with a nested stack, the nested template)",
        )),
        (None, [(id, _)]) => Ok((*id).clone()),
        (None, _) => Err(Failure::Usage(format!(
            "{} declares {} trails ({}); say which with --trail NAME (a logical id or TrailName)",
            file.name,
            trails.len(),
            listed()
        ))),
        (Some(w), _) => trails
            .iter()
            .find(|(id, name)| id.as_str() == w || name.as_deref() == Some(w))
            .map(|(id, _)| (*id).clone())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "{} has no trail named {w}; it declares: {}",
                    file.name,
                    listed()
                ))
            }),
    }
}

/// Reads properties, collecting notes and the resources the trail uses.
pub(super) struct Reader<'a> {
    t: &'a Template,
    notes: Vec<String>,
    /// Logical ids read or noted; the others are listed as passed over.
    used: BTreeSet<String>,
}

/// A value CloudFormation accepts for a Boolean property: `true`, or the string `"true"`.
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

impl<'a> Reader<'a> {
    fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// A property's value, evaluated; when it cannot be, a note saying what is done instead.
    fn value(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        key: &str,
        instead: &str,
    ) -> Option<Value> {
        let v = props.get(key)?;
        match self.t.eval(v) {
            Ok(x) => x,
            Err(u) => {
                self.note(format!(
                    "{id}.{key}: {} cannot be resolved from the template ({}); {instead}",
                    u.expr, u.why
                ));
                None
            }
        }
    }

    fn string(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        key: &str,
        instead: &str,
    ) -> Option<String> {
        let v = self.value(id, props, key, instead)?;
        let s = eval::text(&v);
        if s.is_none() {
            self.note(format!(
                "{id}.{key}: {} is not a string; {instead}",
                compact(&v)
            ));
        }
        s
    }

    fn flag(&mut self, id: &str, props: &Map<String, Value>, key: &str) -> Option<bool> {
        let instead = "read as CloudFormation's default";
        let v = self.value(id, props, key, instead)?;
        let b = boolean(&v);
        if b.is_none() {
            self.note(format!(
                "{id}.{key}: {} is not a boolean; {instead}",
                compact(&v)
            ));
        }
        b
    }

    fn number(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        key: &str,
        instead: &str,
    ) -> Option<u32> {
        let v = self.value(id, props, key, instead)?;
        let n = eval::text(&v).and_then(|s| s.parse::<f64>().ok());
        match n.and_then(super::whole_number) {
            Some(n) => Some(n),
            None => {
                self.note(format!(
                    "{id}.{key}: {} is not a whole number; {instead}",
                    compact(&v)
                ));
                None
            }
        }
    }

    /// The resource of the template a value refers to (`Ref`, `Fn::GetAtt`, or a `Fn::Sub` of
    /// only `${Resource}` or `${Resource.Attribute}`), with its type.
    fn created(&self, v: &Value) -> Option<(String, String)> {
        let id = match eval::function(v)? {
            ("Ref", Value::String(id)) => id.clone(),
            ("Fn::GetAtt", Value::Array(a)) => a.first()?.as_str()?.to_string(),
            ("Fn::GetAtt", Value::String(s)) => s.split('.').next()?.to_string(),
            ("Fn::Sub", Value::String(s)) => {
                let inner = s.strip_prefix("${")?.strip_suffix('}')?;
                (!inner.contains("${"))
                    .then(|| inner.split('.').next().unwrap_or(inner).to_string())?
            }
            _ => return None,
        };
        let (kind, _) = self.t.resource(&id)?;
        Some((id.clone(), kind.to_string()))
    }

    /// Whether a resource is created with the parameters' defaults (its `Condition`).
    fn exists(&mut self, id: &str) -> bool {
        let Some(condition) = self
            .t
            .resources
            .get(id)
            .and_then(|r| r.get("Condition"))
            .and_then(Value::as_str)
        else {
            return true;
        };
        match self.t.condition(condition) {
            Ok(b) => b,
            Err(u) => {
                self.note(format!(
                    "{id}: created only when condition {condition} holds, which the template \
                     alone does not decide ({}: {}); read as created",
                    u.expr, u.why
                ));
                true
            }
        }
    }

    /// The resource attributes (`DeletionPolicy` ...) that trailsmith sets its own way.
    fn attributes(&mut self, id: &str) {
        let Some(r) = self.t.resources.get(id) else {
            return;
        };
        let kind = r.get("Type").and_then(Value::as_str).unwrap_or_default();
        for key in ["DeletionPolicy", "UpdateReplacePolicy"] {
            let Some(v) = r.get(key) else { continue };
            // trailsmith retains these three itself, on delete and on replacement.
            let retained = ["AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"];
            if retained.contains(&kind) && v.as_str() == Some("Retain") {
                continue;
            }
            self.note(format!(
                "{id}.{key}: {} is not carried; trailsmith retains only the bucket, key and log \
                 group it creates",
                compact(v)
            ));
        }
    }

    fn trail(&mut self, id: &str) -> Deployed {
        let props = self
            .t
            .resource(id)
            .map(|(_, p)| p.clone())
            .unwrap_or_default();
        let mut d = Deployed::default();
        if !self.exists(id) {
            self.note(format!(
                "{id}: its Condition is false with the parameters' defaults (the trail would not \
                 be created); read as if it were"
            ));
        }
        self.attributes(id);
        let name = self.string(id, &props, "TrailName", "written as the logical id");
        if !props.contains_key("TrailName") {
            self.note(format!(
                "{id}.TrailName: not set (CloudFormation names the trail at deploy time); \
                 written as the logical id"
            ));
        }
        let mut t = Trail {
            name: name.unwrap_or_else(|| id.to_string()),
            // "AWS::CloudTrail::Trail": IsMultiRegionTrail and EnableLogFileValidation default to
            // false, IncludeGlobalServiceEvents to true.
            multi_region: self.flag(id, &props, "IsMultiRegionTrail").unwrap_or(false),
            global_service_events: self
                .flag(id, &props, "IncludeGlobalServiceEvents")
                .unwrap_or(true),
            log_file_validation: self
                .flag(id, &props, "EnableLogFileValidation")
                .unwrap_or(false),
            organization: self
                .flag(id, &props, "IsOrganizationTrail")
                .unwrap_or(false),
            prefix: self
                .string(id, &props, "S3KeyPrefix", "left to trailsmith's default")
                .filter(|p| !p.is_empty()),
            home_region: self.t.region.clone(),
            ..Trail::default()
        };
        if let (Some(region), Some(account)) = (&self.t.region, &self.t.account) {
            t.arn = Some(format!(
                "arn:{}:cloudtrail:{region}:{account}:trail/{}",
                self.t.partition, t.name
            ));
        }
        d.logging = self.flag(id, &props, "IsLogging");
        self.bucket(id, &props, &mut t, &mut d);
        self.kms(id, &props, &mut t, &mut d);
        self.delivery_topic(id, &props, &mut t, &mut d);
        self.logs(id, &props, &mut t, &mut d);
        d.selectors = self.selectors(id, &props);
        d.insights = self.insights(id, &props);
        if props.contains_key("Tags") {
            self.note(format!(
                "{id}.Tags: not carried; the spec's `tags` apply to every resource trailsmith makes"
            ));
        }
        for key in props
            .keys()
            .filter(|k| !TRAIL_PROPERTIES.contains(&k.as_str()))
        {
            self.notes
                .push(format!("{id}.{key}: not read by trailsmith; not carried"));
        }
        d.trail = t;
        d
    }

    fn kms(&mut self, id: &str, props: &Map<String, Value>, t: &mut Trail, d: &mut Deployed) {
        let Some(v) = props.get("KmsKeyId") else {
            return;
        };
        let key_of = |r: &Self, v: &Value| -> Option<String> {
            let (kid, kind) = r.created(v)?;
            match kind.as_str() {
                "AWS::KMS::Key" => Some(kid),
                "AWS::KMS::Alias" => {
                    let (_, alias) = r.t.resource(&kid)?;
                    let (target, kind) = r.created(alias.get("TargetKeyId")?)?;
                    (kind == "AWS::KMS::Key").then_some(target)
                }
                _ => None,
            }
        };
        if let Some(key_id) = key_of(self, v) {
            d.key = Some(self.key(&key_id));
            return;
        }
        match self.string(id, props, "KmsKeyId", "trailsmith creates a key instead") {
            Some(k) => t.kms_key_id = Some(k),
            None => {
                d.key = Some(Key {
                    manager: "CUSTOMER".into(),
                    ..Key::default()
                })
            }
        }
    }
}

/// The selectors a trail records when the template gives none: all management events, read and
/// write ("Logging management events").
pub(super) fn default_selectors() -> Selectors {
    Selectors::Basic(vec![super::BasicSelector {
        read_write: "All".into(),
        include_management_events: true,
        exclude_management_sources: Vec::new(),
        data_resources: Vec::new(),
    }])
}
