//! `synth`: compiling specs and delivering each output to stdout, a file, or a comparison.
//!
//! Owns the all-or-nothing rule: nothing is written (or compared) when any spec fails. Specs are
//! compiled in parallel and each output is delivered as soon as it is made (staged beside its
//! destination, or compared), so a run holds one output per thread, not one per spec; nothing is
//! put in place until every spec has compiled. It must not judge specs (that is `validate`) nor
//! know how a file is replaced (that is `outputs`).

use super::check::{compare, Comparison};
use super::outputs::{Failed, Outputs, Staged};
use super::parallel::parallel_map;
use super::tree::{expand, outputs_in, SpecFile};
use super::{fails, print, read_all, report, stdin_once, Usage};
use crate::blueprint::Catalog;
use crate::diag::{has_errors, Diagnostic};
use crate::layout::Part;
use crate::{compile_for, Output, Target};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) struct SynthOptions {
    pub target: Target,
    /// `--aws-provider`: overrides the spec's `terraform.aws_provider`.
    pub aws_provider: Option<crate::spec::ProviderLine>,
    pub output: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    /// Only this part of a spec with `accounts`.
    pub part: Option<Part>,
    pub check: bool,
    /// How `--check` reports (`--diff`, `--quiet`).
    pub report: super::check::Report,
    pub deny_warnings: bool,
}

/// What becomes of each compiled output.
#[derive(Clone, Copy, PartialEq)]
enum Delivery {
    Print,
    Check,
    Write,
}

/// One spec's result once its outputs were delivered.
enum Done {
    /// The spec failed (its diagnostics say why).
    Failed,
    /// Another spec (or staging another output) failed first, so these outputs were not delivered.
    Skipped,
    /// The spec compiled, but what was asked of its outputs cannot be done (a usage error).
    Refused(String),
    Printed(Vec<String>),
    Compared(Vec<(PathBuf, Comparison)>),
    /// Each output staged, and the files the spec's other shape left (named after committing).
    Staged(Vec<(PathBuf, Result<Staged, Failed>)>, Vec<PathBuf>),
}

