//! Cargo's build script (named in Cargo.toml's `build`; kept under scripts/ because the
//! project's top level is fixed): gives `trailsmith --version` the commit it was built from.
//!
//! The commit comes from, in order: `TRAILSMITH_COMMIT` (a Docker build or a packager without
//! the repository), the `.cargo_vcs_info.json` that `cargo package` writes (a build from
//! crates.io), or `git rev-parse` when the source tree is a repository's top level (not a copy
//! vendored inside another repository). Without any, the version is printed alone.
//! The same commit gives the same bytes: nothing here reads the clock or the machine.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    println!("cargo:rerun-if-env-changed=TRAILSMITH_COMMIT");
    // Asked of every source whichever wins, so that each prints what it depends on: a build
    // script that names no file is rerun on any change of the package, but not when HEAD moves.
    let (set, packaged, checked_out) = (
        std::env::var("TRAILSMITH_COMMIT").ok(),
        from_vcs_info(),
        from_git(),
    );
    let commit = set
        .filter(|c| !c.trim().is_empty())
        .or(packaged)
        .or(checked_out)
        .map(|c| c.trim().chars().take(12).collect::<String>())
        .filter(|c| c.chars().all(|ch| ch.is_ascii_hexdigit()));
    let long = match commit {
        Some(c) => format!("{version} (commit {c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=TRAILSMITH_VERSION={long}");
    link_without_pie();
}

/// Links the binary at a fixed address on Linux. A position-independent executable makes the
/// dynamic loader patch every pointer in the binary's tables at each start (about 10,000
/// relocations, 9% of a one-spec run's instructions, and the page faults of the pages they
/// touch); a one-spec run is mostly start-up (scripts/bench/BENCHMARKS.md). What is given up is
/// address randomization of the binary's own code, for a compiler that reads files its user
/// chose; libraries, stack and heap are still randomized.
fn link_without_pie() {
    println!("cargo:rerun-if-env-changed=TRAILSMITH_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let wanted = std::env::var("TRAILSMITH_PIE").is_ok_and(|v| v == "1");
    if linux && !wanted {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// The package's folder, as Cargo sets it for this run. Read at run time, not with `env!`: a
/// build script compiled for one copy of the package (`cargo package` verifies a copy) may be
/// reused for another.
fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
}

/// The checked-out commit; rebuilds when HEAD moves (its ref file, or packed refs).
fn from_git() -> Option<String> {
    let root = manifest_dir()?;
    let root = root.as_path();
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != root.canonicalize().ok()? {
        return None;
    }
    let commit = git(&["rev-parse", "HEAD"])?;
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    Some(commit)
}

/// `{"git": {"sha1": "..."}}`, written by `cargo package` into the packaged crate's root.
fn from_vcs_info() -> Option<String> {
    let path = manifest_dir()?.join(".cargo_vcs_info.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + "\"sha1\"".len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}
