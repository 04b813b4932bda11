//! A Terraform plan or state in JSON (`terraform show -json`, "JSON Output Format" in the
//! Terraform CLI documentation) read into `Deployed`: the `aws_cloudtrail` and the resources it
//! refers to, in the root module and in child modules at any depth.
//!
//! Owns telling such a file apart, choosing the trail, the deployment's partition, region and
//! account, and reading the trail's arguments with the AWS provider's defaults ("aws_cloudtrail"
//! in the provider documentation). `doc` gathers the resources and follows a plan's
//! `configuration` references to values known only after apply; `bucket`, `resources` and
//! `watched` read what the trail uses; `recording` its selectors. What the file does not say stays `None`; what
//! cannot be resolved or carried becomes a note naming the attribute, never a silent drop. It
//! must not open files nor write the spec.

mod bucket;
mod doc;
mod recording;
mod resources;
mod watched;

#[cfg(test)]
mod tests;

use super::{Deployed, Failure, File, Read, Trail};
use crate::diag::Code;
use doc::{Doc, Got};
use serde_json::Value;
use std::collections::BTreeSet;

const TRAIL: &str = "aws_cloudtrail";

/// The trail arguments read; any other that is set is noted as not carried.
const TRAIL_ARGUMENTS: [&str; 16] = [
    "name",
    "s3_bucket_name",
    "s3_key_prefix",
    "is_multi_region_trail",
    "include_global_service_events",
    "enable_log_file_validation",
    "is_organization_trail",
    "enable_logging",
    "kms_key_id",
    "sns_topic_name",
    "cloud_watch_logs_group_arn",
    "cloud_watch_logs_role_arn",
    "event_selector",
    "advanced_event_selector",
    "insight_selector",
    "tags",
];

/// What the provider reports back about the trail ("Attribute Reference"): facts, not settings.
const TRAIL_ATTRIBUTES: [&str; 5] = ["arn", "home_region", "id", "sns_topic_arn", "tags_all"];

/// Whether a file's text looks like `terraform show -json` output: a top-level `format_version`
/// with `planned_values` (a plan), `values` (a state) or `terraform_version`. A file that is not
/// valid JSON but names both keys is still reported as one, so its syntax error is located.
pub fn is_plan(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => {
            m.contains_key("format_version")
                && ["planned_values", "values", "terraform_version"]
                    .iter()
                    .any(|k| m.contains_key(*k))
        }
        Ok(_) => false,
        Err(_) => {
            text.trim_start().starts_with('{')
                && text.contains("\"format_version\"")
                && text.contains("\"terraform_version\"")
        }
    }
}

fn parse(file: &File) -> Result<Value, Failure> {
    super::parse_json(
        file,
        "the file must be what `terraform show -json` prints, unchanged",
    )
}

/// Reads a plan or state into its trail's facts.
pub fn read(files: &[File], wanted: Option<&str>) -> Result<Read, Failure> {
    let file = match files {
        [one] => one,
        [first, ..] => {
            return Err(Failure::Usage(format!(
                "{} is a Terraform plan or state, which is imported alone; give it without the \
                 {} other file(s)",
                first.name,
                files.len() - 1
            )))
        }
        [] => return Err(Failure::Usage("no file given".into())),
    };
    let json = parse(file)?;
    let doc = Doc::of(&json);
    let i = choose(file, &doc, wanted)?;
    let mut reader = Reader {
        doc: &doc,
        notes: Vec::new(),
        used: BTreeSet::from([i]),
    };
    let deployed = reader.trail(i);
    reader.passed_over();
    Ok(Read {
        source: format!(
            "the Terraform {} {} (trail {})",
            if doc.plan { "plan" } else { "state" },
            file.name,
            doc.resources[i].address
        ),
        deployed,
        notes: reader.notes,
    })
}

/// The index of the trail to read: the only one, or the one `wanted` names by address or name.
fn choose(file: &File, doc: &Doc, wanted: Option<&str>) -> Result<usize, Failure> {
    let trails: Vec<(usize, &str, Option<String>)> = doc
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.data && r.kind == TRAIL)
        .map(|(i, r)| (i, r.address.as_str(), r.text("name")))
        .collect();
    let listed = || {
        trails
            .iter()
            .map(|(_, address, name)| match name {
                Some(n) => format!("{address} (name {n})"),
                None => address.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = if doc.plan { "plans" } else { "holds" };
    match (wanted, trails.as_slice()) {
        (_, []) => Err(Failure::at(
            file,
            Code::ImportNoTrail,
            super::first_pos(
                &file.text,
                if doc.plan {
                    "\"planned_values\""
                } else {
                    "\"values\""
                },
            ),
            format!("{} {what} no {TRAIL} resource", file.name),
            "give the plan or state of the configuration that creates the trail \
             (`terraform show -json PLANFILE`, or `terraform show -json` for the state)",
        )),
        (None, [(i, ..)]) => Ok(*i),
        (None, _) => Err(Failure::Usage(format!(
            "{} {what} {} trails ({}); say which with --trail NAME (an address or name)",
            file.name,
            trails.len(),
            listed()
        ))),
        (Some(w), _) => trails
            .iter()
            .find(|(_, address, name)| *address == w || name.as_deref() == Some(w))
            .map(|(i, ..)| *i)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "{} has no trail named {w}; it {what}: {}",
                    file.name,
                    listed()
                ))
            }),
    }
}

