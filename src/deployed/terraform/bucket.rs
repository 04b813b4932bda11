//! The trail's bucket and its settings, which the AWS provider since version 4 keeps in separate
//! resources naming the bucket ("aws_s3_bucket_versioning",
//! "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_public_access_block",
//! "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging"); the bucket's other
//! resources (its policy, ownership controls ...) are noted as not carried. The bucket's own
//! deprecated inline settings are not read: a state holds them as read back when the bucket was
//! created, before the separate resources applied. It must not walk the JSON itself (`doc`).

use super::Reader;
use crate::deployed::{Bucket, Deployed, LifecycleRule, Trail};
use serde_json::Value;

/// The bucket resources read into `Bucket`.
const BUCKET_PARTS: [&str; 5] = [
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
];

fn days(v: Option<&Value>) -> Option<u32> {
    v?.as_u64().and_then(|n| u32::try_from(n).ok())
}

impl Reader<'_> {
    pub(super) fn bucket(&mut self, i: usize, t: &mut Trail, d: &mut Deployed) {
        let created = self.doc.refers_to(i, "s3_bucket_name", "aws_s3_bucket");
        let r = &self.doc.resources[i];
        let name = r.text("s3_bucket_name").or_else(|| {
            r.is_unknown("s3_bucket_name")
                .then(|| self.doc.resources[created?].text("bucket"))
                .flatten()
        });
        let instead = "trailsmith names the bucket";
        match (&name, created) {
            (Some(_), _) => {}
            (None, Some(b)) => {
                let (a, ba) = (self.address(i), self.address(b));
                self.note(format!(
                    "{a}.s3_bucket_name: known only after apply ({ba} is named at apply); \
                     {instead}"
                ));
            }
            (None, None) if r.is_unknown("s3_bucket_name") => {
                self.unresolved(i, "s3_bucket_name", instead)
            }
            (None, None) => {
                let a = self.address(i);
                self.note(format!("{a}.s3_bucket_name: not set; {instead}"));
            }
        }
        let bucket = created.or_else(|| self.find("aws_s3_bucket", "bucket", name.as_deref()?));
        t.bucket = name.unwrap_or_default();
        if let Some(b) = bucket {
            self.uses(b);
        }
        // The bucket's settings are separate resources naming it ("aws_s3_bucket": "S3 Bucket
        // ... configuration ... with a separate resource" in provider version 4 and later).
        let parts: Vec<usize> = (0..self.doc.resources.len())
            .filter(|j| {
                let r = &self.doc.resources[*j];
                !r.data
                    && r.kind.starts_with("aws_s3_bucket_")
                    && ((!t.bucket.is_empty() && r.text("bucket").as_deref() == Some(&t.bucket))
                        || bucket.is_some_and(|b| self.links(*j, "bucket", b)))
            })
            .collect();
        let of = bucket.map_or_else(|| t.bucket.clone(), |b| self.address(b));
        for j in &parts {
            self.bucket_part(*j, &of, &mut d.bucket);
        }
    }

    fn bucket_part(&mut self, j: usize, of: &str, b: &mut Bucket) {
        if !self.used.insert(j) {
            return;
        }
        let r = &self.doc.resources[j];
        let a = r.address.clone();
        let kind = r.kind.as_str();
        if !BUCKET_PARTS.contains(&kind) {
            let what = if kind == "aws_s3_bucket_policy" {
                format!("the bucket policy of {of} is not carried; trailsmith writes its own")
            } else {
                format!("{kind} of {of}: not carried; trailsmith's hardening of the bucket applies")
            };
            self.note(format!("{a}: {what}"));
            return;
        }
        let block = |attr: &str| r.block(attr).cloned().unwrap_or_default();
        match kind {
            "aws_s3_bucket_versioning" => {
                let status = block("versioning_configuration");
                b.versioning =
                    Some(status.get("status").and_then(Value::as_str) == Some("Enabled"));
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                let by_default = block("rule")
                    .pointer("/apply_server_side_encryption_by_default/0")
                    .cloned()
                    .unwrap_or_default();
                let algorithm = by_default
                    .get("sse_algorithm")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let key = by_default
                    .get("kms_master_key_id")
                    .and_then(Value::as_str)
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .or_else(|| {
                        r.is_unknown("rule").then(|| {
                            self.doc.refers_to(j, "rule", "aws_kms_key").map(|k| {
                                format!("the key {} of the configuration", self.address(k))
                            })
                        })?
                    });
                b.encryption = Some((algorithm, key));
            }
            "aws_s3_bucket_public_access_block" => {
                // In `PUBLIC_ACCESS_BLOCK`'s order.
                let names = [
                    "block_public_acls",
                    "ignore_public_acls",
                    "block_public_policy",
                    "restrict_public_buckets",
                ];
                b.public_access_block =
                    Some(names.map(|n| r.values.get(n).and_then(Value::as_bool).unwrap_or(false)));
            }
            "aws_s3_bucket_lifecycle_configuration" => {
                let rules = r.values.get("rule").and_then(Value::as_array);
                b.lifecycle = Some(rules.into_iter().flatten().map(lifecycle_rule).collect());
            }
            _ => match r.text("target_bucket") {
                Some(target) => {
                    b.logging = Some(Some((target, r.text("target_prefix").unwrap_or_default())))
                }
                None => self.note(format!(
                    "{a}.target_bucket: known only after apply; access logging not carried"
                )),
            },
        }
    }
}

/// A lifecycle rule in the provider's shape ("aws_s3_bucket_lifecycle_configuration": rule).
fn lifecycle_rule(r: &Value) -> LifecycleRule {
    let first = |k: &str| r.get(k).and_then(Value::as_array).and_then(|a| a.first());
    let filter = first("filter");
    let prefix = filter
        .and_then(|f| f.get("prefix"))
        .or_else(|| filter.and_then(|f| f.pointer("/and/0/prefix")))
        .or_else(|| r.get("prefix"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut other = Vec::new();
    let set = |v: Option<&Value>| match v {
        None | Some(Value::Null | Value::Bool(false)) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    };
    for (field, value) in [
        ("filter.tag", filter.and_then(|f| f.get("tag"))),
        (
            "filter.and.tags",
            filter.and_then(|f| f.pointer("/and/0/tags")),
        ),
        (
            "filter.object_size_greater_than",
            filter.and_then(|f| f.get("object_size_greater_than")),
        ),
        (
            "filter.object_size_less_than",
            filter.and_then(|f| f.get("object_size_less_than")),
        ),
        (
            "expiration.date",
            first("expiration").and_then(|e| e.get("date")),
        ),
        (
            "expiration.expired_object_delete_marker",
            first("expiration").and_then(|e| e.get("expired_object_delete_marker")),
        ),
        (
            "noncurrent_version_transition",
            r.get("noncurrent_version_transition"),
        ),
    ] {
        if set(value) {
            other.push(field.to_string());
        }
    }
    let transitions = r
        .get("transition")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                days(t.get("days"))?,
                t.get("storage_class")?.as_str()?.to_string(),
            ))
        })
        .collect();
    LifecycleRule {
        id: r
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        enabled: r.get("status").and_then(Value::as_str) == Some("Enabled"),
        prefix,
        transitions,
        expiration_days: days(first("expiration").and_then(|e| e.get("days"))).filter(|d| *d > 0),
        noncurrent_expiration_days: days(
            first("noncurrent_version_expiration").and_then(|e| e.get("noncurrent_days")),
        ),
        abort_incomplete_days: days(
            first("abort_incomplete_multipart_upload").and_then(|e| e.get("days_after_initiation")),
        ),
        other,
    }
}
