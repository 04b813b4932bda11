//! Findings as text for people: `error[code]: message`, the location, the source line with a
//! caret under what is meant, then path, controls and hint.
//!
//! Owns the layout only; it must not print. The layout follows rustc's so that editors and
//! terminals that link `file:line:column` work unchanged.

use super::{count, Diagnostic, Severity};
use std::fmt::Write as _;

/// The gutter is at least two wide so that short files keep the `  --> ` indentation.
const MIN_GUTTER: usize = 2;

/// Longest stretch of a source line shown; a longer line (a one-line JSON spec) is cut around the
/// column, so a thousand findings on a 1 MB line do not print a gigabyte.
const MAX_SHOWN: usize = 120;

/// Renders one finding; `source` is the spec text, shown when the finding points into it.
pub fn render(d: &Diagnostic, file: &str, source: Option<&str>) -> String {
    let line = source.and_then(|s| s.lines().nth(d.position().line.saturating_sub(1)));
    render_line(d, file, line)
}

/// Renders one finding with the source line it points at, already looked up.
fn render_line(d: &Diagnostic, file: &str, source_line: Option<&str>) -> String {
    let mut out = format!("{}[{}]: {}\n", d.severity.label(), d.code, d.message);
    let pos = d.position();
    let gutter = pos.line.to_string().len().max(MIN_GUTTER);
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}--> {}:{}:{}",
        d.file_or(file),
        pos.line,
        pos.column
    );
    // A finding located in another file (a `drift` input) points into text this one does not hold.
    let line = source_line.filter(|_| d.file.is_none() && !d.whole_spec);
    if let Some(line) = line {
        let (shown, column) = excerpt(line.trim_end_matches('\r'), pos.column);
        let (lead, width) = underline(&shown, column);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{:>gutter$} | {shown}", pos.line);
        let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(width));
    }
    let path = if d.path.is_empty() { "/" } else { &d.path };
    let _ = writeln!(out, "{pad} = path: {path}");
    if let Some(origin) = &d.origin {
        let _ = writeln!(out, "{pad} = from: {}", origin.text());
    }
    if !d.code.controls().is_empty() {
        let _ = writeln!(out, "{pad} = relates to: {}", d.code.controls_text());
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{pad} = hint: {hint}");
    }
    out
}

/// Renders every finding the spec does not silence. The lines are split once, not once per
/// finding: thousands of findings in a large file would otherwise rescan it each time.
pub fn render_all(file: &str, source: Option<&str>, diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<&str> = source.map(|s| s.lines().collect()).unwrap_or_default();
    diagnostics
        .iter()
        .filter(|d| d.silenced.is_none())
        .map(|d| {
            let line = lines.get(d.position().line.saturating_sub(1)).copied();
            render_line(d, file, line)
        })
        .collect()
}

/// At most `MAX_SHOWN` characters of `line` around `column`, with `…` where it was cut, and the
/// column within what is shown.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(MAX_SHOWN / 3);
    let end = (start + MAX_SHOWN).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, at - start + 1 + usize::from(start > 0))
}

/// `file: 2 error(s), 1 warning(s)`, and how many findings the spec silenced. When the spec has
/// no error but fails on warnings under `--deny-warnings`, it says so, and how to pass: a CI log
/// that ends in "0 error(s)" and exit 1 otherwise reads like a bug.
pub fn summary(file: &str, diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let errors = count(diagnostics, Severity::Error);
    let warnings = count(diagnostics, Severity::Warning);
    let mut out = format!("{file}: {errors} error(s), {warnings} warning(s)");
    let silenced = diagnostics.iter().filter(|d| d.silenced.is_some()).count();
    if silenced > 0 {
        let _ = write!(out, ", {silenced} silenced");
    }
    if deny_warnings && errors == 0 && warnings > 0 {
        out.push_str(
            "; failed because of --deny-warnings: fix each warning, or accept it with a reason under `silence:`",
        );
    }
    out
}

/// What goes before the carets (the line's own tabs, so they line up) and how many carets: the
/// whole token at `column` (a quoted string, or a plain word up to the YAML punctuation that
/// ends it), at least one.
fn underline(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let lead = chars[..start]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let rest = &chars[start..];
    let width = match rest.first() {
        Some(&q @ ('"' | '\'')) => quoted_len(rest, q),
        Some(_) => plain_len(rest),
        None => 1,
    };
    (lead, width.max(1))
}

