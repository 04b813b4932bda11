//! Blueprints: handlebars templates of specs, with a header comment that declares them.
//!
//! Owns the header format, the catalog (shipped blueprints embedded in the binary, plus an
//! organization's own, which override by name), and rendering with strict variables. Every
//! parameter value reaches the YAML as a double-quoted scalar (or, through `int`, `bool` and
//! `list`, as a checked number, boolean or flow list of quoted strings), so no value can add or
//! change keys. It must not read files (the CLI hands it texts) nor judge the rendered spec
//! (that is `validate`).
//!
//! Header format, the template's leading `#` lines:
//!
//! ```text
//! # blueprint: cis-baseline
//! # description: everything CIS and Security Hub ask of a trail
//! # param: trail_name (required) the trail's name
//! # param: retention_days = 365 days CloudWatch Logs keeps events
//! # param: kms_alias = "" optional; empty takes the default alias
//! ```

mod helpers;

pub use helpers::yaml_quote;

use handlebars::RenderErrorReason;
use helpers::engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The blueprints shipped in the binary: (file name, text).
const SHIPPED: &[(&str, &str)] = &[
    (
        "cis-baseline.yaml.hbs",
        include_str!("../blueprints/cis-baseline.yaml.hbs"),
    ),
    (
        "data-events-audit.yaml.hbs",
        include_str!("../blueprints/data-events-audit.yaml.hbs"),
    ),
    (
        "dev-single-region.yaml.hbs",
        include_str!("../blueprints/dev-single-region.yaml.hbs"),
    ),
    (
        "minimal.yaml.hbs",
        include_str!("../blueprints/minimal.yaml.hbs"),
    ),
    (
        "organization.yaml.hbs",
        include_str!("../blueprints/organization.yaml.hbs"),
    ),
    (
        "organization-layout.yaml.hbs",
        include_str!("../blueprints/organization-layout.yaml.hbs"),
    ),
];

/// One declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// The header line declaring it.
    pub line: usize,
    /// `None` when the parameter is required.
    pub default: Option<String>,
    pub description: String,
}

/// A parsed blueprint.
#[derive(Debug, Clone)]
pub struct Blueprint {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    /// Where it came from: the file name for shipped ones, the path for an organization's.
    pub file: String,
    template: String,
}

/// A problem with a blueprint's text (its header or template), located in that file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Why a blueprint could not be rendered with the given values.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// A value for a parameter the blueprint does not declare.
    Unknown { key: String, allowed: Vec<String> },
    /// A required parameter without a value, with where the blueprint declares it.
    Missing {
        name: String,
        description: String,
        file: String,
        line: usize,
    },
    /// A given value a typed helper refused (`int` of `abc`): the value is to blame, and `at` is
    /// where the template uses it.
    BadValue {
        name: String,
        message: String,
        at: FileError,
    },
    /// The template failed (a variable it uses is not declared, a default `int` rejects, ...).
    Template(FileError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Unknown { key, allowed } => write!(
                f,
                "unknown parameter `{key}`; allowed: {}",
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                }
            ),
            RenderError::Missing {
                name,
                description,
                file,
                line,
            } => write!(
                f,
                "missing required parameter `{name}` ({description}), declared at {file}:{line}"
            ),
            RenderError::BadValue { message, at, .. } => {
                write!(
                    f,
                    "{message} (used at {}:{}:{})",
                    at.file, at.line, at.column
                )
            }
            RenderError::Template(e) => write!(f, "{e}"),
        }
    }
}

/// A rendered blueprint without its header's declarations (`# blueprint:`, `# description:`,
/// `# param:`) or an editor modeline: what `init` writes is a team's spec, which the header does
/// not describe. The blueprint's other notes, in the header or below it, stay.
pub fn without_header(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut in_header = true;
    for line in rendered.split_inclusive('\n') {
        if in_header {
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if [
                    "blueprint:",
                    "description:",
                    "param:",
                    "yaml-language-server:",
                ]
                .iter()
                .any(|k| comment.starts_with(k))
                {
                    continue;
                }
            } else {
                in_header = false;
            }
        }
        out.push_str(line);
    }
    out
}

