//! What `synth -o` leaves on disk beyond the bytes: permissions, symlinks, and no stray files;
//! and what `synth DIR --out-dir` writes and `--check` answers as specs are edited, added and
//! removed. (Exit codes and messages are covered by the data-file cases in `tests/cmd/`.)

use std::path::Path;
use std::process::Command;

const SPEC: &str = "version: 1\ntrail:\n  name: tiny-audit\n";

fn synth(dir: &Path, out: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .current_dir(dir)
        .args([
            "synth",
            "spec.yaml",
            "--target",
            "cloudformation",
            "-o",
            out,
        ])
        .output()
        .expect("trailsmith runs")
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("spec.yaml"), SPEC).expect("write spec");
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[cfg(unix)]
#[test]
fn new_files_are_readable_by_all_and_replaced_files_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    assert!(synth(dir.path(), "new.json").status.success());
    let mode = |p: &str| {
        std::fs::metadata(dir.path().join(p))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("new.json"), 0o644);

    let kept = dir.path().join("kept.json");
    std::fs::write(&kept, "old").expect("write");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    assert!(synth(dir.path(), "kept.json").status.success());
    assert_eq!(mode("kept.json"), 0o640);
    assert!(std::fs::read_to_string(&kept)
        .expect("read")
        .contains("AWS::CloudTrail::Trail"));
    // The temporary file was renamed into place, not left beside it.
    assert_eq!(names(dir.path()), ["kept.json", "new.json", "spec.yaml"]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_written_through_and_stays_a_link() {
    let dir = scratch();
    std::fs::write(dir.path().join("real.json"), "{}").expect("write");
    std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).expect("symlink");
    assert!(synth(dir.path(), "link.json").status.success());
    let link = std::fs::symlink_metadata(dir.path().join("link.json")).expect("meta");
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let real = std::fs::read_to_string(dir.path().join("real.json")).expect("read");
    assert!(real.contains("AWS::CloudTrail::Trail"));
}

/// An output that is the spec under another name (a symlink to it, a hard link) would overwrite
/// the spec: refused, and the spec is unchanged.
#[cfg(unix)]
#[test]
fn an_output_that_is_the_spec_by_a_link_is_refused() {
    let dir = scratch();
    std::os::unix::fs::symlink("spec.yaml", dir.path().join("soft.json")).expect("symlink");
    std::fs::hard_link(dir.path().join("spec.yaml"), dir.path().join("hard.json")).expect("link");
    for out in ["soft.json", "hard.json", "./spec.yaml"] {
        let run = synth(dir.path(), out);
        assert_eq!(run.status.code(), Some(2), "{out}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(&format!("{out} is both a spec and an output")),
            "{out}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("spec.yaml")).expect("read"),
            SPEC
        );
    }
}

/// `trailsmith ARGS...` run in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("trailsmith runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A scratch directory with `trails/audit.yaml` and `trails/teams/ledger.yaml`.
fn spec_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let teams = dir.path().join("trails/teams");
    std::fs::create_dir_all(&teams).expect("mkdir");
    std::fs::write(dir.path().join("trails/audit.yaml"), SPEC).expect("write");
    std::fs::write(
        teams.join("ledger.yaml"),
        SPEC.replace("tiny-audit", "ledger-audit"),
    )
    .expect("write");
    dir
}

const TREE_CHECK: [&str; 7] = [
    "synth",
    "trails",
    "--target",
    "cloudformation",
    "--out-dir",
    "out",
    "--check",
];

