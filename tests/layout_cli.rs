//! `synth` on a spec with `accounts` (an organization layout): one file per part with
//! `--out-dir`, one part with `--part`, `--check` over the parts, and the usage errors that keep a
//! two-part spec off a single destination. Each run goes through the binary, in a scratch
//! directory.

use std::path::Path;
use std::process::{Command, Output};

const LAYOUT: &str = "version: 1
trail:
  name: org-audit
  home_region: eu-west-1
  organization: { id: o-a1b2c3d4e5 }
accounts: { log_archive: \"111111111111\", management: \"222222222222\" }
bucket: { name: org-audit-logs-111111111111-eu-west-1 }
tags: { owner: platform }
silence:
  no-access-logging: the log archive account logs access centrally
  no-alarms: alarms are not under test here
";

const SINGLE: &str = "version: 1\ntrail: { name: tiny-audit }\n";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("trailsmith runs")
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("org.yaml"), LAYOUT).expect("write spec");
    std::fs::write(dir.path().join("tiny.yaml"), SINGLE).expect("write spec");
    dir
}

/// `synth org.yaml -t cloudformation --out-dir out`, with `--check` when asked.
fn org_to_out(dir: &Path, check: bool) -> Output {
    let mut args = vec![
        "synth",
        "org.yaml",
        "-t",
        "cloudformation",
        "--out-dir",
        "out",
    ];
    if check {
        args.push("--check");
    }
    run(dir, &args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const CFN_PARTS: [&str; 2] = [
    "out/org.log-archive.template.json",
    "out/org.management.template.json",
];
const TF_PARTS: [&str; 2] = [
    "out/org/log-archive/main.tf.json",
    "out/org/management/main.tf.json",
];

#[test]
fn out_dir_writes_one_file_per_part_and_part_prints_the_same_bytes() {
    let dir = scratch();
    let d = dir.path();
    for (target, files) in [("cloudformation", CFN_PARTS), ("terraform", TF_PARTS)] {
        let o = run(
            d,
            &[
                "synth",
                "org.yaml",
                "tiny.yaml",
                "-t",
                target,
                "--out-dir",
                "out",
            ],
        );
        assert!(o.status.success(), "{target}: {}", stderr(&o));
        for (file, part) in files.iter().zip(["log-archive", "management"]) {
            let printed = run(d, &["synth", "org.yaml", "-t", target, "--part", part]);
            assert!(printed.status.success(), "{}", stderr(&printed));
            assert_eq!(
                String::from_utf8_lossy(&printed.stdout),
                read(d, file),
                "{target} {part}"
            );
        }
    }
    // The single-account spec beside it keeps its one output.
    assert!(d.join("out/tiny.template.json").is_file());
    assert!(d.join("out/tiny/main.tf.json").is_file());
    // Each part says where it belongs.
    let la = read(d, CFN_PARTS[0]);
    assert!(la.contains("\"111111111111\"") && !la.contains("AWS::CloudTrail::Trail"));
    let mgmt = read(d, TF_PARTS[1]);
    assert!(mgmt.contains("\"222222222222\"") && mgmt.contains("aws_cloudtrail"));
}

#[test]
fn check_compares_every_part() {
    let dir = scratch();
    let d = dir.path();
    let write = run(
        d,
        &["synth", "org.yaml", "-t", "terraform", "--out-dir", "out"],
    );
    assert!(write.status.success(), "{}", stderr(&write));
    let check = |d: &Path| {
        run(
            d,
            &[
                "synth",
                "org.yaml",
                "-t",
                "terraform",
                "--out-dir",
                "out",
                "--check",
            ],
        )
    };
    let fresh = check(d);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    assert!(
        stderr(&fresh).contains("2 output(s) up to date"),
        "{}",
        stderr(&fresh)
    );

    std::fs::write(d.join(TF_PARTS[1]), "{}\n").expect("edit");
    let stale = check(d);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        stderr(&stale).contains(&format!("stale: {}", TF_PARTS[1])),
        "{}",
        stderr(&stale)
    );

    std::fs::remove_file(d.join(TF_PARTS[0])).expect("remove");
    let missing = check(d);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains(&format!("missing: {}", TF_PARTS[0])),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_two_part_spec_needs_a_part_for_one_destination() {
    let dir = scratch();
    let d = dir.path();
    for args in [
        vec!["synth", "org.yaml", "-t", "cloudformation"],
        vec!["synth", "org.yaml", "-t", "terraform", "-o", "one.tf.json"],
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("lays the trail out over two accounts")
                && e.contains("--part log-archive or --part management")
                && e.contains("--out-dir DIR"),
            "{e}"
        );
    }
    assert!(!d.join("one.tf.json").exists());
    let single = run(
        d,
        &[
            "synth",
            "tiny.yaml",
            "-t",
            "terraform",
            "--part",
            "management",
        ],
    );
    assert_eq!(single.status.code(), Some(2));
    assert!(
        stderr(&single).contains("has no `accounts` section"),
        "{}",
        stderr(&single)
    );
}

#[test]
fn an_invalid_layout_writes_nothing() {
    let dir = scratch();
    let d = dir.path();
    std::fs::write(
        d.join("org.yaml"),
        LAYOUT.replace("  home_region: eu-west-1\n", ""),
    )
    .expect("write");
    let o = org_to_out(d, false);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error[accounts-home-region]"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("out").exists());
}

#[test]
fn the_outputs_of_a_spec_s_earlier_shape_are_named_as_leftovers() {
    let dir = scratch();
    let d = dir.path();
    // org.yaml was a single-account spec when out/ was last written.
    std::fs::write(d.join("org.yaml"), SINGLE).expect("write");
    let before = org_to_out(d, false);
    assert!(before.status.success(), "{}", stderr(&before));
    std::fs::write(d.join("org.yaml"), LAYOUT).expect("write");
    let write = org_to_out(d, false);
    assert!(write.status.success(), "{}", stderr(&write));
    assert!(
        stderr(&write)
            .contains("out/org.template.json is left from when its spec had another layout"),
        "{}",
        stderr(&write)
    );
    let check = org_to_out(d, true);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("leftover: out/org.template.json"),
        "{}",
        stderr(&check)
    );
    std::fs::remove_file(d.join("out/org.template.json")).expect("remove");
    let clean = org_to_out(d, true);
    assert!(clean.status.success(), "{}", stderr(&clean));
    // And back: the parts are leftovers of a spec that lost its `accounts`.
    std::fs::write(d.join("org.yaml"), SINGLE).expect("write");
    let back = org_to_out(d, true);
    assert_eq!(back.status.code(), Some(1));
    for part in CFN_PARTS {
        assert!(
            stderr(&back).contains(&format!("leftover: {part}")),
            "{}",
            stderr(&back)
        );
    }
}

