//! What `import` leaves on disk: the spec it writes is one `validate` accepts and `synth` compiles
//! for both targets, an existing file is kept without `--force`, and bad input writes nothing.
//! (The text of the spec and of each error is pinned by the `tests/cmd/import-*` cases.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

fn console_trail() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/aws-cli/console-trail");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

fn trailsmith(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("trailsmith runs")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_imported_spec_validates_and_compiles_for_both_targets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = strings(&["import", "-o", "imported.yaml"]);
    args.extend(console_trail());
    let out = trailsmith(dir.path(), &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec = std::fs::read_to_string(dir.path().join("imported.yaml")).expect("written");
    assert!(
        spec.starts_with("# yaml-language-server: $schema="),
        "{spec}"
    );

    let out = trailsmith(dir.path(), &strings(&["validate", "imported.yaml"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for target in ["cloudformation", "terraform"] {
        let out = trailsmith(
            dir.path(),
            &strings(&["synth", "imported.yaml", "-t", target]),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        // What the trail writes to is the deployed trail's, by name.
        for deployed in [
            "aws-cloudtrail-logs-111122223333-8f2c1a9e",
            "arn:aws:kms:eu-west-1:111122223333:key/0f6a3e1c-4b2d-4c8e-9a7f-2d5b8c1e3f40",
            "aws-cloudtrail-logs-111122223333-3c1f",
            "CloudTrailRoleForCloudWatchLogs_management-events",
        ] {
            assert!(text.contains(deployed), "{target} output lacks {deployed}");
        }
    }
}

#[test]
fn an_existing_output_is_kept_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("spec.yaml"), "mine\n").expect("write");
    let mut args = strings(&["import", "-o", "spec.yaml"]);
    args.extend(console_trail());
    let out = trailsmith(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("spec.yaml")).expect("kept"),
        "mine\n"
    );

    args.push("--force".into());
    let out = trailsmith(dir.path(), &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replaced = std::fs::read_to_string(dir.path().join("spec.yaml")).expect("replaced");
    assert!(replaced.contains("name: management-events"), "{replaced}");
}

#[test]
fn bad_input_names_the_file_and_writes_nothing() {
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &[
                "bad/list-buckets.json",
                "aws-cli/console-trail/describe-trails.json",
            ],
            1,
            "list-buckets.json:1:1",
        ),
        (
            &["bad/truncated-describe-trails.json"],
            1,
            "truncated-describe-trails.json:8:68",
        ),
        (
            &["bad/two-trails.json"],
            2,
            "two-trails.json lists 2 trails",
        ),
        (
            &["bad/two-trails.json", "--trail", "nope"],
            2,
            "no trail named nope",
        ),
        (
            &["aws-cli/console-trail/get-trail-status.json"],
            2,
            "describe-trails",
        ),
    ];
    for (inputs, code, says) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args = strings(&["import", "-o", "spec.yaml"]);
        args.extend(inputs.iter().map(|a| {
            if a.ends_with(".json") {
                fixture(a)
            } else {
                a.to_string()
            }
        }));
        let out = trailsmith(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{inputs:?}: {stderr}");
        assert!(stderr.contains(says), "{inputs:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{inputs:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert!(left.is_empty(), "{inputs:?} left {left:?}");
    }
}