/// Parses the header comment block of a blueprint text.
pub fn parse_header(file: &str, text: &str) -> Result<(String, String, Vec<Param>), FileError> {
    let err = |line: usize, message: String| FileError {
        file: file.to_string(),
        line,
        column: 1,
        message,
    };
    let (mut name, mut description, mut params) = (None, None, Vec::<Param>::new());
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if let Some(v) = comment.strip_prefix("blueprint:") {
            name = Some(v.trim().to_string());
        } else if let Some(v) = comment.strip_prefix("description:") {
            description = Some(v.trim().to_string());
        } else if let Some(v) = comment.strip_prefix("param:") {
            let mut param = parse_param(v.trim()).map_err(|m| err(line_no, m))?;
            param.line = line_no;
            if params.iter().any(|p| p.name == param.name) {
                return Err(err(
                    line_no,
                    format!("parameter `{}` is declared twice", param.name),
                ));
            }
            params.push(param);
        }
        // Other comment lines (an editor's schema hint, prose) are the blueprint's own notes.
    }
    let name = name.ok_or_else(|| err(1, "the header has no `# blueprint: NAME` line".into()))?;
    if !valid_name(&name, true) {
        return Err(err(
            1,
            format!("blueprint name `{name}`: use lowercase letters, digits, `-` and `_`"),
        ));
    }
    let description =
        description.ok_or_else(|| err(1, "the header has no `# description: ...` line".into()))?;
    Ok((name, description, params))
}

fn valid_name(name: &str, dash: bool) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dash && c == '-'))
}

