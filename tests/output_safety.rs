//! What a failed or interrupted `synth` leaves on disk, and where `--out-dir` may write.
//!
//! Every run goes through the real binary under a time limit (`support/bounded_run.rs`), and each
//! test compares a snapshot of its whole sandbox (every path, file content and link target) before
//! and after, so a stray or half-written file anywhere fails it.
//!
//! What these tests prove, and what they cannot:
//! - A spec with errors leaves every existing output byte-identical, with `-o` and with
//!   `--out-dir` and several specs of which one is bad, for both targets.
//! - An output is replaced by renaming a complete file over it: the path gets a new inode, and a
//!   reader that opened the old file before the run still reads the old bytes in full.
//! - A write that fails (the file size limit hit with SIGXFSZ ignored, so `write` returns EFBIG)
//!   exits 2 naming the file, leaves the old output byte-identical and no `.trailsmith-*`
//!   temporary file behind. With `--out-dir`, every output is staged before any is renamed into
//!   place, so a failure while staging leaves all of them untouched. (A rename that fails part-way
//!   would leave the set half replaced; nothing here can make a rename fail on demand.)
//! - A run killed in the middle of writing (SIGXFSZ with its default action, which kills the
//!   process inside `write`, as `kill -9` would) leaves the output byte-identical: the partial
//!   bytes exist only in a `.trailsmith-*` file beside it, which a killed process cannot remove.
//!   Outputs are not synced to disk (see `src/cli/outputs.rs`): after a machine crash an output
//!   may be older than its spec, which `synth --check` reports.
//! - `--out-dir` writes only under the directory whatever the spec paths look like (`../x.yaml`,
//!   `a/../../b.yaml`, absolute paths, spaces, unicode, symlinked specs), and names it cannot
//!   derive an output from (`..yaml`, `.yaml`, `dir/..`) are usage errors that write nothing.
//!   An output path that already exists as a symlink is followed by design (see
//!   `tests/output_files.rs`), so whoever can plant links in the directory can redirect writes.

#![cfg(unix)]

#[path = "support/bounded_run.rs"]
mod bounded_run;

use bounded_run::{bin, run, run_program, Outcome};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const GOOD: &str = "version: 1\ntrail:\n  name: good-audit\n";
const BAD: &str = "version: 1\ntrail:\n  name: bad audit\n";

/// What a path holds: a file's bytes, a link's target, or a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
    Dir,
}

/// Every path under `root` (links not followed).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
        for entry in std::fs::read_dir(dir).expect("list") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("meta");
            if meta.file_type().is_symlink() {
                out.insert(
                    path.clone(),
                    Entry::Link(std::fs::read_link(&path).expect("link")),
                );
            } else if meta.is_dir() {
                out.insert(path.clone(), Entry::Dir);
                walk(&path, out);
            } else {
                out.insert(
                    path.clone(),
                    Entry::File(std::fs::read(&path).expect("read")),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &mut out);
    out
}

/// Paths added or changed between two snapshots.
fn changed(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = after
        .iter()
        .filter(|(p, e)| before.get(*p) != Some(e))
        .map(|(p, _)| p.clone())
        .collect();
    paths.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    paths.sort();
    paths
}

fn synth(dir: &Path, args: &[&str]) -> Outcome {
    let outcome = run(dir, &[&["synth"][..], args].concat(), Stdio::null());
    outcome.assert_sane(&format!("synth {args:?}"));
    outcome
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn example(name: &str) -> String {
    std::fs::read_to_string(Path::new("examples").join(name)).expect("example")
}

#[test]
fn a_bad_spec_among_several_leaves_every_existing_output_byte_identical() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("alpha.yaml"), GOOD);
    write(&dir.join("beta.yaml"), &GOOD.replace("good", "beta"));
    write(&dir.join("gamma.yaml"), BAD);
    for (target, outputs) in [
        (
            "cloudformation",
            [
                "out/alpha.template.json",
                "out/beta.template.json",
                "out/gamma.template.json",
            ],
        ),
        (
            "terraform",
            [
                "out/alpha/main.tf.json",
                "out/beta/main.tf.json",
                "out/gamma/main.tf.json",
            ],
        ),
    ] {
        // Outputs of an earlier run, one per spec; the bad spec's too.
        for (i, o) in outputs.iter().enumerate() {
            write(&dir.join(o), &format!("{{\"earlier\": {i}}}\n"));
        }
        let before = snapshot(dir);
        let outcome = synth(
            dir,
            &[
                "alpha.yaml",
                "gamma.yaml",
                "beta.yaml",
                "--target",
                target,
                "--out-dir",
                "out",
            ],
        );
        assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
        assert!(
            outcome.stderr.contains("nothing written"),
            "{}",
            outcome.stderr
        );
        assert_eq!(changed(&before, &snapshot(dir)), Vec::<PathBuf>::new());
        // The same with -o and the bad spec alone.
        let outcome = synth(dir, &["gamma.yaml", "--target", target, "-o", outputs[2]]);
        assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
        assert_eq!(changed(&before, &snapshot(dir)), Vec::<PathBuf>::new());
    }
}

