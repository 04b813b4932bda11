//! Drift of the log bucket trailsmith creates: versioning, default encryption, the public access
//! block, server access logging and the lifecycle of log files.
//!
//! Only a bucket the spec creates is compared (an `existing` bucket's settings are its owner's).
//! It must not judge the bucket policy: no file of the AWS CLI set carries it.

use super::{wanted, Found, Wanted, REDEPLOY};
use crate::deployed::{Deployed, Env, LifecycleRule, PUBLIC_ACCESS_BLOCK};
use crate::diag::Code;
use crate::model::{Encryption, Model};

pub(super) fn compare(found: &mut Found, model: &Model, d: &Deployed, env: &Env) {
    let Some(b) = &model.bucket else {
        return;
    };
    let db = &d.bucket;
    if let Some(versioning) = db.versioning {
        if versioning != b.versioning {
            found.differ(
                Code::DriftBucketVersioning,
                "/bucket/versioning",
                format!(
                    "the bucket's versioning is {}; the spec's is {}",
                    if versioning {
                        "enabled"
                    } else {
                        "off or suspended"
                    },
                    if b.versioning { "enabled" } else { "off" }
                ),
                REDEPLOY,
            );
        }
    }
    if let Some((algorithm, key)) = &db.encryption {
        if let Some(want) = encryption_differs(&b.encryption, algorithm, key.as_deref(), env) {
            found.differ(
                Code::DriftBucketEncryption,
                "/bucket",
                format!(
                    "the bucket's default encryption is {algorithm}{}; trailsmith writes {want}",
                    key.as_deref()
                        .map(|k| format!(" with {k}"))
                        .unwrap_or_default()
                ),
                REDEPLOY,
            );
        }
    }
    if let Some(block) = db.public_access_block {
        let open: Vec<&str> = PUBLIC_ACCESS_BLOCK
            .iter()
            .zip(block)
            .filter(|(_, on)| !on)
            .map(|(name, _)| *name)
            .collect();
        if !open.is_empty() {
            found.differ(
                Code::DriftPublicAccessBlock,
                "/bucket",
                format!(
                    "the bucket's public access block has {} off; trailsmith turns all four on",
                    open.join(", ")
                ),
                "a log bucket is never public: `aws s3api put-public-access-block` with all four \
                 settings true, or deploy the output again",
            );
        }
    }
    if let Some(logging) = &db.logging {
        let have = logging.as_ref().map(|(t, p)| (t.as_str(), p.as_str()));
        // A target named with a parameter is taken as deployed (see `env_of`).
        let target = |a: &crate::model::AccessLogging| {
            env.text(&a.target_bucket)
                .or_else(|| have.map(|(t, _)| t.to_string()))
                .unwrap_or_default()
        };
        let want = b
            .access_logging
            .as_ref()
            .map(|a| (target(a), a.prefix.verbatim()));
        let want = want.as_ref().map(|(t, p)| (t.as_str(), *p));
        if want != have {
            let say = |v: Option<(&str, &str)>| match v {
                None => "off".to_string(),
                Some((t, p)) => format!("into {t} under {p:?}"),
            };
            found.differ(
                Code::DriftBucketLogging,
                "/bucket/access_logging",
                format!(
                    "the bucket's server access logging is {}; the spec's is {}",
                    say(have),
                    say(want)
                ),
                REDEPLOY,
            );
        }
    }
    if let Some(rules) = &db.lifecycle {
        let prefix = d.trail.prefix.as_deref().unwrap_or_default();
        let (archive, expire) = lifecycle(rules, prefix);
        let want_archive = b.lifecycle.transition.as_ref().map(|t| t.days);
        let want_expire = b.lifecycle.expiration_days;
        if archive != want_archive || expire != want_expire {
            let say = |a: Option<u32>, e: Option<u32>| {
                format!(
                    "archive {}, expire {}",
                    a.map_or("never".to_string(), |d| format!("after {d} days")),
                    e.map_or("never".to_string(), |d| format!("after {d} days"))
                )
            };
            found.differ(
                Code::DriftBucketLifecycle,
                "/bucket/lifecycle",
                format!(
                    "the log files' lifecycle is: {}; the spec's is: {}",
                    say(archive, expire),
                    say(want_archive, want_expire)
                ),
                REDEPLOY,
            );
        }
    }
}

/// What trailsmith writes, in words, when the deployed encryption is not it.
fn encryption_differs(
    want: &Encryption,
    algorithm: &str,
    key: Option<&str>,
    env: &Env,
) -> Option<String> {
    match want {
        Encryption::S3 => (algorithm != "AES256").then(|| "AES256 (SSE-S3)".to_string()),
        Encryption::AwsManagedKms => {
            let aws_key = key.is_none_or(|k| k.ends_with("alias/aws/s3"));
            (algorithm != "aws:kms" || !aws_key).then(|| "aws:kms with aws/s3".to_string())
        }
        Encryption::Kms(e) => {
            let same_key = match (wanted(env, e), key) {
                (Wanted::Made, Some(_)) => true,
                (Wanted::Known(want), Some(k)) => want == k || !want.contains(":key/"),
                (_, None) => false,
            };
            (algorithm != "aws:kms" || !same_key).then(|| "aws:kms with the trail's key".into())
        }
    }
}

/// The archive and expiry days of the enabled rules that cover the log files.
fn lifecycle(rules: &[LifecycleRule], prefix: &str) -> (Option<u32>, Option<u32>) {
    let covering = rules
        .iter()
        .filter(|r| r.enabled && prefix.starts_with(&r.prefix));
    let mut archive = None;
    let mut expire = None;
    for r in covering {
        for (days, class) in &r.transitions {
            if class == "GLACIER" {
                archive = Some(archive.map_or(*days, |a: u32| a.min(*days)));
            }
        }
        if let Some(days) = r.expiration_days {
            expire = Some(expire.map_or(days, |e: u32| e.min(days)));
        }
    }
    (archive, expire)
}
