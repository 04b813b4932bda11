//! Writing output files: staged beside their destinations, then renamed into place together.
//!
//! Owns atomic replacement and the cleanup of a run that does not finish: a staged output is a
//! temporary file in the destination's directory, so the final rename never crosses file systems
//! and a reader sees the old file or the new one, never half of one. It must not compile specs or
//! print diagnostics.
//!
//! Outputs are not forced to disk (no `fsync`): they are derived from the specs, which stay the
//! source of truth, so after a power loss the next `synth` (or `synth --check`, which names stale
//! files) puts them right. Syncing each file cost most of the time of a 1,000-spec run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One output ready to be put in place.
pub(crate) enum Staged {
    /// A complete temporary file beside `target`, removed if dropped before `commit`.
    Beside {
        temp: tempfile::TempPath,
        target: PathBuf,
    },
    /// `target` is not a regular file (`/dev/stdout`, a pipe): it cannot be renamed over, so the
    /// bytes are written into it at commit.
    InPlace { target: PathBuf, bytes: Vec<u8> },
}

/// The outputs of one run: what it staged and which directories it made for them, so that a run
/// that does not commit leaves the file system as it found it.
#[derive(Default)]
pub(crate) struct Outputs {
    made: Mutex<Vec<PathBuf>>,
}

/// An output that could not be written, named by its destination (never by a temporary file).
pub(crate) struct Failed {
    pub path: PathBuf,
    pub error: io::Error,
}

impl Outputs {
    /// Writes `bytes` to a temporary file beside `path`. A symlink at `path` is followed (its
    /// target will be replaced, the link stays). A replaced file keeps its permissions; a new one
    /// is readable by all (0644), as templates are meant to be shared.
    pub(crate) fn stage(&self, path: &Path, bytes: &[u8]) -> Result<Staged, Failed> {
        self.try_stage(path, bytes).map_err(|error| Failed {
            path: path.to_path_buf(),
            error: plain(error),
        })
    }

    fn try_stage(&self, path: &Path, bytes: &[u8]) -> io::Result<Staged> {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = match is_link.then(|| std::fs::canonicalize(path)) {
            Some(Ok(real)) => real,
            // A dangling link is replaced by the file, as a missing file would be created.
            _ => path.to_path_buf(),
        };
        let existing = std::fs::metadata(&target).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            return Ok(Staged::InPlace {
                target,
                bytes: bytes.to_vec(),
            });
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        self.make_dirs(dir)?;
        let mut temp = tempfile::Builder::new()
            .prefix(".trailsmith-")
            .tempfile_in(dir)?;
        temp.write_all(bytes)?;
        let permissions = match existing {
            Some(m) => m.permissions(),
            None => default_permissions(temp.as_file().metadata()?.permissions()),
        };
        temp.as_file().set_permissions(permissions)?;
        Ok(Staged::Beside {
            // Closed now: a run of 1,000 outputs must not hold 1,000 descriptors.
            temp: temp.into_temp_path(),
            target,
        })
    }

    /// Makes `dir` and its missing ancestors, remembering each one made here.
    fn make_dirs(&self, dir: &Path) -> io::Result<()> {
        let mut missing = Vec::new();
        let mut at = Some(dir);
        while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
            missing.push(d);
            at = d.parent();
        }
        for d in missing.into_iter().rev() {
            match std::fs::create_dir(d) {
                Ok(()) => lock(&self.made).push(d.to_path_buf()),
                // Another thread of this run made it first; that thread remembers it.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Puts every staged output in place, in order. Each file is replaced atomically, the set is
    /// not: after a failure, the outputs before it are new and the rest are untouched (their
    /// temporary files are removed).
    pub(crate) fn commit(self, staged: Vec<Staged>) -> Result<(), Failed> {
        lock(&self.made).clear();
        for output in staged {
            let (path, result) = match output {
                Staged::Beside { temp, target } => {
                    let result = temp.persist(&target).map_err(|e| e.error);
                    (target, result)
                }
                Staged::InPlace { target, bytes } => {
                    let result = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&target)
                        .and_then(|mut f| f.write_all(&bytes));
                    (target, result)
                }
            };
            result.map_err(|error| Failed {
                path,
                error: plain(error),
            })?;
        }
        Ok(())
    }

    /// Removes every staged file and the directories made for them.
    pub(crate) fn discard(self, staged: Vec<Staged>) {
        drop(staged);
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        // Deepest first, whatever order the threads recorded them in (a thread can make a
        // directory inside one another thread made but has not recorded yet); only empty ones go,
        // so nothing another process put there is lost.
        let mut made = std::mem::take(&mut *lock(&self.made));
        made.sort_by_key(|dir| std::cmp::Reverse(dir.components().count()));
        for dir in made {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Writes one file atomically (staged, then renamed).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failed> {
    let outputs = Outputs::default();
    let staged = outputs.stage(path, bytes)?;
    outputs.commit(vec![staged])
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock is a bug of ours; the list itself is still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The operating system's error without the `tempfile` crate's wrapping, which names the
/// temporary file: the user asked for the destination, and the temporary file is gone.
fn plain(error: io::Error) -> io::Error {
    let code = error.raw_os_error().or_else(|| {
        error
            .get_ref()
            .and_then(|inner| inner.source())
            .and_then(|source| source.downcast_ref::<io::Error>())
            .and_then(io::Error::raw_os_error)
    });
    code.map_or(error, io::Error::from_raw_os_error)
}

#[cfg(unix)]
fn default_permissions(mut p: std::fs::Permissions) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    p.set_mode(0o644);
    p
}

#[cfg(not(unix))]
fn default_permissions(p: std::fs::Permissions) -> std::fs::Permissions {
    p
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::{lock, Outputs};

    #[test]
    fn directories_made_in_any_recorded_order_are_all_removed() {
        let sandbox = tempfile::tempdir().expect("sandbox");
        let top = sandbox.path().join("out");
        let middle = top.join("team");
        let bottom = middle.join("main");
        std::fs::create_dir_all(&bottom).expect("mkdir");
        let outputs = Outputs::default();
        // Recorded out of order, as threads may: neither this order nor its reverse is deepest
        // first.
        lock(&outputs.made).extend([middle, top.clone(), bottom]);
        drop(outputs);
        assert!(!top.exists(), "{} left behind", top.display());
    }

    #[test]
    fn a_failed_stage_names_the_destination() {
        let sandbox = tempfile::tempdir().expect("sandbox");
        // A file where a directory must be made.
        std::fs::write(sandbox.path().join("blocked"), "x").expect("write");
        let target = sandbox.path().join("blocked/out.json");
        let outputs = Outputs::default();
        let message = match outputs.stage(&target, b"{}") {
            Ok(_) => panic!("staged under a file"),
            Err(failed) => failed.to_string(),
        };
        assert!(message.starts_with(&format!("cannot write {}", target.display())));
        assert!(!message.contains(".trailsmith-"), "{message}");
    }
}
