//! Source text to a JSON value plus a map from JSON pointer to line and column.
//!
//! Owns YAML and JSON reading (JSON is read as YAML flow style, so one parser gives positions for
//! both). It resolves plain scalars by the YAML 1.2 core schema, refuses what a spec never needs
//! (several documents, custom tags, non-scalar keys, duplicate keys) and bounds what hostile input
//! can cost (nesting depth, the length of one key or value, the nodes and bytes a document expands
//! to once aliases are copied). It must not know anything about the spec's meaning.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Deepest nesting a spec may have; real specs stay under ten.
const MAX_DEPTH: usize = 64;
/// Most nodes a document may expand to once aliases are copied (guards against alias bombs).
const MAX_NODES: usize = 200_000;
/// Longest key or value; no spec field needs more than a few thousand characters (a filter
/// pattern holds 1,024). Bounds what a "did you mean" or a message quoting the value can cost.
const MAX_SCALAR_BYTES: usize = 64 * 1024;
/// Most bytes of keys, values and the paths they form (each key repeated in the path of every node
/// under it) a document may expand to once aliases are copied: a few anchored long strings or
/// long keys over many nodes must not cost gigabytes when the nodes alone stay few.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Where a node stands: its key (for mapping members) and its value.
#[derive(Debug, Clone, Copy)]
struct Place {
    key: Option<Pos>,
    value: Pos,
    /// A mapping or list: its own position is that of its first member, so a finding about the
    /// whole collection is better shown at the key that names it.
    collection: bool,
}

/// A parsed document: the value and where each of its nodes came from.
///
/// The places are recorded as the parser meets them, in a list; they are indexed by pointer only
/// when a finding first asks where something is (a spec without findings never is). Hashing every
/// pointer of every spec cost about 4% of compiling one.
#[derive(Debug)]
pub struct Document {
    pub value: Value,
    recorded: Vec<(String, Place)>,
    places: std::sync::OnceLock<HashMap<String, Place>>,
}

/// A document that could not be read, with where the reading stopped.
#[derive(Debug, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
    /// The text may be valid YAML, but it is deeper, longer or larger than trailsmith reads.
    pub limit: bool,
}

impl Document {
    /// Position of the value at `pointer` (of the key naming it when it is a mapping or a list),
    /// or of its nearest ancestor that exists.
    pub fn value_pos(&self, pointer: &str) -> Pos {
        self.find(pointer, |p| match (p.collection, p.key) {
            (true, Some(key)) => key,
            _ => p.value,
        })
    }

    /// Position of the key naming the member at `pointer` (the value for list items and the root).
    pub fn key_pos(&self, pointer: &str) -> Pos {
        self.find(pointer, |p| p.key.unwrap_or(p.value))
    }

    /// The nearest member at or above `pointer` that the document has (`""` for the root): where
    /// a finding about a missing field is shown.
    pub fn nearest<'a>(&self, pointer: &'a str) -> &'a str {
        let mut current = pointer;
        while !self.places().contains_key(current) {
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return "",
            }
        }
        current
    }

    /// Each pointer is recorded once (a mapping's keys are distinct, an alias records nothing).
    fn places(&self) -> &HashMap<String, Place> {
        self.places.get_or_init(|| {
            self.recorded
                .iter()
                .map(|(pointer, place)| (pointer.clone(), *place))
                .collect()
        })
    }

    fn find(&self, pointer: &str, pick: impl Fn(&Place) -> Pos) -> Pos {
        let mut current = pointer;
        loop {
            if let Some(place) = self.places().get(current) {
                return pick(place);
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }
}

/// Parses one YAML (or JSON) document.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        places: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        bytes: 0,
        last: Pos { line: 1, column: 1 },
        end: end_of(text),
    };
    let value = builder.document()?;
    Ok(Document {
        value,
        recorded: builder.places,
        places: std::sync::OnceLock::new(),
    })
}

