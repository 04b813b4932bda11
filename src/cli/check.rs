//! `synth --check`: holding each compiled output against the file on disk, and reporting what
//! differs (`stale:`, `missing:`, `leftover:`, `orphan:`), with a unified diff when asked.
//!
//! Owns the comparison and its report. It must not write or remove any file: `--check` is a gate
//! that only answers, and the user (or `synth`) puts things right.

use super::{read_bounded, MAX_SPEC_BYTES};
use std::path::{Path, PathBuf};

pub(super) enum Comparison {
    Fresh,
    /// The file differs; with `--diff`, the diff that would bring it up to date.
    Stale(Option<String>),
    Missing(Option<String>),
    /// Written when the spec had another shape (with or without `accounts`); nothing writes it now.
    Leftover,
    /// An output in the out dir whose spec is gone (only when a directory of specs was given).
    Orphan,
}

/// How the comparison is reported.
#[derive(Clone, Copy)]
pub(super) struct Report {
    /// `--diff`: a unified diff of each stale or missing output on stdout.
    pub diff: bool,
    /// `--quiet`: nothing at all; the exit code answers.
    pub quiet: bool,
}

/// Reads at most one byte more than expected, and only a regular file: a named pipe at an
/// output's path must not hang `--check`, nor a huge file fill memory. With `diff`, a stale file
/// is read again whole (up to the spec limit) to show what changed.
pub(super) fn compare(file: &Path, expected: &str, diff: bool) -> Comparison {
    match read_bounded(file, expected.len() as u64, "file") {
        Ok(current) if current == expected.as_bytes() => Comparison::Fresh,
        Ok(_) => Comparison::Stale(diff.then(|| stale_diff(file, expected))),
        Err(_) if std::fs::symlink_metadata(file).is_ok() => {
            Comparison::Stale(diff.then(|| stale_diff(file, expected)))
        }
        Err(_) => Comparison::Missing(diff.then(|| unified(None, "", file, expected))),
    }
}

/// The diff from the file as it is to what `synth` would write, or why it cannot be shown.
fn stale_diff(file: &Path, expected: &str) -> String {
    match read_bounded(file, MAX_SPEC_BYTES, "file") {
        Ok(bytes) if bytes.len() as u64 <= MAX_SPEC_BYTES => {
            unified(Some(file), &String::from_utf8_lossy(&bytes), file, expected)
        }
        Ok(_) => format!(
            "trailsmith: {} is larger than 10 MiB; its diff is not shown\n",
            file.display()
        ),
        Err(super::Usage(why)) => format!("trailsmith: no diff for {}: {why}\n", file.display()),
    }
}

/// A unified diff (three lines of context) that `patch -p0` applies from the directory `synth`
/// ran in: `--- FILE` / `+++ FILE`, or `--- /dev/null` for a file to create.
fn unified(old: Option<&Path>, old_text: &str, new: &Path, new_text: &str) -> String {
    let old_name = old.map_or_else(|| "/dev/null".to_string(), |p| p.display().to_string());
    similar::TextDiff::from_lines(old_text, new_text)
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new.display().to_string())
        .to_string()
}

/// Prints what differs (stderr) and the diffs (stdout), in the order given; true when nothing
/// differs.
pub(super) fn report(compared: &[&(PathBuf, Comparison)], how: Report) -> bool {
    let mut fresh = true;
    let mut count = 0;
    for (file, c) in compared {
        count += 1;
        let (line, diff) = match c {
            Comparison::Fresh => continue,
            Comparison::Stale(diff) => (format!("stale: {}", file.display()), diff),
            Comparison::Missing(diff) => (format!("missing: {}", file.display()), diff),
            Comparison::Leftover => (
                format!(
                    "leftover: {} (written when its spec had another layout; remove it)",
                    file.display()
                ),
                &None,
            ),
            Comparison::Orphan => (
                format!(
                    "orphan: {} (no spec in the directories given writes it; remove it)",
                    file.display()
                ),
                &None,
            ),
        };
        fresh = false;
        if how.quiet {
            continue;
        }
        eprintln!("{line}");
        if let Some(diff) = diff {
            super::print(diff);
        }
    }
    if fresh && !how.quiet {
        eprintln!("trailsmith: {count} output(s) up to date");
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::unified;
    use std::path::Path;

    /// Applies a unified diff of one file to `old`, as `patch` would, hunk by hunk.
    fn apply(old: &str, diff: &str) -> String {
        let old: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut at = 0;
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(line) = lines.next() {
            let header = line.strip_prefix("@@ -").expect("a hunk header");
            let start: usize = header
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a start line");
            // A hunk of an empty side starts at 0; it is taken after line `start`.
            let from = if header.split(' ').next().is_some_and(|r| r.ends_with(",0")) {
                start
            } else {
                start - 1
            };
            old[at..from].iter().for_each(|l| out.push_str(l));
            at = from;
            let mut last = ' ';
            while let Some(l) = lines.next_if(|l| !l.starts_with("@@")) {
                if l.starts_with('\\') {
                    // "\ No newline at end of file": the line before had none; on the old side
                    // only, that line was dropped anyway.
                    if last != '-' {
                        out.pop();
                    }
                    continue;
                }
                last = l.chars().next().unwrap_or(' ');
                match l.split_at(1) {
                    (" ", _) => {
                        out.push_str(old[at]);
                        at += 1;
                    }
                    ("-", _) => at += 1,
                    ("+", rest) => out.push_str(rest),
                    _ => panic!("not a diff line: {l:?}"),
                }
            }
        }
        old[at..].iter().for_each(|l| out.push_str(l));
        out
    }

    #[test]
    fn a_diff_applied_to_the_old_file_gives_the_new_one() {
        let new: String = (1..=40).map(|i| format!("line {i}\n")).collect();
        let cases = [
            new.replace("line 7\n", "line seven\n"),
            new.replace("line 1\n", ""),
            new.replace("line 40\n", "line 40"),
            format!("{new}extra\n"),
            new.replace("line 20\n", "line 20\nhand edit\n")
                .replace("line 33\n", ""),
            String::new(),
            "{}".to_string(),
        ];
        let file = Path::new("out/x.template.json");
        for old in cases {
            let diff = unified(Some(file), &old, file, &new);
            assert!(diff.starts_with("--- out/x.template.json\n+++ out/x.template.json\n"));
            assert_eq!(apply(&old, &diff), new, "{diff}");
        }
    }

    #[test]
    fn a_missing_file_is_all_added() {
        let diff = unified(None, "", Path::new("out/a/main.tf.json"), "{\n}\n");
        assert_eq!(
            diff,
            "--- /dev/null\n+++ out/a/main.tf.json\n@@ -0,0 +1,2 @@\n+{\n+}\n"
        );
    }
}
