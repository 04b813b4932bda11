//! Runs the real binary under a time limit, measuring its peak memory where it can.
//!
//! It owns one question: what did a run of `trailsmith` do (exit code, stdout, stderr, time, peak
//! resident memory)? A run still going after `TIME_LIMIT` is killed with its whole process group
//! and the calling test fails, so a hang is a failure, never a stuck `cargo test`. Peak memory is
//! read from GNU time (`/usr/bin/time -f %M`) when it is installed and works, otherwise it is not
//! measured. The limits are guards against blow-ups, not speed claims: many times what a debug
//! build needs on two loaded cores.
//!
//! Include it with `#[path = "support/bounded_run.rs"] mod bounded_run;` (unix only).

// Each integration test crate that includes this file may use only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const TIME_LIMIT: Duration = Duration::from_secs(20);
pub const MEMORY_LIMIT_KB: u64 = 200 * 1024;
const GNU_TIME: &str = "/usr/bin/time";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_trailsmith")
}

/// What one run did.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
    pub peak_kb: Option<u64>,
}

impl Outcome {
    /// The code of the first `error[code]` line, if any.
    pub fn first_code(&self) -> Option<&str> {
        let start = self.stderr.find("error[")? + "error[".len();
        let len = self.stderr[start..].find(']')?;
        Some(&self.stderr[start..start + len])
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Exit code, time, memory and the first line of stderr, for a report line.
    pub fn summary(&self) -> String {
        let first = self.stderr.lines().next().unwrap_or_default();
        format!(
            "exit {}, {:.2} s, peak {}: {}",
            self.code.map_or("(signal)".to_string(), |c| c.to_string()),
            self.elapsed.as_secs_f64(),
            self.peak_kb
                .map_or("not measured".to_string(), |kb| format!("{} MB", kb / 1024)),
            first.chars().take(160).collect::<String>()
        )
    }

    /// No panic message and, when measured, a peak under `MEMORY_LIMIT_KB`.
    pub fn assert_sane(&self, what: &str) {
        assert!(
            !self.stderr.contains("panicked"),
            "{what}: trailsmith panicked:\n{}",
            self.stderr
        );
        if let Some(kb) = self.peak_kb {
            assert!(
                kb < MEMORY_LIMIT_KB,
                "{what}: peak memory {kb} kB is over {MEMORY_LIMIT_KB} kB"
            );
        }
    }
}

/// True when `/usr/bin/time` takes GNU's `-f %M -o FILE` (peak resident memory in kB).
fn gnu_time_works() -> bool {
    static WORKS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WORKS.get_or_init(|| {
        let Ok(dir) = tempfile::tempdir() else {
            return false;
        };
        let out = dir.path().join("time");
        Command::new(GNU_TIME)
            .args(["-f", "%M", "-o"])
            .arg(&out)
            .arg("true")
            .status()
            .is_ok_and(|s| s.success())
            && std::fs::read_to_string(&out).is_ok_and(|t| t.trim().parse::<u64>().is_ok())
    })
}

/// Runs `trailsmith ARGS` in `dir` with `stdin` as standard input.
pub fn run(dir: &Path, args: &[&str], stdin: Stdio) -> Outcome {
    run_program(OsStr::new(bin()), args, dir, stdin)
}

/// Runs `program ARGS` (trailsmith, or a shell that execs it) in `dir`, under the time limit and
/// measured when GNU time works. The run gets its own process group, so the kill on timeout also
/// reaches trailsmith under `time` or a shell. Output is captured in files of a scratch directory
/// of its own, never in `dir`.
pub fn run_program<S: AsRef<OsStr>>(
    program: &OsStr,
    args: &[S],
    dir: &Path,
    stdin: Stdio,
) -> Outcome {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let (stdout_path, stderr_path, time_path) = (
        scratch.path().join("stdout"),
        scratch.path().join("stderr"),
        scratch.path().join("time"),
    );
    let mut command = if gnu_time_works() {
        let mut c = Command::new(GNU_TIME);
        c.arg("-f").arg("%M").arg("-o").arg(&time_path).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(File::create(&stdout_path).expect("stdout file"))
        .stderr(File::create(&stderr_path).expect("stderr file"))
        .process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().expect("the program starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            let shown: Vec<String> = args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect();
            panic!("{program:?} {shown:?} still ran after {TIME_LIMIT:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    // GNU time writes "Command exited with non-zero status N" (or "terminated by signal") first.
    let peak_kb = std::fs::read_to_string(&time_path)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<u64>().ok()));
    // Under GNU time a signal shows as exit 128 + N; report it as no code, as without time.
    let code = status.code().filter(|c| *c < 128);
    Outcome {
        code,
        stdout: std::fs::read(&stdout_path).expect("stdout"),
        stderr: String::from_utf8_lossy(&std::fs::read(&stderr_path).expect("stderr")).into_owned(),
        elapsed,
        peak_kb,
    }
}
