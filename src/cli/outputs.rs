//! Writing output files: staged beside their destinations, then renamed into place together.
//!
//! Owns atomic replacement and the cleanup of a run that does not finish: a staged output is a
//! temporary file in the destination's directory, so the final rename never crosses file systems
//! and a reader sees the old file or the new one, never half of one. It must not compile specs or
//! print diagnostics.
//!
//! A directory the run must make is made as a hidden stand-in beside where it goes
//! (`.trailsmith-PID-N`), its outputs are written in it under their own names, and the stand-in
//! is renamed to its name at commit: one rename for the whole folder instead of one per file,
//! which on ext4 cost more than writing the files (1,000 outputs to disk: 50 to 80 ms written in
//! place, 205 to 270 ms through a temporary name each; scripts/bench/BENCHMARKS.md). Until then
//! nothing is under the folder's name, so a failed or killed run never shows a half-written one.
//!
//! Outputs are not forced to disk (no `fsync`): they are derived from the specs, which stay the
//! source of truth, so after a power loss the next `synth` (or `synth --check`, which names stale
//! files) puts them right. Syncing each file cost most of the time of a 1,000-spec run.
//!
//! Each output costs `open`, `write`, `close`, plus a `mkdir` for a new directory, as the floor of
//! `scripts/bench.sh` does; replacing an existing output adds its `rename`, and a folder the run
//! makes one `stat` (is it there?) and one `rename` for all it holds. Everything else is asked only
//! when its answer can change what is written: a directory this run made holds no file of the
//! user's, so what would go in it is not looked up (is it a link, what mode has it, is it a spec);
//! a directory seen once is not looked at again; and a new file is created with its final mode
//! unless the umask takes bits from it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// What a staged output's temporary file is called: hidden, and named after this process, so two
/// runs sharing a directory never pick the same name (and a killed run's leftovers say whose).
const TEMP_PREFIX: &str = ".trailsmith-";

/// One output ready to be put in place.
pub(crate) enum Staged {
    /// A complete temporary file beside `target`, removed if dropped before `commit`.
    Beside { temp: Temp, target: PathBuf },
    /// A complete file under its own name in a stand-in directory, which `commit` renames.
    Made { file: Temp },
    /// `target` is not a regular file (`/dev/stdout`, a pipe): it cannot be renamed over, so the
    /// bytes are written into it at commit.
    InPlace { target: PathBuf, bytes: Vec<u8> },
}

