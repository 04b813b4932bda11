//! `synth`: compiling specs and delivering each output to stdout, a file, or a comparison.
//!
//! Owns the all-or-nothing rule: nothing is written (or compared) when any spec fails. Specs are
//! compiled in parallel and each output is delivered as soon as it is made (staged beside its
//! destination, or compared), so a run holds one output per thread, not one per spec; nothing is
//! put in place until every spec has compiled. It must not judge specs (that is `validate`) nor
//! know how a file is replaced (that is `outputs`).

use super::outputs::{Failed, Outputs, Staged};
use super::parallel::parallel_map;
use super::{fails, print, read_all, read_bounded, report, stdin_once, Usage};
use crate::blueprint::Catalog;
use crate::diag::Diagnostic;
use crate::{compile_with, Target};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) struct SynthOptions {
    pub target: Target,
    pub output: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub check: bool,
    pub deny_warnings: bool,
}

/// What becomes of each compiled output.
#[derive(Clone, Copy, PartialEq)]
enum Delivery {
    Print,
    Check,
    Write,
}

/// One spec's result once its output was delivered.
enum Done {
    /// The spec failed (its diagnostics say why).
    Failed,
    /// Another spec (or staging another output) failed first, so this output was not delivered.
    Skipped,
    Printed(String),
    Compared(Comparison),
    Staged(Result<Staged, Failed>),
}

enum Comparison {
    Fresh,
    Stale,
    Missing,
}

pub(super) fn synth(
    specs: &[PathBuf],
    options: &SynthOptions,
    catalog: &Catalog,
) -> Result<bool, Usage> {
    stdin_once(specs)?;
    let files = destinations(specs, options)?;
    let delivery = match (files.is_empty(), options.check) {
        (true, _) => Delivery::Print,
        (false, true) => Delivery::Check,
        (false, false) => Delivery::Write,
    };
    let texts = read_all(specs)?;
    let jobs: Vec<(&Result<String, Diagnostic>, Option<&PathBuf>)> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| (text, files.get(i)))
        .collect();
    let outputs = Outputs::default();
    let failed = AtomicBool::new(false);
    let results = parallel_map(&jobs, |(text, file)| {
        let (output, diagnostics) = match text {
            Ok(text) => compile_with(text, options.target, catalog),
            Err(d) => (None, vec![d.clone()]),
        };
        let done = match output.filter(|_| !fails(&diagnostics, options.deny_warnings)) {
            None => {
                failed.store(true, Ordering::Relaxed);
                Done::Failed
            }
            Some(_) if failed.load(Ordering::Relaxed) => Done::Skipped,
            Some(text) => match (delivery, file) {
                (Delivery::Check, Some(file)) => Done::Compared(compare(file, &text)),
                (Delivery::Write, Some(file)) => {
                    let staged = outputs.stage(file, text.as_bytes());
                    // A full disk fails the run: the other outputs need not be staged.
                    if staged.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    Done::Staged(staged)
                }
                _ => Done::Printed(text),
            },
        };
        (diagnostics, done)
    });
    // Reported in input order, whatever order the threads finished in.
    for ((path, text), (diagnostics, _)) in specs.iter().zip(&texts).zip(&results) {
        let source = text.as_ref().ok().map(String::as_str);
        report(
            &super::display(path),
            source,
            diagnostics,
            options.deny_warnings,
        );
    }
    let done: Vec<Done> = results.into_iter().map(|(_, done)| done).collect();
    if done.iter().any(|d| matches!(d, Done::Failed)) {
        outputs.discard(staged(done).unwrap_or_default());
        let verb = if options.check { "compared" } else { "written" };
        eprintln!("trailsmith: nothing {verb}: fix the errors above first");
        return Ok(false);
    }
    match delivery {
        Delivery::Print => {
            for d in &done {
                if let Done::Printed(text) = d {
                    print(text);
                }
            }
            Ok(true)
        }
        Delivery::Check => Ok(report_comparisons(&files, &done)),
        Delivery::Write => match staged(done) {
            Ok(all) => outputs
                .commit(all)
                .map(|()| true)
                .map_err(|f| Usage(f.to_string())),
            Err(first) => Err(Usage(first.to_string())),
        },
    }
}