/// Good outputs are staged while other specs still compile; a bad spec at the end must remove
/// them, and every directory made for them, before the run ends.
#[test]
fn a_bad_last_spec_leaves_no_staged_file_or_new_directory() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    let mut args: Vec<String> = Vec::new();
    for i in 0..40 {
        let name = format!("team{i:02}.yaml");
        write(
            &dir.join(&name),
            &GOOD.replace("good", &format!("team{i:02}")),
        );
        args.push(name);
    }
    write(&dir.join("zz-bad.yaml"), BAD);
    args.push("zz-bad.yaml".into());
    write(&dir.join("kept/earlier.txt"), "kept\n");
    for (target, out_dir) in [
        ("terraform", "fresh/nested/out"),
        ("cloudformation", "fresh/out"),
        ("terraform", "kept"),
    ] {
        let before = snapshot(dir);
        let mut run_args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_args.extend(["--target", target, "--out-dir", out_dir]);
        let outcome = synth(dir, &run_args);
        assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
        assert!(
            outcome.stderr.contains("nothing written"),
            "{}",
            outcome.stderr
        );
        assert_eq!(
            changed(&before, &snapshot(dir)),
            Vec::<PathBuf>::new(),
            "{target} into {out_dir}"
        );
    }
}

#[test]
fn an_output_is_replaced_by_a_rename_and_an_open_reader_keeps_the_old_bytes() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("spec.yaml"), &example("cis.yaml"));
    let old = "{\"earlier\": true}\n".repeat(1000);
    write(&dir.join("template.json"), &old);
    let inode = std::fs::metadata(dir.join("template.json"))
        .expect("meta")
        .ino();
    let reader = std::fs::File::open(dir.join("template.json")).expect("open old");
    let outcome = synth(
        dir,
        &[
            "spec.yaml",
            "--target",
            "cloudformation",
            "-o",
            "template.json",
        ],
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let new_inode = std::fs::metadata(dir.join("template.json"))
        .expect("meta")
        .ino();
    assert_ne!(
        inode, new_inode,
        "the file was rewritten in place, not replaced"
    );
    let mut seen = String::new();
    std::io::Read::read_to_string(&mut &reader, &mut seen).expect("read old");
    assert_eq!(seen, old, "a reader of the old file saw it change");
    let new = std::fs::read_to_string(dir.join("template.json")).expect("read new");
    let _: serde_json::Value = serde_json::from_str(&new).expect("the new output is whole JSON");
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".trailsmith-")),
        "temporary file left: {names:?}"
    );
}

/// Runs `trailsmith ARGS` under `sh` with the file size limit at 32 blocks (16 KiB where a block
/// is 512 bytes, 32 KiB where it is 1,024): the minimal example's CloudFormation output (12 KB)
/// fits, the CIS example's (43 KB) does not. `ignore_xfsz` makes the failing `write` return EFBIG
/// instead of killing the process.
fn synth_under_size_limit(dir: &Path, args: &[&str], ignore_xfsz: bool) -> Outcome {
    let trap = if ignore_xfsz { "trap '' XFSZ; " } else { "" };
    let script = format!("{trap}ulimit -f 32 && exec \"$0\" synth \"$@\"");
    let mut sh_args = vec!["-c", script.as_str(), bin()];
    sh_args.extend_from_slice(args);
    let outcome = run_program(OsStr::new("/bin/sh"), &sh_args, dir, Stdio::null());
    assert!(
        !outcome.stderr.contains("panicked"),
        "trailsmith panicked:\n{}",
        outcome.stderr
    );
    outcome
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".trailsmith-"))
        .collect()
}

#[test]
fn a_failed_write_exits_2_and_leaves_the_old_output_and_no_temporary_file() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("minimal.yaml"), &example("minimal.yaml"));
    write(&dir.join("cis.yaml"), &example("cis.yaml"));
    write(&dir.join("out/minimal.template.json"), "{\"earlier\": 1}\n");
    write(&dir.join("out/cis.template.json"), "{\"earlier\": 2}\n");
    let before = snapshot(dir);
    // One output, then several: every one is staged before any is put in place, so a failure
    // while staging the second leaves the first untouched too.
    let runs: [&[&str]; 2] = [
        &[
            "cis.yaml",
            "--target",
            "cloudformation",
            "-o",
            "out/cis.template.json",
        ],
        &[
            "minimal.yaml",
            "cis.yaml",
            "--target",
            "cloudformation",
            "--out-dir",
            "out",
        ],
    ];
    for args in runs {
        let outcome = synth_under_size_limit(dir, args, true);
        assert_eq!(outcome.code, Some(2), "{args:?}: {}", outcome.stderr);
        assert!(
            outcome
                .stderr
                .contains("cannot write out/cis.template.json"),
            "{args:?}: {}",
            outcome.stderr
        );
        assert_eq!(changed(&before, &snapshot(dir)), Vec::<PathBuf>::new());
    }
    assert_eq!(temporaries(&dir.join("out")), Vec::<String>::new());
}