/// A temporary file of this run, removed when dropped unless it was renamed into place.
pub(crate) struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Temp {
    fn persist(mut self, target: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The outputs of one run: what it staged and which directories it made for them, so that a run
/// that does not commit leaves the file system as it found it.
#[derive(Default)]
pub(crate) struct Outputs {
    /// The directories made, where they are on disk (stand-ins, and folders inside them).
    made: Mutex<Vec<PathBuf>>,
    /// Every directory an output went to: `true` when this run made it.
    dirs: Mutex<HashMap<PathBuf, bool>>,
    /// Each directory this run makes in one it did not: its name, and the stand-in that holds it
    /// until commit.
    stand_ins: Mutex<HashMap<PathBuf, PathBuf>>,
    /// Held while directories are made, so two threads never make two stand-ins for one folder.
    making: Mutex<()>,
    /// Numbers the temporary files and stand-ins of this process.
    temps: AtomicU64,
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
            error,
        })
    }

    fn try_stage(&self, path: &Path, bytes: &[u8]) -> io::Result<Staged> {
        if self.make_dirs(parent(path))? {
            let file = Temp {
                path: self.on_disk(path),
                kept: false,
            };
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            with_new_file_mode(&mut options);
            let mut handle = options.open(&file.path)?;
            handle.write_all(bytes)?;
            give_new_file_mode(&handle)?;
            return Ok(Staged::Made { file });
        }
        let (target, existing) = {
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => {
                    // A dangling link is replaced by the file, as a missing file would be created.
                    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
                    let existing = std::fs::metadata(&target).ok();
                    (target, existing)
                }
                Ok(m) => (path.to_path_buf(), Some(m)),
                Err(_) => (path.to_path_buf(), None),
            }
        };
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            return Ok(Staged::InPlace {
                target,
                bytes: bytes.to_vec(),
            });
        }
        let (temp, mut file) = self.create_temp(parent(&target))?;
        file.write_all(bytes)?;
        match existing {
            Some(m) => file.set_permissions(m.permissions())?,
            None => give_new_file_mode(&file)?,
        }
        // Closed now: a run of 1,000 outputs must not hold 1,000 descriptors.
        drop(file);
        Ok(Staged::Beside { temp, target })
    }

    /// A new, empty temporary file in `dir`, created with the mode a new output gets.
    fn create_temp(&self, dir: &Path) -> io::Result<(Temp, std::fs::File)> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        with_new_file_mode(&mut options);
        let (path, file) = self.claim(dir, |path| options.open(path))?;
        Ok((Temp { path, kept: false }, file))
    }

    /// A new, empty hidden directory in `dir`, to be renamed to the folder it stands in for.
    fn create_stand_in(&self, dir: &Path) -> io::Result<PathBuf> {
        self.claim(dir, |path| std::fs::create_dir(path))
            .map(|(path, ())| path)
    }

    /// The first name `.trailsmith-PID-N` in `dir` that `make` creates, and what it returned;
    /// `make` must fail with `AlreadyExists` where the name is taken.
    fn claim<T>(
        &self,
        dir: &Path,
        make: impl Fn(&Path) -> io::Result<T>,
    ) -> io::Result<(PathBuf, T)> {
        static PID: OnceLock<u32> = OnceLock::new();
        let pid = *PID.get_or_init(std::process::id);
        loop {
            let n = self.temps.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("{TEMP_PREFIX}{pid}-{n}"));
            match make(&path) {
                Ok(made) => return Ok((path, made)),
                // Left by a killed run that had this process id: take the next number.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1 << 20 => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Makes `dir` and its missing ancestors, remembering each one made here. Says whether this
    /// run made `dir` (so nothing of the user's is in it). A folder inside one this run made is
    /// made there with one `mkdir`; the first missing one is made as a stand-in (see the
    /// module's doc).
    fn make_dirs(&self, dir: &Path) -> io::Result<bool> {
        if let Some(&fresh) = lock(&self.dirs).get(dir) {
            return Ok(fresh);
        }
        // Inside a folder this run made (each Terraform output's own, in a new `--out-dir`) no
        // stand-in is made, so no lock is needed.
        if lock(&self.dirs).get(parent(dir)) == Some(&true) {
            self.make_inside(dir)?;
            lock(&self.dirs).insert(dir.to_path_buf(), true);
            return Ok(true);
        }
        // One thread at a time, so that two never make two stand-ins for one folder.
        let _making = lock(&self.making);
        self.make_dirs_locked(dir)
    }

    fn make_dirs_locked(&self, dir: &Path) -> io::Result<bool> {
        if let Some(&fresh) = lock(&self.dirs).get(dir) {
            return Ok(fresh);
        }
        let up = parent(dir);
        let parent_made = lock(&self.dirs).get(up).copied();
        let fresh = if parent_made == Some(true) {
            self.make_inside(dir)?;
            true
        } else {
            // Not followed: a link whose target is missing is the user's, not a name to take.
            match std::fs::symlink_metadata(dir) {
                // There (if as a file or a dangling link, creating the temporary file in it says
                // so; a link to a directory is written through).
                Ok(_) => false,
                Err(e) if e.kind() == io::ErrorKind::NotFound && up != dir => {
                    if self.make_dirs_locked(up)? {
                        self.make_inside(dir)?;
                    } else {
                        let stand_in = self.create_stand_in(up)?;
                        lock(&self.made).push(stand_in.clone());
                        lock(&self.stand_ins).insert(dir.to_path_buf(), stand_in);
                    }
                    true
                }
                Err(e) => return Err(e),
            }
        };
        lock(&self.dirs).insert(dir.to_path_buf(), fresh);
        Ok(fresh)
    }

    /// Makes `dir`, whose parent this run made, where that parent is on disk. Everything in such
    /// a folder is this run's, so one another thread just made there is as good.
    fn make_inside(&self, dir: &Path) -> io::Result<()> {
        let inside = self.on_disk(dir);
        match std::fs::create_dir(&inside) {
            Ok(()) => lock(&self.made).push(inside),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Where `path` is until commit: inside the stand-in of the folder this run made above it,
    /// if any.
    fn on_disk(&self, path: &Path) -> PathBuf {
        let stand_ins = lock(&self.stand_ins);
        for top in path.ancestors() {
            if let Some(stand_in) = stand_ins.get(top) {
                return match path.strip_prefix(top) {
                    Ok(rest) if !rest.as_os_str().is_empty() => stand_in.join(rest),
                    _ => stand_in.clone(),
                };
            }
        }
        path.to_path_buf()
    }

    /// Whether a file may be at `path` that this run did not put there: not when a directory
    /// above it is one this run made. Lets callers skip looking for what cannot be there.
    pub(crate) fn may_exist(&self, path: &Path) -> bool {
        let dirs = lock(&self.dirs);
        !path
            .ancestors()
            .skip(1)
            .any(|d| dirs.get(d).copied().unwrap_or(false))
    }

    /// Whether this run made `dir`: nothing in it is anyone else's, so a walk for outputs whose
    /// spec is gone need not read it.
    pub(crate) fn made(&self, dir: &Path) -> bool {
        lock(&self.dirs).get(dir).copied().unwrap_or(false)
    }

    /// Puts every staged output in place, in order. Each file is replaced atomically, the set is
    /// not: after a failure, the outputs before it are new and the rest are untouched (their
    /// temporary files are removed).
    pub(crate) fn commit(self, staged: Vec<Staged>) -> Result<(), Failed> {
        // The folders first, shallowest first (a stand-in is never inside another); sorted, so
        // the order does not depend on which thread made which.
        let mut stand_ins: Vec<(PathBuf, PathBuf)> = lock(&self.stand_ins).drain().collect();
        stand_ins.sort();
        for (name, stand_in) in stand_ins {
            if let Err(error) = std::fs::rename(&stand_in, &name) {
                // The files first, so that the stand-ins left are empty when `drop` removes them.
                drop(staged);
                return Err(Failed { path: name, error });
            }
        }
        lock(&self.made).clear();
        for output in staged {
            let (path, result) = match output {
                Staged::Made { mut file } => {
                    file.kept = true;
                    continue;
                }
                Staged::Beside { temp, target } => {
                    let result = temp.persist(&target);
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
            result.map_err(|error| Failed { path, error })?;
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

/// The directory a file goes in (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
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

/// Whether this process's umask clears any bit of 0644, so that a new file must be given its
/// mode after it is made. Asked once, from `/proc/self/status` (the `umask` call, which also
/// sets it, needs `unsafe`); when it cannot be read, every new file is given its mode.
#[cfg(unix)]
fn umask_narrows_new_files() -> bool {
    static NARROWS: OnceLock<bool> = OnceLock::new();
    *NARROWS.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status.lines().find_map(|l| {
                    l.strip_prefix("Umask:")
                        .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
                })
            })
            .is_none_or(|umask| umask & 0o644 != 0)
    })
}

#[cfg(unix)]
fn with_new_file_mode(options: &mut std::fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o644);
}

#[cfg(not(unix))]
fn with_new_file_mode(_: &mut std::fs::OpenOptions) {}

/// Gives a new file 0644 when the umask took bits of it at creation.
#[cfg(unix)]
fn give_new_file_mode(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if umask_narrows_new_files() {
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn give_new_file_mode(_: &std::fs::File) -> io::Result<()> {
    Ok(())
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
