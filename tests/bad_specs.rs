//! The bad-input corpus: every file in `tests/bad/` is a spec with one mistake (a few with several),
//! or, when named `warnings-*`, a valid spec with weaknesses, and states, in its own leading
//! comments, the complete list of diagnostics
//! `trailsmith::validate::check` must give for it:
//!
//! ```text
//! # expect: error trail-name /trail/name 5:9 ~ two punctuation characters in a row
//! # expect: warning no-kms /kms 7:6
//! ```
//!
//! that is severity, code, JSON path (`/` for the whole document), line:column, and optionally,
//! after ` ~ `, text the message must contain. JSON has no comments, so `NAME.json` keeps the same
//! lines in `NAME.json.expect`. Errors, warnings and notes are all listed, so a new or lost
//! diagnostic fails as surely as a moved one, and a file that expects an error must yield no spec.
//!
//! Why: users meet trailsmith through its diagnostics. The corpus pins, rule by rule (every AWS rule
//! of `validate::rules`, the schema's error kinds, the syntax refusals of `source`), that each
//! mistake is caught with the right code and points at the offending value (or key, for unknown
//! fields). Every position was checked by hand against the file, not copied from the output.
//!
//! A file may carry `# known-bug: ...`: its expectations then state the correct behaviour that the
//! code does not have yet; the file must still mismatch, and once it matches the test asks for the
//! marker to be removed. All mismatching files are reported together, with the diagnostics found.

use std::fmt;
use std::path::{Path, PathBuf};
use trailsmith::diag::Diagnostic;
use trailsmith::validate::check;

/// The corpus must not silently shrink (a wrong directory would otherwise pass with zero files).
const MIN_FILES: usize = 30;

/// One diagnostic as the expectations name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    severity: String,
    code: String,
    /// JSON pointer; empty for the whole document.
    path: String,
    line: usize,
    column: usize,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(
            f,
            "{} {} {} {}:{}",
            self.severity, self.code, path, self.line, self.column
        )
    }
}

impl Found {
    fn of(d: &Diagnostic) -> Found {
        let (line, column) = d.pos.map(|p| (p.line, p.column)).unwrap_or((0, 0));
        Found {
            severity: d.severity.label().to_string(),
            code: d.code.to_string(),
            path: d.path.clone(),
            line,
            column,
        }
    }
}

#[derive(Debug, PartialEq)]
struct Expect {
    found: Found,
    /// Text the message must contain.
    message: Option<String>,
}

#[derive(Debug, Default, PartialEq)]
struct Expectations {
    items: Vec<Expect>,
    known_bug: Option<String>,
}

/// Reads `# expect:` and `# known-bug:` lines. With `leading_only`, reading stops at the first line
/// that is not a comment (a YAML spec's own content); otherwise every line must be a comment.
fn parse_expectations(text: &str, leading_only: bool) -> Result<Expectations, String> {
    let mut out = Expectations::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if !line.starts_with('#') {
            if leading_only {
                break;
            }
            if line.is_empty() {
                continue;
            }
            return Err(format!("line {}: not a comment: {line}", i + 1));
        }
        let at = |e: String| format!("line {}: {e}: {line}", i + 1);
        if let Some(rest) = line.strip_prefix("# expect:") {
            out.items.push(parse_expect(rest).map_err(at)?);
        } else if let Some(rest) = line.strip_prefix("# known-bug:") {
            if rest.trim().is_empty() || out.known_bug.is_some() {
                return Err(at("one non-empty known-bug line at most".into()));
            }
            out.known_bug = Some(rest.trim().to_string());
        } else if line.starts_with("# expect") || line.starts_with("# known") {
            // A misspelt directive must not pass as a comment and weaken the file unnoticed.
            return Err(at("malformed directive".into()));
        }
    }
    Ok(out)
}

