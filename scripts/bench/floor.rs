//! The floor for `scripts/bench.sh`: the least a program can do to put given bytes in given files.
//!
//! Reads a manifest (one `relative/path<TAB>length` a line) and one blob holding every file's
//! bytes in manifest order, both produced by the script from a tree trailsmith wrote, then makes
//! OUT-DIR and writes each file under it: one `mkdir` per directory not yet made (the manifest is
//! sorted, so a directory is new exactly when it differs from the previous file's), then `open`
//! (create, truncate), one `write`, `close`. No temporary file, no rename, no stat, no permission
//! change: everything trailsmith does beyond this is what its atomic replacement and checks cost.
//! Files are dealt out to THREADS threads (as trailsmith uses one per core) in contiguous runs, so
//! a directory is made by the thread that fills it.
//!
//! Built by the script with `rustc -O` (no dependencies, not part of the crate):
//!   floor MANIFEST BLOB OUT-DIR THREADS

use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, manifest, blob, out, threads] = args.as_slice() else {
        eprintln!("usage: floor MANIFEST BLOB OUT-DIR THREADS");
        std::process::exit(2);
    };
    let threads: usize = threads.parse().unwrap_or(1).max(1);
    let manifest = std::fs::read_to_string(manifest).expect("manifest");
    let blob = std::fs::read(blob).expect("blob");
    let out = Path::new(out);
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut at = 0;
    for line in manifest.lines() {
        let (path, len) = line.split_once('\t').expect("path<TAB>length");
        let len: usize = len.parse().expect("length");
        files.push((out.join(path), &blob[at..at + len]));
        at += len;
    }
    std::fs::create_dir_all(out).expect("out dir");
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for part in files.chunks(chunk) {
            scope.spawn(move || {
                let mut last: Option<&Path> = None;
                for (path, bytes) in part {
                    let dir = path.parent().expect("parent");
                    if dir != out && last != Some(dir) {
                        // Absent: the directory was emptied before the run.
                        if let Err(e) = std::fs::create_dir(dir) {
                            assert!(e.kind() == std::io::ErrorKind::AlreadyExists, "{e}");
                        }
                    }
                    last = Some(dir);
                    let mut f = std::fs::File::create(path).expect("create");
                    f.write_all(bytes).expect("write");
                }
            });
        }
    });
}