pub(super) fn synth(
    given: &[PathBuf],
    options: &SynthOptions,
    catalog: &Catalog,
) -> Result<bool, Usage> {
    stdin_once(given)?;
    let (found, walked) = expand(given, options.out_dir.as_deref())?;
    let specs: Vec<PathBuf> = found.iter().map(|s| s.path.clone()).collect();
    let specs = specs.as_slice();
    let delivery = delivery(&found, options)?;
    let texts = read_all(specs)?;
    let quiet = options.check && options.report.quiet;
    let jobs: Vec<(&SpecFile, &Result<String, Diagnostic>)> = found.iter().zip(&texts).collect();
    let outputs = Outputs::default();
    let failed = AtomicBool::new(false);
    let results = parallel_map(&jobs, |(spec, text)| {
        let (compiled, diagnostics) = match text {
            Ok(text) => compile_for(text, options.target, catalog, options.aws_provider),
            Err(d) => (None, vec![d.clone()]),
        };
        let done = match compiled.filter(|_| !fails(&diagnostics, options.deny_warnings)) {
            None => {
                failed.store(true, Ordering::Relaxed);
                Done::Failed
            }
            Some(_) if failed.load(Ordering::Relaxed) => Done::Skipped,
            Some(compiled) => {
                let layout = compiled.iter().any(|o| o.part.is_some());
                match placed(spec, compiled, options) {
                    Err(Usage(why)) => {
                        failed.store(true, Ordering::Relaxed);
                        Done::Refused(why)
                    }
                    Ok(placed) => {
                        let done = deliver(delivery, placed, &outputs, &failed, options);
                        // Looked for after staging, which tells what cannot be there.
                        let left = leftovers(spec, layout, options, &outputs);
                        with_leftovers(done, left)
                    }
                }
            }
        };
        (diagnostics, done)
    });
    // Reported in input order, whatever order the threads finished in.
    for ((path, text), (diagnostics, _)) in specs.iter().zip(&texts).zip(&results) {
        if quiet {
            break;
        }
        let source = text.as_ref().ok().map(String::as_str);
        report(
            &super::display(path),
            source,
            diagnostics,
            options.deny_warnings,
        );
    }
    let any_errors = results.iter().any(|(d, _)| has_errors(d));
    let done: Vec<Done> = results.into_iter().map(|(_, done)| done).collect();
    if done.iter().any(|d| matches!(d, Done::Failed)) {
        outputs.discard(staged(done).unwrap_or_default());
        let verb = if options.check { "compared" } else { "written" };
        if !quiet {
            let what = if any_errors {
                "fix the errors above first"
            } else {
                "fix or silence the warnings above first (--deny-warnings)"
            };
            eprintln!("trailsmith: nothing {verb}: {what}");
        }
        return Ok(false);
    }
    let refused = done.iter().find_map(|d| match d {
        Done::Refused(why) => Some(why.clone()),
        _ => None,
    });
    if let Some(why) = refused {
        outputs.discard(staged(done).unwrap_or_default());
        return Err(Usage(why));
    }
    let files: Vec<PathBuf> = done
        .iter()
        .flat_map(|d| -> Vec<PathBuf> {
            match d {
                Done::Compared(list) => list
                    .iter()
                    .filter(|(_, c)| !matches!(c, Comparison::Leftover))
                    .map(|(p, _)| p.clone())
                    .collect(),
                Done::Staged(list, _) => list.iter().map(|(p, _)| p.clone()).collect(),
                _ => Vec::new(),
            }
        })
        .collect();
    if let Err(e) = distinct(specs, &files.iter().collect::<Vec<_>>(), |f| {
        outputs.may_exist(f)
    }) {
        outputs.discard(staged(done).unwrap_or_default());
        return Err(e);
    }
    // What another spec of this run writes is its output, not a leftover of this one.
    let written: HashSet<&PathBuf> = files.iter().collect();
    let orphans = orphans(walked, options, &written, &done, &outputs)?;
    let done: Vec<Done> = done
        .into_iter()
        .map(|d| match d {
            Done::Compared(list) => Done::Compared(
                list.into_iter()
                    .filter(|(p, c)| !matches!(c, Comparison::Leftover) || !written.contains(p))
                    .collect(),
            ),
            Done::Staged(list, left) => {
                let left = left.into_iter().filter(|p| !written.contains(p)).collect();
                Done::Staged(list, left)
            }
            other => other,
        })
        .collect();
    match delivery {
        Delivery::Print => {
            for d in &done {
                if let Done::Printed(texts) = d {
                    texts.iter().for_each(|t| print(t));
                }
            }
            Ok(true)
        }
        Delivery::Check => {
            let compared: Vec<&(PathBuf, Comparison)> = done
                .iter()
                .flat_map(|d| match d {
                    Done::Compared(list) => list.iter().collect(),
                    _ => Vec::new(),
                })
                .chain(&orphans)
                .collect();
            Ok(super::check::report(&compared, options.report))
        }
        Delivery::Write => {
            let left: Vec<PathBuf> = done
                .iter()
                .flat_map(|d| match d {
                    Done::Staged(_, left) => left.clone(),
                    _ => Vec::new(),
                })
                .collect();
            match staged(done) {
                Ok(all) => outputs
                    .commit(all)
                    .map(|()| {
                        for l in &left {
                            eprintln!("trailsmith: {} is left from when its spec had another layout; nothing writes it now, remove it", l.display());
                        }
                        for (o, _) in &orphans {
                            eprintln!("trailsmith: {} is an orphan: no spec in the directories given writes it; remove it", o.display());
                        }
                        true
                    })
                    .map_err(|f| Usage(f.to_string())),
                Err(first) => Err(Usage(first.to_string())),
            }
        }
    }
}

/// Files in `--out-dir` that the spec wrote when it had another shape: the whole-trail output of a
/// spec that now has `accounts`, or the parts of one that no longer has. Nothing writes them any
/// more, so a CI gate must not call the directory up to date while they stay.
fn leftovers(
    spec: &SpecFile,
    layout: bool,
    options: &SynthOptions,
    outputs: &Outputs,
) -> Vec<PathBuf> {
    let Some(dir) = &options.out_dir else {
        return Vec::new();
    };
    let others: Vec<Option<Part>> = if layout {
        vec![None]
    } else {
        Part::ALL.iter().copied().map(Some).collect()
    };
    others
        .into_iter()
        .filter_map(|p| out_path(dir, spec, options.target, p).ok())
        .filter(|p| outputs.may_exist(p) && std::fs::symlink_metadata(p).is_ok())
        .collect()
}

