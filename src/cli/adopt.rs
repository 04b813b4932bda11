//! `import` and `drift`: reading the AWS CLI's JSON of a deployed trail, then writing a spec for
//! it or comparing a spec with it.
//!
//! Owns the files' reading and the exit codes of both commands; what the files say is
//! `deployed::aws_cli`'s, the spec written is `import`'s, the comparison is `drift`'s.

use super::{
    display, print, print_findings, read_bounded, report, valid_spec, write_atomic, ReportFormat,
    Usage, Valid,
};
use crate::blueprint::Catalog;
use crate::deployed::{self, Failure, File, Read};
use std::path::{Path, PathBuf};

/// An AWS CLI output of a trail is a few KB; an account's every alarm perhaps a few MB.
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The `$id` of the spec's schema, for the modeline of a spec written outside the checkout.
pub(super) const SCHEMA_ID: &str = "https://trailsmith.dev/schemas/trail-spec.schema.json";

/// Reads the files and what they say of one trail; `Ok(None)` when a file's content is wrong
/// (reported, exit 1).
pub(super) fn read_deployed(files: &[PathBuf], trail: Option<&str>) -> Result<Option<Read>, Usage> {
    let mut read = Vec::new();
    for path in files {
        if path == Path::new("-") {
            return Err(Usage(
                "import and drift read files, not standard input".into(),
            ));
        }
        let bytes = read_bounded(path, MAX_FILE_BYTES, "AWS CLI output file")?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Usage(format!(
                "{} is larger than {MAX_FILE_BYTES} bytes; an AWS CLI output of a trail is a few KB",
                path.display()
            )));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| Usage(format!("{} is not UTF-8 text", path.display())))?;
        read.push(File {
            name: display(path),
            text,
        });
    }
    match deployed::read(&read, trail) {
        Ok(r) => Ok(Some(r)),
        Err(Failure::Usage(message)) => Err(Usage(message)),
        Err(Failure::File(d)) => {
            let file = d.file.clone().unwrap_or_default();
            let source = read
                .iter()
                .find(|f| f.name == file)
                .map(|f| f.text.as_str());
            report(&file, source, &[*d], false);
            Ok(None)
        }
    }
}

pub(super) struct ImportOptions<'a> {
    pub output: Option<&'a Path>,
    pub force: bool,
    pub trail: Option<&'a str>,
    pub organization_id: Option<String>,
    pub schema: Option<String>,
}

/// `import`: a spec for the deployed trail, checked before it is written; notes on stderr.
pub(super) fn import(files: &[PathBuf], o: &ImportOptions) -> Result<bool, Usage> {
    if let Some(path) = o.output {
        if !o.force && std::fs::symlink_metadata(path).is_ok() {
            return Err(Usage(format!(
                "{} exists; pass --force to replace it",
                path.display()
            )));
        }
    }
    let Some(read) = read_deployed(files, o.trail)? else {
        eprintln!("trailsmith: nothing written");
        return Ok(false);
    };
    let options = crate::import::Options {
        organization_id: o.organization_id.clone(),
        schema: o.schema.clone().unwrap_or_else(|| SCHEMA_ID.into()),
    };
    let imported = crate::import::import(&read, &options).map_err(Usage)?;
    let diagnostics = crate::validate::check(&imported.text).diagnostics;
    if crate::diag::has_errors(&diagnostics) {
        report("<imported spec>", Some(&imported.text), &diagnostics, false);
        eprintln!(
            "trailsmith: nothing written: the spec made from the deployed trail is invalid; the \
             deployed trail holds a value the spec refuses (shown above)"
        );
        return Ok(false);
    }
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    match o.output {
        None => print(&imported.text),
        Some(path) => {
            write_atomic(path, imported.text.as_bytes()).map_err(|f| Usage(f.to_string()))?;
            eprintln!("{}: written", path.display());
        }
    }
    Ok(true)
}

/// `drift`: the spec's outputs against the deployed trail; `Ok(true)` when nothing differs.
pub(super) fn drift(
    spec_path: &Path,
    files: &[PathBuf],
    trail: Option<&str>,
    format: ReportFormat,
    catalog: &Catalog,
) -> Result<bool, Usage> {
    let Some(Valid {
        file,
        text,
        spec,
        selectors,
    }) = valid_spec(spec_path, catalog)?
    else {
        eprintln!("trailsmith: drift compares a valid spec");
        return Ok(false);
    };
    let name = trail.unwrap_or(&spec.trail.name).to_string();
    let Some(deployed) = read_deployed(files, Some(&name))? else {
        return Ok(false);
    };
    let models = crate::model::lower_all(&spec, selectors);
    let mut found = crate::drift::compare(&spec, &models, &deployed.deployed);
    if let Ok(doc) = crate::source::parse(&text) {
        crate::drift::locate(&doc, &mut found);
    }
    let fails = !found.is_empty();
    match format {
        ReportFormat::Text => {
            report(&file, Some(&text), &found, false);
            let unread = crate::drift::not_given(&deployed.deployed);
            if !unread.is_empty() {
                eprintln!(
                    "note: not compared, as no file gives them: {}",
                    unread.join(", ")
                );
            }
            if !fails {
                eprintln!("{file}: no drift from {}", deployed.source);
            }
        }
        ReportFormat::Json | ReportFormat::Sarif => {
            let files = [crate::diag::FileFindings {
                file: &file,
                diagnostics: &found,
                fails,
            }];
            print_findings(format, &files);
        }
    }
    Ok(!fails)
}
