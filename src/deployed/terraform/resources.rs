//! What the trail uses, read from the resources the plan or state holds for it: the key
//! ("aws_kms_key") and the delivery topic ("aws_sns_topic") (`bucket` reads the bucket and its
//! settings; `watched` the log group, its metric filters and alarms).
//!
//! Owns matching those resources to the trail, by the name or ARN they are given or by a plan's
//! references, and what of them is noted as not carried (policy documents, which trailsmith
//! writes itself). It must not walk the JSON itself (`doc`).

use super::doc::Got;
use super::Reader;
use crate::deployed::{Deployed, Key, Topic, Trail};
use serde_json::Value;

/// Policy resources: the argument naming what they attach to, and what trailsmith writes
/// instead.
const POLICIES: [(&str, &str, &str); 5] = [
    ("aws_sns_topic_policy", "arn", "the topic policy"),
    ("aws_iam_role_policy", "role", "the role's policy"),
    (
        "aws_iam_role_policy_attachment",
        "role",
        "the role's policy",
    ),
    ("aws_iam_policy_attachment", "roles", "the role's policy"),
    ("aws_kms_alias", "target_key_id", "the key's alias"),
];

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

impl Reader<'_> {
    /// Whether resource `i`'s argument names `target`: by value, or by a plan's reference.
    pub(super) fn links(&self, i: usize, attr: &str, target: usize) -> bool {
        let ids = self.doc.resources[target].ids();
        strings(self.doc.resources[i].values.get(attr))
            .iter()
            .any(|v| ids.contains(v))
            || self.doc.refers(i, attr).contains(&target)
    }

    /// The managed resources of a type.
    pub(super) fn all(&self, kind: &str) -> Vec<usize> {
        let r = &self.doc.resources;
        (0..r.len())
            .filter(|i| !r[*i].data && r[*i].kind == kind)
            .collect()
    }

    /// The managed resource of a type whose attribute is `value`.
    pub(super) fn find(&self, kind: &str, attr: &str, value: &str) -> Option<usize> {
        self.all(kind)
            .into_iter()
            .find(|i| self.doc.resources[*i].text(attr).as_deref() == Some(value))
    }

    /// An ARN in this deployment's partition, region and account (empty where the file does not
    /// say them, as `import` carries such resources by name).
    pub(super) fn arn(&self, service: &str, resource: &str) -> String {
        let d = self.doc;
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            d.partition,
            d.region.as_deref().unwrap_or_default(),
            d.account.as_deref().unwrap_or_default()
        )
    }

    /// How a key the configuration creates is named in a note.
    pub(super) fn key_named(&self, i: usize, attr: &str) -> Option<String> {
        let r = &self.doc.resources[i];
        r.text(attr).or_else(|| {
            let k = self.doc.refers_to(i, attr, "aws_kms_key")?;
            Some(format!(
                "the key {} of the configuration",
                self.doc.resources[k].address
            ))
        })
    }

    /// A resource the trail uses: marked, and the policies that attach to it noted as not
    /// carried.
    pub(super) fn uses(&mut self, id: usize) {
        if !self.used.insert(id) {
            return;
        }
        let target = self.address(id);
        for (kind, attr, what) in POLICIES {
            for p in self.all(kind) {
                if self.used.contains(&p) || !self.links(p, attr, id) {
                    continue;
                }
                self.used.insert(p);
                let pa = self.address(p);
                self.note(format!(
                    "{pa}: {what} of {target} is not carried; trailsmith writes its own"
                ));
                // The managed policy an attachment attaches goes with it.
                for policy in self.all("aws_iam_policy") {
                    if !self.used.contains(&policy) && self.links(p, "policy_arn", policy) {
                        self.used.insert(policy);
                        let name = self.address(policy);
                        self.note(format!(
                            "{name}: {what} of {target} is not carried; trailsmith writes its own"
                        ));
                    }
                }
            }
        }
    }

    pub(super) fn kms(&mut self, i: usize, t: &mut Trail, d: &mut Deployed) {
        let r = &self.doc.resources[i];
        if let Some(arn) = r.text("kms_key_id") {
            let known = self
                .find("aws_kms_key", "arn", &arn)
                .or_else(|| self.find("aws_kms_key", "key_id", &arn));
            if let Some(k) = known {
                self.uses(k);
                let key = &self.doc.resources[k];
                d.key = Some(Key {
                    arn: arn.clone(),
                    manager: "CUSTOMER".into(),
                    multi_region: key.values.get("multi_region").and_then(Value::as_bool)
                        == Some(true),
                    description: key.text("description").unwrap_or_default(),
                });
            }
            t.kms_key_id = Some(arn);
            return;
        }
        if !matches!(r.got("kms_key_id"), Got::Unknown) {
            return;
        }
        let created = self
            .doc
            .refers_to(i, "kms_key_id", "aws_kms_key")
            .or_else(|| {
                let alias = self.doc.refers_to(i, "kms_key_id", "aws_kms_alias")?;
                self.doc.refers_to(alias, "target_key_id", "aws_kms_key")
            });
        match created {
            Some(k) => d.key = Some(self.created_key(k)),
            None => {
                self.unresolved(i, "kms_key_id", "trailsmith creates a key instead");
                d.key = Some(Key {
                    manager: "CUSTOMER".into(),
                    ..Key::default()
                });
            }
        }
    }

    /// A key the plan creates: its ARN is made at apply, so trailsmith creates its own in its
    /// place, as for a key a CloudFormation template creates.
    fn created_key(&mut self, k: usize) -> Key {
        self.uses(k);
        let a = self.address(k);
        let multi_region = self.flag(k, "multi_region", false);
        let r = &self.doc.resources[k];
        let key = Key {
            manager: "CUSTOMER".into(),
            multi_region,
            description: r.text("description").unwrap_or_default(),
            ..Key::default()
        };
        if r.got("policy").is_set() {
            self.note(format!(
                "{a}.policy: not carried; trailsmith writes the key policy CloudTrail needs"
            ));
        }
        if r.values.get("enable_key_rotation").and_then(Value::as_bool) != Some(true) {
            self.note(format!(
                "{a}.enable_key_rotation: not on in the configuration; trailsmith's key rotates \
                 yearly"
            ));
        }
        key
    }

    pub(super) fn delivery_topic(&mut self, i: usize, t: &mut Trail, d: &mut Deployed) {
        let created = self.doc.refers_to(i, "sns_topic_name", "aws_sns_topic");
        let r = &self.doc.resources[i];
        let arn = match (r.text("sns_topic_arn"), r.text("sns_topic_name")) {
            (Some(arn), _) => Some(arn),
            (None, Some(s)) if s.starts_with("arn:") => Some(s),
            (None, Some(s)) => Some(self.arn("sns", &s)),
            (None, None) if r.is_unknown("sns_topic_name") => {
                let name = created.and_then(|c| self.doc.resources[c].text("name"));
                if name.is_none() {
                    self.unresolved(i, "sns_topic_name", "not carried");
                }
                name.map(|n| self.arn("sns", &n))
            }
            (None, None) => None,
        };
        let Some(arn) = arn else { return };
        let name = arn.rsplit(':').next().unwrap_or_default().to_string();
        let topic = created
            .or_else(|| self.find("aws_sns_topic", "arn", &arn))
            .or_else(|| self.find("aws_sns_topic", "name", &name));
        if let Some(k) = topic {
            self.uses(k);
            d.topic = Some(Topic {
                arn: arn.clone(),
                kms_key_id: self.key_named(k, "kms_master_key_id"),
            });
        }
        t.sns_topic_arn = Some(arn);
    }
}
