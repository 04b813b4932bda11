//! The log bucket as Terraform writes it: `aws_s3_bucket` and the settings provider v4+ makes
//! resources of their own (public access block, ownership, encryption, versioning, lifecycle,
//! logging, Object Lock), with the bucket policy.
//!
//! Part of the Terraform emitter, kept apart so that each file stays short; like it, it decides
//! nothing and cannot fail.

use super::{address, expr, object, text, with_tags, Blocks};
use crate::emit::fields;
use crate::expr::{Attr, Expr, Res};
use crate::model::{Bucket, LifecycleRule, LockPeriod, Model};
use serde_json::{json, Value};

fn lifecycle_rule(r: &LifecycleRule) -> Value {
    Value::Object(fields(vec![
        ("id", Some(json!(r.id))),
        ("status", Some(json!("Enabled"))),
        // The provider wants a filter; an empty prefix is every object.
        ("filter", Some(json!({"prefix": ""}))),
        (
            "abort_incomplete_multipart_upload",
            Some(json!({"days_after_initiation": r.abort_incomplete_upload_days})),
        ),
        (
            "transition",
            r.transition
                .map(|t| json!({"days": t.days, "storage_class": t.storage_class.aws_name()})),
        ),
        ("expiration", r.expiration_days.map(|d| json!({"days": d}))),
        (
            "noncurrent_version_expiration",
            r.noncurrent_expiration_days
                .map(|d| json!({"noncurrent_days": d})),
        ),
    ]))
}

/// The bucket and the settings provider v4+ makes resources of their own.
pub(super) fn add(b: &Bucket, model: &Model, resources: &mut Blocks, data: &mut Blocks) {
    let id = expr(&Expr::Attr(Res::Bucket, Attr::Name));
    resources.resource(
        address(Res::Bucket),
        with_tags(
            fields(vec![
                ("bucket", b.name.as_ref().map(text)),
                // Only at creation; the retention is a resource of its own (below).
                ("object_lock_enabled", b.object_lock.map(|_| json!(true))),
            ]),
            model,
        ),
    );
    let pab = &b.public_access_block;
    resources.resource(
        address(Res::BucketPublicAccessBlock),
        json!({
            "bucket": id,
            "block_public_acls": pab.block_public_acls,
            "block_public_policy": pab.block_public_policy,
            "ignore_public_acls": pab.ignore_public_acls,
            "restrict_public_buckets": pab.restrict_public_buckets
        }),
    );
    resources.resource(
        address(Res::BucketOwnership),
        json!({"bucket": id, "rule": {"object_ownership": b.object_ownership.aws_name()}}),
    );
    let sse = fields(vec![
        ("sse_algorithm", Some(json!(b.encryption.algorithm()))),
        ("kms_master_key_id", b.encryption.key().map(expr)),
    ]);
    let rule = fields(vec![
        (
            "apply_server_side_encryption_by_default",
            Some(Value::Object(sse)),
        ),
        ("bucket_key_enabled", b.bucket_key.then(|| json!(true))),
    ]);
    resources.resource(
        address(Res::BucketEncryption),
        json!({"bucket": id, "rule": rule}),
    );
    if let Some(l) = b.object_lock {
        let retention = match l.period {
            LockPeriod::Days(d) => json!({"mode": l.mode.aws_name(), "days": d}),
            LockPeriod::Years(y) => json!({"mode": l.mode.aws_name(), "years": y}),
        };
        resources.resource(
            address(Res::BucketObjectLock),
            json!({"bucket": id, "rule": {"default_retention": retention}}),
        );
    }
    if b.versioning {
        resources.resource(
            address(Res::BucketVersioning),
            json!({"bucket": id, "versioning_configuration": {"status": "Enabled"}}),
        );
    }
    let mut lifecycle = fields(vec![
        ("bucket", Some(id.clone())),
        ("rule", Some(lifecycle_rule(&b.lifecycle))),
    ]);
    if b.versioning {
        // The provider asks to order lifecycle after versioning when both change.
        lifecycle.insert("depends_on".into(), json!([address(Res::BucketVersioning)]));
    }
    resources.resource(address(Res::BucketLifecycle), Value::Object(lifecycle));
    if let Some(l) = &b.access_logging {
        resources.resource(
            address(Res::BucketLogging),
            object([
                ("bucket", id.clone()),
                ("target_bucket", text(&l.target_bucket)),
                ("target_prefix", text(&l.prefix)),
            ]),
        );
    }
    let policy = data.policy("bucket", &b.policy);
    resources.resource(
        address(Res::BucketPolicy),
        json!({
            "bucket": id,
            "policy": policy,
            // S3 refuses a policy change while the public access block is being set.
            "depends_on": [address(Res::BucketPublicAccessBlock)]
        }),
    );
}
