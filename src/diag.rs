//! Diagnostics: what went wrong or deserves attention, where, and what to do about it.
//!
//! Owns the diagnostic record and its text rendering. It must not decide what is wrong (that is
//! `validate`) nor print (that is the CLI).

use crate::source::Pos;
use std::fmt::Write as _;

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
    /// Stable kebab-case code; users search for it and may silence warnings by it.
    pub code: &'static str,
    pub message: String,
    /// JSON pointer into the spec (`/trail/name`); empty for the whole document.
    pub path: String,
    pub hint: Option<String>,
    /// Filled in by `validate` from the source positions.
    pub pos: Option<Pos>,
    /// The finding is about the key at `path` (an unknown field, a bad tag key), not its value.
    pub at_key: bool,
    /// The text `pos` points into when it is not the spec file itself, such as
    /// `blueprint:cis-baseline` for a value a spec's `extends` brought in.
    pub file: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    pub fn note(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, path, message)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            path: path.into(),
            hint: None,
            pos: None,
            at_key: false,
            file: None,
        }
    }

    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders as `error[code]: message` with location, path and hint lines below.
    pub fn render(&self, file: &str) -> String {
        let mut out = format!(
            "{}[{}]: {}\n",
            self.severity.label(),
            self.code,
            self.message
        );
        let pos = self.pos.unwrap_or(Pos { line: 1, column: 1 });
        let file = self.file.as_deref().unwrap_or(file);
        let _ = writeln!(out, "  --> {file}:{}:{}", pos.line, pos.column);
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        let _ = writeln!(out, "   = path: {path}");
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "   = hint: {hint}");
        }
        out
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_path_and_hint() {
        let mut d = Diagnostic::error("trail-name", "/trail/name", "bad name").hint("use letters");
        d.pos = Some(Pos { line: 3, column: 9 });
        assert_eq!(
            d.render("spec.yaml"),
            "error[trail-name]: bad name\n  --> spec.yaml:3:9\n   = path: /trail/name\n   = hint: use letters\n"
        );
    }
}
