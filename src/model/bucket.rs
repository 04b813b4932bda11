//! The log bucket trailsmith creates: its hardening (public access block, object ownership,
//! default encryption) and its lifecycle rule, decided in `lower` so that both emitters only write
//! these fields and `explain` only says them.
//!
//! It must not know target syntax (Terraform's split S3 resources are the emitter's), and it does
//! not write the bucket policy (that is `policy`). Which key encrypts the bucket depends on the
//! part of a layout that holds it, so `model` decides that and hands it in.

use crate::expr::{Expr, Text};
use crate::policy::{self, Context, Policy};
use crate::spec;

/// Incomplete multipart uploads are never log files; clean them up (checkov CKV_AWS_300).
pub const ABORT_INCOMPLETE_UPLOAD_DAYS: u32 = 7;
pub use crate::derived::NONCURRENT_VERSION_DAYS;

/// A bucket trailsmith creates, hardened: public access blocked, ACLs disabled, encrypted. Every
/// setting is decided by `lower`, so the targets write these fields and `explain` says them.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: Option<Text>,
    pub versioning: bool,
    pub encryption: Encryption,
    pub public_access_block: PublicAccessBlock,
    pub object_ownership: ObjectOwnership,
    /// The one rule over every object of the bucket.
    pub lifecycle: LifecycleRule,
    pub access_logging: Option<AccessLogging>,
    /// Object Lock, turned on when the bucket is made, with a default retention.
    pub object_lock: Option<ObjectLock>,
    /// S3 Bucket Keys for the SSE-KMS default encryption (and CloudTrail's SSE-KMS writes).
    pub bucket_key: bool,
    pub policy: Policy,
}

/// "Configuring S3 Object Lock": the default retention each new object version gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectLock {
    pub mode: LockMode,
    pub period: LockPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    Governance,
    Compliance,
}

impl LockMode {
    /// The AWS value, the same in both targets.
    pub fn aws_name(self) -> &'static str {
        match self {
            LockMode::Governance => "GOVERNANCE",
            LockMode::Compliance => "COMPLIANCE",
        }
    }
}

/// A retention period as the spec gives it: S3 keeps days and years apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockPeriod {
    Days(u32),
    Years(u32),
}

/// The four settings of an S3 public access block, in the order AWS lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub block_public_policy: bool,
    pub ignore_public_acls: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Every setting on.
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
    };
}

/// Who owns the objects written to a bucket, and so whether ACLs count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectOwnership {
    /// The bucket owner owns every object and ACLs are disabled.
    BucketOwnerEnforced,
}

impl ObjectOwnership {
    /// The AWS value, the same in both targets.
    pub fn aws_name(self) -> &'static str {
        match self {
            ObjectOwnership::BucketOwnerEnforced => "BucketOwnerEnforced",
        }
    }
}

/// A lifecycle rule: what happens to objects as they age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    pub id: &'static str,
    pub abort_incomplete_upload_days: u32,
    /// Where objects move, and after how many days.
    pub transition: Option<Transition>,
    pub expiration_days: Option<u32>,
    /// Days a noncurrent version is kept: only where expiry makes noncurrent versions.
    pub noncurrent_expiration_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub days: u32,
    pub storage_class: StorageClass,
}

/// An S3 storage class objects move to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageClass {
    /// S3 Glacier Flexible Retrieval.
    Glacier,
}

impl StorageClass {
    /// The AWS value, the same in both targets.
    pub fn aws_name(self) -> &'static str {
        match self {
            StorageClass::Glacier => "GLACIER",
        }
    }
}

/// A bucket's default encryption.
#[derive(Debug, Clone, PartialEq)]
pub enum Encryption {
    /// SSE-S3.
    S3,
    /// SSE-KMS with the account's AWS managed key `aws/s3`: for a log archive bucket whose log
    /// files CloudTrail encrypts with the management account's key, a key that does not exist when
    /// the bucket is made.
    AwsManagedKms,
    /// SSE-KMS with this key.
    Kms(Expr),
}