/// The position just after the last character, with YAML's line breaks (`\r\n`, `\n`, `\r`).
fn end_of(text: &str) -> Pos {
    let last_break = text.rfind(['\n', '\r']);
    let breaks = text.matches(['\n', '\r']).count() - text.matches("\r\n").count();
    let last_line = last_break.map_or(text, |at| &text[at + 1..]);
    Pos {
        line: breaks + 1,
        column: last_line.chars().count() + 1,
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    // Nearly every key has neither character: one scan instead of two replacements.
    if !segment.contains(['~', '/']) {
        return segment.to_string();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends `/` and the escaped `segment` to a JSON pointer, copying the segment as it is when it
/// needs no escape (nearly every key: this runs for every key of every spec).
pub fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    if segment.contains(['~', '/']) {
        pointer.push_str(&escape_segment(segment));
    } else {
        pointer.push_str(segment);
    }
}

/// `pointer` extended by the member `key`, in one allocation.
fn child_pointer(pointer: &str, key: &str) -> String {
    let mut child = String::with_capacity(pointer.len() + 1 + key.len());
    child.push_str(pointer);
    push_segment(&mut child, key);
    child
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    places: Vec<(String, Place)>,
    /// Each anchor's value with the nodes and bytes it counted, which each alias counts again.
    anchors: HashMap<usize, (Value, Cost)>,
    nodes: usize,
    bytes: usize,
    last: Pos,
    /// The end of the text. The parser places the end of input (and an empty node there, such as
    /// the key of a last `? `) on a line after the last one when the text does not end with a line
    /// break; every position is kept inside the text.
    end: Pos,
}

/// What a node cost the budgets (`MAX_NODES`, `MAX_BYTES`).
#[derive(Debug, Clone, Copy)]
struct Cost {
    nodes: usize,
    bytes: usize,
}

impl Cost {
    const NODE: Cost = Cost { nodes: 1, bytes: 0 };

    fn bytes(bytes: usize) -> Cost {
        Cost { nodes: 0, bytes }
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Pos), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                self.last = pos_of(&span).min(self.end);
                Ok((event, self.last))
            }
            Some(Err(e)) => Err(SyntaxError {
                pos: Pos {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                }
                .min(self.end),
                message: e.info().to_string(),
                limit: false,
            }),
            None => Err(self.error(self.last, "unexpected end of input")),
        }
    }

    fn error(&self, pos: Pos, message: &str) -> SyntaxError {
        SyntaxError {
            pos,
            message: message.to_string(),
            limit: false,
        }
    }

    /// One of the bounds (`MAX_DEPTH`, `MAX_NODES`, `MAX_SCALAR_BYTES`, `MAX_BYTES`) was crossed.
    fn beyond_limit(&self, pos: Pos, message: &str) -> SyntaxError {
        SyntaxError {
            limit: true,
            ..self.error(pos, message)
        }
    }

    fn document(&mut self) -> Result<Value, SyntaxError> {
        let mut value = None;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) if value.is_some() => {
                    return Err(self.error(
                        pos,
                        "a spec file holds one YAML document; found a second `---`",
                    ))
                }
                Event::DocumentStart(_) => {
                    let (first, first_pos) = self.next()?;
                    value = Some(self.node(first, first_pos, String::new(), None, 0)?);
                }
                Event::StreamEnd => return Ok(value.unwrap_or(Value::Null)),
                _ => return Err(self.error(pos, "unexpected content outside a document")),
            }
        }
    }

    fn count(&mut self, pos: Pos, cost: Cost) -> Result<(), SyntaxError> {
        self.nodes += cost.nodes;
        self.bytes += cost.bytes;
        if self.nodes > MAX_NODES {
            return Err(self.beyond_limit(
                pos,
                &format!("the document expands to more than {MAX_NODES} nodes (aliases copied); a spec never needs that many"),
            ));
        }
        if self.bytes > MAX_BYTES {
            return Err(self.beyond_limit(
                pos,
                &format!("the document expands to more than {MAX_BYTES} bytes of keys, values and the paths they form (aliases copied); a spec never needs that many"),
            ));
        }
        Ok(())
    }

    /// The text of a key or a scalar.
    fn count_text(&mut self, pos: Pos, text: &str) -> Result<(), SyntaxError> {
        if text.len() > MAX_SCALAR_BYTES {
            return Err(self.beyond_limit(
                pos,
                &format!(
                    "a key or value of {} bytes; a spec never needs one longer than {MAX_SCALAR_BYTES}",
                    text.len()
                ),
            ));
        }
        self.count(pos, Cost::bytes(text.len()))
    }

    fn node(
        &mut self,
        event: Event<'a>,
        pos: Pos,
        pointer: String,
        key: Option<Pos>,
        depth: usize,
    ) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.beyond_limit(pos, &format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let (start_nodes, start_bytes) = (self.nodes, self.bytes);
        self.count(pos, Cost::bytes(pointer.len()))?;
        // The pointer is moved in once the children have used it, not copied.
        let recorded = self.places.len();
        self.places.push((
            String::new(),
            Place {
                key,
                value: pos,
                collection: matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)),
            },
        ));
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.count(pos, Cost::NODE)?;
                self.count_text(pos, &text)?;
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                (
                    scalar(&text, style, tag.as_deref()).map_err(|m| self.error(pos, &m))?,
                    anchor,
                )
            }
            Event::SequenceStart(anchor, _) => {
                self.count(pos, Cost::NODE)?;
                let mut items = Vec::new();
                loop {
                    let (event, item_pos) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let child = format!("{pointer}/{}", items.len());
                    items.push(self.node(event, item_pos, child, None, depth + 1)?);
                }
                (Value::Array(items), anchor)
            }
            Event::MappingStart(anchor, _) => {
                self.count(pos, Cost::NODE)?;
                (Value::Object(self.mapping(&pointer, depth)?), anchor)
            }
            Event::Alias(id) => {
                let cost = self
                    .anchors
                    .get(&id)
                    .map(|(_, cost)| *cost)
                    .ok_or_else(|| self.error(pos, "alias to an unknown anchor"))?;
                // Counted before the copy is made, so a copy over budget is never made.
                self.count(pos, cost)?;
                let value = self.anchors.get(&id).map(|(v, _)| v.clone());
                (value.unwrap_or(Value::Null), 0)
            }
            _ => return Err(self.error(pos, "unexpected YAML event")),
        };
        if anchor > 0 {
            let cost = Cost {
                nodes: self.nodes - start_nodes,
                bytes: self.bytes - start_bytes,
            };
            self.anchors.insert(anchor, (value.clone(), cost));
        }
        if let Some(slot) = self.places.get_mut(recorded) {
            slot.0 = pointer;
        }
        Ok(value)
    }

    fn mapping(&mut self, pointer: &str, depth: usize) -> Result<Map<String, Value>, SyntaxError> {
        let mut map = Map::new();
        loop {
            let (event, key_pos) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(map),
                Event::Scalar(text, ..) => {
                    self.count_text(key_pos, &text)?;
                    text.into_owned()
                }
                _ => return Err(self.error(key_pos, "mapping keys must be plain strings")),
            };
            if map.contains_key(&key) {
                return Err(self.error(
                    key_pos,
                    &format!("duplicate key `{key}` in the same mapping"),
                ));
            }
            let (event, value_pos) = self.next()?;
            let child = child_pointer(pointer, &key);
            let value = self.node(event, value_pos, child, Some(key_pos), depth + 1)?;
            map.insert(key, value);
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema: plain scalars may be null, booleans or numbers;
/// quoted and block scalars are always strings.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Result<Value, String> {
    match tag {
        None => {}
        Some("!!str" | "tag:yaml.org,2002:str") => return Ok(Value::String(text.to_string())),
        Some(other) => return Err(format!("YAML tag `{other}` is not supported in a spec")),
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    Ok(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    })
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "only whole numbers below 9e15 are cast, which i64 holds exactly"
)]
fn number(text: &str) -> Option<Value> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Some(Value::Number(n.into()));
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    let float_like = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        let f = text.parse::<f64>().ok()?;
        // JSON Schema counts 1.0 as an integer; so do we, so that serde agrees with the schema.
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            return Some(Value::Number((f as i64).into()));
        }
        return Number::from_f64(f).map(Value::Number);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn yaml_values_and_positions() {
        let doc =
            parse("version: 1\ntrail:\n  name: audit\n  multi_region: false\ntags: {a: 'x'}\n")
                .unwrap();
        assert_eq!(doc.value["version"], 1);
        assert_eq!(doc.value["trail"]["multi_region"], false);
        assert_eq!(doc.value["tags"]["a"], "x");
        assert_eq!(doc.value_pos("/trail/name"), at(3, 9));
        assert_eq!(doc.key_pos("/trail/name"), at(3, 3));
        assert_eq!(doc.value_pos("/tags/a"), at(5, 11));
        // A mapping value is shown at the key that names it.
        assert_eq!(doc.value_pos("/trail"), at(2, 1));
        // A path that does not exist falls back to its nearest ancestor.
        assert_eq!(doc.value_pos("/trail/missing/deeper"), at(2, 1));
    }

    #[test]
    fn json_is_read_with_positions() {
        let doc = parse("{\n  \"version\": 1,\n  \"trail\": {\"name\": \"a\"}\n}\n").unwrap();
        assert_eq!(doc.value["trail"]["name"], "a");
        assert_eq!(doc.key_pos("/trail"), at(3, 3));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let doc =
            parse("a: yes\nb: '1'\nc: 0x10\nd: 1.5\ne: ~\nf: 007\ng: 1e3\nh: 1.2.3\n").unwrap();
        assert_eq!(doc.value["a"], "yes");
        assert_eq!(doc.value["b"], "1");
        assert_eq!(doc.value["c"], 16);
        assert_eq!(doc.value["d"], 1.5);
        assert_eq!(doc.value["e"], Value::Null);
        assert_eq!(doc.value["f"], 7);
        assert_eq!(doc.value["g"], 1000);
        assert_eq!(doc.value["h"], "1.2.3");
    }

    #[test]
    fn duplicate_keys_are_rejected_at_the_second_key() {
        let err = parse("trail:\n  name: a\n  name: b\n").unwrap_err();
        assert_eq!(err.pos, at(3, 3));
        assert!(err.message.contains("duplicate key `name`"));
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("more than"), "{}", err.message);
    }

    /// Regression: one anchored long string, aliased a thousand times, used to expand to
    /// gigabytes while the node count stayed small.
    #[test]
    fn aliases_of_long_strings_are_bounded() {
        let long = "x".repeat(60_000);
        let aliases = vec!["*a"; 1_000].join(", ");
        let err = parse(&format!("a: &a \"{long}\"\nb: [{aliases}]\n")).unwrap_err();
        assert!(err.message.contains("bytes of keys"), "{}", err.message);
        assert_eq!(err.pos.line, 2);
    }

    /// Regression: every node's path repeats the keys above it, so long keys over many nodes
    /// used to cost gigabytes of paths.
    #[test]
    fn long_keys_over_many_nodes_are_bounded() {
        let key = "k".repeat(1_000);
        let mut text = String::new();
        for depth in 0..60 {
            let indent = "  ".repeat(depth);
            text.push_str(&format!("{indent}? {key}\n{indent}:\n"));
        }
        text.push_str(&"  ".repeat(60));
        text.push_str(&format!("[{}]\n", vec!["1"; 20_000].join(",")));
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("bytes of keys"), "{}", err.message);
    }

    #[test]
    fn long_keys_and_values_are_refused() {
        let long = "k".repeat(MAX_SCALAR_BYTES + 1);
        for text in [format!("? {long}\n: 1\n"), format!("a: \"{long}\"\n")] {
            let err = parse(&text).unwrap_err();
            assert!(err.message.contains("a key or value of"), "{}", err.message);
        }
        let fits = "k".repeat(MAX_SCALAR_BYTES);
        assert_eq!(parse(&format!("a: {fits}\n")).unwrap().value["a"], fits);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&text).unwrap_err().message.contains("nesting"));
    }

    /// Regression: the parser placed an error at the end of input on the line after the last
    /// one of a text without a final line break, a line the file does not have.
    #[test]
    fn an_error_at_the_end_of_input_is_inside_the_text() {
        assert_eq!(parse("a: [1, 2").unwrap_err().pos, at(1, 9));
        assert_eq!(parse("{\"a\": ").unwrap_err().pos, at(1, 7));
        assert_eq!(parse("a:\r\n  b: {").unwrap_err().pos, at(2, 7));
        assert_eq!(parse("a:\r  b: {").unwrap_err().pos, at(2, 7));
        // With a final line break the end is the start of the (empty) line after it.
        assert_eq!(parse("a: [1, 2\n").unwrap_err().pos, at(2, 1));
        // An empty key the parser makes up at the end of input.
        let doc = parse("a: 1\n? ").unwrap();
        assert_eq!(doc.key_pos("/"), at(2, 3));
    }

    #[test]
    fn second_document_and_syntax_errors_are_located() {
        assert_eq!(parse("a: 1\n---\nb: 2\n").unwrap_err().pos.line, 2);
        let err = parse("a: [1, 2\n").unwrap_err();
        assert!(err.pos.line >= 1);
        assert!(parse("a: !custom x\n").unwrap_err().message.contains("tag"));
    }
}
