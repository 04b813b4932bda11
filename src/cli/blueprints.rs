//! The command line's blueprint commands: loading `--blueprints DIR` and `init`.
//!
//! Owns reading an organization's blueprint files and writing what `init` renders. It must not
//! render or judge specs itself (that is `blueprint` and `validate`); like the rest of `cli`, it
//! is where files are read and written and exit codes chosen.

use super::{print, read_bounded, report, write_atomic, Usage, MAX_SPEC_BYTES};
use crate::blueprint::{Blueprint, Catalog, RenderError};
use crate::diag::has_errors;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The shipped blueprints, then those of `--blueprints DIR` (sorted by file name), which replace
/// shipped ones of the same name. A directory that cannot be read, or a blueprint that does not
/// parse, is a usage error: running with half an organization's standard would mislead.
pub(super) fn load_catalog(dir: Option<&Path>) -> Result<Catalog, Usage> {
    let mut catalog = Catalog::shipped();
    let Some(dir) = dir else {
        return Ok(catalog);
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Usage(format!(
            "cannot read blueprints from {}: {e}",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".yaml.hbs"))
        })
        .collect();
    files.sort();
    for path in files {
        let file = path.display().to_string();
        // Held to a spec's limits: a blueprint is a spec with placeholders.
        let bytes = read_bounded(&path, MAX_SPEC_BYTES, "blueprint file")?;
        if bytes.len() as u64 > MAX_SPEC_BYTES {
            return Err(Usage(format!(
                "{file} is larger than {MAX_SPEC_BYTES} bytes (10 MiB); a blueprint is a few KB"
            )));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| Usage(format!("{file} is not valid UTF-8: save it as UTF-8")))?;
        let blueprint = Blueprint::parse(&file, &text).map_err(|e| Usage(e.to_string()))?;
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".yaml.hbs"))
            .unwrap_or_default();
        // The file name is how people find a blueprint; a header saying otherwise is a mistake.
        if blueprint.name != stem {
            return Err(Usage(format!(
                "{file}:1:1: the header names blueprint `{}`, the file `{stem}`: make them agree",
                blueprint.name
            )));
        }
        catalog.insert(blueprint);
    }
    Ok(catalog)
}

/// `init`: renders a blueprint, checks the result like any spec, and writes it only when valid.
pub(super) fn init(
    catalog: &Catalog,
    name: &str,
    set: &[String],
    output: Option<&Path>,
    force: bool,
    schema: &str,
) -> Result<bool, Usage> {
    // The modeline is one comment line; a line break would start YAML of its own.
    if schema.contains(['\n', '\r']) {
        return Err(Usage("--schema: give one line, a path or a URL".into()));
    }
    let blueprint = catalog.get(name).ok_or_else(|| {
        Usage(format!(
            "unknown blueprint `{name}`; known: {}",
            catalog.names().join(", ")
        ))
    })?;
    let mut values = BTreeMap::new();
    for pair in set {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| Usage(format!("--set {pair}: write KEY=VALUE")))?;
        if values.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Usage(format!("--set {key} is given twice")));
        }
    }
    if let Some(path) = output {
        if !force && std::fs::symlink_metadata(path).is_ok() {
            return Err(Usage(format!(
                "{} exists; pass --force to replace it",
                path.display()
            )));
        }
    }
    let text = match blueprint.render(&values) {
        // The spec is checked as it is written, so that positions are those of the file.
        Ok(text) => format!(
            "# yaml-language-server: $schema={schema}\n{}",
            crate::blueprint::without_header(&text)
        ),
        Err(problems) => {
            let mut usage = Vec::new();
            for problem in &problems {
                match problem {
                    RenderError::Unknown { .. } => usage.push(format!("--set: {problem}")),
                    RenderError::Missing { name: param, .. } => eprintln!(
                        "error: blueprint `{name}`: {problem}\n   = hint: add --set {param}=VALUE"
                    ),
                    RenderError::BadValue { name: param, .. } => eprintln!(
                        "error: blueprint `{name}`: {problem}\n   = hint: fix --set {param}=VALUE"
                    ),
                    RenderError::Template(_) => eprintln!("error: {problem}"),
                }
            }
            // A misspelt key is a usage mistake (exit 2); a missing value or a broken template
            // means no spec could be made (exit 1).
            if !usage.is_empty() {
                return Err(Usage(usage.join("\ntrailsmith: ")));
            }
            eprintln!("trailsmith: nothing written");
            return Ok(false);
        }
    };
    let diagnostics = crate::validate::check_with(&text, catalog).diagnostics;
    // Findings name the file `init` writes, where the user will look for them; with errors
    // nothing is written, and they point into the rendered text shown with them.
    let label = match output {
        Some(path) if !has_errors(&diagnostics) => super::display(path),
        _ => format!("blueprint:{name}"),
    };
    report(&label, Some(&text), &diagnostics, false);
    if has_errors(&diagnostics) {
        eprintln!("trailsmith: nothing written: the rendered spec is invalid");
        return Ok(false);
    }
    match output {
        None => print(&text),
        Some(path) => write_atomic(path, text.as_bytes()).map_err(|f| Usage(f.to_string()))?,
    }
    Ok(true)
}