impl Encryption {
    /// The AWS value of the default encryption's algorithm, the same in both targets.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Encryption::S3 => "AES256",
            Encryption::AwsManagedKms | Encryption::Kms(_) => "aws:kms",
        }
    }

    /// The key named in the default encryption: none for `aws/s3`, which S3 picks itself.
    pub fn key(&self) -> Option<&Expr> {
        match self {
            Encryption::Kms(key) => Some(key),
            Encryption::S3 | Encryption::AwsManagedKms => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessLogging {
    pub target_bucket: Text,
    pub prefix: Text,
}

/// The bucket of the spec, encrypted as `model` decided for the part that holds it.
pub(super) fn lower(b: &spec::BucketSpec, encryption: Encryption, ctx: &Context) -> Bucket {
    let versioning = b.versioning.unwrap_or(true);
    let archive_after_days = b.lifecycle.as_ref().and_then(|l| l.archive_after_days);
    let expire_after_days = b.lifecycle.as_ref().and_then(|l| l.expire_after_days);
    let noncurrent_days = b
        .lifecycle
        .as_ref()
        .and_then(|l| l.expire_noncurrent_after_days);
    // `validate` refused a bucket key without a KMS key.
    let bucket_key = b.bucket_key && encryption != Encryption::S3;
    // `validate` refused a lock without exactly one period.
    let object_lock = b.object_lock.as_ref().and_then(|l| {
        let period = match (l.days, l.years) {
            (Some(days), None) => LockPeriod::Days(days),
            (None, Some(years)) => LockPeriod::Years(years),
            _ => return None,
        };
        let mode = match l.mode {
            spec::LockMode::Governance => LockMode::Governance,
            spec::LockMode::Compliance => LockMode::Compliance,
        };
        Some(ObjectLock { mode, period })
    });
    Bucket {
        name: b.name.clone().map(Text::deploy_time),
        versioning,
        encryption,
        // CIS 2.1.4 and CloudTrail.6: "Blocking public access to your Amazon S3 storage".
        public_access_block: PublicAccessBlock::ALL,
        // "Controlling ownership of objects and disabling ACLs for your bucket": CloudTrail
        // writes with `bucket-owner-full-control`, which an enforced bucket accepts, and no ACL
        // can then open a log file to anyone.
        object_ownership: ObjectOwnership::BucketOwnerEnforced,
        lifecycle: lifecycle(
            archive_after_days,
            expire_after_days,
            noncurrent_days,
            versioning,
        ),
        access_logging: b.access_logging.as_ref().map(|l| AccessLogging {
            target_bucket: Text::deploy_time(l.target_bucket.clone()),
            prefix: Text::new(l.prefix.clone().unwrap_or_default()),
        }),
        object_lock,
        bucket_key,
        policy: policy::bucket_policy(ctx),
    }
}

/// The bucket's one lifecycle rule, `log-files`, over every object (log and digest files alike).
fn lifecycle(
    archive: Option<u32>,
    expiration_days: Option<u32>,
    noncurrent_days: Option<u32>,
    versioning: bool,
) -> LifecycleRule {
    LifecycleRule {
        id: "log-files",
        abort_incomplete_upload_days: ABORT_INCOMPLETE_UPLOAD_DAYS,
        // The class the spec's `archive_after_days` promises (its doc and the schema's).
        transition: archive.map(|days| Transition {
            days,
            storage_class: StorageClass::Glacier,
        }),
        expiration_days,
        // Without versioning an expired file is gone; with it, expiry only makes it noncurrent
        // ("Lifecycle configuration elements": Expiration on a versioned bucket adds a delete
        // marker), so the old version needs its own expiry to free the space. The spec's
        // `expire_noncurrent_after_days` sets that expiry, or alone expires old versions only
        // ("NoncurrentVersionExpiration": days after a version stops being current).
        noncurrent_expiration_days: noncurrent_days
            .or(expiration_days.map(|_| NONCURRENT_VERSION_DAYS))
            .filter(|_| versioning),
    }
}
