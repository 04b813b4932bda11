//! Directories of specs for `synth`: finding the specs under a directory, where each one's outputs
//! go in `--out-dir` (the same folders), and which outputs there no spec writes any more.
//!
//! Owns the walk of both trees and its rules (sorted, hidden entries and symlinked folders left
//! out, the out dir never read as specs). It must not compile, compare or write anything: it only
//! names files for `synth`.

use super::Usage;
use crate::Target;
use std::path::{Path, PathBuf};

/// The suffixes of a spec, as `synth` and `validate` read them.
pub(super) const SPEC_SUFFIXES: [&str; 3] = [".yaml", ".yml", ".json"];

/// One spec of a run and the folder its outputs go to inside `--out-dir`: the spec's folder
/// relative to the directory it was found in, empty for a spec named on the command line.
pub(super) struct SpecFile {
    pub path: PathBuf,
    pub folder: PathBuf,
}

/// The specs of a run: each file as given, each directory replaced by the specs under it in
/// sorted order; and whether any directory was given (the run then answers for the whole out dir,
/// so an output no spec writes is an orphan).
pub(super) fn expand(
    given: &[PathBuf],
    out_dir: Option<&Path>,
) -> Result<(Vec<SpecFile>, bool), Usage> {
    let mut specs = Vec::new();
    let mut walked = false;
    for path in given {
        // `-` and a missing or special file are read (and refused) as a spec is.
        if path == Path::new("-") || !std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            specs.push(SpecFile {
                path: path.clone(),
                folder: PathBuf::new(),
            });
            continue;
        }
        if out_dir.is_none() {
            return Err(Usage(format!(
                "{} is a directory: a directory of specs needs --out-dir DIR, where its folders are mirrored",
                path.display()
            )));
        }
        walked = true;
        let skip = out_dir.and_then(super::synth::file_id);
        let mut found = Vec::new();
        walk(path, &mut found, &|dir| {
            dir != path.as_path() && skip.is_some() && super::synth::file_id(dir) == skip
        })?;
        for file in found {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !SPEC_SUFFIXES.iter().any(|s| name.ends_with(s)) || is_output(name) {
                continue;
            }
            let folder = file
                .parent()
                .and_then(|p| p.strip_prefix(path).ok())
                .map(Path::to_path_buf)
                .unwrap_or_default();
            specs.push(SpecFile { path: file, folder });
        }
    }
    Ok((specs, walked))
}

/// A file `synth` writes, for either target: never a spec, even in the directory of specs (an out
/// dir may be the specs' own tree).
fn is_output(name: &str) -> bool {
    name.ends_with(".template.json") || name.ends_with(".tf.json")
}

/// Every output of `target` under `dir`, sorted: what `synth --out-dir` names
/// `NAME.template.json` (CloudFormation) or `main.tf.json` (Terraform).
pub(super) fn outputs_in(
    dir: &Path,
    target: Target,
    skip: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, Usage> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    walk(dir, &mut found, skip)?;
    Ok(found
        .into_iter()
        .filter(|f| {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            match target {
                Target::CloudFormation => name.ends_with(".template.json"),
                Target::Terraform => name == "main.tf.json",
            }
        })
        .collect())
}

/// The files under `dir`, depth first in name order. Entries whose name starts with `.` are left
/// out (`.git`, Terraform's `.terraform` with the modules it downloaded, our own staged
/// `.trailsmith-*` files), and so are symlinked folders (a link to an ancestor would never end)
/// and the folders `skip` names.
fn walk(dir: &Path, found: &mut Vec<PathBuf>, skip: &dyn Fn(&Path) -> bool) -> Result<(), Usage> {
    if skip(dir) {
        return Ok(());
    }
    let cannot = |e: std::io::Error| Usage(format!("cannot read {}: {e}", dir.display()));
    // The entry's own type, as the directory listing gives it on most file systems: no `lstat`
    // per file (`DirEntry::file_type` asks one only where the listing does not say).
    let mut entries: Vec<(std::ffi::OsString, PathBuf, Option<std::fs::FileType>)> =
        std::fs::read_dir(dir)
            .map_err(cannot)?
            .map(|e| e.map(|e| (e.file_name(), e.path(), e.file_type().ok())))
            .collect::<Result<_, _>>()
            .map_err(cannot)?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path, kind) in entries {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let Some(kind) = kind else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, found, skip)?;
        } else if !kind.is_symlink() || path.is_file() {
            found.push(path);
        }
    }
    Ok(())
}
