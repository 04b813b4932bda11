//! Findings as one JSON document for tools other than code scanning.
//!
//! Owns the document's shape (README "Diagnostics as JSON"): stable field names, every finding
//! with its location, silenced ones included with their reason. It must not print.

use super::{count, Diagnostic, FileFindings, Severity};
use serde_json::{json, Map, Value};

/// Format version of this document; raised only when a field changes meaning or goes away.
pub const FORMAT_VERSION: u32 = 1;

pub fn document(files: &[FileFindings]) -> String {
    let files: Vec<Value> = files.iter().map(file).collect();
    let doc = json!({
        "format_version": FORMAT_VERSION,
        "tool": { "name": "trailsmith", "version": env!("CARGO_PKG_VERSION") },
        "files": files,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn file(f: &FileFindings) -> Value {
    let silenced = f
        .diagnostics
        .iter()
        .filter(|d| d.silenced.is_some())
        .count();
    json!({
        "file": f.file,
        "passed": !f.fails,
        "errors": count(f.diagnostics, Severity::Error),
        "warnings": count(f.diagnostics, Severity::Warning),
        "notes": count(f.diagnostics, Severity::Note),
        "silenced": silenced,
        "diagnostics": f.diagnostics.iter().map(|d| finding(d, f.file)).collect::<Vec<_>>(),
    })
}

fn finding(d: &Diagnostic, spec_file: &str) -> Value {
    let pos = d.position();
    let mut out = Map::new();
    out.insert("severity".into(), d.severity.label().into());
    out.insert("code".into(), d.code.as_str().into());
    out.insert("message".into(), d.message.clone().into());
    out.insert("file".into(), d.file_or(spec_file).into());
    out.insert("line".into(), pos.line.into());
    out.insert("column".into(), pos.column.into());
    out.insert("path".into(), d.path.clone().into());
    out.insert("hint".into(), d.hint.clone().into());
    let controls: Vec<String> = d.code.controls().iter().map(|c| c.text()).collect();
    out.insert("controls".into(), controls.into());
    out.insert("silenced".into(), d.silenced.clone().into());
    // Added in format 1 (a new field, not a changed one): where in a blueprint the value was
    // written, when `file`/`line` point at the spec's `with` or `extends` that brought it in.
    let origin = d.origin.as_ref().map(|o| {
        json!({
            "blueprint": o.blueprint,
            "line": o.pos.line,
            "column": o.pos.column,
            "with": o.with,
            "in_blueprint_text": o.broken,
        })
    });
    out.insert("origin".into(), origin.into());
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::source::Pos;

    #[test]
    fn every_finding_keeps_its_location_controls_and_silence_reason() {
        let mut quiet = Diagnostic::warning(Code::NoKms, "/kms", "no key");
        quiet.pos = Some(Pos { line: 4, column: 6 });
        quiet.silenced = Some("dev account".into());
        let loud = Diagnostic::error(Code::TrailName, "/trail/name", "bad").hint("fix");
        let diagnostics = [quiet, loud];
        let text = document(&[FileFindings {
            file: "a.yaml",
            diagnostics: &diagnostics,
            fails: true,
        }]);
        let doc: Value = serde_json::from_str(&text).expect("the writer makes JSON");
        let file = &doc["files"][0];
        assert_eq!(file["passed"], false);
        assert_eq!(
            (file["errors"].as_u64(), file["warnings"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(file["silenced"], 1);
        let first = &file["diagnostics"][0];
        assert_eq!(first["code"], "no-kms");
        assert_eq!(
            (first["line"].as_u64(), first["column"].as_u64()),
            (Some(4), Some(6))
        );
        assert_eq!(first["silenced"], "dev account");
        assert_eq!(first["controls"][1], "Security Hub CloudTrail.2");
        assert_eq!(file["diagnostics"][1]["hint"], "fix");
    }
}
