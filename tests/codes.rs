//! The diagnostic codes (`trailsmith::diag::Code`) keep their public contract.
//!
//! The type system already guarantees that every finding has a catalogued code; what it cannot
//! guarantee is checked here:
//!
//! - Each name is unique, kebab-case and round-trips through `Code::from_name`, `FromStr` and
//!   `Display`; each code has a one-sentence summary. The table stays sorted by name.
//! - Every code the repository's own expectations name (the bad corpus's `# expect:` lines, the
//!   command-line expectations in `tests/cmd/`, the golden error files and the README) is a code,
//!   at the severity its catalog row gives: a renamed code or a changed severity fails here as it
//!   would fail the users who wrote it into `silence` entries and CI configurations.
//! - The README's table of best-practice warnings agrees with the catalog: each row is a warning
//!   code naming its controls, and each warning that relates to a control has a row.
//! - No code is dead: each variant is named (`Code::Variant`) somewhere in `src/` outside the
//!   table and outside test code. A variant of a public enum is never reported as dead code.
//!
//! That a finding is reported at its catalog severity is a `debug_assert` in `Diagnostic`'s
//! constructor, so every test that makes a diagnostic checks it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use trailsmith::diag::codes::Control;
use trailsmith::diag::{Code, Severity};

/// The expectation files must not silently shrink (a wrong directory would pass with nothing).
const MIN_EXPECTED_CODES: usize = 100;

fn files_under(dir: &str, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from(dir)];
    while let Some(d) = dirs.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no file found under {dir}");
    out
}

/// A file's text; the bad corpus holds files that are not UTF-8 on purpose.
fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn severity_of(label: &str) -> Option<Severity> {
    match label {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        _ => None,
    }
}

