//! `import` of CloudFormation templates and Terraform plans and states that trailsmith did not
//! write (`tests/import/cloudformation/`, `tests/import/terraform/`, each with a README saying
//! how it was made): the spec written is one `validate` accepts and `synth` compiles for both
//! targets, it records the same events as the source's trail, and `drift` of it against the
//! source differs only where `import` said it would. A source without a trail writes nothing.
//! (The text of each imported spec and its notes is pinned by `tests/cmd/import-*`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use trailsmith::deployed::{self, canonical, Env, File};

/// Each source under tests/import/, with the number of its metric filters drift would report
/// with their alarm: none, now that import carries deployed filter, alarm and metric names
/// (`filter_name`, `alarm_name`, `cis_names`) instead of replacing them.
const SOURCES: [(&str, usize); 5] = [
    ("cloudformation/user-guide-trail.yaml", 0),
    ("cloudformation/cdk-trail.template.json", 0),
    ("cloudformation/troposphere-trail.json", 0),
    ("terraform/trussworks-plan/plan.json", 0),
    ("terraform/cloudposse-state/state.json", 0),
];

fn source(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import")
        .join(name);
    path.to_str().expect("UTF-8 path").to_string()
}

fn trailsmith(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("trailsmith runs")
}

fn succeeds(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Imports a source into `spec.yaml` in `dir`; the source's path.
fn import(dir: &Path, name: &str) -> String {
    let path = source(name);
    succeeds(
        &trailsmith(dir, &["import", "-o", "spec.yaml", &path]),
        name,
    );
    path
}

/// The codes of what `drift --format json` reports, sorted, and its exit code.
fn drift_codes(dir: &Path, path: &str) -> (Vec<String>, Option<i32>) {
    let out = trailsmith(dir, &["drift", "spec.yaml", path, "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("drift prints a JSON report");
    let mut codes: Vec<String> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    codes.sort_unstable();
    (codes, out.status.code())
}

#[test]
fn each_imported_spec_validates_and_compiles_for_both_targets() {
    for (name, _) in SOURCES {
        let dir = tempfile::tempdir().expect("temp dir");
        import(dir.path(), name);
        succeeds(&trailsmith(dir.path(), &["validate", "spec.yaml"]), name);
        for target in ["cloudformation", "terraform"] {
            let out = trailsmith(dir.path(), &["synth", "spec.yaml", "-t", target]);
            succeeds(&out, &format!("{name} -t {target}"));
            assert!(!out.stdout.is_empty(), "{name} -t {target}: empty output");
        }
    }
}

/// The source's selectors and what the imported spec's plan records, at the deployment the
/// source describes, are the same set of canonical selectors.
#[test]
fn each_imported_spec_records_what_the_source_records() {
    for (name, _) in SOURCES {
        let text = std::fs::read_to_string(source(name)).expect("source");
        let files = [File {
            name: name.into(),
            text,
        }];
        let read = deployed::read(&files, None).expect("the source reads");
        let source_selectors = read.deployed.selectors.as_ref().expect("selectors known");
        let imported = trailsmith::import::import(
            &read,
            &trailsmith::import::Options {
                organization_id: None,
                schema: "schema.json".into(),
            },
        )
        .expect("imports");
        let checked = trailsmith::validate::check(&imported.text);
        let planned = checked.selectors.unwrap_or_else(|| {
            panic!(
                "{name}: the imported spec is invalid: {:?}",
                checked.diagnostics
            )
        });
        let env = Env::of(&read.deployed);
        let recorded = env
            .selectors(&planned)
            .unwrap_or_else(|| panic!("{name}: the plan depends on what the source does not say"));
        assert_eq!(
            canonical(&recorded, &env.partition),
            canonical(source_selectors, &env.partition),
            "{name}: the imported spec records other events than the source"
        );
    }
}

/// Held against the source it came from, each imported spec differs only where `import` said it
/// would. A key the source creates (the CDK template, the trussworks plan) has an ARN AWS
/// chooses at deploy time, so drift compares its presence only.
#[test]
fn each_imported_spec_drifts_from_its_source_only_where_import_said() {
    for (name, renamed) in SOURCES {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = import(dir.path(), name);
        let (codes, exit) = drift_codes(dir.path(), &path);
        let wanted = [
            vec!["drift-alarm"; renamed],
            vec!["drift-metric-filter"; renamed],
        ]
        .concat();
        assert_eq!(codes, wanted, "{name}");
        assert_eq!(exit, Some(if renamed == 0 { 0 } else { 1 }), "{name}");
    }
}

/// The reverse of a created key: a spec that asks for no key, against a plan that creates one,
/// is drift at `/kms`.
#[test]
fn a_spec_without_a_key_drifts_from_a_source_that_creates_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = import(dir.path(), "terraform/trussworks-plan/plan.json");
    let spec = dir.path().join("spec.yaml");
    let text = std::fs::read_to_string(&spec).expect("imported spec");
    assert!(text.contains("\nkms: {}\n"), "{text}");
    std::fs::write(&spec, text.replace("\nkms: {}\n", "\nkms: false\n")).expect("spec written");
    let (codes, exit) = drift_codes(dir.path(), &path);
    assert_eq!(codes, ["drift-key"]);
    assert_eq!(exit, Some(1));
}

#[test]
fn a_source_without_a_trail_names_the_file_and_writes_nothing() {
    for (name, file) in [
        ("cloudformation/no-trail.yaml", "no-trail.yaml:"),
        ("bad/terraform-no-trail.json", "terraform-no-trail.json:"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = trailsmith(dir.path(), &["import", "-o", "spec.yaml", &source(name)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(file), "{stderr}");
        assert!(stderr.contains("import-no-trail"), "{stderr}");
        assert!(out.stdout.is_empty());
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert!(left.is_empty(), "{name}: left {left:?}");
    }
}