/// Length of a quoted scalar including both quotes, or to the end of the line if unclosed.
fn quoted_len(rest: &[char], quote: char) -> usize {
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            '\\' if quote == '"' => i += 2,
            // In single quotes, a doubled quote is one quote character.
            '\'' if quote == '\'' && rest.get(i + 1) == Some(&'\'') => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// Length of a plain token: it ends at a comment, a `key: ` separator or flow punctuation.
fn plain_len(rest: &[char]) -> usize {
    let mut end = rest.len();
    for i in 0..rest.len() {
        let next = rest.get(i + 1).copied();
        let ends = match rest[i] {
            ',' | ']' | '}' => true,
            ':' => next.is_none_or(char::is_whitespace),
            '#' => i > 0 && rest[i - 1].is_whitespace(),
            _ => false,
        };
        if ends {
            end = i;
            break;
        }
    }
    rest[..end]
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(1, |last| last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::source::Pos;

    fn at(line: usize, column: usize, d: Diagnostic) -> Diagnostic {
        Diagnostic {
            pos: Some(Pos { line, column }),
            ..d
        }
    }

    #[test]
    fn renders_location_path_and_hint() {
        let d = at(
            3,
            9,
            Diagnostic::error(Code::TrailName, "/trail/name", "bad name").hint("use letters"),
        );
        assert_eq!(
            d.render("spec.yaml"),
            "error[trail-name]: bad name\n  --> spec.yaml:3:9\n   = path: /trail/name\n   = hint: use letters\n"
        );
    }

    #[test]
    fn shows_the_source_line_with_the_token_underlined() {
        let source = "version: 1\ntrail:\n  name: team..audit   # ours\n";
        let d = at(
            3,
            9,
            Diagnostic::error(Code::TrailName, "/trail/name", "bad name"),
        );
        assert_eq!(
            render(&d, "spec.yaml", Some(source)),
            "error[trail-name]: bad name\n  --> spec.yaml:3:9\n   |\n 3 |   name: team..audit   # ours\n   |         ^^^^^^^^^^^\n   = path: /trail/name\n"
        );
    }

    #[test]
    fn underlines_quoted_values_keys_and_flow_items() {
        assert_eq!(underline(r#"  name: "a \" b" # c"#, 9), (" ".repeat(8), 8));
        assert_eq!(underline("  name: 'it''s'", 9), (" ".repeat(8), 7));
        assert_eq!(underline("  nmae: x", 3), ("  ".into(), 4));
        assert_eq!(underline("  ids: [one, two]", 14), (" ".repeat(13), 3));
        assert_eq!(underline("\tkey: v", 2), ("\t".into(), 3));
        assert_eq!(underline("short", 40), (" ".repeat(5), 1));
        assert_eq!(underline("url: http://x:1 # c", 6), (" ".repeat(5), 10));
    }

    #[test]
    fn a_finding_in_another_file_shows_no_spec_line() {
        let mut d = at(1, 1, Diagnostic::error(Code::TrailName, "/a", "m"));
        d.file = Some("plan.json".into());
        assert!(!render(&d, "spec.yaml", Some("a: 1\n")).contains(" | "));
    }

    #[test]
    fn a_value_from_a_blueprint_shows_the_spec_line_and_its_origin() {
        let mut d = at(
            2,
            10,
            Diagnostic::note(Code::CostInsights, "/events/insights", "m"),
        );
        d.origin = Some(crate::diag::Origin {
            blueprint: "cis-baseline".into(),
            pos: Pos {
                line: 30,
                column: 3,
            },
            with: None,
            broken: false,
        });
        let shown = render(&d, "team.yaml", Some("version: 1\nextends: cis-baseline\n"));
        assert!(shown.contains("  --> team.yaml:2:10\n"), "{shown}");
        assert!(shown.contains(" 2 | extends: cis-baseline\n"), "{shown}");
        assert!(
            shown.contains("= from: blueprint `cis-baseline`, rendered line 30, column 3"),
            "{shown}"
        );
    }

    #[test]
    fn a_finding_about_the_whole_spec_shows_no_line() {
        let mut d = at(2, 1, Diagnostic::warning(Code::NoTags, "/tags", "no tags"));
        d.whole_spec = true;
        assert!(!render(&d, "spec.yaml", Some("# c\nversion: 1\n")).contains("version"));
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!("{}\"bad\"{}", "a".repeat(500), "b".repeat(500));
        let (shown, column) = excerpt(&line, 501);
        assert_eq!(shown.chars().count(), MAX_SHOWN + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(column - 1), Some('"'));
        assert_eq!(underline(&shown, column).1, 5);
        assert_eq!(excerpt("short", 3), ("short".to_string(), 3));
        let (shown, column) = excerpt(&"x".repeat(300), 2);
        assert!(!shown.starts_with('…'));
        assert_eq!(column, 2);
    }

    #[test]
    fn render_all_finds_each_line_as_render_does() {
        let source = "a: 1\nb: 2\nc: 3\n";
        let found = [
            at(3, 4, Diagnostic::error(Code::TrailName, "/c", "m")),
            at(1, 4, Diagnostic::error(Code::BucketName, "/a", "n")),
        ];
        let one_by_one: String = found.iter().map(|d| render(d, "f", Some(source))).collect();
        assert_eq!(render_all("f", Some(source), &found), one_by_one);
        assert!(one_by_one.contains(" 3 | c: 3\n"));
    }

    #[test]
    fn wide_line_numbers_widen_the_gutter() {
        let source = "a\n".repeat(120);
        let d = at(120, 1, Diagnostic::error(Code::TrailName, "/a", "m"));
        assert!(
            render(&d, "f", Some(&source)).contains("\n    |\n120 | a\n    | ^\n    = path: /a\n")
        );
    }

    #[test]
    fn silenced_findings_are_counted_not_shown() {
        let mut quiet = Diagnostic::warning(Code::NoTags, "", "no tags");
        quiet.silenced = Some("tagged by policy".into());
        let loud = Diagnostic::error(Code::TrailName, "", "m");
        let all = [quiet, loud];
        assert!(!render_all("f", None, &all).contains("no-tags"));
        assert_eq!(
            summary("f", &all, false),
            "f: 1 error(s), 0 warning(s), 1 silenced"
        );
    }

    #[test]
    fn a_run_failed_by_deny_warnings_says_so() {
        let warned = [Diagnostic::warning(Code::NoTags, "", "no tags")];
        assert!(summary("f", &warned, true).contains("failed because of --deny-warnings"));
        assert!(!summary("f", &warned, false).contains("--deny-warnings"));
        // An error fails the run whatever the flag; the summary does not blame the flag.
        let both = [
            Diagnostic::warning(Code::NoTags, "", "no tags"),
            Diagnostic::error(Code::TrailName, "", "m"),
        ];
        assert!(!summary("f", &both, true).contains("--deny-warnings"));
    }
}
