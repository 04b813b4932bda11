//! The handlebars engine blueprints render with, and the only ways a value reaches the YAML.
//!
//! Owns `yaml_quote` (the escape function every `{{x}}` goes through) and the helpers `int`,
//! `bool`, `list` and `cat`, each of which prints a value only in a form that cannot leave its
//! scalar or list. It must not print anything unchecked: a new helper that writes raw text would
//! let a parameter add keys.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde_json::Value;

/// Quotes a value as a YAML double-quoted scalar. Backslash, quote and every control or
/// line-breaking character are escaped, so the result is one scalar on one line whatever it holds
/// (`: `, `#`, `{{`, newlines): a parameter can never add keys.
pub fn yaml_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // C0, DEL, C1, the Unicode line and paragraph separators and the BOM: YAML treats
            // some as line breaks and forbids others, so none may appear raw.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The handlebars engine every blueprint renders with: strict variables, values quoted.
pub(super) fn engine() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(yaml_quote);
    hb.register_helper("int", Box::new(int_helper));
    hb.register_helper("bool", Box::new(bool_helper));
    hb.register_helper("list", Box::new(list_helper));
    hb.register_helper("cat", Box::new(cat_helper));
    hb
}

/// How a helper's refusal starts: `parameter `NAME` must be ...`.
const REFUSED: &str = "parameter `";

/// The parameter a helper's refusal message names, if it is one.
pub(super) fn refused_param(message: &str) -> Option<&str> {
    let rest = message.strip_prefix(REFUSED)?;
    rest.split_once('`').map(|(name, _)| name)
}

/// The string value of a helper's parameter, and the parameter's name for messages.
fn param_text(h: &Helper<'_>, helper: &'static str) -> Result<(String, String), RenderErrorReason> {
    let p = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(helper, 0))?;
    let name = p.relative_path().cloned().unwrap_or_else(|| "value".into());
    let text = match p.value() {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok((name, text))
}

/// `{{int x}}`: the value as a bare integer, refused unless it is one.
fn int_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let (name, text) = param_text(h, "int")?;
    let digits = text.strip_prefix('-').unwrap_or(&text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 18 {
        return Err(RenderErrorReason::Other(format!(
            "{REFUSED}{name}` must be an integer, not {}",
            yaml_quote(&text)
        ))
        .into());
    }
    out.write(&text)?;
    Ok(())
}

/// `{{bool x}}`: `true` or `false`, refused otherwise.
fn bool_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let (name, text) = param_text(h, "bool")?;
    if text != "true" && text != "false" {
        return Err(RenderErrorReason::Other(format!(
            "{REFUSED}{name}` must be true or false, not {}",
            yaml_quote(&text)
        ))
        .into());
    }
    out.write(&text)?;
    Ok(())
}

/// `{{list x}}`: a comma-separated value as a flow list of quoted strings (`[]` when empty).
fn list_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let (_, text) = param_text(h, "list")?;
    let items: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(yaml_quote)
        .collect();
    out.write(&format!("[{}]", items.join(", ")))?;
    Ok(())
}

/// `{{cat "CloudTrail/" name}}`: the parameters joined, as one quoted scalar.
fn cat_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let joined: String = h
        .params()
        .iter()
        .map(|p| match p.value() {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    out.write(&yaml_quote(&joined))?;
    Ok(())
}
