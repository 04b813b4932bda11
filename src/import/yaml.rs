//! A spec value written as YAML a person reads: block style in the spec's key order, comments
//! above the keys they are about.
//!
//! Owns quoting (a string is written plain only when YAML 1.1 and 1.2 both read it back as that
//! same string, JSON-quoted otherwise). It must not decide what the spec says (that is `import`).

use serde_json::Value;
use std::collections::BTreeMap;

/// Comments by JSON pointer of the key they stand above (`/bucket/versioning`).
pub type Comments = BTreeMap<String, Vec<String>>;

/// Words YAML 1.1 reads as booleans or null, whatever their case.
const KEYWORDS: [&str; 12] = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "none", "nan",
];

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./@+".contains(c))
                && !KEYWORDS.contains(&s.to_ascii_lowercase().as_str());
            if plain {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => false,
    }
}

fn comment_lines(out: &mut String, indent: usize, lines: Option<&Vec<String>>) {
    for line in lines.into_iter().flatten() {
        out.push_str(&" ".repeat(indent));
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
}

fn escape(key: &str) -> String {
    crate::source::escape_segment(key)
}

/// Writes a mapping's entries at `indent`; `first_prefix` replaces the indent of the first line
/// (`- ` for a list item).
fn mapping(
    out: &mut String,
    map: &serde_json::Map<String, Value>,
    indent: usize,
    first_prefix: Option<&str>,
    path: &str,
    comments: &Comments,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        let here = format!("{path}/{}", escape(key));
        if indent == 0 && i > 0 {
            // A blank line between the spec's sections, as a person writes them.
            out.push('\n');
        }
        let lead = match (i, first_prefix) {
            (0, Some(prefix)) => prefix.to_string(),
            _ => {
                comment_lines(out, indent, comments.get(&here));
                " ".repeat(indent)
            }
        };
        out.push_str(&lead);
        out.push_str(&scalar(&Value::String(key.clone())));
        out.push(':');
        node(out, value, indent, &here, comments);
    }
}

/// Writes what follows a key's colon.
fn node(out: &mut String, value: &Value, indent: usize, path: &str, comments: &Comments) {
    if !is_block(value) {
        out.push(' ');
        out.push_str(&scalar(value));
        out.push('\n');
        return;
    }
    out.push('\n');
    match value {
        Value::Object(map) => mapping(out, map, indent + 2, None, path, comments),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let here = format!("{path}/{i}");
                comment_lines(out, indent + 2, comments.get(&here));
                let prefix = format!("{}- ", " ".repeat(indent + 2));
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        mapping(out, map, indent + 4, Some(&prefix), &here, comments)
                    }
                    other => {
                        out.push_str(&prefix);
                        out.push_str(&scalar(other));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {}
    }
}

/// The document: `header` comment lines, then the mapping.
pub fn write(
    header: &[String],
    doc: &serde_json::Map<String, Value>,
    comments: &Comments,
) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(if line.is_empty() { "#" } else { "# " });
        out.push_str(line);
        out.push('\n');
    }
    mapping(&mut out, doc, 0, None, "", comments);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_yaml_would_read_otherwise_is_quoted() {
        for (s, want) in [
            ("cis-audit", "cis-audit"),
            ("yes", "\"yes\""),
            ("On", "\"On\""),
            ("111122223333", "\"111122223333\""),
            ("a: b", "\"a: b\""),
            ("{ $.eventName = X }", "\"{ $.eventName = X }\""),
            ("", "\"\""),
            ("CloudTrail/audit", "CloudTrail/audit"),
            ("arn:aws:s3:::b/", "\"arn:aws:s3:::b/\""),
        ] {
            assert_eq!(scalar(&json!(s)), want, "{s}");
        }
    }

    #[test]
    fn the_written_yaml_reads_back_as_the_value_with_comments_in_place() {
        let doc = json!({
            "version": 1,
            "trail": { "name": "t", "logging": true },
            "events": { "data": [ { "type": "AWS::S3::Object", "buckets": ["b", "c/p"] } ], "insights": [] },
        });
        let mut comments = Comments::new();
        comments.insert("/trail/logging".into(), vec!["not given".into()]);
        comments.insert("/events/data/0".into(), vec!["an item".into()]);
        let text = write(
            &["header".into()],
            doc.as_object().unwrap_or(&Default::default()),
            &comments,
        );
        assert!(
            text.starts_with(
                "# header\nversion: 1\n\ntrail:\n  name: t\n  # not given\n  logging: true\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "    # an item\n    - type: \"AWS::S3::Object\"\n      buckets:\n        - b\n        - c/p\n"
            ),
            "{text}"
        );
        let back: Value = crate::source::parse(&text)
            .map(|d| d.value)
            .unwrap_or(Value::Null);
        assert_eq!(back, doc);
    }
}
