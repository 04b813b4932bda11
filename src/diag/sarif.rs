//! Findings as SARIF 2.1.0 ("Static Analysis Results Interchange Format", OASIS), the format
//! GitHub code scanning and other review tools import.
//!
//! Owns the mapping: one run, the code catalog as rules (id, summary, full description, help as
//! text and Markdown, controls as tags, the Security Hub control page or the README as `helpUri`:
//! what GitHub code scanning requires of a rule), one result per finding with its level and a
//! location in the spec (never `blueprint:NAME`, which no one can open), a silenced finding as a
//! result with an in-source suppression. It must not print.

use super::{Code, Diagnostic, FileFindings, Severity};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn document(files: &[FileFindings]) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": {
                "name": "trailsmith",
                "informationUri": super::codes::PROJECT_URI,
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }}),
            column_kind: "unicodeCodePoints",
            results: Results { files },
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Value,
    /// Our columns count characters, not the UTF-16 units SARIF assumes by default.
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results, each made as it is written: a tree of JSON values for every finding at once
/// costs ten times the text (211 MB for 20,000 findings).
struct Results<'a> {
    files: &'a [FileFindings<'a>],
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for f in self.files {
            for d in f.diagnostics {
                let index = Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0);
                seq.serialize_element(&result(d, f.file, index))?;
            }
        }
        seq.end()
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A code as a rule. GitHub code scanning requires `fullDescription` and `help` of every rule
/// (the SARIF multitool's GH2012); `helpUri` is the control's page, else the README.
fn rule(code: Code) -> Value {
    let mut out = json!({ "id": code.as_str() });
    // A one-word code (`syntax`) is its own name but for case: SARIF asks to leave `name` out
    // then, since it adds nothing to the id (the multitool's SARIF1001).
    if !code.rule_name().eq_ignore_ascii_case(code.as_str()) {
        out["name"] = code.rule_name().into();
    }
    out["shortDescription"] = json!({ "text": code.summary() });
    out["fullDescription"] = json!({ "text": code.full_description() });
    out["help"] = json!({ "text": help_text(code), "markdown": help_markdown(code) });
    out["helpUri"] = code.help_uri().into();
    out["defaultConfiguration"] = json!({ "level": level(code.severity()) });
    if !code.controls().is_empty() {
        let tags: Vec<String> = code.controls().iter().map(|c| c.text()).collect();
        out["properties"] = json!({ "tags": tags });
    }
    out
}

fn help_text(code: Code) -> String {
    let mut out = format!("{code}: {}\n\n{}", code.summary(), code.action());
    if !code.controls().is_empty() {
        out.push_str(&format!("\n\nRelates to {}.", code.controls_text()));
    }
    out.push_str(&format!("\n\nMore: {}", code.help_uri()));
    out
}

fn help_markdown(code: Code) -> String {
    let mut out = format!("**`{code}`**: {}\n\n{}", code.summary(), code.action());
    if !code.controls().is_empty() {
        let controls: Vec<String> = code
            .controls()
            .iter()
            .map(|c| match c.help_uri() {
                Some(uri) => format!("[{}]({uri})", c.text()),
                None => c.text(),
            })
            .collect();
        out.push_str(&format!("\n\nRelates to {}.", controls.join(", ")));
    }
    out.push_str(&format!(
        "\n\nSee [Diagnostics]({}/#diagnostics) in trailsmith's README.",
        super::codes::PROJECT_URI
    ));
    out
}

fn result(d: &Diagnostic, spec_file: &str, rule_index: usize) -> Value {
    let pos = d.position();
    let mut text = d.message.clone();
    if let Some(origin) = &d.origin {
        text.push_str("\nFrom: ");
        text.push_str(&origin.text());
    }
    if let Some(hint) = &d.hint {
        text.push_str("\nHint: ");
        text.push_str(hint);
    }
    // Every location is a file of the repository: a value a blueprint brought in is shown at the
    // spec's `with` or `extends` line (`validate`), as code scanning cannot open a blueprint.
    let file = d.file_or(spec_file);
    let artifact = if file.starts_with('/') {
        json!({ "uri": uri(file) })
    } else {
        json!({ "uri": uri(file), "uriBaseId": "%SRCROOT%" })
    };
    let path = if d.path.is_empty() { "/" } else { &d.path };
    let mut out = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": pos.line, "startColumn": pos.column },
            },
            "logicalLocations": [{ "fullyQualifiedName": path, "kind": "member" }],
        }],
        // The JSON path names a finding better than its line, which moves with every edit above.
        "partialFingerprints": { "trailsmithFinding/v1": format!("{}:{path}", d.code) },
    });
    if let Some(reason) = &d.silenced {
        out["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    out
}

/// A file name as a URI reference: `/` separators, no `./`, and characters a URI cannot hold
/// percent-encoded; an absolute path becomes a `file://` URI.
fn uri(file: &str) -> String {
    if file == "<stdin>" {
        return "stdin".to_string();
    }
    let path = file.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references_or_file_uris() {
        assert_eq!(uri("./teams/a b.yaml"), "teams/a%20b.yaml");
        assert_eq!(uri("teams\\x.yaml"), "teams/x.yaml");
        assert_eq!(uri("/abs/ü.yaml"), "file:///abs/%C3%BC.yaml");
        assert_eq!(uri("odd:name.yaml"), "odd%3Aname.yaml");
    }

    /// Each rule name is its code's words capitalized and joined, so a reader can tell one
    /// from the other.
    #[test]
    fn rule_names_are_the_codes_in_pascal_case() {
        for code in Code::ALL {
            let words: String = code
                .as_str()
                .split('-')
                .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
                .collect();
            assert_eq!(code.rule_name(), words, "{code}");
        }
    }
}