/// `NAME (required) DESCRIPTION` or `NAME = DEFAULT DESCRIPTION`, DEFAULT being one word or a
/// `"..."` string (so that it may be empty or hold spaces).
fn parse_param(text: &str) -> Result<Param, String> {
    let (name, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if !valid_name(name, false) {
        return Err(format!(
            "parameter name `{name}`: use lowercase letters, digits and `_` (handlebars reads `-` as an operator)"
        ));
    }
    let rest = rest.trim_start();
    let (default, description) = if let Some(d) = rest.strip_prefix("(required)") {
        (None, d)
    } else if let Some(r) = rest.strip_prefix('=') {
        let r = r.trim_start();
        if let Some(q) = r.strip_prefix('"') {
            let end = q
                .find('"')
                .ok_or_else(|| format!("parameter `{name}`: unclosed quote in its default"))?;
            (Some(q[..end].to_string()), &q[end + 1..])
        } else {
            let (d, desc) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
            (Some(d.to_string()), desc)
        }
    } else {
        return Err(format!(
            "parameter `{name}`: write `{name} (required) DESCRIPTION` or `{name} = DEFAULT DESCRIPTION`"
        ));
    };
    Ok(Param {
        name: name.to_string(),
        line: 0,
        default,
        description: description.trim().to_string(),
    })
}

impl Blueprint {
    /// Reads a blueprint text: its header, and a template that parses. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Blueprint, FileError> {
        let blueprint = Blueprint::parse_header_only(file, text)?;
        // Compile once now so that a broken template is reported when it is loaded.
        let mut hb = engine();
        hb.register_template_string(&blueprint.file, text)
            .map_err(|e| {
                let (line, column) = e.pos().unwrap_or((1, 1));
                FileError {
                    file: file.to_string(),
                    line,
                    column,
                    message: e.reason().to_string(),
                }
            })?;
        Ok(blueprint)
    }

    /// As `parse`, without compiling the template: for the shipped blueprints, which the tests
    /// compile (`every_shipped_blueprint_parses...`). Compiling all five took a quarter of a
    /// one-spec run (callgrind, scripts/bench/BENCHMARKS.md) although most specs extend none;
    /// `render` compiles the one a spec uses.
    fn parse_header_only(file: &str, text: &str) -> Result<Blueprint, FileError> {
        let (name, description, params) = parse_header(file, text)?;
        // Triple braces and `{{&` print a value unescaped, which would let it write YAML.
        for (i, line) in text.lines().enumerate() {
            if let Some(col) = line.find("{{{").or_else(|| line.find("{{&")) {
                return Err(FileError {
                    file: file.to_string(),
                    line: i + 1,
                    column: col + 1,
                    message:
                        "unescaped output (`{{{` or `{{&`) is not allowed: values must stay quoted"
                            .into(),
                });
            }
        }
        Ok(Blueprint {
            name,
            description,
            params,
            file: file.to_string(),
            template: text.to_string(),
        })
    }

    /// The template text, header included.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Names of the declared parameters, in header order.
    pub fn param_names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }

    /// Renders with the given values (others take their defaults). All problems with the values
    /// are reported at once; a template error is reported alone.
    pub fn render(&self, values: &BTreeMap<String, String>) -> Result<String, Vec<RenderError>> {
        let mut problems = Vec::new();
        for key in values.keys() {
            if !self.params.iter().any(|p| &p.name == key) {
                problems.push(RenderError::Unknown {
                    key: key.clone(),
                    allowed: self.param_names(),
                });
            }
        }
        let mut data = Map::new();
        for p in &self.params {
            match values.get(&p.name).or(p.default.as_ref()) {
                Some(v) => {
                    data.insert(p.name.clone(), Value::String(v.clone()));
                }
                None => problems.push(RenderError::Missing {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    file: self.file.clone(),
                    line: p.line,
                }),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let hb = engine();
        hb.render_template(&self.template, &Value::Object(data))
            .map_err(|e| {
                let message = match e.reason() {
                    RenderErrorReason::MissingVariable(Some(v)) => format!(
                        "the template uses `{v}`, which its header does not declare as a parameter"
                    ),
                    other => other.to_string(),
                };
                let at = FileError {
                    file: self.file.clone(),
                    line: e.line_no.unwrap_or(1),
                    column: e.column_no.unwrap_or(1),
                    message,
                };
                // A helper names the parameter whose value it refused; when the user gave that
                // value, it is the value to fix, not the template.
                match helpers::refused_param(&at.message).filter(|n| values.contains_key(*n)) {
                    Some(name) => vec![RenderError::BadValue {
                        name: name.to_string(),
                        message: at.message.clone(),
                        at,
                    }],
                    None => vec![RenderError::Template(at)],
                }
            })
    }
}

/// The blueprints a run can use, sorted by name.
///
/// The shipped ones are read on first use: most runs name no blueprint, and reading their
/// headers was 8% of the instructions of a one-spec run (scripts/bench/BENCHMARKS.md).
#[derive(Debug, Clone)]
pub struct Catalog {
    blueprints: OnceLock<Vec<Blueprint>>,
    /// Added before first use, in order; each replaces a shipped one of its name.
    added: Vec<Blueprint>,
}

impl Catalog {
    /// The blueprints shipped in the binary.
    pub fn shipped() -> Catalog {
        Catalog {
            blueprints: OnceLock::new(),
            added: Vec::new(),
        }
    }

    /// Adds (or, by name, replaces) a blueprint.
    pub fn insert(&mut self, blueprint: Blueprint) {
        match self.blueprints.get_mut() {
            Some(all) => put(all, blueprint),
            None => self.added.push(blueprint),
        }
    }

    fn all(&self) -> &[Blueprint] {
        self.blueprints.get_or_init(|| {
            let mut all = Vec::new();
            for (file, text) in SHIPPED {
                // Shipped blueprints are ours and tested (`every_shipped_blueprint_parses`); one
                // that does not parse is left out rather than crashing a user's run.
                if let Ok(b) = Blueprint::parse_header_only(file, text) {
                    put(&mut all, b);
                }
            }
            for b in &self.added {
                put(&mut all, b.clone());
            }
            all
        })
    }

    pub fn get(&self, name: &str) -> Option<&Blueprint> {
        self.all().iter().find(|b| b.name == name)
    }

    pub fn names(&self) -> Vec<String> {
        self.all().iter().map(|b| b.name.clone()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Blueprint> {
        self.all().iter()
    }

    /// The listing `trailsmith blueprints` prints: one line per blueprint, its parameters below.
    pub fn listing(&self) -> String {
        let width = self.all().iter().map(|b| b.name.len()).max().unwrap_or(0);
        let mut out = String::new();
        for b in self.all() {
            out.push_str(&format!("{:width$}  {}\n", b.name, b.description));
            for p in &b.params {
                let how = match &p.default {
                    None => "(required)".to_string(),
                    Some(d) => format!("= {}", yaml_quote(d)),
                };
                out.push_str(&format!("    {} {how}  {}\n", p.name, p.description));
            }
        }
        out
    }
}

/// Adds `blueprint` to `all`, replacing one of its name, keeping the names sorted.
fn put(all: &mut Vec<Blueprint>, blueprint: Blueprint) {
    all.retain(|b| b.name != blueprint.name);
    all.push(blueprint);
    all.sort_by(|a, b| a.name.cmp(&b.name));
}

#[cfg(test)]
mod tests;