fn parse_expect(rest: &str) -> Result<Expect, String> {
    let (head, message) = match rest.split_once(" ~ ") {
        Some((head, message)) if !message.trim().is_empty() => {
            (head, Some(message.trim().to_string()))
        }
        Some(_) => return Err("empty message after `~`".into()),
        None => (rest, None),
    };
    let parts: Vec<&str> = head.split_whitespace().collect();
    let [severity, code, path, pos] = parts[..] else {
        return Err("want `SEVERITY CODE PATH LINE:COLUMN [~ MESSAGE]`".into());
    };
    if !matches!(severity, "error" | "warning" | "note") {
        return Err(format!("unknown severity `{severity}`"));
    }
    if !path.starts_with('/') {
        return Err(format!("path `{path}` is not a JSON pointer"));
    }
    let number = |s: &str| s.parse::<usize>().ok().filter(|n| *n > 0);
    let (line, column) = pos
        .split_once(':')
        .and_then(|(l, c)| Some((number(l)?, number(c)?)))
        .ok_or_else(|| format!("position `{pos}` is not LINE:COLUMN"))?;
    Ok(Expect {
        found: Found {
            severity: severity.to_string(),
            code: code.to_string(),
            path: if path == "/" {
                String::new()
            } else {
                path.to_string()
            },
            line,
            column,
        },
        message,
    })
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

/// The spec files of the corpus, sorted, and problems with the directory itself.
fn corpus() -> (Vec<PathBuf>, Vec<String>) {
    let dir = corpus_dir();
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => return (specs, vec![format!("{}: {e}", dir.display())]),
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                problems.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if let Some(spec) = name.strip_suffix(".expect") {
            if !spec.ends_with(".json") || !dir.join(spec).is_file() {
                problems.push(format!("{name}: a sidecar needs its `{spec}` (JSON only)"));
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json") {
            specs.push(path);
        } else {
            problems.push(format!(
                "{name}: not a .yaml, .yml, .json or .json.expect file"
            ));
        }
    }
    specs.sort();
    (specs, problems)
}

/// Checks one corpus file; `Err` says everything that is wrong with it.
fn check_file(spec: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read: {e}"))?;
    let is_json = spec.extension().is_some_and(|e| e == "json");
    let expectations = if is_json {
        let sidecar = PathBuf::from(format!("{}.expect", spec.display()));
        let sidecar_text = std::fs::read_to_string(&sidecar)
            .map_err(|e| format!("cannot read the sidecar {}: {e}", sidecar.display()))?;
        parse_expectations(&sidecar_text, false)
    } else {
        parse_expectations(&text, true)
    }
    .map_err(|e| format!("bad expectations: {e}"))?;
    let expects_error = expectations
        .items
        .iter()
        .any(|e| e.found.severity == "error");
    // `warnings-*` files are valid specs whose point is the warnings they give.
    let warnings_only = spec
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("warnings-"));
    if warnings_only && (expects_error || expectations.items.is_empty()) {
        return Err("a warnings-* spec must expect warnings and no error".into());
    }
    if !warnings_only && !expects_error {
        return Err("a bad spec must expect at least one error (or be named warnings-*)".into());
    }

    let checked = check(&text);
    let mut problems = Vec::new();
    let mut actual: Vec<Found> = checked.diagnostics.iter().map(Found::of).collect();
    actual.sort();
    let mut expected: Vec<Found> = expectations.items.iter().map(|e| e.found.clone()).collect();
    expected.sort();
    if actual != expected {
        for e in &expected {
            if count(&expected, e) > count(&actual, e) {
                problems.push(format!("  missing:    {e}"));
            }
        }
        for a in &actual {
            if count(&actual, a) > count(&expected, a) {
                problems.push(format!("  unexpected: {a}"));
            }
        }
        problems.dedup();
    }
    for e in &expectations.items {
        let Some(text) = &e.message else { continue };
        let matched = checked
            .diagnostics
            .iter()
            .filter(|d| Found::of(d) == e.found)
            .any(|d| d.message.contains(text.as_str()));
        if actual.contains(&e.found) && !matched {
            problems.push(format!(
                "  message of `{}` does not contain `{text}`",
                e.found
            ));
        }
    }
    if checked.spec.is_some() && !warnings_only {
        problems.push("  a spec came back although errors are expected".into());
    }
    if checked.spec.is_none() && warnings_only {
        problems.push("  no spec came back although it has no error".into());
    }

    match (&expectations.known_bug, problems.is_empty()) {
        (None, true) => Ok(()),
        (Some(_), false) => Ok(()),
        (Some(bug), true) => Err(format!(
            "the known bug `{bug}` seems fixed: the file now gives exactly what it expects; remove its `# known-bug:` line"
        )),
        (None, false) => {
            let mut report = problems.join("\n");
            report.push_str("\n  found (check each position by hand before copying any):");
            for d in &checked.diagnostics {
                report.push_str(&format!("\n    # expect: {} ~ {}", Found::of(d), d.message));
            }
            Err(report)
        }
    }
}

fn count(list: &[Found], item: &Found) -> usize {
    list.iter().filter(|f| *f == item).count()
}

#[test]
fn every_bad_spec_gives_exactly_its_expected_diagnostics() {
    let (specs, mut failures) = corpus();
    if specs.len() < MIN_FILES {
        failures.push(format!(
            "only {} spec files in {}; the corpus should have at least {MIN_FILES}",
            specs.len(),
            corpus_dir().display()
        ));
    }
    for spec in &specs {
        if let Err(why) = check_file(spec) {
            let name = spec.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!("{name}:\n{why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files do not match:\n\n{}",
        failures.len(),
        specs.len(),
        failures.join("\n\n")
    );
}

/// The expectation syntax is strict, so a typo cannot turn an assertion into a plain comment.
#[test]
fn expectation_lines_are_parsed_strictly() {
    let parsed = parse_expectations(
        "# A title.\n# expect: error trail-name /trail/name 5:9 ~ in a row\n# expect: warning no-kms / 1:1\n# known-bug: moved\nversion: 1\n# expect: not read\n",
        true,
    )
    .expect("valid expectations");
    assert_eq!(parsed.items.len(), 2);
    assert_eq!(
        parsed.items[0].found.to_string(),
        "error trail-name /trail/name 5:9"
    );
    assert_eq!(parsed.items[0].message.as_deref(), Some("in a row"));
    assert_eq!(parsed.items[1].found.path, "", "`/` is the whole document");
    assert_eq!(parsed.known_bug.as_deref(), Some("moved"));

    for bad in [
        "# expect: fatal trail-name /trail/name 5:9",
        "# expect: error trail-name trail/name 5:9",
        "# expect: error trail-name /trail/name 5",
        "# expect: error trail-name /trail/name 0:9",
        "# expect: error /trail/name 5:9",
        "# expect: error trail-name /trail/name 5:9 ~ ",
        "# expects: error trail-name /trail/name 5:9",
        "# known-bug:",
    ] {
        assert!(parse_expectations(bad, true).is_err(), "accepted: {bad}");
    }
    assert!(
        parse_expectations("{}\n", false).is_err(),
        "a sidecar holds only comments"
    );
}
