//! The bucket and key hardening auditors ask for, checked: Object Lock, the minimum TLS version,
//! S3 Bucket Keys, the expiry of noncurrent versions, a multi-Region key, and key principals given
//! as assumed-role sessions.
//!
//! Owns which of these settings fit together and the located error or warning when they do not.
//! It must not check shapes (the schema bounds days, years and the TLS version) nor decide what
//! is written (that is `model`).
//!
//! Why an assumed-role session ARN is refused rather than rewritten: `aws sts
//! get-caller-identity` prints `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, which names one
//! session name of the role and lacks the role's path (IAM Identity Center roles live under
//! `/aws-reserved/sso.amazonaws.com/…`), so the role's own ARN cannot be rebuilt from it. A
//! statement with the account root as principal and an `aws:PrincipalArn` condition grants
//! nothing the key policy's root statement does not already delegate to IAM, and a `*` principal
//! narrowed by `aws:PrincipalArn` is what checkov's CKV_AWS_33 ("KMS key policy does not contain
//! wildcard principal") fails and a reviewer reads as public. The role's ARN is what a key
//! administrator is: the hint says how to get it.

use super::names;
use super::rules::rule;
use crate::derived::NONCURRENT_VERSION_DAYS;
use crate::diag::{Code, Diagnostic};
use crate::spec::{LockMode, Spec, Toggle};

/// Every finding on the hardening settings of `spec`.
pub fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    existing(spec, out);
    object_lock(spec, out);
    lifecycle(spec, out);
    bucket_key(spec, out);
    let Some(k) = spec.kms.settings() else {
        return;
    };
    if k.key_arn.is_some() && k.multi_region {
        out.push(
            Diagnostic::error(
                Code::ExistingKeySetting,
                "/kms/multi_region",
                "`multi_region` configures a key trailsmith creates; it cannot be combined with `key_arn`",
            )
            .hint("remove `multi_region`, or remove `key_arn` to create a key"),
        );
    }
}

/// Each principal of `list` (at `path`, a JSON pointer to the list) is an IAM role, user or
/// account root ARN: an assumed-role session gets its own refusal, which names the role's ARN,
/// anything else the ARN rule. The key's admins and readers and the Athena readers share it, so
/// no list of principals is checked by half.
pub(super) fn principals(out: &mut Vec<Diagnostic>, path: &str, list: &[String], hint: &str) {
    for (i, principal) in list.iter().enumerate() {
        let at = format!("{path}/{i}");
        match AssumedRole::parse(principal) {
            Some(session) => out.push(session.refusal(&at)),
            None => rule(
                out,
                Code::PrincipalArn,
                &at,
                names::arn(principal, "iam", &["root", "role", "user"]),
                Some(hint),
            ),
        }
    }
}

/// The new settings name a bucket trailsmith creates; an existing one is managed where it was made.
fn existing(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let b = &spec.bucket;
    if !b.existing {
        return;
    }
    for (field, set) in [
        ("object_lock", b.object_lock.is_some()),
        ("min_tls_version", b.min_tls_version.is_some()),
        ("bucket_key", b.bucket_key),
    ] {
        if set {
            out.push(
                Diagnostic::error(
                    Code::ExistingBucketSetting,
                    format!("/bucket/{field}"),
                    format!("`{field}` configures a bucket trailsmith creates; an existing bucket is managed where it was made"),
                )
                .hint(format!("remove `{field}`, or remove `existing: true`")),
            );
        }
    }
}

/// Object Lock's retention in days ("Configuring S3 Object Lock": a year is 365 days).
fn retention_days(days: Option<u32>, years: Option<u32>) -> Option<u32> {
    days.or(years.map(|y| y.saturating_mul(365)))
}

fn object_lock(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let b = &spec.bucket;
    let Some(lock) = &b.object_lock else {
        return;
    };
    if lock.days.is_some() == lock.years.is_some() {
        // "DefaultRetention" (S3 API): a period of days or of years, never both.
        out.push(
            Diagnostic::error(
                Code::ObjectLockPeriod,
                "/bucket/object_lock",
                "an Object Lock retention needs exactly one period: `days` or `years`",
            )
            .hint(
                "for example `{ mode: compliance, years: 7 }` or `{ mode: governance, days: 365 }`",
            ),
        );
    }
    if b.versioning == Some(false) {
        // "How S3 Object Lock works": a bucket with Object Lock keeps versions, and versioning
        // cannot be suspended on it.
        out.push(
            Diagnostic::error(
                Code::ObjectLockVersioning,
                "/bucket/versioning",
                "Object Lock protects object versions: a bucket with Object Lock must keep versioning on",
            )
            .hint("remove `versioning: false`, or remove `object_lock`"),
        );
    }
    let self_logged = b
        .access_logging
        .as_ref()
        .is_some_and(|l| b.name.as_deref() == Some(l.target_bucket.as_str()));
    if self_logged {
        // "Enabling Amazon S3 server access logging": the destination bucket must not have an
        // Object Lock default retention. trailsmith never puts Object Lock on the access-log
        // bucket (`access_logging.target_bucket`, which it does not create).
        out.push(
            Diagnostic::error(
                Code::ObjectLockAccessLogTarget,
                "/bucket/object_lock",
                "this bucket is also named as the target of server access logs, and S3 delivers no access logs into a bucket with an Object Lock default retention",
            )
            .hint("send access logs to a separate bucket without Object Lock"),
        );
    }
}

