//! Hostile input through the real binary: each case must end with a clear error, within bounded
//! time and memory, and never hang or panic.
//!
//! Every run is killed after 20 s (the test then fails) and, where GNU time works, its peak resident
//! memory must stay under 200 MB (see `support/bounded_run.rs`). Both limits are guards against
//! blow-ups (an alias bomb expanding, a FIFO blocking forever), not speed claims: they are many
//! times what a debug build needs on two loaded cores. Run with `--nocapture` to see one line per
//! case with its exit code, diagnostic code, time and peak memory.

#![cfg(unix)]

#[path = "support/bounded_run.rs"]
mod bounded_run;

use bounded_run::{run, Outcome};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs `args`, prints a report line and checks the bounds every case shares: no panic, at most
/// the memory limit (the time limit is enforced by the run itself).
fn bounded(name: &str, dir: &Path, args: &[&str], stdin: Stdio) -> Outcome {
    let outcome = run(dir, args, stdin);
    println!("hostile: {name}: {}", outcome.summary());
    outcome.assert_sane(name);
    outcome
}

/// `validate FILE` and `synth FILE` (both targets) refuse the file with `code` (exit 1) and a
/// message containing `message`.
fn refused_as_invalid(name: &str, dir: &Path, file: &str, code: &str, message: &str) {
    let commands: [&[&str]; 3] = [
        &["validate", file],
        &["synth", file, "--target", "cloudformation"],
        &["synth", file, "--target", "terraform"],
    ];
    for args in commands {
        let outcome = bounded(name, dir, args, Stdio::null());
        assert_eq!(
            outcome.code,
            Some(1),
            "{name} {args:?}:\n{}",
            outcome.stderr
        );
        assert_eq!(
            outcome.first_code(),
            Some(code),
            "{name} {args:?}:\n{}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains(message),
            "{name} {args:?}: no `{message}` in\n{}",
            outcome.stderr
        );
        assert!(
            outcome.stdout.is_empty(),
            "{name} {args:?}: wrote to stdout"
        );
    }
}

/// `validate FILE` is a usage error (exit 2) whose message contains `message`.
fn refused_as_unreadable(name: &str, dir: &Path, file: &str, message: &str) {
    for args in [
        &["validate", file][..],
        &["synth", file, "--target", "terraform"],
    ] {
        let outcome = bounded(name, dir, args, Stdio::null());
        assert_eq!(
            outcome.code,
            Some(2),
            "{name} {args:?}:\n{}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains(message),
            "{name} {args:?}: no `{message}` in\n{}",
            outcome.stderr
        );
    }
}

fn sandbox_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write input");
    (dir, path)
}

const HEAD: &str = "version: 1\ntrail:\n  name: hostile-audit\n";

#[test]
fn billion_laughs_stops_at_the_node_limit() {
    let mut text = format!("{HEAD}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let (dir, _) = sandbox_with("laughs.yaml", text.as_bytes());
    refused_as_invalid(
        "alias bomb (10^10 copies)",
        dir.path(),
        "laughs.yaml",
        "limit-exceeded",
        "more than 200000 nodes",
    );
}

#[test]
fn aliases_of_a_long_string_stop_at_the_byte_limit() {
    let long = "x".repeat(60_000);
    let refs = vec!["*s"; 2_000].join(", ");
    let text = format!("{HEAD}s: &s \"{long}\"\nt: [{refs}]\n");
    let (dir, _) = sandbox_with("strings.yaml", text.as_bytes());
    refused_as_invalid(
        "alias bomb (2,000 copies of a 60 KB string)",
        dir.path(),
        "strings.yaml",
        "limit-exceeded",
        "bytes of keys, values and the paths they form",
    );
}

#[test]
fn a_long_key_or_value_is_refused() {
    let long = "k".repeat(1_000_000);
    let (dir, _) = sandbox_with(
        "long.yaml",
        format!("{HEAD}? {long}\n: [{}]\n", vec!["1"; 2_000].join(",")).as_bytes(),
    );
    refused_as_invalid(
        "a 1 MB key over 2,000 items",
        dir.path(),
        "long.yaml",
        "limit-exceeded",
        "a key or value of 1000000 bytes",
    );
    std::fs::write(
        dir.path().join("value.yaml"),
        format!("{HEAD}events:\n  management: \"{long}\"\n"),
    )
    .expect("write");
    refused_as_invalid(
        "a 1 MB enum value",
        dir.path(),
        "value.yaml",
        "limit-exceeded",
        "a key or value of 1000000 bytes",
    );
}

#[test]
fn deep_nesting_stops_at_64_levels() {
    // Flow collections hit the YAML parser's own recursion limit first (a `syntax` error); block
    // ones reach trailsmith's 64 levels (`limit-exceeded`). Either way the error is located.
    let cases = [
        (
            "10,000 `[`",
            "[".repeat(10_000) + &"]".repeat(10_000),
            "syntax",
            "deep.yaml:1:",
        ),
        (
            "10,000 `- `",
            "- ".repeat(10_000) + "x\n",
            "limit-exceeded",
            "deep.yaml:1:",
        ),
        (
            "10,000 `{a: `",
            "{a: ".repeat(10_000) + &"}".repeat(10_000),
            "syntax",
            "deep.yaml:1:",
        ),
        (
            "2,000 indented mappings",
            (0..2_000)
                .map(|d| format!("{}a:\n", " ".repeat(d)))
                .collect(),
            "limit-exceeded",
            "deep.yaml:66:66",
        ),
    ];
    for (name, text, code, location) in cases {
        let (dir, _) = sandbox_with("deep.yaml", text.as_bytes());
        refused_as_invalid(name, dir.path(), "deep.yaml", code, location);
    }
}

#[test]
fn a_50_mb_file_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.yaml");
    {
        let mut file = std::io::BufWriter::new(File::create(&path).expect("create"));
        file.write_all(HEAD.as_bytes()).expect("write");
        let line = format!("# {}\n", "padding ".repeat(12));
        for _ in 0..(50 * 1024 * 1024 / line.len()) {
            file.write_all(line.as_bytes()).expect("write");
        }
    }
    assert!(std::fs::metadata(&path).expect("meta").len() >= 50 * 1000 * 1000);
    refused_as_invalid(
        "50 MB file",
        dir.path(),
        "big.yaml",
        "file-too-large",
        "larger than 10485760 bytes",
    );
    let outcome = bounded(
        "50 MB on standard input",
        dir.path(),
        &["validate", "-"],
        Stdio::from(File::open(&path).expect("open")),
    );
    assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
    assert_eq!(outcome.first_code(), Some("file-too-large"));
}