fn is_kebab_case(name: &str) -> bool {
    name.split('-').all(|w| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

#[test]
fn names_are_unique_sorted_kebab_case_and_summarized() {
    assert!(Code::ALL.len() >= 150, "only {} codes", Code::ALL.len());
    for pair in Code::ALL.windows(2) {
        // Strictly ascending: no name twice, and `Ord` follows the names.
        assert!(
            pair[0].as_str() < pair[1].as_str() && pair[0] < pair[1],
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
    for &code in Code::ALL {
        assert!(is_kebab_case(code.as_str()), "{code}");
        let summary = code.summary();
        assert!(
            summary.len() > 10 && summary.ends_with('.') && !summary.contains('\n'),
            "{code}: the summary is one sentence: {summary:?}"
        );
    }
}

#[test]
fn names_round_trip() {
    for &code in Code::ALL {
        let name = code.as_str();
        assert_eq!(Code::from_name(name), Some(code));
        assert_eq!(name.parse::<Code>(), Ok(code));
        assert_eq!(code.to_string(), name);
    }
    for wrong in ["", "No-Kms", "no_kms", "no-kms ", "nokms", "-no-kms"] {
        assert_eq!(Code::from_name(wrong), None, "{wrong:?}");
        assert!(wrong.parse::<Code>().is_err(), "{wrong:?}");
    }
}

/// `(code, severity)` as the expectations write them, with where.
struct Named {
    code: String,
    severity: Option<String>,
    at: String,
}

/// The codes the repository's expectation files name: `# expect: SEVERITY CODE ...` lines,
/// `severity[code]` headings, and `"code"` / `"ruleId"` members of JSON and SARIF output.
fn named_in_expectations() -> Vec<Named> {
    let mut files = files_under("tests/bad", &|_| true);
    files.extend(files_under("tests/cmd", &|p| {
        p.extension().is_some_and(|e| e == "toml")
    }));
    files.extend(files_under("tests/golden", &|p| {
        p.extension().is_some_and(|e| e == "err")
    }));
    files.push(PathBuf::from("README.md"));
    let mut out = Vec::new();
    for path in files {
        let text = read(&path);
        for (i, line) in text.lines().enumerate() {
            let at = format!("{}:{}", path.display(), i + 1);
            if let Some(rest) = line.strip_prefix("# expect:") {
                let mut words = rest.split_whitespace();
                if let (Some(severity), Some(code)) = (words.next(), words.next()) {
                    out.push(Named {
                        code: code.to_string(),
                        severity: Some(severity.to_string()),
                        at: at.clone(),
                    });
                }
            }
            // `error[trail-name]`, as text output heads each finding.
            for (start, _) in line.match_indices('[') {
                let label = line[..start]
                    .rsplit(|c: char| !c.is_ascii_lowercase())
                    .next()
                    .unwrap_or("");
                let Some(close) = line[start..].find(']') else {
                    continue;
                };
                let code = &line[start + 1..start + close];
                if severity_of(label).is_some() && is_kebab_case(code) {
                    out.push(Named {
                        code: code.to_string(),
                        severity: Some(label.to_string()),
                        at: at.clone(),
                    });
                }
            }
            for key in ["\"code\": \"", "\"ruleId\": \""] {
                for (start, _) in line.match_indices(key) {
                    let rest = &line[start + key.len()..];
                    let code = rest.split('"').next().unwrap_or("");
                    out.push(Named {
                        code: code.to_string(),
                        severity: None,
                        at: at.clone(),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn every_code_the_expectations_name_is_a_code_at_its_severity() {
    let named = named_in_expectations();
    let distinct: BTreeSet<&str> = named.iter().map(|n| n.code.as_str()).collect();
    assert!(
        distinct.len() >= MIN_EXPECTED_CODES,
        "only {} distinct codes in the expectations: {distinct:?}",
        distinct.len()
    );
    let mut wrong = Vec::new();
    for n in &named {
        let Some(code) = Code::from_name(&n.code) else {
            wrong.push(format!("  {}: `{}` is not a code", n.at, n.code));
            continue;
        };
        let Some(label) = &n.severity else { continue };
        let Some(severity) = severity_of(label) else {
            wrong.push(format!("  {}: `{label}` is not a severity", n.at));
            continue;
        };
        // The two documented exceptions: a warning in `validate`, an error when synthesizing
        // Terraform, which cannot deploy it.
        let exception = (code == Code::TerraformUnsupportedField
            || code == Code::TerraformUnsupportedSetting)
            && severity == Severity::Error;
        if severity != code.severity() && !exception {
            wrong.push(format!(
                "  {}: `{code}` is expected as {label}, the catalog says {}",
                n.at,
                code.severity().label()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "expectations that disagree with diag::Code:\n{}",
        wrong.join("\n")
    );
}

/// The rows of the README's best-practice table: code, and the text of its row.
fn readme_warning_rows() -> Vec<(String, String)> {
    let readme = read(Path::new("README.md"));
    let mut lines = readme.lines();
    lines
        .find(|l| l.starts_with("| code | when | relates to |"))
        .expect("the README's table of best-practice warnings");
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let code = row
                .trim_start_matches("| `")
                .split('`')
                .next()
                .unwrap_or("")
                .to_string();
            (code, row.to_string())
        })
        .collect()
}

#[test]
fn the_readme_table_of_warnings_agrees_with_the_catalog() {
    let rows = readme_warning_rows();
    assert!(rows.len() >= 5, "{rows:?}");
    for (name, row) in &rows {
        let code = Code::from_name(name).unwrap_or_else(|| panic!("not a code: {row}"));
        assert_eq!(code.severity(), Severity::Warning, "{row}");
        let relates = row.rsplit('|').nth(1).unwrap_or("");
        for control in code.controls() {
            let id = match control {
                Control::Cis(n) => n,
                Control::SecurityHub(id) => id,
            };
            assert!(
                relates.contains(id),
                "the README row of `{code}` does not name {}: {row}",
                control.text()
            );
        }
    }
    let listed: BTreeSet<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.severity() == Severity::Warning && !c.controls().is_empty())
        .map(|c| c.as_str())
        .filter(|c| !listed.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "warnings that relate to a control but have no row in the README's table: {missing:?}"
    );
}

/// The non-test text of `src/**/*.rs`, but `diag/codes.rs`: test files (`tests.rs`) left out,
/// each file cut at its first `#[cfg(test)]` item with a body (test modules close a file here),
/// comment lines dropped.
fn source_text() -> String {
    let mut text = String::new();
    let files = files_under("src", &|p| p.extension().is_some_and(|e| e == "rs"));
    assert!(files.len() >= 10, "only {} source files", files.len());
    for path in files {
        if path.ends_with("diag/codes.rs") || path.ends_with("tests.rs") {
            continue;
        }
        let source = read(&path);
        let mut lines = source.lines().map(str::trim_start);
        while let Some(line) = lines.next() {
            if line.starts_with("#[cfg(test)]") {
                // `mod tests;` names a test file (left out above); a test item with a body runs
                // to the end of the file.
                match lines.next() {
                    Some(item) if item.ends_with(';') => continue,
                    _ => break,
                }
            }
            if !line.starts_with("//") {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text
}

#[test]
fn every_code_is_reported_somewhere_in_the_source() {
    let source = source_text();
    let dead: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("Code::{c:?}"))
        .filter(|variant| {
            !source.match_indices(variant.as_str()).any(|(at, _)| {
                // `Code::NoKms` must not count as `Code::NoKmsAlias`.
                !source[at + variant.len()..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .collect();
    assert!(
        dead.is_empty(),
        "codes that nothing in src/ (outside diag/codes.rs, test code left out) reports:\n  {}",
        dead.join("\n  ")
    );
}
