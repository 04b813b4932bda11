//! `drift` against hand-written AWS CLI outputs: `tests/import/aws-cli/in-step/` is the
//! console-made trail of `console-trail/` once the spec `import` wrote for it
//! (`tests/import/drift/management-events.yaml`) is deployed: trailsmith's names for filters and
//! alarms, KMS bucket encryption, the whole public access block. Each case below changes one
//! file as someone changing the trail by hand would, and expects exactly one finding, with its
//! code and the spec key it is reported at. (The text of a report is pinned by the
//! `tests/cmd/drift-*` cases.)

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the in-step files in a scratch directory, to change.
fn in_step() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(root().join("tests/import/aws-cli/in-step")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, dir.path().join(name)).expect("copy");
    }
    dir
}

fn edit(dir: &Path, file: &str, change: impl FnOnce(&mut Value)) {
    let path = dir.join(file);
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    change(&mut v);
    std::fs::write(&path, v.to_string()).expect("write");
}

/// The AWS CLI outputs in `dir`, in name order.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn drift(dir: &Path, extra: &[&str]) -> Output {
    let files = files(dir);
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .arg("drift")
        .arg(root().join("tests/import/drift/management-events.yaml"))
        .args(&files)
        .args(extra)
        .output()
        .expect("trailsmith runs")
}