#[test]
fn a_spec_of_exactly_10_mib_is_read() {
    // The limit is on bytes read, so a file at the limit is parsed (and here found valid).
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = HEAD.to_string();
    let limit = 10 * 1024 * 1024;
    while text.len() + 100 < limit {
        text.push_str(&format!("# {}\n", "p".repeat(96)));
    }
    text.push_str(&format!("#{}\n", "p".repeat(limit - text.len() - 2)));
    assert_eq!(text.len(), limit);
    std::fs::write(dir.path().join("at-limit.yaml"), &text).expect("write");
    let outcome = bounded(
        "exactly 10 MiB",
        dir.path(),
        &["validate", "at-limit.yaml"],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"tags: {team: caf\xe9}\n");
    let (dir, _) = sandbox_with("latin1.yaml", &bytes);
    refused_as_invalid(
        "invalid UTF-8",
        dir.path(),
        "latin1.yaml",
        "encoding",
        "latin1.yaml:4:17",
    );
}

#[test]
fn a_nul_byte_is_a_syntax_error() {
    let (dir, _) = sandbox_with("nul.yaml", b"version: 1\ntrail:\n  name: nul\0-audit\n");
    refused_as_invalid(
        "NUL byte",
        dir.path(),
        "nul.yaml",
        "syntax",
        "nul.yaml:3:12",
    );
}

#[test]
fn duplicate_keys_are_refused() {
    let (dir, _) = sandbox_with(
        "dup.yaml",
        format!("{HEAD}tags: {{team: a}}\ntags: {{team: b}}\n").as_bytes(),
    );
    refused_as_invalid(
        "duplicate key",
        dir.path(),
        "dup.yaml",
        "syntax",
        "duplicate key `tags`",
    );
}

#[test]
fn a_directory_is_not_a_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("specs.yaml")).expect("mkdir");
    // `validate` says it is not a spec file; `synth` reads a directory of specs, but only into
    // `--out-dir`.
    refused_as_unreadable(
        "directory",
        dir.path(),
        "specs.yaml",
        "specs.yaml is a directory",
    );
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    fifo(&dir.path().join("fifo.yaml"));
    refused_as_unreadable(
        "FIFO without a writer",
        dir.path(),
        "fifo.yaml",
        "fifo.yaml is not a regular file",
    );
}

#[test]
fn devices_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    for device in ["/dev/zero", "/dev/null"] {
        refused_as_unreadable(device, dir.path(), device, "is not a regular file");
    }
}

#[test]
fn a_symlink_loop_is_unreadable() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("b.yaml", dir.path().join("a.yaml")).expect("symlink");
    std::os::unix::fs::symlink("a.yaml", dir.path().join("b.yaml")).expect("symlink");
    refused_as_unreadable("symlink loop", dir.path(), "a.yaml", "cannot read a.yaml");
}

/// Standard input stays readable however it is named, also when it is a pipe: `-`, and the
/// process's own descriptors `/dev/stdin` and `/dev/fd/0` (a shell's `<(...)` gives such a name).
#[test]
fn standard_input_is_read_as_dash_dev_stdin_and_dev_fd() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["-", "/dev/stdin", "/dev/fd/0"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
            .args(["validate", name])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("trailsmith starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(HEAD.as_bytes())
            .expect("write stdin");
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
        assert!(stderr.contains(": valid"), "{name}: {stderr}");
    }
    // A huge or endless stream on standard input is cut at the same limit as a file.
    let outcome = bounded(
        "/dev/zero as standard input",
        dir.path(),
        &["validate", "-"],
        Stdio::from(File::open("/dev/zero").expect("/dev/zero")),
    );
    assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
    assert_eq!(outcome.first_code(), Some("file-too-large"));
}

