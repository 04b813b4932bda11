//! Diagnostics: what went wrong or deserves attention, where, and what to do about it.
//!
//! Owns the diagnostic record, the codes with their catalog (`Code`, in `codes`) and the three
//! ways a finding is written out: `text` for people, `json` for tools, `sarif` for code scanning.
//! It must not decide what is wrong (that is `validate`) nor print (that is the CLI).

pub mod codes;
pub mod json;
pub mod sarif;
pub mod text;

pub use codes::Code;

use crate::source::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One finding about a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, written in kebab-case; users search for it and may silence warnings by it.
    pub code: Code,
    pub message: String,
    /// JSON pointer into the spec (`/trail/name`); empty for the whole document.
    pub path: String,
    pub hint: Option<String>,
    /// Filled in by `validate` from the source positions.
    pub pos: Option<Pos>,
    /// The finding is about the key at `path` (an unknown field, a bad tag key), not its value.
    pub at_key: bool,
    /// Where in the text value at `path` the finding is (line and column of that text, such as a
    /// JSON parser's error in a pasted event pattern); `validate` points there when the value is
    /// a block of lines, whose lines stand in the file as they stand in the text.
    pub inside: Option<Pos>,
    /// The file `pos` points into when it is not the spec file itself (an input of `drift`).
    pub file: Option<String>,
    /// The blueprint text a value came from, when the spec's `extends` brought it in; the finding
    /// itself points at the spec's line that chose it (its `with` value, or `extends`), a line a
    /// reader, an editor and code scanning can open.
    pub origin: Option<Origin>,
    /// The reason the spec gave under `silence` for not acting on this finding.
    pub silenced: Option<String>,
    /// The finding is about something the spec leaves out entirely (no `tags`), so no line of it
    /// is worth showing.
    pub whole_spec: bool,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    pub fn note(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, path, message)
    }

    fn new(
        severity: Severity,
        code: Code,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        // The catalog's severity is the one a code is reported at; every test run checks it.
        debug_assert_eq!(
            severity,
            code.severity(),
            "{code} is reported at another severity than its catalog row says"
        );
        Diagnostic {
            severity,
            code,
            message: message.into(),
            path: path.into(),
            hint: None,
            pos: None,
            at_key: false,
            inside: None,
            file: None,
            origin: None,
            silenced: None,
            whole_spec: false,
        }
    }

    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    pub fn inside(mut self, line: usize, column: usize) -> Self {
        self.inside = Some(Pos { line, column });
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders as `error[code]: message` with location, path and hint lines below.
    pub fn render(&self, file: &str) -> String {
        text::render(self, file, None)
    }

    /// Where the finding points: its own file (a blueprint) or the spec's.
    pub fn file_or<'a>(&'a self, spec_file: &'a str) -> &'a str {
        self.file.as_deref().unwrap_or(spec_file)
    }

    /// The position, 1:1 when unknown.
    pub fn position(&self) -> Pos {
        self.pos.unwrap_or(Pos { line: 1, column: 1 })
    }
}

/// Where in a blueprint a finding's value was written, or its problem lies.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The blueprint's name, as `extends` gives it.
    pub blueprint: String,
    /// The line and column in the blueprint: of its text rendered with the spec's `with` values,
    /// or of its template for a template error.
    pub pos: Pos,
    /// The `with` parameter whose value landed there, when one did.
    pub with: Option<String>,
    /// The problem is the blueprint's own text (its template, YAML or `extends`), which no field
    /// of the spec can override.
    pub broken: bool,
}

impl Origin {
    /// `blueprint `cis-baseline`, rendered line 27, column 19 (the value of `with: retention_days`)`.
    pub fn text(&self) -> String {
        let at = format!(
            "blueprint `{}`, {} {}, column {}",
            self.blueprint,
            if self.broken { "line" } else { "rendered line" },
            self.pos.line,
            self.pos.column
        );
        match &self.with {
            Some(key) => format!("{at} (the value of `with: {key}`)"),
            None if self.broken => format!("{at} (in the blueprint itself)"),
            None => format!("{at} (a field set beside `extends` overrides it)"),
        }
    }
}

/// One file's findings, as the JSON and SARIF writers take them.
pub struct FileFindings<'a> {
    pub file: &'a str,
    pub diagnostics: &'a [Diagnostic],
    /// The file failed the run: an error, or a warning under `--deny-warnings`.
    pub fails: bool,
}

/// How many findings of a severity are not silenced.
pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity && d.silenced.is_none())
        .count()
}

/// True when any warning is left that the spec does not silence.
pub fn has_warnings(diagnostics: &[Diagnostic]) -> bool {
    count(diagnostics, Severity::Warning) > 0
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "reported at another severity")]
    fn a_code_reported_at_another_severity_than_its_row_is_caught() {
        let _ = Diagnostic::error(Code::NoTags, "/tags", "no tags");
    }
}