/// (code, path, line) of each finding of a `--format json` run.
fn findings(out: &Output) -> Vec<(String, String, u64)> {
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_trail_in_step_with_its_spec_has_no_drift() {
    let dir = in_step();
    let out = drift(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("no drift from the deployed trail"),
        "{stderr}"
    );
}

type Change = fn(&mut Value);

#[test]
fn each_change_by_hand_is_one_finding_at_the_key_that_sets_it() {
    let cases: [(&str, Change, &str, &str, u64); 16] = [
        (
            "describe-trails.json",
            |v| v["trailList"][0]["HomeRegion"] = json!("us-east-1"),
            "drift-home-region",
            "/trail/home_region",
            8,
        ),
        (
            "get-trail-status.json",
            |v| v["IsLogging"] = json!(false),
            "drift-logging",
            "/trail/logging",
            12,
        ),
        (
            "describe-trails.json",
            |v| v["trailList"][0]["LogFileValidationEnabled"] = json!(false),
            "drift-log-file-validation",
            "/trail/log_file_validation",
            11,
        ),
        (
            "describe-trails.json",
            |v| v["trailList"][0]["IsMultiRegionTrail"] = json!(false),
            "drift-multi-region",
            "/trail/multi_region",
            9,
        ),
        // Records less: one of the two buckets' objects is no longer recorded.
        (
            "get-event-selectors.json",
            |v| {
                v["EventSelectors"][0]["DataResources"][0]["Values"] =
                    json!(["arn:aws:s3:::acme-contracts/signed"])
            },
            "drift-event-selectors",
            "/events",
            41,
        ),
        (
            "get-event-selectors.json",
            |v| v["EventSelectors"][0]["ReadWriteType"] = json!("WriteOnly"),
            "drift-event-selectors",
            "/events",
            41,
        ),
        (
            "get-insight-selectors.json",
            |v| v["InsightSelectors"] = json!([]),
            "drift-insights",
            "/events/insights",
            51,
        ),
        (
            "public-access-block.json",
            |v| v["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = json!(false),
            "drift-public-access-block",
            "/bucket",
            17,
        ),
        (
            "bucket-versioning.json",
            |v| v["Status"] = json!("Suspended"),
            "drift-bucket-versioning",
            "/bucket/versioning",
            20,
        ),
        // The log files kept a year instead of seven (`put-bucket-lifecycle-configuration`).
        (
            "bucket-lifecycle.json",
            |v| v["Rules"][0]["Expiration"]["Days"] = json!(365),
            "drift-bucket-lifecycle",
            "/bucket/lifecycle",
            21,
        ),
        // The archive step dropped.
        (
            "bucket-lifecycle.json",
            |v| {
                if let Some(rule) = v["Rules"][0].as_object_mut() {
                    rule.remove("Transitions");
                }
            },
            "drift-bucket-lifecycle",
            "/bucket/lifecycle",
            21,
        ),
        // Retention removed (`aws logs delete-retention-policy`): events kept forever.
        (
            "describe-log-groups.json",
            |v| {
                if let Some(group) = v["logGroups"][0].as_object_mut() {
                    group.remove("retentionInDays");
                }
            },
            "drift-log-retention",
            "/cloudwatch_logs/retention_days",
            37,
        ),
        (
            "describe-log-groups.json",
            |v| v["logGroups"][0]["retentionInDays"] = json!(30),
            "drift-log-retention",
            "/cloudwatch_logs/retention_days",
            37,
        ),
        (
            "describe-trails.json",
            |v| {
                v["trailList"][0]["KmsKeyId"] = json!(
                    "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
                )
            },
            "drift-key",
            "/kms",
            29,
        ),
        (
            "describe-trails.json",
            |v| {
                v["trailList"][0]["SnsTopicARN"] = json!("arn:aws:sns:eu-west-1:111122223333:other")
            },
            "drift-topic",
            "/sns",
            32,
        ),
        // A CIS alarm deleted (`aws cloudwatch delete-alarms`).
        (
            "describe-alarms.json",
            |v| {
                if let Some(list) = v["MetricAlarms"].as_array_mut() {
                    list.retain(|a| a["AlarmName"] != "management-events-root-account-usage");
                }
            },
            "drift-alarm",
            "/alarms/cis/0",
            59,
        ),
    ];
    for (file, change, code, path, line) in cases {
        let dir = in_step();
        edit(dir.path(), file, change);
        let out = drift(dir.path(), &["--format", "json"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            findings(&out),
            [(code.to_string(), path.to_string(), line)],
            "{file}"
        );
    }
}

#[test]
fn the_same_events_written_as_advanced_selectors_are_not_drift() {
    let dir = in_step();
    // What CloudTrail itself shows after converting the basic selector to advanced ones.
    edit(dir.path(), "get-event-selectors.json", |v| {
        *v = json!({
            "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/management-events",
            "AdvancedEventSelectors": [
                { "Name": "Management events selector", "FieldSelectors": [
                    { "Field": "eventCategory", "Equals": ["Management"] },
                    { "Field": "eventSource", "NotEquals": ["kms.amazonaws.com"] } ] },
                { "Name": "S3 data events selector", "FieldSelectors": [
                    { "Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::acme-contracts/signed", "arn:aws:s3:::acme-payroll-exports/"] },
                    { "Field": "eventCategory", "Equals": ["Data"] },
                    { "Field": "resources.type", "Equals": ["AWS::S3::Object"] } ] }
            ]
        })
    });
    let out = drift(dir.path(), &["--format", "json"]);
    assert_eq!(findings(&out), []);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn what_no_file_gives_is_not_compared_and_said() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        root().join("tests/import/aws-cli/in-step/describe-trails.json"),
        dir.path().join("describe-trails.json"),
    )
    .expect("copy");
    let out = drift(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("not compared, as no file gives them: logging (get-trail-status)"),
        "{stderr}"
    );
}

/// A log group that keeps its events forever (no `retentionInDays`) imports as
/// `retention_days: never`, and that spec is no drift from the same trail.
#[test]
fn a_group_kept_forever_imports_as_never_and_is_no_drift() {
    let dir = in_step();
    edit(dir.path(), "describe-log-groups.json", |v| {
        if let Some(group) = v["logGroups"][0].as_object_mut() {
            group.remove("retentionInDays");
        }
    });
    let files = files(dir.path());
    let spec = tempfile::tempdir().expect("temp dir");
    let written = spec.path().join("spec.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .arg("import")
        .args(&files)
        .arg("-o")
        .arg(&written)
        .output()
        .expect("trailsmith runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&written).expect("the imported spec");
    assert!(text.contains("  retention_days: never\n"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .arg("drift")
        .arg(&written)
        .args(&files)
        .output()
        .expect("trailsmith runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