/// Applies `synth --check --diff`'s output to the files, as `patch -p0` would: each file's hunks
/// in order, a `--- /dev/null` file created.
fn apply(root: &Path, diff: &str) {
    let mut lines = diff.split_inclusive('\n').peekable();
    while let Some(header) = lines.next() {
        let old = header
            .strip_prefix("--- ")
            .expect("a file header")
            .trim_end();
        let new = lines
            .next()
            .and_then(|l| l.strip_prefix("+++ "))
            .expect("+++");
        let path = root.join(new.trim_end());
        let text = if old == "/dev/null" {
            String::new()
        } else {
            std::fs::read_to_string(&path).expect("read")
        };
        let before: Vec<&str> = text.split_inclusive('\n').collect();
        let (mut out, mut at) = (String::new(), 0);
        while let Some(hunk) = lines.next_if(|l| l.starts_with("@@ -")) {
            let start: usize = hunk[4..]
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .expect("start");
            let from = if hunk[4..]
                .split(' ')
                .next()
                .is_some_and(|r| r.ends_with(",0"))
            {
                start
            } else {
                start - 1
            };
            before[at..from].iter().for_each(|l| out.push_str(l));
            at = from;
            while let Some(l) = lines.next_if(|l| !l.starts_with("@@") && !l.starts_with("--- ")) {
                match l.split_at(1) {
                    (" ", _) => {
                        out.push_str(before[at]);
                        at += 1;
                    }
                    ("-", _) => at += 1,
                    ("+", rest) => out.push_str(rest),
                    _ => panic!("not a diff line: {l:?}"),
                }
            }
        }
        before[at..].iter().for_each(|l| out.push_str(l));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, out).expect("write");
    }
}

#[test]
fn a_directory_of_specs_is_mirrored_and_matches_each_spec_compiled_alone() {
    let dir = spec_tree();
    let write = &TREE_CHECK[..6];
    assert_eq!(run(dir.path(), write).0, Some(0));
    let first = std::fs::read(dir.path().join("out/teams/ledger.template.json")).expect("read");
    let (code, alone, _) = run(
        dir.path(),
        &["synth", "trails/teams/ledger.yaml", "-t", "cloudformation"],
    );
    assert_eq!(code, Some(0));
    assert_eq!(String::from_utf8_lossy(&first), alone);
    // Deterministic: a second run writes the same bytes, and nothing beside them.
    assert_eq!(run(dir.path(), write).0, Some(0));
    let second = std::fs::read(dir.path().join("out/teams/ledger.template.json")).expect("read");
    assert_eq!(first, second);
    assert_eq!(
        names(&dir.path().join("out")),
        ["audit.template.json", "teams"]
    );
    assert_eq!(
        names(&dir.path().join("out/teams")),
        ["ledger.template.json"]
    );
}

#[test]
fn the_diff_of_a_stale_or_missing_output_brings_it_up_to_date() {
    let dir = spec_tree();
    assert_eq!(run(dir.path(), &TREE_CHECK[..6]).0, Some(0));
    let audit = dir.path().join("out/audit.template.json");
    let text = std::fs::read_to_string(&audit).expect("read");
    // A hand edit in two places, and an output deleted.
    let edited = text
        .replacen("\"IsLogging\": true", "\"IsLogging\": false", 1)
        .replacen(
            "  \"Resources\": {\n",
            "  \"Resources\": {\n    \"Extra\": {},\n",
            1,
        );
    assert_ne!(edited, text);
    std::fs::write(&audit, &edited).expect("write");
    std::fs::remove_file(dir.path().join("out/teams/ledger.template.json")).expect("rm");

    let diff_args = [&TREE_CHECK[..], &["--diff"]].concat();
    let (code, diff, stderr) = run(dir.path(), &diff_args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("stale: out/audit.template.json"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing: out/teams/ledger.template.json"),
        "{stderr}"
    );
    assert!(diff.contains("-    \"Extra\": {},\n"), "{diff}");
    // `--check` wrote nothing.
    assert_eq!(std::fs::read_to_string(&audit).expect("read"), edited);

    apply(dir.path(), &diff);
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK);
    assert_eq!(code, Some(0), "after applying the diff: {stderr}");
    assert!(stderr.contains("2 output(s) up to date"), "{stderr}");
}