/// The outputs of this target in `--out-dir` that no spec of the run writes, when the run was given
/// a directory of specs (it then answers for the whole out dir; a list of files may be one of
/// several runs sharing it). A leftover is named as one, not twice.
fn orphans(
    walked: bool,
    options: &SynthOptions,
    written: &HashSet<&PathBuf>,
    done: &[Done],
    outputs: &Outputs,
) -> Result<Vec<(PathBuf, Comparison)>, Usage> {
    let Some(dir) = options.out_dir.as_deref().filter(|_| walked) else {
        return Ok(Vec::new());
    };
    let left: HashSet<&PathBuf> = done
        .iter()
        .flat_map(|d| -> Vec<&PathBuf> {
            match d {
                Done::Compared(list) => list.iter().map(|(p, _)| p).collect(),
                Done::Staged(_, left) => left.iter().collect(),
                _ => Vec::new(),
            }
        })
        .collect();
    // A folder this run made holds only what this run writes: nothing there is an orphan.
    Ok(outputs_in(dir, options.target, &|d| outputs.made(d))?
        .into_iter()
        .filter(|p| !written.contains(p) && !left.contains(p))
        .map(|p| (p, Comparison::Orphan))
        .collect())
}

/// A spec's delivery with the leftovers of its other shape: compared as `Leftover`, or kept to be
/// named once the run has written its outputs.
fn with_leftovers(done: Done, left: Vec<PathBuf>) -> Done {
    match done {
        Done::Compared(mut list) => {
            list.extend(left.into_iter().map(|p| (p, Comparison::Leftover)));
            Done::Compared(list)
        }
        Done::Staged(list, _) => Done::Staged(list, left),
        other => other,
    }
}

/// How outputs are delivered, after the checks that need no compiling.
fn delivery(specs: &[SpecFile], options: &SynthOptions) -> Result<Delivery, Usage> {
    match (&options.output, &options.out_dir) {
        (Some(_), _) | (None, None) if specs.len() > 1 => {
            Err(Usage("several specs need --out-dir DIR".into()))
        }
        (None, None) if options.check => {
            Err(Usage("--check needs -o FILE or --out-dir DIR".into()))
        }
        (None, None) => Ok(Delivery::Print),
        (output, dir) => {
            // Before anything is compiled: `-o FILE` must not be a spec, and every spec must be
            // nameable in `--out-dir`, no two alike (two specs of one name collide whatever
            // their shape). Whether an output there is a spec is known once each spec's shape
            // is (a layout writes its parts, not NAME.template.json), so that waits.
            match (output, dir) {
                (Some(file), _) => {
                    let paths: Vec<PathBuf> = specs.iter().map(|s| s.path.clone()).collect();
                    distinct(&paths, &[file], |_| true)?;
                }
                (None, Some(dir)) => {
                    let files: Vec<PathBuf> = specs
                        .iter()
                        .map(|s| out_path(dir, s, options.target, None))
                        .collect::<Result<_, _>>()?;
                    distinct(&[], &files.iter().collect::<Vec<_>>(), |_| true)?;
                }
                (None, None) => {}
            }
            Ok(if options.check {
                Delivery::Check
            } else {
                Delivery::Write
            })
        }
    }
}

/// The outputs `options` asks for, each with its file (none when printing): a spec with
/// `accounts` has two, which need `--out-dir` or a `--part`.
fn placed(
    spec: &SpecFile,
    compiled: Vec<Output>,
    options: &SynthOptions,
) -> Result<Vec<(Option<PathBuf>, String)>, Usage> {
    let name = super::display(&spec.path);
    let layout = compiled.iter().any(|o| o.part.is_some());
    let chosen: Vec<Output> = match options.part {
        Some(part) if !layout => {
            return Err(Usage(format!(
                "{name} has no `accounts` section, so it has no parts: leave out --part {}",
                part.slug()
            )))
        }
        Some(part) => compiled
            .into_iter()
            .filter(|o| o.part == Some(part))
            .collect(),
        None if layout && options.out_dir.is_none() => {
            let whole = if options.output.is_some() {
                "one file"
            } else {
                "standard output"
            };
            return Err(Usage(format!(
                "{name} lays the trail out over two accounts (`accounts`), so it has two outputs and {whole} holds one: \
                 choose one with --part log-archive or --part management, or write both with --out-dir DIR"
            )));
        }
        None => compiled,
    };
    chosen
        .into_iter()
        .map(|o| {
            let file = match (&options.output, &options.out_dir) {
                (Some(file), _) => Some(file.clone()),
                (None, Some(dir)) => Some(out_path(dir, spec, options.target, o.part)?),
                (None, None) => None,
            };
            Ok((file, o.text))
        })
        .collect()
}