#[test]
fn a_run_killed_while_writing_leaves_the_old_output() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("cis.yaml"), &example("cis.yaml"));
    write(&dir.join("template.json"), "{\"earlier\": true}\n");
    let outcome = synth_under_size_limit(
        dir,
        &[
            "cis.yaml",
            "--target",
            "cloudformation",
            "-o",
            "template.json",
        ],
        false,
    );
    assert_eq!(
        outcome.code, None,
        "not killed by SIGXFSZ: {}",
        outcome.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("template.json")).expect("read"),
        "{\"earlier\": true}\n"
    );
    // The partial bytes are in the temporary file only (the killed process could not remove it).
    for name in temporaries(dir) {
        let partial = std::fs::read(dir.join(&name)).expect("read temporary");
        assert!(partial.len() < 43_000, "{name} holds the whole output");
    }
}

/// A folder the run makes is written as a hidden stand-in and renamed at the end: a run killed
/// while writing into it, or one whose write fails, leaves nothing under the folder's name (the
/// killed one leaves its `.trailsmith-*` stand-in, which it could not remove), and a run that
/// finishes leaves no stand-in.
#[test]
fn a_new_folder_appears_whole_or_not_at_all() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("minimal.yaml"), &example("minimal.yaml"));
    write(&dir.join("cis.yaml"), &example("cis.yaml"));
    let args = [
        "minimal.yaml",
        "cis.yaml",
        "--target",
        "terraform",
        "--out-dir",
        "new/out",
    ];
    let failed = synth_under_size_limit(dir, &args, true);
    assert_eq!(failed.code, Some(2), "{}", failed.stderr);
    assert!(!dir.join("new").exists(), "a failed run left new/");
    assert_eq!(temporaries(dir), Vec::<String>::new());

    let killed = synth_under_size_limit(dir, &args, false);
    assert_eq!(
        killed.code, None,
        "not killed by SIGXFSZ: {}",
        killed.stderr
    );
    assert!(!dir.join("new").exists(), "a killed run left new/");
    assert_eq!(temporaries(dir).len(), 1, "the killed run's stand-in");
    for name in temporaries(dir) {
        std::fs::remove_dir_all(dir.join(name)).expect("remove the stand-in");
    }

    let outcome = synth(dir, &args);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    for spec in ["minimal", "cis"] {
        let main = dir.join("new/out").join(spec).join("main.tf.json");
        assert!(main.is_file(), "{} missing", main.display());
    }
    assert_eq!(temporaries(dir), Vec::<String>::new());
    assert_eq!(temporaries(&dir.join("new")), Vec::<String>::new());
}

/// An `--out-dir` that is a link to a missing folder is the user's: the run fails and leaves the
/// link as it was, rather than taking its name for a new folder.
#[test]
fn a_dangling_link_as_the_output_folder_is_left_alone() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("minimal.yaml"), &example("minimal.yaml"));
    std::os::unix::fs::symlink("missing/artifacts", dir.join("out")).expect("link");
    let before = snapshot(dir);
    let outcome = synth(
        dir,
        &[
            "minimal.yaml",
            "--target",
            "cloudformation",
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert_eq!(changed(&before, &snapshot(dir)), Vec::<PathBuf>::new());
    assert_eq!(temporaries(dir), Vec::<String>::new());
}

/// Root writes through any mode bits, so as root (most CI containers) the run drops to the
/// `nobody` user with util-linux's `setpriv`; it must not pass without having tried.
#[test]
fn a_read_only_output_directory_is_a_usage_error_without_litter() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = tempfile::tempdir().expect("sandbox");
    let dir = sandbox.path();
    write(&dir.join("spec.yaml"), GOOD);
    write(&dir.join("out/spec.template.json"), "{\"earlier\": true}\n");
    let mode = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    mode(&dir.join("out"), 0o555);
    let root = std::fs::write(dir.join("out/probe"), "").is_ok();
    let args = [
        "synth",
        "spec.yaml",
        "--target",
        "cloudformation",
        "--out-dir",
        "out",
    ];
    let before;
    let outcome = if root {
        let _ = std::fs::remove_file(dir.join("out/probe"));
        // `nobody` must reach the spec and the binary, and nothing else in the sandbox.
        mode(dir, 0o755);
        before = snapshot(dir);
        let mut dropped = vec!["--reuid=65534", "--regid=65534", "--clear-groups", bin()];
        dropped.extend_from_slice(&args);
        let outcome = run_program(OsStr::new("setpriv"), &dropped, dir, Stdio::null());
        assert!(
            !outcome.stderr.contains("setpriv:"),
            "running as root, the case needs util-linux's setpriv to drop to nobody: {}",
            outcome.stderr
        );
        outcome.assert_sane("synth as nobody");
        outcome
    } else {
        before = snapshot(dir);
        synth(dir, &args[1..])
    };
    mode(&dir.join("out"), 0o755);
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("cannot write"),
        "{}",
        outcome.stderr
    );
    assert_eq!(changed(&before, &snapshot(dir)), Vec::<PathBuf>::new());
}

