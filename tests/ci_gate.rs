//! The CI gate the README documents (`trailsmith validate --deny-warnings`, in text and as SARIF
//! for code scanning) run as a team would run it: over every spec we ship, over a spec `init`
//! writes from the `cis-baseline` blueprint, and over specs with a real risk.
//!
//! Why: a gate that fails on our own examples teaches users to turn it off. It must pass on what
//! we ship (costs are notes, not warnings; examples that choose less on purpose say so under
//! `silence`), and still fail on a risk such as logging stopped or no KMS key, saying that the
//! run failed because of `--deny-warnings`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn trailsmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .args(args)
        .output()
        .expect("run trailsmith")
}

/// Every spec shipped in `examples/` and `examples/teams/`, sorted.
fn shipped_specs() -> Vec<String> {
    let mut found: Vec<PathBuf> = ["examples", "examples/teams"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("examples folder"))
        .map(|entry| entry.expect("entry").path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    found.sort();
    // A wrong folder must not pass with nothing checked.
    assert!(
        found.len() >= 10,
        "expected the shipped specs, found {found:?}"
    );
    found
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_documented_gate_passes_on_every_shipped_spec() {
    let specs = shipped_specs();
    let mut args = vec!["validate", "--deny-warnings"];
    args.extend(specs.iter().map(String::as_str));
    let out = trailsmith(&args);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning["), "{stderr}");
    for spec in &specs {
        assert!(
            stderr.contains(&format!("{spec}: valid")),
            "{spec}: {stderr}"
        );
    }
    // The README's step for code scanning, as written.
    let mut args = vec!["validate", "--format", "sarif", "--deny-warnings"];
    args.extend(specs.iter().map(String::as_str));
    let out = trailsmith(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let levels: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert!(
        levels.iter().all(|&l| l == "note"),
        "only notes are left unsilenced: {levels:?}"
    );
}

#[test]
fn the_gate_passes_on_a_fresh_cis_baseline_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("trail.yaml");
    let spec = spec.to_string_lossy();
    let out = trailsmith(&[
        "init",
        "--blueprint",
        "cis-baseline",
        "--set",
        "trail_name=acme-audit",
        "--set",
        "access_log_bucket=acme-s3-access-logs",
        "--set",
        "alarm_email=secops@example.com",
        "-o",
        &spec,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = trailsmith(&["validate", "--deny-warnings", &spec]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Insights cost money, which the gate shows but does not fail on.
    assert!(stderr.contains("note[cost-insights]"), "{stderr}");
}

#[test]
fn the_gate_fails_on_a_real_risk_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("risky.yaml");
    std::fs::write(
        &spec,
        "version: 1\ntrail: {name: acme-audit, logging: false}\nkms: false\n\
         bucket: {access_logging: {target_bucket: acme-s3-access-logs}}\n\
         alarms: {cis: all, notify: {email: [secops@example.com]}}\ntags: {team: security}\n",
    )
    .expect("write spec");
    let spec = spec.to_string_lossy();
    let out = trailsmith(&["validate", "--deny-warnings", &spec]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("warning[not-logging]"), "{stderr}");
    assert!(stderr.contains("warning[no-kms]"), "{stderr}");
    assert!(
        stderr.contains("0 error(s), 2 warning(s); failed because of --deny-warnings"),
        "{stderr}"
    );
    // Without the flag the same spec passes: warnings inform, the flag makes them a gate.
    let out = trailsmith(&["validate", &spec]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn costs_are_notes_with_a_way_to_narrow_and_to_silence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("costly.yaml");
    std::fs::write(
        &spec,
        "version: 1\ntrail: {name: acme-audit}\n\
         bucket: {access_logging: {target_bucket: acme-s3-access-logs}}\n\
         alarms: {cis: all, notify: {email: [secops@example.com]}}\ntags: {team: security}\n\
         events:\n  data: [{type: AWS::Lambda::Function, all: true}]\n  \
         network_activity: [{source: kms.amazonaws.com}]\n  insights: [api_call_rate]\n",
    )
    .expect("write spec");
    let spec = spec.to_string_lossy();
    let out = trailsmith(&["validate", "--deny-warnings", &spec]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for code in ["cost-data-events", "cost-network-activity", "cost-insights"] {
        assert!(
            stderr.contains(&format!("note[{code}]")),
            "{code}: {stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "or accept the cost with `silence: {{ {code}: REASON }}`"
            )),
            "{code}: {stderr}"
        );
    }
}