/// Reads attributes, collecting notes and the resources the trail uses.
pub(super) struct Reader<'a> {
    doc: &'a Doc,
    notes: Vec<String>,
    /// Indexes of the resources read or noted; the others are listed as passed over.
    used: BTreeSet<usize>,
}

impl Reader<'_> {
    fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    fn address(&self, i: usize) -> String {
        self.doc.resources[i].address.clone()
    }

    /// A note for an attribute known only after apply that no reference resolves.
    fn unresolved(&mut self, i: usize, attr: &str, instead: &str) {
        let a = self.address(i);
        self.note(format!(
            "{a}.{attr}: known only after apply, from nothing the plan says; {instead}"
        ));
    }

    /// A boolean argument, or the provider's `default` when it is not set.
    fn flag(&mut self, i: usize, attr: &str, default: bool) -> bool {
        let instead = format!("read as the provider's default, {default}");
        match self.doc.resources[i].got(attr) {
            Got::Known(Value::Bool(b)) => *b,
            Got::Known(v) => {
                let a = self.address(i);
                self.note(format!("{a}.{attr}: {v} is not a boolean; {instead}"));
                default
            }
            Got::Unknown => {
                if self.doc.configured(i, attr) {
                    self.unresolved(i, attr, &instead);
                }
                default
            }
            Got::Absent => default,
        }
    }

    fn trail(&mut self, i: usize) -> Deployed {
        let doc = self.doc;
        let r = &doc.resources[i];
        let a = r.address.clone();
        let mut d = Deployed::default();
        let name = r.text("name").unwrap_or_else(|| {
            self.unresolved(
                i,
                "name",
                &format!("written as the resource name {}", r.name),
            );
            r.name.clone()
        });
        let mut t = Trail {
            name,
            // "aws_cloudtrail" argument reference: is_multi_region_trail and
            // enable_log_file_validation default to false, include_global_service_events to true.
            multi_region: self.flag(i, "is_multi_region_trail", false),
            global_service_events: self.flag(i, "include_global_service_events", true),
            log_file_validation: self.flag(i, "enable_log_file_validation", false),
            organization: self.flag(i, "is_organization_trail", false),
            prefix: r.text("s3_key_prefix"),
            ..Trail::default()
        };
        if r.is_unknown("s3_key_prefix") {
            self.unresolved(i, "s3_key_prefix", "left to trailsmith's default");
        }
        self.place(i, &mut t);
        // enable_logging defaults to true: a trail Terraform creates starts logging.
        d.logging = Some(self.flag(i, "enable_logging", true));
        self.bucket(i, &mut t, &mut d);
        self.kms(i, &mut t, &mut d);
        self.delivery_topic(i, &mut t, &mut d);
        self.logs(i, &mut t, &mut d);
        d.selectors = self.selectors(i);
        d.insights = self.insights(i);
        if r.got("tags").is_set() {
            self.note(format!(
                "{a}.tags: not carried; the spec's `tags` apply to every resource trailsmith makes"
            ));
        }
        let others: Vec<String> = r
            .values
            .keys()
            .filter(|k| {
                !TRAIL_ARGUMENTS.contains(&k.as_str()) && !TRAIL_ATTRIBUTES.contains(&k.as_str())
            })
            .filter(|k| r.got(k).is_set())
            .cloned()
            .collect();
        for key in others {
            self.note(format!("{a}.{key}: not read by trailsmith; not carried"));
        }
        d.trail = t;
        d
    }

    /// The trail's ARN and home region: from a state's `arn` and `home_region`; in a plan, from
    /// the partition, region and account data sources or the provider's `region`.
    fn place(&mut self, i: usize, t: &mut Trail) {
        let r = &self.doc.resources[i];
        if let Some(arn) = r.text("arn") {
            t.arn = Some(arn);
            t.home_region = r
                .text("home_region")
                .or_else(|| t.arn_parts().map(|(_, region, _)| region.to_string()));
            return;
        }
        let doc = self.doc;
        t.home_region = doc.region.clone();
        match (&doc.region, &doc.account) {
            (Some(region), Some(account)) => {
                t.arn = Some(format!(
                    "arn:{}:cloudtrail:{region}:{account}:trail/{}",
                    doc.partition, t.name
                ));
            }
            (Some(_), None) => self.note(format!(
                "{}.arn: the plan does not say the account (no data.aws_caller_identity); the \
                 trail's ARN is left unsaid",
                r.address
            )),
            _ => self.note(format!(
                "{}.arn: the plan does not say the region or account (no data.aws_region or \
                 data.aws_caller_identity, no provider region); the trail's ARN and home region \
                 are left unsaid",
                r.address
            )),
        }
    }

    /// A note listing the managed resources nothing of the trail uses (data sources create
    /// nothing, so they are not listed).
    fn passed_over(&mut self) {
        let others: Vec<String> = self
            .doc
            .resources
            .iter()
            .enumerate()
            .filter(|(i, r)| !r.data && !self.used.contains(i))
            .map(|(_, r)| format!("{} ({})", r.address, r.kind))
            .collect();
        if !others.is_empty() {
            self.note(format!(
                "resources the trail does not use, passed over: {}",
                others.join(", ")
            ));
        }
    }
}
