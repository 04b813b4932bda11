//! A CloudFormation template written in YAML, read into the JSON value the same template would be
//! in JSON: short-form tags (`!Ref`, `!Sub`, `!GetAtt A.B` ...) become their long form
//! (`{"Ref": ..}`, `{"Fn::Sub": ..}`, `{"Fn::GetAtt": ["A", "B"]}`).
//!
//! Owns the tag table and how plain scalars are typed. It bounds what hostile input can cost
//! (nesting depth, nodes once aliases are copied) and must not evaluate any intrinsic function
//! (that is `eval`). `crate::source` reads specs and refuses tags, so it is not reused here.

use crate::source::Pos;
use saphyr_parser::{Event, Parser, ScalarStyle, Span, StrInput, Tag};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Deepest nesting read; templates stay well under twenty.
const MAX_DEPTH: usize = 128;
/// Most nodes a template may expand to once aliases are copied (guards against alias bombs). A
/// template is at most 1 MB ("CloudFormation quotas"), far fewer nodes than this.
const MAX_NODES: usize = 1_000_000;

/// Where and why the text is not a YAML template.
#[derive(Debug, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// The short-form tags of "Intrinsic function reference" and the long-form key of each.
const TAGS: [(&str, &str); 21] = [
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
    ("ForEach", "Fn::ForEach"),
];

/// Reads one YAML document into the template's JSON value.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        nodes: 0,
        last: Pos { line: 1, column: 1 },
    };
    reader.document()
}

struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    /// Each anchor's value and the nodes it counted, which each alias counts again.
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    last: Pos,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line().max(1),
        column: span.start.col() + 1,
    }
}

fn error(pos: Pos, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        pos,
        message: message.into(),
    }
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Pos), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                self.last = pos_of(&span);
                Ok((event, self.last))
            }
            Some(Err(e)) => Err(error(
                Pos {
                    line: e.marker().line().max(1),
                    column: e.marker().col() + 1,
                },
                e.info().to_string(),
            )),
            None => Err(error(self.last, "unexpected end of input")),
        }
    }

    fn document(&mut self) -> Result<Value, SyntaxError> {
        let mut value = None;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) if value.is_some() => {
                    return Err(error(
                        pos,
                        "a template is one YAML document; found a second",
                    ))
                }
                Event::DocumentStart(_) => {
                    let (first, first_pos) = self.next()?;
                    value = Some(self.node(first, first_pos, 0)?);
                }
                Event::StreamEnd => return Ok(value.unwrap_or(Value::Null)),
                _ => return Err(error(pos, "unexpected content outside a document")),
            }
        }
    }

    fn count(&mut self, pos: Pos, nodes: usize) -> Result<(), SyntaxError> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(error(
                pos,
                format!("the template expands to more than {MAX_NODES} nodes (aliases copied)"),
            ));
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, pos: Pos, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(error(
                pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        let start = self.nodes;
        self.count(pos, 1)?;
        let (value, anchor, tag) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = match &tag {
                    Some(t) => tagged_scalar(&text, t).map_err(|m| error(pos, m))?,
                    None => scalar(&text, style),
                };
                (value, anchor, tag)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    let (event, item_pos) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, item_pos, depth + 1)?);
                }
                (Value::Array(items), anchor, tag)
            }
            Event::MappingStart(anchor, tag) => (Value::Object(self.mapping(depth)?), anchor, tag),
            Event::Alias(id) => {
                let (value, cost) = self
                    .anchors
                    .get(&id)
                    .map(|(v, cost)| (v.clone(), *cost))
                    .ok_or_else(|| error(pos, "alias to an unknown anchor"))?;
                self.count(pos, cost)?;
                return Ok(value);
            }
            _ => return Err(error(pos, "unexpected YAML event")),
        };
        let value = match tag.as_deref() {
            Some(t) if t.handle == "!" => long_form(t, value).map_err(|m| error(pos, m))?,
            _ => value,
        };
        if anchor > 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.nodes - start));
        }
        Ok(value)
    }

    fn mapping(&mut self, depth: usize) -> Result<Map<String, Value>, SyntaxError> {
        let mut map = Map::new();
        loop {
            let (event, key_pos) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(map),
                Event::Scalar(text, ..) => text.into_owned(),
                _ => return Err(error(key_pos, "mapping keys must be plain strings")),
            };
            if map.contains_key(&key) {
                // CloudFormation refuses a template with duplicate keys ("Template anatomy").
                return Err(error(
                    key_pos,
                    format!("duplicate key `{key}` in the same mapping"),
                ));
            }
            let (event, value_pos) = self.next()?;
            let value = self.node(event, value_pos, depth + 1)?;
            map.insert(key, value);
        }
    }
}

/// A `!Name` tag's node as the long form of its function.
fn long_form(tag: &Tag, value: Value) -> Result<Value, String> {
    let Some((_, key)) = TAGS.iter().find(|(short, _)| *short == tag.suffix) else {
        return Err(format!(
            "`!{}` is not a CloudFormation intrinsic function tag",
            tag.suffix
        ));
    };
    let value = match (tag.suffix.as_str(), value) {
        // `!GetAtt Resource.Attribute`: the attribute may itself hold dots (`Endpoint.Address`).
        ("GetAtt", Value::String(s)) => match s.split_once('.') {
            Some((resource, attribute)) => Value::Array(vec![resource.into(), attribute.into()]),
            None => return Err(format!("`!GetAtt {s}` needs the form Resource.Attribute")),
        },
        (_, v) => v,
    };
    let mut map = Map::new();
    map.insert((*key).to_string(), value);
    Ok(Value::Object(map))
}

/// A scalar with a tag: a function's argument stays the text it is written as; the YAML core
/// tags (`!!str`, `!!int` ...) type it.
fn tagged_scalar(text: &str, tag: &Tag) -> Result<Value, String> {
    if tag.handle == "!" {
        return Ok(Value::String(text.to_string()));
    }
    let core = tag
        .suffix
        .strip_prefix("tag:yaml.org,2002:")
        .unwrap_or(&tag.suffix);
    match core {
        "str" => Ok(Value::String(text.to_string())),
        "int" | "float" => number(text).ok_or_else(|| format!("`{text}` is not a number")),
        "bool" => match text {
            "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not a boolean")),
        },
        "null" => Ok(Value::Null),
        other => Err(format!("YAML tag `{}{other}` is not read", tag.handle)),
    }
}

/// A plain scalar as CloudFormation reads it: `true`/`false`, numbers and null typed, anything
/// else (quoted or block scalars, `yes`, `0123`) a string.
fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "~" | "null" | "Null" | "NULL" | "" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    }
}

/// A decimal number without a leading zero: an account id such as `012345678901` must stay the
/// string it is.
fn number(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let decimal = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !decimal(whole) || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    match fraction {
        None => text.parse::<i64>().ok().map(|n| Value::Number(n.into())),
        Some(f) if decimal(f) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        Some(_) => None,
    }
}
