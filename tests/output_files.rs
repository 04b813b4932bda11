//! What `synth -o` leaves on disk beyond the bytes: permissions, symlinks, and no stray files.
//! (Exit codes and messages are covered by the data-file cases in `tests/cmd/`.)

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