// ---------------------------------------------------------------------------------------------
// Within the limits above, findings can still cost too much: many findings in a large file (the
// text renderer indexes the lines once), findings on one very long line (an excerpt is shown),
// long values against did-you-mean (candidates too different in length are skipped) and SARIF
// for many findings (results are written as they are made).

/// 20,000 unknown fields in a 1 MB file.
fn many_findings() -> (tempfile::TempDir, PathBuf) {
    let keys: String = (0..20_000)
        .map(|i| format!("key{i}: {}\n", "v".repeat(40)))
        .collect();
    sandbox_with("many.yaml", format!("{HEAD}{keys}").as_bytes())
}

#[test]
fn many_findings_are_printed_in_bounded_time() {
    let (dir, _) = many_findings();
    let outcome = bounded(
        "20,000 findings as text",
        dir.path(),
        &["validate", "many.yaml"],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(1));
}

#[test]
fn many_findings_as_sarif_stay_under_the_memory_limit() {
    let (dir, _) = many_findings();
    let outcome = bounded(
        "20,000 findings as SARIF",
        dir.path(),
        &["validate", "--format", "sarif", "many.yaml"],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(1));
    // `bounded` checks the peak against the limit only when it could measure it.
    assert!(
        outcome.peak_kb.is_some(),
        "peak memory was not measured: this case needs GNU time at /usr/bin/time (Debian package `time`)"
    );
}

#[test]
fn findings_on_one_long_line_print_an_excerpt() {
    let members: Vec<String> = (0..200)
        .map(|i| format!("\"k{i}\": \"{}\"", "v".repeat(5_000)))
        .collect();
    let text = format!(
        "{{\"version\": 1, \"trail\": {{\"name\": \"abc\"}}, {}}}",
        members.join(", ")
    );
    let (dir, _) = sandbox_with("line.json", text.as_bytes());
    let outcome = bounded(
        "200 findings on a 1 MB line",
        dir.path(),
        &["validate", "line.json"],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(1));
    assert!(
        outcome.stderr.len() < 20 * 1024 * 1024,
        "{} bytes of diagnostics",
        outcome.stderr.len()
    );
}

#[test]
fn long_values_do_not_slow_did_you_mean() {
    let value = "x".repeat(60_000);
    let entries: String = (0..150)
        .map(|_| format!("    - {{type: AWS::S3::Object, all: true, read_write: \"{value}\"}}\n"))
        .collect();
    let (dir, _) = sandbox_with(
        "enums.yaml",
        format!("{HEAD}events:\n  data:\n{entries}").as_bytes(),
    );
    let outcome = bounded(
        "150 enum values of 60 kB",
        dir.path(),
        &["validate", "--format", "json", "enums.yaml"],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(1));
}

/// Makes a FIFO; coreutils' `mkfifo` is on every machine these tests run on, so a missing one
/// fails the case instead of skipping it.
fn fifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo {} failed: the FIFO cases need coreutils' mkfifo",
        path.display()
    );
}

/// `--check` reads the outputs it compares: a FIFO there is stale, not a hang.
#[test]
fn check_does_not_wait_on_a_fifo_output() {
    let (dir, _) = sandbox_with("team.yaml", HEAD.as_bytes());
    fifo(&dir.path().join("team.template.json"));
    let outcome = bounded(
        "FIFO as an output under --check",
        dir.path(),
        &[
            "synth",
            "team.yaml",
            "--target",
            "cloudformation",
            "-o",
            "team.template.json",
            "--check",
        ],
        Stdio::null(),
    );
    assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("stale: team.template.json"),
        "{}",
        outcome.stderr
    );
}

/// Blueprint files of `--blueprints DIR` are read with a spec's guards.
#[test]
fn blueprint_files_are_read_with_the_spec_guards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blueprints = dir.path().join("blueprints");
    std::fs::create_dir(&blueprints).expect("mkdir");
    fifo(&blueprints.join("waiting.yaml.hbs"));
    let args = ["--blueprints", "blueprints", "blueprints"];
    let outcome = bounded("FIFO as a blueprint", dir.path(), &args, Stdio::null());
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("waiting.yaml.hbs is not a regular file"),
        "{}",
        outcome.stderr
    );
    std::fs::remove_file(blueprints.join("waiting.yaml.hbs")).expect("rm");
    let mut big = File::create(blueprints.join("big.yaml.hbs")).expect("create");
    let line = format!("# {}\n", "x".repeat(1022));
    for _ in 0..(11 * 1024) {
        big.write_all(line.as_bytes()).expect("write");
    }
    drop(big);
    let outcome = bounded("11 MiB blueprint", dir.path(), &args, Stdio::null());
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("big.yaml.hbs is larger than"),
        "{}",
        outcome.stderr
    );
}