/// `synth` does not read the folders it has just made when it looks for orphans (nothing in them
/// is anyone else's); a folder that was there before is still read, in the same run.
#[test]
fn an_orphan_in_an_old_folder_is_found_by_a_run_that_also_makes_new_folders() {
    let dir = spec_tree();
    assert_eq!(run(dir.path(), &TREE_CHECK[..6]).0, Some(0));
    std::fs::remove_file(dir.path().join("trails/teams/ledger.yaml")).expect("rm");
    let new = dir.path().join("trails/new/deeper");
    std::fs::create_dir_all(&new).expect("mkdir");
    std::fs::write(
        new.join("fresh.yaml"),
        SPEC.replace("tiny-audit", "fresh-audit"),
    )
    .expect("write");
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK[..6]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("out/teams/ledger.template.json is an orphan"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("fresh.template.json is an orphan"),
        "{stderr}"
    );
    assert!(dir
        .path()
        .join("out/new/deeper/fresh.template.json")
        .exists());
    // The folders made by the run hold its output and nothing else: --check agrees.
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("orphan: out/teams/ledger.template.json"),
        "{stderr}"
    );
    assert!(!stderr.contains("orphan: out/new"), "{stderr}");
}

#[test]
fn an_output_whose_spec_is_gone_is_an_orphan_that_check_fails_on_and_synth_keeps() {
    let dir = spec_tree();
    assert_eq!(run(dir.path(), &TREE_CHECK[..6]).0, Some(0));
    std::fs::remove_file(dir.path().join("trails/teams/ledger.yaml")).expect("rm");
    let orphan = "out/teams/ledger.template.json";
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&format!("orphan: {orphan}")), "{stderr}");
    assert!(!stderr.contains("audit.template.json"), "{stderr}");
    // Quiet: the same answer, not a word.
    let quiet = [&TREE_CHECK[..], &["--quiet"]].concat();
    assert_eq!(
        run(dir.path(), &quiet),
        (Some(1), String::new(), String::new())
    );
    // `synth` names it and leaves it: removing a file is the user's decision.
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK[..6]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{orphan} is an orphan")),
        "{stderr}"
    );
    assert!(dir.path().join(orphan).exists());
    // A list of files answers only for its own outputs: the orphan is not its business.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "synth",
            "trails/audit.yaml",
            "-t",
            "cloudformation",
            "--out-dir",
            "out",
            "--check",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_directory_with_one_bad_spec_writes_nothing() {
    let dir = spec_tree();
    std::fs::write(
        dir.path().join("trails/teams/broken.yaml"),
        "version: 1\ntrail:\n  name: Not A Name\n",
    )
    .expect("write");
    let (code, _, stderr) = run(dir.path(), &TREE_CHECK[..6]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("trails/teams/broken.yaml:3:"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "out/ was made");
    // Specs under the out dir's own tree are not read twice, nor outputs read as specs: writing
    // the outputs beside the specs works and checks.
    std::fs::remove_file(dir.path().join("trails/teams/broken.yaml")).expect("rm");
    let beside = ["synth", "trails", "-t", "terraform", "--out-dir", "trails"];
    assert_eq!(run(dir.path(), &beside).0, Some(0));
    assert!(dir
        .path()
        .join("trails/teams/ledger/main.tf.json")
        .is_file());
    let (code, _, stderr) = run(dir.path(), &[&beside[..], &["--check"]].concat());
    assert_eq!(code, Some(0), "{stderr}");
}

/// A new output is created with its mode when the umask leaves 0644 whole, and given it after
/// creation when the umask would narrow it (`src/cli/outputs.rs` skips the `fchmod` otherwise):
/// either way it ends 0644, in a directory the run made and in one that was there.
#[cfg(unix)]
#[test]
fn new_files_are_0644_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    for umask in ["000", "022", "027", "077"] {
        let dir = scratch();
        let status = Command::new("sh")
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!(
                "umask {umask} && \"$0\" synth spec.yaml --target terraform --out-dir made && exec \"$0\" synth spec.yaml --target cloudformation -o here.json"
            ))
            .arg(env!("CARGO_BIN_EXE_trailsmith"))
            .status()
            .expect("sh runs");
        assert!(status.success(), "umask {umask}");
        for file in ["made/spec/main.tf.json", "here.json"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "{file} with umask {umask}");
        }
    }
}