/// A lifecycle that would delete locked versions, and noncurrent expiry without versions.
fn lifecycle(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let b = &spec.bucket;
    let Some(l) = &b.lifecycle else {
        return;
    };
    if l.expire_noncurrent_after_days.is_some() && b.versioning == Some(false) {
        out.push(
            Diagnostic::error(
                Code::NoncurrentWithoutVersioning,
                "/bucket/lifecycle/expire_noncurrent_after_days",
                "without versioning a deleted log file is gone at once: there are no noncurrent versions to expire",
            )
            .hint("remove `expire_noncurrent_after_days`, or remove `versioning: false`"),
        );
    }
    let Some(lock) = &b.object_lock else {
        return;
    };
    let Some(retention) = retention_days(lock.days, lock.years) else {
        return;
    };
    let mode = match lock.mode {
        LockMode::Governance => "governance",
        LockMode::Compliance => "compliance",
    };
    // "Managing Object Lock": lifecycle rules keep working on locked objects (expiry adds a
    // delete marker, and the log file becomes a noncurrent version), but a locked version is not
    // deleted until its retention ends, in either mode. A version is deleted `noncurrent` days
    // after it expires; only an expiry is known in advance (a noncurrent-only lifecycle acts on
    // deletions, whenever they happen). Nothing fails, so this is a warning: the spec asks for
    // a deletion S3 will not make.
    let Some(expire) = l.expire_after_days else {
        return;
    };
    let noncurrent = l
        .expire_noncurrent_after_days
        .unwrap_or(NONCURRENT_VERSION_DAYS);
    let deleted = expire.saturating_add(noncurrent);
    if deleted < retention {
        out.push(
            Diagnostic::warning(
                Code::LockOutlastsExpiry,
                "/bucket/lifecycle/expire_after_days",
                format!("log files are locked for {retention} days ({mode} mode), so S3 keeps each version that long although the lifecycle deletes it after {deleted} days (expiry after {expire}, old version {noncurrent} days later)"),
            )
            .hint("expire after the retention ends, or silence `lock-outlasts-expiry` with the reason"),
        );
    }
}

fn bucket_key(spec: &Spec, out: &mut Vec<Diagnostic>) {
    if spec.bucket.bucket_key && matches!(spec.kms, Toggle::Switch(false)) {
        // "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys": a bucket key is a KMS data
        // key; SSE-S3 has none.
        out.push(
            Diagnostic::error(
                Code::BucketKeyNeedsKms,
                "/bucket/bucket_key",
                "S3 Bucket Keys reduce the KMS requests of SSE-KMS; with `kms: false` the bucket is encrypted with SSE-S3, which has no KMS key",
            )
            .hint("remove `bucket_key`, or remove `kms: false`"),
        );
    }
}

/// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`, the ARN of a role session.
pub(super) struct AssumedRole<'a> {
    partition: &'a str,
    account: &'a str,
    role: &'a str,
}

impl<'a> AssumedRole<'a> {
    pub(super) fn parse(value: &'a str) -> Option<AssumedRole<'a>> {
        let rest = value.strip_prefix("arn:")?;
        let (partition, rest) = rest.split_once(':')?;
        let rest = rest.strip_prefix("sts::")?;
        let (account, resource) = rest.split_once(':')?;
        let (role, _session) = resource.strip_prefix("assumed-role/")?.split_once('/')?;
        (!role.is_empty()).then_some(AssumedRole {
            partition,
            account,
            role,
        })
    }

    fn refusal(&self, path: &str) -> Diagnostic {
        let (p, a, r) = (self.partition, self.account, self.role);
        Diagnostic::error(
            Code::AssumedRolePrincipal,
            path,
            format!("role `{r}` is given as an assumed-role session ARN (what `aws sts get-caller-identity` prints): it names one session of the role and lacks the role's path, so a key policy cannot name the role by it"),
        )
        .hint(format!("give the role's ARN, `arn:{p}:iam::{a}:role/{r}` or with its path (roles of IAM Identity Center have one): `aws iam get-role --role-name {r} --query Role.Arn` prints it"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_arn_yields_its_role() {
        let s = AssumedRole::parse(
            "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com",
        )
        .expect("a session");
        assert_eq!(
            (s.partition, s.account, s.role),
            ("aws", "111122223333", "AWSReservedSSO_Admin_0123")
        );
        for not_session in [
            "arn:aws:iam::111122223333:role/Admin",
            "arn:aws:sts::111122223333:assumed-role/Admin",
            "arn:aws:sts::111122223333:federated-user/bob",
        ] {
            assert!(AssumedRole::parse(not_session).is_none(), "{not_session}");
        }
    }

    #[test]
    fn years_count_365_days() {
        assert_eq!(retention_days(None, Some(7)), Some(2555));
        assert_eq!(retention_days(Some(30), None), Some(30));
    }
}