/// Prints, compares or stages each output of one spec.
fn deliver(
    delivery: Delivery,
    placed: Vec<(Option<PathBuf>, String)>,
    outputs: &Outputs,
    failed: &AtomicBool,
    options: &SynthOptions,
) -> Done {
    match delivery {
        Delivery::Print => Done::Printed(placed.into_iter().map(|(_, t)| t).collect()),
        Delivery::Check => Done::Compared(
            placed
                .into_iter()
                .filter_map(|(file, text)| {
                    file.map(|f| (compare(&f, &text, options.report.diff), f))
                })
                .map(|(c, f)| (f, c))
                .collect(),
        ),
        Delivery::Write => Done::Staged(
            placed
                .into_iter()
                .filter_map(|(file, text)| file.map(|f| (f, text)))
                .map(|(file, text)| {
                    let staged = outputs.stage(&file, text.as_bytes());
                    // A full disk fails the run: the other outputs need not be staged.
                    if staged.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    (file, staged)
                })
                .collect(),
            Vec::new(),
        ),
    }
}

/// Every staged output in input order, or the first that could not be staged (the others are
/// dropped, which removes their temporary files).
fn staged(done: Vec<Done>) -> Result<Vec<Staged>, Failed> {
    done.into_iter()
        .flat_map(|d| match d {
            Done::Staged(list, _) => list.into_iter().map(|(_, r)| r).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// No two outputs share a file, and no output is a spec of this run. Only files that
/// `may_exist` are looked up (a spec exists, so an output that cannot is not one).
fn distinct(
    specs: &[PathBuf],
    files: &[&PathBuf],
    may_exist: impl Fn(&Path) -> bool,
) -> Result<(), Usage> {
    // Each file is identified once: comparing every output with every spec was quadratic in
    // syscalls (a million `canonicalize` calls for 1,000 specs). The specs are identified only
    // when some output may be one of them.
    let mut inputs: Option<HashSet<FileId>> = None;
    let mut seen = HashSet::new();
    for f in files {
        if !seen.insert(*f) {
            return Err(Usage(format!(
                "two outputs would both write {}",
                f.display()
            )));
        }
        if specs.is_empty() || !may_exist(f) {
            continue;
        }
        let inputs =
            inputs.get_or_insert_with(|| specs.iter().filter_map(|s| file_id(s)).collect());
        if file_id(f).is_some_and(|id| inputs.contains(&id)) {
            return Err(Usage(format!(
                "{} is both a spec and an output",
                f.display()
            )));
        }
    }
    Ok(())
}

/// What names one file whatever path reaches it (symlinks, `..`, hard links): its device and
/// inode, one `stat` where resolving the path took a `readlink` per component.
#[cfg(unix)]
pub(super) type FileId = (u64, u64);
#[cfg(not(unix))]
pub(super) type FileId = PathBuf;

#[cfg(unix)]
pub(super) fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(super) fn file_id(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok()
}

/// Where each spec's output (or each part of it) goes in `--out-dir`: in the spec's folder there
/// when it was found in a directory of specs.
fn out_path(
    dir: &Path,
    spec: &SpecFile,
    target: Target,
    part: Option<Part>,
) -> Result<PathBuf, Usage> {
    let dir = if spec.folder.as_os_str().is_empty() {
        dir.to_path_buf()
    } else {
        dir.join(&spec.folder)
    };
    let spec = spec.path.as_path();
    if spec == Path::new("-") {
        return Err(Usage(
            "standard input has no name to derive an output file from: use -o FILE".into(),
        ));
    }
    let name = spec
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| {
            super::tree::SPEC_SUFFIXES
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
    Ok(match (target, part) {
        (Target::CloudFormation, None) => dir.join(format!("{name}.template.json")),
        (Target::CloudFormation, Some(p)) => dir.join(format!("{name}.{}.template.json", p.slug())),
        // Terraform reads every .tf.json of a directory as one module, so each spec (and each
        // part, applied with its own account's credentials) gets its own.
        (Target::Terraform, None) => dir.join(name).join("main.tf.json"),
        (Target::Terraform, Some(p)) => dir.join(name).join(p.slug()).join("main.tf.json"),
    })
}
