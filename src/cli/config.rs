//! Where a repository's own blueprints are: `--blueprints DIR`, else the `TRAILSMITH_BLUEPRINTS`
//! environment variable, else the `blueprints` key of the nearest `trailsmith.toml` above the
//! specs, else none (the shipped blueprints alone).
//!
//! Owns finding and reading `trailsmith.toml`. It must not load blueprints (`blueprints` does)
//! nor judge specs; like the rest of `cli`, it is where files and the environment are read.

use super::{read_bounded, Usage};
use std::path::{Path, PathBuf};

/// The file a repository puts at its root (or above a group of specs) to name its blueprints.
pub(super) const CONFIG_FILE: &str = "trailsmith.toml";
/// A directory of blueprints for every run in this environment (a CI job, a shell profile).
pub(super) const ENV_VAR: &str = "TRAILSMITH_BLUEPRINTS";

/// The keys `trailsmith.toml` takes; any other is a mistake worth stopping for.
const KEYS: [&str; 1] = ["blueprints"];

/// A `trailsmith.toml` is a few lines; anything larger is not one.
const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// The blueprints directory for a run on `specs` (their folders are where `trailsmith.toml` is
/// looked for; the current directory when there is none, or for `-`).
pub(super) fn blueprints_dir(
    flag: Option<&Path>,
    specs: &[&Path],
) -> Result<Option<PathBuf>, Usage> {
    if let Some(dir) = flag {
        return Ok(Some(dir.to_path_buf()));
    }
    if let Some(dir) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        return Ok(Some(PathBuf::from(dir)));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Usage(format!("cannot read the current directory: {e}")))?;
    let starts: Vec<PathBuf> = if specs.iter().all(|s| *s == Path::new("-")) {
        vec![cwd.clone()]
    } else {
        specs
            .iter()
            .filter(|s| **s != Path::new("-"))
            .map(|s| {
                let dir = s.parent().unwrap_or(Path::new(""));
                if dir.is_absolute() {
                    dir.to_path_buf()
                } else {
                    cwd.join(dir)
                }
            })
            .collect()
    };
    // Looked up once per folder: 1,000 specs in one folder were 4,000 `stat`s of the same paths.
    let mut seen = std::collections::HashSet::new();
    let mut found: Vec<Option<PathBuf>> = starts
        .iter()
        .filter(|d| seen.insert(d.as_path()))
        .map(|d| nearest(d))
        .collect();
    found.dedup();
    let name = |f: &Option<PathBuf>| {
        f.as_ref()
            .map_or("none".to_string(), |p| p.display().to_string())
    };
    match found.as_slice() {
        [] | [None] => Ok(None),
        [Some(file)] => read_config(file),
        [a, b, ..] => Err(Usage(format!(
            "these specs are under different {CONFIG_FILE} files ({} and {}); run each group on its own",
            name(a),
            name(b)
        ))),
    }
}

/// The nearest `trailsmith.toml` in `dir` or a folder above it.
fn nearest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|f| f.is_file())
}

/// The `blueprints` directory a `trailsmith.toml` names, relative to the file's folder.
fn read_config(file: &Path) -> Result<Option<PathBuf>, Usage> {
    let bytes = read_bounded(file, MAX_CONFIG_BYTES, "configuration file")?;
    let shown = file.display();
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Usage(format!(
            "{shown} is larger than 64 KiB; a {CONFIG_FILE} is a few lines"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Usage(format!("{shown} is not valid UTF-8: save it as UTF-8")))?;
    let at = |offset: usize| {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{shown}:{line}:{column}")
    };
    let doc = toml_edit::Document::parse(text.as_str()).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        Usage(format!(
            "{}: not valid TOML: {}",
            at(offset),
            e.message().trim()
        ))
    })?;
    let table = doc.as_table();
    for (name, _) in table.iter() {
        if !KEYS.contains(&name) {
            let offset = table
                .get_key_value(name)
                .and_then(|(k, _)| k.span())
                .map_or(0, |s| s.start);
            return Err(Usage(format!(
                "{}: unknown key `{name}`; {CONFIG_FILE} takes: {}",
                at(offset),
                KEYS.join(", ")
            )));
        }
    }
    let Some(item) = table.get("blueprints") else {
        return Ok(None);
    };
    let offset = item.span().map_or(0, |s| s.start);
    let dir = item.as_str().ok_or_else(|| {
        Usage(format!(
            "{}: `blueprints` is a directory, written as a string: blueprints = \"blueprints\"",
            at(offset)
        ))
    })?;
    let base = file.parent().unwrap_or(Path::new(""));
    let path = base.join(dir);
    if !path.is_dir() {
        return Err(Usage(format!(
            "{}: `blueprints = \"{dir}\"` names {}, which is not a directory (the path is relative to {CONFIG_FILE})",
            at(offset),
            path.display()
        )));
    }
    Ok(Some(path))
}
