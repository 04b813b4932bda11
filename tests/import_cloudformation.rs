//! `import` of CloudFormation templates trailsmith did not write (`tests/import/cloudformation/`):
//! the spec it writes is one `validate` accepts and `synth` compiles for both targets, and it
//! records the same events as the template's trail; a template without a trail writes nothing.
//! (The text of each imported spec and its notes is pinned by `tests/cmd/import-cloudformation-*`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use trailsmith::deployed::{self, canonical, Env, File};

const TEMPLATES: [&str; 3] = [
    "user-guide-trail.yaml",
    "cdk-trail.template.json",
    "troposphere-trail.json",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import/cloudformation")
        .join(name)
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

#[test]
fn each_imported_spec_validates_and_compiles_for_both_targets() {
    for name in TEMPLATES {
        let dir = tempfile::tempdir().expect("temp dir");
        let template = fixture(name);
        let template = template.to_str().expect("UTF-8 path");
        succeeds(
            &trailsmith(dir.path(), &["import", "-o", "spec.yaml", template]),
            name,
        );
        succeeds(&trailsmith(dir.path(), &["validate", "spec.yaml"]), name);
        for target in ["cloudformation", "terraform"] {
            let out = trailsmith(dir.path(), &["synth", "spec.yaml", "-t", target]);
            succeeds(&out, &format!("{name} -t {target}"));
            assert!(!out.stdout.is_empty(), "{name} -t {target}: empty output");
        }
    }
}

/// The template's selectors and what the imported spec's plan records, at the deployment the
/// template describes, are the same set of canonical selectors.
#[test]
fn each_imported_spec_records_what_the_template_records() {
    for name in TEMPLATES {
        let text = std::fs::read_to_string(fixture(name)).expect("fixture");
        let files = [File {
            name: name.into(),
            text,
        }];
        let read = deployed::read(&files, None).expect("the template reads");
        let template_selectors = read.deployed.selectors.as_ref().expect("selectors known");
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
        let recorded = env.selectors(&planned).unwrap_or_else(|| {
            panic!("{name}: the plan depends on what the template does not say")
        });
        assert_eq!(
            canonical(&recorded, &env.partition),
            canonical(template_selectors, &env.partition),
            "{name}: the imported spec records other events than the template"
        );
    }
}

#[test]
fn a_template_without_a_trail_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let template = fixture("no-trail.yaml");
    let out = trailsmith(
        dir.path(),
        &[
            "import",
            "-o",
            "spec.yaml",
            template.to_str().expect("UTF-8 path"),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-trail.yaml:"), "{stderr}");
    assert!(stderr.contains("import-no-trail"), "{stderr}");
    assert!(out.stdout.is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert!(left.is_empty(), "left {left:?}");
}

/// Each imported spec, held against the template it came from, differs only where `import` said
/// it would: troposphere-trail.json's five filters and their alarms have names of their own,
/// which trailsmith replaces by `<trail>-<name>` (import's note), so drift names each once as a
/// filter and once as an alarm. A key the template creates is compared for presence only.
#[test]
fn each_imported_spec_drifts_from_its_template_only_where_import_said() {
    for (name, renamed) in [
        ("user-guide-trail.yaml", 0),
        ("cdk-trail.template.json", 0),
        ("troposphere-trail.json", 5),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let template = fixture(name);
        let template = template.to_str().expect("UTF-8 path");
        succeeds(
            &trailsmith(dir.path(), &["import", "-o", "spec.yaml", template]),
            name,
        );
        let out = trailsmith(
            dir.path(),
            &["drift", "spec.yaml", template, "--format", "json"],
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("drift prints a JSON report");
        let mut codes: Vec<&str> = report["files"][0]["diagnostics"]
            .as_array()
            .expect("a list of diagnostics")
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        codes.sort_unstable();
        let wanted = [
            vec!["drift-alarm"; renamed],
            vec!["drift-metric-filter"; renamed],
        ]
        .concat();
        assert_eq!(codes, wanted, "{name}: {report}");
        assert_eq!(
            out.status.code(),
            Some(if renamed == 0 { 0 } else { 1 }),
            "{name}"
        );
    }
}
