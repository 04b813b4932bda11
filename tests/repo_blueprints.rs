//! A repository's own blueprints, found without `--blueprints` on every command: the
//! `TRAILSMITH_BLUEPRINTS` environment variable, or a `trailsmith.toml` above the specs naming
//! the folder. Precedence: the flag, then the variable, then the nearest file, then the shipped
//! blueprints alone. Each test builds its repository in a temporary folder.

use std::path::Path;
use std::process::{Command, Output};

/// A blueprint named `acme` whose trail name says which folder it came from.
fn blueprint(dir: &Path, marker: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let text = format!(
        "# blueprint: acme\n# description: Acme's trail ({marker})\n# param: team (required) the team\nversion: 1\ntrail:\n  name: {{{{cat \"{marker}-\" team}}}}\n"
    );
    std::fs::write(dir.join("acme.yaml.hbs"), text).expect("write blueprint");
}

fn spec(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, "version: 1\nextends: acme\nwith:\n  team: payments\n")
        .expect("write spec");
}

fn run(cwd: &Path, env: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailsmith"));
    cmd.current_dir(cwd)
        .args(args)
        .env_remove("TRAILSMITH_BLUEPRINTS");
    if let Some(dir) = env {
        cmd.env("TRAILSMITH_BLUEPRINTS", dir);
    }
    cmd.output().expect("runs")
}

/// The trail name of the CloudFormation output: which blueprint the spec was built on.
fn trail_name(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let template: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    template["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| r["Type"] == "AWS::CloudTrail::Trail")
        .and_then(|r| r["Properties"]["TrailName"].as_str())
        .expect("a trail")
        .to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_nearest_trailsmith_toml_names_the_blueprints_of_the_specs_below_it() {
    let repo = tempfile::tempdir().expect("tempdir");
    let root = repo.path();
    std::fs::write(
        root.join("trailsmith.toml"),
        "# Acme's trails\nblueprints = \"standards\"\n",
    )
    .expect("toml");
    blueprint(&root.join("standards"), "toml");
    spec(&root.join("teams/payments/trail.yaml"));
    let synth = [
        "synth",
        "teams/payments/trail.yaml",
        "--target",
        "cloudformation",
    ];
    // From the root, from the spec's folder and from elsewhere: the file is found from the spec.
    assert_eq!(trail_name(&run(root, None, &synth)), "toml-payments");
    let inside = run(
        &root.join("teams/payments"),
        None,
        &["synth", "trail.yaml", "-t", "cfn"],
    );
    assert_eq!(trail_name(&inside), "toml-payments");
    let spec_path = root.join("teams/payments/trail.yaml");
    let far = run(
        Path::new("/"),
        None,
        &["synth", spec_path.to_str().expect("UTF-8"), "-t", "cfn"],
    );
    assert_eq!(trail_name(&far), "toml-payments");
    // `init` and `blueprints` look from the current directory.
    let listing = run(&root.join("teams"), None, &["blueprints"]);
    assert!(String::from_utf8_lossy(&listing.stdout).contains("Acme's trail (toml)"));
    // A nearer file wins for the specs below it.
    std::fs::write(
        root.join("teams/trailsmith.toml"),
        "blueprints = \"../other\"\n",
    )
    .expect("toml");
    blueprint(&root.join("other"), "nearer");
    assert_eq!(trail_name(&run(root, None, &synth)), "nearer-payments");
}

#[test]
fn the_flag_beats_the_environment_which_beats_the_file() {
    let repo = tempfile::tempdir().expect("tempdir");
    let root = repo.path();
    std::fs::write(root.join("trailsmith.toml"), "blueprints = \"standards\"\n").expect("toml");
    blueprint(&root.join("standards"), "toml");
    blueprint(&root.join("from-env"), "env");
    blueprint(&root.join("from-flag"), "flag");
    spec(&root.join("trail.yaml"));
    let synth = ["synth", "trail.yaml", "--target", "cloudformation"];
    assert_eq!(trail_name(&run(root, None, &synth)), "toml-payments");
    let env = root.join("from-env");
    assert_eq!(trail_name(&run(root, Some(&env), &synth)), "env-payments");
    let with_flag = [&synth[..], &["--blueprints", "from-flag"]].concat();
    assert_eq!(
        trail_name(&run(root, Some(&env), &with_flag)),
        "flag-payments"
    );
}

#[test]
fn without_a_file_only_the_shipped_blueprints_are_known() {
    let repo = tempfile::tempdir().expect("tempdir");
    spec(&repo.path().join("trail.yaml"));
    let out = run(repo.path(), None, &["validate", "trail.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("acme"), "{}", stderr(&out));
}

#[test]
fn a_wrong_trailsmith_toml_is_a_located_usage_error() {
    let cases = [
        (
            "blueprint = \"standards\"\n",
            "trailsmith.toml:1:1: unknown key `blueprint`; trailsmith.toml takes: blueprints",
        ),
        (
            "blueprints = 3\n",
            "trailsmith.toml:1:14: `blueprints` is a directory, written as a string",
        ),
        (
            "\nblueprints = \"missing\"\n",
            "trailsmith.toml:2:14: `blueprints = \"missing\"` names",
        ),
        ("blueprints = \"standards\n", "trailsmith.toml:1:"),
    ];
    for (text, want) in cases {
        let repo = tempfile::tempdir().expect("tempdir");
        let root = repo.path();
        std::fs::write(root.join("trailsmith.toml"), text).expect("toml");
        blueprint(&root.join("standards"), "toml");
        spec(&root.join("trail.yaml"));
        let out = run(root, None, &["validate", "trail.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{text}: {}", stderr(&out));
    }
}

#[test]
fn specs_under_different_files_are_refused_together() {
    let repo = tempfile::tempdir().expect("tempdir");
    let root = repo.path();
    for team in ["a", "b"] {
        std::fs::create_dir_all(root.join(team)).expect("mkdir");
        std::fs::write(
            root.join(team).join("trailsmith.toml"),
            "blueprints = \"bp\"\n",
        )
        .expect("toml");
        blueprint(&root.join(team).join("bp"), team);
        spec(&root.join(team).join("trail.yaml"));
    }
    let out = run(root, None, &["validate", "a/trail.yaml", "b/trail.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("different trailsmith.toml files"),
        "{}",
        stderr(&out)
    );
}
