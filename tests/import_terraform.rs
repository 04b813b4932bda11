//! `import` of Terraform plans and states trailsmith did not write (`tests/import/terraform/`,
//! made by terraform itself, see its README): the spec it writes is one `validate` accepts and
//! `synth` compiles for both targets, it records the same events as the fixture's trail, and
//! `drift` finds no difference between that spec and the fixture. (The text of each imported
//! spec and its notes is pinned by `tests/cmd/import-terraform-*`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use trailsmith::deployed::{self, canonical, Env, File};

const FIXTURES: [&str; 2] = ["trussworks-plan/plan.json", "cloudposse-state/state.json"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import/terraform")
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

/// Imports a fixture into `spec.yaml` in `dir`; the fixture's path.
fn import(dir: &Path, name: &str) -> String {
    let path = fixture(name);
    let path = path.to_str().expect("UTF-8 path").to_string();
    succeeds(
        &trailsmith(dir, &["import", "-o", "spec.yaml", &path]),
        name,
    );
    path
}

#[test]
fn each_imported_spec_validates_and_compiles_for_both_targets() {
    for name in FIXTURES {
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

/// The fixture's selectors and what the imported spec's plan records, at the deployment the
/// fixture describes, are the same set of canonical selectors.
#[test]
fn each_imported_spec_records_what_the_fixture_records() {
    for name in FIXTURES {
        let text = std::fs::read_to_string(fixture(name)).expect("fixture");
        let files = [File {
            name: name.into(),
            text,
        }];
        let read = deployed::read(&files, None).expect("the fixture reads");
        let fixture_selectors = read.deployed.selectors.as_ref().expect("selectors known");
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
            .unwrap_or_else(|| panic!("{name}: the plan depends on what the fixture does not say"));
        assert_eq!(
            canonical(&recorded, &env.partition),
            canonical(fixture_selectors, &env.partition),
            "{name}: the imported spec records other events than the fixture"
        );
    }
}

fn no_drift(name: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = import(dir.path(), name);
    let out = trailsmith(dir.path(), &["drift", "spec.yaml", &path]);
    succeeds(&out, &format!("drift of {name}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no drift"), "{stderr}");
}

#[test]
fn the_state_shows_no_drift_from_its_imported_spec() {
    no_drift("cloudposse-state/state.json");
}

/// The plan creates the trail's key, so its ARN is unknown and the imported spec says `kms: {}`:
/// drift checks that a key is used, not which.
#[test]
fn the_plan_shows_no_drift_from_its_imported_spec() {
    no_drift("trussworks-plan/plan.json");
}

/// The reverse: a spec that asks for no key, against the plan's created key, is drift at `/kms`.
#[test]
fn a_spec_without_a_key_drifts_from_a_plan_that_creates_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = import(dir.path(), "trussworks-plan/plan.json");
    let spec = dir.path().join("spec.yaml");
    let text = std::fs::read_to_string(&spec).expect("imported spec");
    assert!(text.contains("\nkms: {}\n"), "{text}");
    std::fs::write(&spec, text.replace("\nkms: {}\n", "\nkms: false\n")).expect("spec written");
    let out = trailsmith(dir.path(), &["drift", "spec.yaml", &path]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[drift-key]") && stderr.contains("a key the source creates"),
        "{stderr}"
    );
}
