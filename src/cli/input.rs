//! Reading the files a command is given: specs (or standard input), and the outputs `--check`
//! compares. Owns the size limit and which kinds of file are opened at all; a missing file is a
//! usage problem (exit 2), bad bytes are a spec's diagnostic. It must not parse or judge a spec.

use super::{display, Usage};
use crate::diag::{Code, Diagnostic};
use crate::source::Pos;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest spec trailsmith reads; a spec is a few KB, so a larger file is a mistake (or an
/// attack), refused before any of it is parsed.
pub(super) const MAX_SPEC_BYTES: u64 = 10 * 1024 * 1024;

/// This process's own open descriptors (`/dev/stdin`, or `/dev/fd/63` as a shell's `<(...)` gives):
/// reading one is what the caller asked, and opening one does not wait for a writer, so they may
/// be pipes; any other path must be a regular file.
fn own_descriptor(path: &Path) -> bool {
    let Some(path) = path.to_str() else {
        return false;
    };
    path == "/dev/stdin"
        || ["/dev/fd/", "/proc/self/fd/"].iter().any(|dir| {
            path.strip_prefix(dir)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Reads at most `limit` + 1 bytes of `path` (one more than allowed tells the caller it is too
/// large). Only regular files and `own_descriptor`s are opened: opening a named pipe waits for a
/// writer, maybe forever, and a device may never end. Specs, blueprints and the outputs `--check`
/// compares are all read through here; `what` names the file in messages ("spec file", ...).
pub(super) fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, Usage> {
    let cannot = |e: std::io::Error| Usage(format!("cannot read {}: {e}", display(path)));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Usage(format!(
            "{} is a directory, not a {what}",
            path.display()
        )));
    }
    if !meta.is_file() && !own_descriptor(path) {
        let instead = match what {
            "spec file" => "give a spec file, or `-` to read standard input",
            _ => "give a regular file",
        };
        return Err(Usage(format!(
            "{} is not a regular file (a named pipe, socket or device); {instead}",
            path.display()
        )));
    }
    // Sized up front: through `take` the reader cannot see the file's size, and growing from
    // nothing cost eight `read` calls per spec.
    let expected = usize::try_from(meta.len().min(limit + 1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    Ok(bytes)
}

/// Reads every spec, in order, before any thread starts: standard input can be read only here.
pub(super) fn read_all(specs: &[PathBuf]) -> Result<Vec<Result<String, Diagnostic>>, Usage> {
    specs.iter().map(|path| read(path)).collect()
}

/// Reads a spec; a missing or unreadable file is a usage problem, bad bytes a spec problem.
pub(super) fn read(path: &Path) -> Result<Result<String, Diagnostic>, Usage> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_SPEC_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Usage(format!("cannot read {}: {e}", display(path))))?;
        bytes
    } else {
        read_bounded(path, MAX_SPEC_BYTES, "spec file")?
    };
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        let mut d = Diagnostic::error(
            Code::FileTooLarge,
            "",
            format!("the file is larger than {MAX_SPEC_BYTES} bytes (10 MiB); a spec is a few KB"),
        )
        .hint("check that this is the spec you meant; nothing of it was read as YAML");
        d.pos = Some(Pos { line: 1, column: 1 });
        return Ok(Err(d));
    }
    Ok(String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(good);
        let line = text.matches('\n').count() + 1;
        let column = text
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        let mut d = Diagnostic::error(Code::Encoding, "", "the file is not valid UTF-8")
            .hint("save the spec as UTF-8");
        d.pos = Some(Pos { line, column });
        d
    }))
}