/// Every staged output in input order, or the first that could not be staged (the others are
/// dropped, which removes their temporary files).
fn staged(done: Vec<Done>) -> Result<Vec<Staged>, Failed> {
    done.into_iter()
        .filter_map(|d| match d {
            Done::Staged(result) => Some(result),
            _ => None,
        })
        .collect()
}

/// Reads at most one byte more than expected, and only a regular file: a named pipe at an
/// output's path must not hang `--check`, nor a huge file fill memory.
fn compare(file: &Path, expected: &str) -> Comparison {
    match read_bounded(file, expected.len() as u64, "file") {
        Ok(current) if current == expected.as_bytes() => Comparison::Fresh,
        Ok(_) => Comparison::Stale,
        Err(_) if std::fs::symlink_metadata(file).is_ok() => Comparison::Stale,
        Err(_) => Comparison::Missing,
    }
}

fn report_comparisons(files: &[PathBuf], done: &[Done]) -> bool {
    let mut fresh = true;
    for (file, d) in files.iter().zip(done) {
        match d {
            Done::Compared(Comparison::Stale) => eprintln!("stale: {}", file.display()),
            Done::Compared(Comparison::Missing) => eprintln!("missing: {}", file.display()),
            _ => continue,
        }
        fresh = false;
    }
    if fresh {
        eprintln!("trailsmith: {} output(s) up to date", files.len());
    }
    fresh
}

/// The file each spec's output goes to (none when printing), after the checks that need no
/// compiling: one destination per spec, and no spec overwritten by an output.
fn destinations(specs: &[PathBuf], options: &SynthOptions) -> Result<Vec<PathBuf>, Usage> {
    let files: Vec<PathBuf> = match (&options.output, &options.out_dir) {
        (Some(_), _) | (None, None) if specs.len() > 1 => {
            return Err(Usage("several specs need --out-dir DIR".into()));
        }
        (Some(file), _) => vec![file.clone()],
        (None, Some(dir)) => specs
            .iter()
            .map(|s| out_path(dir, s, options.target))
            .collect::<Result<_, _>>()?,
        (None, None) if options.check => {
            return Err(Usage("--check needs -o FILE or --out-dir DIR".into()))
        }
        (None, None) => Vec::new(),
    };
    // Each file is identified once: comparing every output with every spec was quadratic in
    // syscalls (a million `canonicalize` calls for 1,000 specs).
    let inputs: HashSet<FileId> = specs.iter().filter_map(|s| file_id(s)).collect();
    let mut seen = HashSet::new();
    for f in &files {
        if !seen.insert(f) {
            return Err(Usage(format!("two specs would both write {}", f.display())));
        }
        if file_id(f).is_some_and(|id| inputs.contains(&id)) {
            return Err(Usage(format!(
                "{} is both a spec and an output",
                f.display()
            )));
        }
    }
    Ok(files)
}

/// What names one file whatever path reaches it (symlinks, `..`, hard links): its device and
/// inode, one `stat` where resolving the path took a `readlink` per component.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok()
}

/// Where each spec's output goes in `--out-dir`.
fn out_path(dir: &Path, spec: &Path, target: Target) -> Result<PathBuf, Usage> {
    if spec == Path::new("-") {
        return Err(Usage(
            "standard input has no name to derive an output file from: use -o FILE".into(),
        ));
    }
    let name = spec
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| {
            [".yaml", ".yml", ".json"]
                .iter()
                .find_map(|ext| n.strip_suffix(ext))
                .unwrap_or(n)
        })
        .filter(|n| !n.is_empty() && !n.starts_with('.'))
        .ok_or_else(|| {
            Usage(format!(
                "cannot name an output after {}",
                super::display(spec)
            ))
        })?;
    Ok(match target {
        Target::CloudFormation => dir.join(format!("{name}.template.json")),
        // Terraform reads every .tf.json of a directory as one module, so each spec gets its own.
        Target::Terraform => dir.join(name).join("main.tf.json"),
    })
}
