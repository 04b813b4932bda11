//! The one pretty-printer of every output file: a `serde_json::Value` as two-space indented JSON,
//! byte for byte what `serde_json::to_string_pretty` writes, plus a trailing newline.
//!
//! Owns only the spelling of JSON text; it must not reorder, drop or change a value. Written
//! here rather than through serde's serializer because it was a sixth of a directory build's
//! instructions (callgrind, scripts/bench/BENCHMARKS.md): the generic serializer goes through a
//! formatter trait and an `io::Write` per token, escapes strings one run at a time and checks
//! the UTF-8 again at the end. The tests hold it to serde_json's own output.

use serde_json::Value;

/// Two-space indented JSON with a trailing newline; key order is insertion order.
pub fn pretty(value: &Value) -> String {
    // Room for a typical template (about 20 KB) up front, instead of growing from a few bytes.
    let mut out = String::with_capacity(32 * 1024);
    write(value, 0, &mut out);
    out.push('\n');
    out
}

fn write(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // `Number`'s Display is serde_json's own spelling (itoa for integers, ryu for floats).
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(s, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(depth + 1, out);
                write(item, depth + 1, out);
            }
            line(depth, out);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(depth + 1, out);
                string(key, out);
                out.push_str(": ");
                write(item, depth + 1, out);
            }
            line(depth, out);
            out.push('}');
        }
    }
}

fn line(depth: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    out.push('\n');
    let mut left = 2 * depth;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// A JSON string as serde_json spells it: `"` and `\` escaped, control characters as their short
/// escape or `\u00XX` (lowercase hex), everything else (non-ASCII too) as it is.
fn string(s: &str, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Eight bytes at a time while none needs escaping: most of an output is plain text.
        if let Some(chunk) = bytes.get(at..at + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !needs_escape(u64::from_le_bytes(word)) {
                at += 8;
                continue;
            }
        }
        let byte = bytes[at];
        if let Some(escape) = escape(byte) {
            // Every byte escaped is ASCII, so `at` and `at + 1` are character boundaries.
            out.push_str(&s[start..at]);
            match escape {
                Escape::Short(text) => out.push_str(text),
                Escape::Hex => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(byte >> 4)]));
                    out.push(char::from(HEX[usize::from(byte & 0xf)]));
                }
            }
            start = at + 1;
        }
        at += 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

enum Escape {
    Short(&'static str),
    Hex,
}

fn escape(byte: u8) -> Option<Escape> {
    Some(match byte {
        b'"' => Escape::Short("\\\""),
        b'\\' => Escape::Short("\\\\"),
        b'\n' => Escape::Short("\\n"),
        b'\r' => Escape::Short("\\r"),
        b'\t' => Escape::Short("\\t"),
        0x08 => Escape::Short("\\b"),
        0x0c => Escape::Short("\\f"),
        0x00..=0x1f => Escape::Hex,
        _ => return None,
    })
}

/// Whether any of the eight bytes of `word` is a control character, `"` or `\` (the bit tricks
/// of "Bit Twiddling Hacks", "Determine if a word has a byte less than n" and "...equal to n").
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |n: u64| word.wrapping_sub(ONES * n) & !word & HIGH;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    below(0x20) | zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\')))
        != 0
}

#[cfg(test)]
mod tests {
    use super::pretty;
    use serde_json::{json, Value};

    fn serde_pretty(value: &Value) -> String {
        let mut text = serde_json::to_string_pretty(value).expect("a Value serializes");
        text.push('\n');
        text
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let mut every_control = String::new();
        for c in 0u8..0x20 {
            every_control.push(char::from(c));
        }
        let cases = [
            json!(null),
            json!(true),
            json!([]),
            json!({}),
            json!("plain"),
            json!(every_control),
            json!("quote \" backslash \\ slash / del \u{7f} é ✓ 😀 ${AWS::Region}"),
            json!([1, -2, 3.5, 1e300, 0.1, u64::MAX, i64::MIN, false, null]),
            json!({"a": {}, "b": [], "c": [[]], "d": [{}], "e": {"f": {"g": [1, {"h": "i"}]}}}),
            json!({"key \"quoted\"\n": "v", "": ""}),
            json!([
                "12345678\"",
                "1234567\\8",
                "abcdefgh\u{1f}ijklmnop",
                "ééééé\n"
            ]),
        ];
        for case in &cases {
            assert_eq!(pretty(case), serde_pretty(case), "{case}");
        }
    }

    /// Every ASCII byte at every place of a word and across word edges, beside plain text and
    /// beside a non-ASCII character: the eight-byte scan must miss none and invent none.
    #[test]
    fn escapes_every_byte_wherever_it_falls() {
        for byte in 0u8..0x80 {
            for before in 0..18 {
                for filler in ["a", "é"] {
                    let mut text = filler.repeat(before);
                    text.push(char::from(byte));
                    text.push_str(&filler.repeat(17 - before));
                    let value = json!(text);
                    assert_eq!(
                        pretty(&value),
                        serde_pretty(&value),
                        "byte {byte:#x} after {before}"
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_the_order_of_keys() {
        let value = json!({"z": 1, "a": 2, "m": {"y": 3, "b": 4}});
        assert_eq!(
            pretty(&value),
            "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": {\n    \"y\": 3,\n    \"b\": 4\n  }\n}\n"
        );
    }
}
