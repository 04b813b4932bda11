//! The command line contract of `trailsmith`, as data files run by trycmd.
//!
//! Each case under `tests/cmd/` runs the real binary and checks its exit code, standard output,
//! standard error and, where it writes, the files it leaves behind (`*.out/` directories). They pin
//! what `design.md` ("Command line contract") promises users and CI jobs: exit 0 / 1 / 2, every
//! diagnostic with `file:line:column`, path and hint, nothing written when a spec has errors, one
//! output per spec in `--out-dir`, and `--check` reporting stale and missing outputs. Cases are
//! data so a reviewer reads the exact text a user sees; inputs live beside them in
//! `tests/cmd/specs/` (read-only cases) or per-case `*.in/` directories (cases that write, run in
//! a sandbox copy). `*.toml` cases run one command; `*.trycmd` cases run several in one sandbox.
//!
//! After an intended change of output, regenerate with `TRYCMD=overwrite cargo test --test cli`
//! and read the diff: elided lines (`...`, `[..]`) are kept, everything else must be checked.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd");
}
