//! Part of `tests/golden.rs`: both targets harden the log bucket and its key alike: the default
//! encryption's algorithm and S3 Bucket Key, versioning, the lifecycle rule (transition, expiry,
//! noncurrent expiry), Object Lock (on at creation, mode and period) and whether the key is
//! multi-Region. Each line is written from the CloudFormation and Terraform resource references,
//! not from the emitters.

use super::{built, parsed, Case};
use serde_json::Value;
use trailsmith::Target;

/// A number or `-` when absent.
fn n(v: &Value) -> String {
    v.as_u64().map(|d| d.to_string()).unwrap_or("-".into())
}

/// A flag that a target may leave out when false.
fn on(v: &Value) -> bool {
    v.as_bool().unwrap_or(false)
}

fn cfn_bucket(template: &Value) -> Option<Vec<String>> {
    let r = &template["Resources"];
    let b = &r["TrailBucket"]["Properties"];
    if b.is_null() {
        return None;
    }
    let sse = &b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    let rule = &b["LifecycleConfiguration"]["Rules"][0];
    let lock = &b["ObjectLockConfiguration"];
    let retention = &lock["Rule"]["DefaultRetention"];
    Some(vec![
        format!(
            "sse {} bucket_key={}",
            sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            on(&sse["BucketKeyEnabled"])
        ),
        format!(
            "versioning={}",
            b["VersioningConfiguration"]["Status"] == "Enabled"
        ),
        format!(
            "lifecycle transition={} expire={} noncurrent={}",
            n(&rule["Transitions"][0]["TransitionInDays"]),
            n(&rule["ExpirationInDays"]),
            n(&rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        ),
        format!(
            "object_lock={} enabled={} mode={} days={} years={}",
            on(&b["ObjectLockEnabled"]),
            lock["ObjectLockEnabled"] == "Enabled",
            retention["Mode"],
            n(&retention["Days"]),
            n(&retention["Years"])
        ),
        format!(
            "key multi_region={}",
            on(&r["TrailKey"]["Properties"]["MultiRegion"])
        ),
    ])
}

fn tf_bucket(config: &Value) -> Option<Vec<String>> {
    let r = &config["resource"];
    if r["aws_s3_bucket"]["trail"].is_null() {
        return None;
    }
    let sse = &r["aws_s3_bucket_server_side_encryption_configuration"]["trail"]["rule"];
    let rule = &r["aws_s3_bucket_lifecycle_configuration"]["trail"]["rule"];
    let lock = &r["aws_s3_bucket_object_lock_configuration"]["trail"];
    let retention = &lock["rule"]["default_retention"];
    Some(vec![
        format!(
            "sse {} bucket_key={}",
            sse["apply_server_side_encryption_by_default"]["sse_algorithm"],
            on(&sse["bucket_key_enabled"])
        ),
        format!(
            "versioning={}",
            r["aws_s3_bucket_versioning"]["trail"]["versioning_configuration"]["status"]
                == "Enabled"
        ),
        format!(
            "lifecycle transition={} expire={} noncurrent={}",
            n(&rule["transition"]["days"]),
            n(&rule["expiration"]["days"]),
            n(&rule["noncurrent_version_expiration"]["noncurrent_days"])
        ),
        format!(
            "object_lock={} enabled={} mode={} days={} years={}",
            on(&r["aws_s3_bucket"]["trail"]["object_lock_enabled"]),
            !lock.is_null(),
            retention["mode"],
            n(&retention["days"]),
            n(&retention["years"])
        ),
        format!(
            "key multi_region={}",
            on(&r["aws_kms_key"]["trail"]["multi_region"])
        ),
    ])
}

#[test]
fn both_targets_harden_the_bucket_and_key_alike() {
    let (mut compared, mut locked, mut keyed) = (0, 0, 0);
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let (cfn, tf) = (cfn_bucket(&template), tf_bucket(&config));
        assert_eq!(cfn, tf, "bucket settings differ for {}", example.display());
        if let Some(lines) = cfn {
            compared += 1;
            locked += usize::from(lines[3].starts_with("object_lock=true"));
            keyed += usize::from(lines[0].ends_with("bucket_key=true"));
        }
    }
    assert!(
        compared >= 10 && locked >= 2 && keyed >= 1,
        "{compared} compared, {locked} locked, {keyed} with a bucket key"
    );
}

#[test]
fn the_bucket_comparison_sees_a_change() {
    let example = Case::whole("tests/cases/bucket-hardening.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let mut config: Value = parsed(&example, Target::Terraform);
    assert_eq!(cfn_bucket(&template), tf_bucket(&config));
    config["resource"]["aws_s3_bucket_object_lock_configuration"]["trail"]["rule"]
        ["default_retention"]["mode"] = Value::from("GOVERNANCE");
    assert_ne!(cfn_bucket(&template), tf_bucket(&config));
}