/// A one-account spec in JSON whose name is what a whole-trail output of `org.yaml` would be.
const NAMED_LIKE_AN_OUTPUT: &str = "{\"version\": 1, \"trail\": {\"name\": \"tpl-audit\"}}\n";
const BESIDE: [&str; 7] = [
    "synth",
    "org.yaml",
    "org.template.json",
    "-t",
    "cloudformation",
    "--out-dir",
    ".",
];

#[test]
fn a_layout_beside_a_spec_named_like_its_whole_output_is_not_refused() {
    let dir = scratch();
    let d = dir.path();
    // org.template.json is a spec of this run; the layout org.yaml writes its parts, not
    // org.template.json, so nothing would be overwritten.
    std::fs::write(d.join("org.template.json"), NAMED_LIKE_AN_OUTPUT).expect("write");
    let o = run(d, &BESIDE);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.join("org.log-archive.template.json").is_file());
    assert!(d.join("org.template.template.json").is_file());
    assert_eq!(read(d, "org.template.json"), NAMED_LIKE_AN_OUTPUT);
    // A single-account spec whose output would be that spec is still refused.
    std::fs::write(d.join("org.yaml"), SINGLE).expect("write");
    let refused = run(d, &BESIDE);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is both a spec and an output"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(read(d, "org.template.json"), NAMED_LIKE_AN_OUTPUT);
}
