//! Findings as SARIF 2.1.0 ("Static Analysis Results Interchange Format", OASIS), the format
//! GitHub code scanning and other review tools import.
//!
//! Owns the mapping: one run, the code catalog as rules (id, summary, controls as tags, Security
//! Hub documentation as help), one result per finding with its level and physical location, a
//! silenced finding as a result with an in-source suppression. It must not print.

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

fn rule(code: Code) -> Value {
    let mut out = json!({
        "id": code.as_str(),
        "name": code.rule_name(),
        "shortDescription": { "text": code.summary() },
        "defaultConfiguration": { "level": level(code.severity()) },
    });
    if !code.controls().is_empty() {
        out["fullDescription"] =
            json!({ "text": format!("{} Relates to {}.", code.summary(), code.controls_text()) });
        let tags: Vec<String> = code.controls().iter().map(|c| c.text()).collect();
        out["properties"] = json!({ "tags": tags });
    }
    if let Some(uri) = code.help_uri() {
        out["helpUri"] = uri.into();
    }
    out
}

fn result(d: &Diagnostic, spec_file: &str, rule_index: usize) -> Value {
    let pos = d.position();
    let mut text = d.message.clone();
    if let Some(hint) = &d.hint {
        text.push_str("\nHint: ");
        text.push_str(hint);
    }
    // A finding in a blueprint names it as `blueprint:NAME`, already a URI.
    let artifact = match &d.file {
        Some(label) => json!({ "uri": label }),
        None if spec_file.starts_with('/') => json!({ "uri": uri(spec_file) }),
        None => json!({ "uri": uri(spec_file), "uriBaseId": "%SRCROOT%" }),
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