#[test]
fn out_dir_writes_only_under_the_directory_whatever_the_spec_paths() {
    let sandbox = tempfile::tempdir().expect("sandbox");
    let root = sandbox.path();
    let work = root.join("work");
    let spec = |name: &str| GOOD.replace("good-audit", name);
    write(&root.join("x.yaml"), &spec("x-audit"));
    write(&root.join("b.yaml"), &spec("b-audit"));
    write(&work.join("a/keep"), "");
    write(&work.join("with space.yaml"), &spec("space-audit"));
    write(&work.join("ünï😀.yaml"), &spec("unicode-audit"));
    write(&work.join("dots.in.name.yml"), &spec("dots-audit"));
    write(
        &work.join("plain.json"),
        "{\"version\": 1, \"trail\": {\"name\": \"json-audit\"}}",
    );
    write(&root.join("abs/absolute.yaml"), &spec("absolute-audit"));
    write(&root.join("elsewhere/real.yaml"), &spec("linked-audit"));
    std::os::unix::fs::symlink("../elsewhere/real.yaml", work.join("link.yaml")).expect("link");
    let absolute = root.join("abs/absolute.yaml");
    let absolute = absolute.to_str().expect("UTF-8 temp path");
    let specs = [
        "../x.yaml",
        "a/../../b.yaml",
        "with space.yaml",
        "ünï😀.yaml",
        "dots.in.name.yml",
        "plain.json",
        absolute,
        "link.yaml",
    ];
    let names = [
        "x",
        "b",
        "with space",
        "ünï😀",
        "dots.in.name",
        "plain",
        "absolute",
        "link",
    ];
    for (target, out_dir) in [
        ("cloudformation", "out".to_string()),
        ("terraform", root.join("work/tf-out").display().to_string()),
    ] {
        let before = snapshot(root);
        let args = [&specs[..], &["--target", target, "--out-dir", &out_dir]].concat();
        let outcome = synth(&work, &args);
        assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
        let out = work.join(Path::new(&out_dir).file_name().expect("name"));
        let changed = changed(&before, &snapshot(root));
        for path in &changed {
            assert!(
                path.starts_with(&out),
                "{target}: wrote {} outside {}",
                path.display(),
                out.display()
            );
        }
        let mut expected: Vec<PathBuf> = names
            .iter()
            .map(|n| match target {
                "cloudformation" => out.join(format!("{n}.template.json")),
                _ => out.join(n).join("main.tf.json"),
            })
            .collect();
        if target == "terraform" {
            expected.extend(names.iter().map(|n| out.join(n)));
        }
        expected.push(out.clone());
        expected.sort();
        assert_eq!(changed, expected, "{target}");
    }
    // Names no output can be derived from, and two specs with one name, write nothing.
    write(&work.join("..yaml"), &spec("dots-audit"));
    write(&work.join(".yaml"), &spec("hidden-audit"));
    write(&work.join("again/x.yaml"), &spec("x-audit"));
    let before = snapshot(root);
    for args in [
        &["..yaml"][..],
        &[".yaml"],
        // A path ending in `..` that resolves is a directory of specs (mirrored into the out dir);
        // one that does not cannot be read.
        &["no-such-folder/.."],
        &["..."],
        &["../x.yaml", "again/x.yaml"],
    ] {
        let all = [
            args,
            &["--target", "cloudformation", "--out-dir", "refused"],
        ]
        .concat();
        let outcome = synth(&work, &all);
        assert_eq!(outcome.code, Some(2), "{args:?}: {}", outcome.stderr);
        assert_eq!(
            changed(&before, &snapshot(root)),
            Vec::<PathBuf>::new(),
            "{args:?}"
        );
    }
}
