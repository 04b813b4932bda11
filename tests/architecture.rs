//! Invariants of the code's structure that the compiler cannot hold by itself.
//!
//! `Text` (user text in the model) has no `Serialize`, so an emitter cannot write it by accident;
//! reading its characters takes `verbatim()`, which the Terraform emitter may call in exactly one
//! place, where it hands them straight to its escaping. A second call would be a way for user
//! text to reach a Terraform string as a template, which the injection property
//! (tests/injection.rs) would then have to catch field by field.

use std::path::Path;

fn source(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Rust files of a module: `x.rs` and everything under `x/`.
fn module_files(module: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![format!("src/{module}.rs")];
    let mut dirs = vec![root.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
                    .unwrap_or(&path);
                files.push(relative.display().to_string());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_terraform_emitter_reads_user_text_only_to_escape_it() {
    let files = module_files("emit/terraform");
    assert!(files.len() >= 2, "the Terraform emitter moved: {files:?}");
    let mut calls = Vec::new();
    for file in &files {
        for (n, line) in source(file).lines().enumerate() {
            if line.contains(".verbatim()") {
                calls.push(format!("{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert_eq!(
        calls.len(),
        1,
        "only the escaping `spelled()` may read a Text in the Terraform emitter: {calls:#?}"
    );
    let only = &calls[0];
    assert!(
        only.ends_with("escaped(t.verbatim(), &mut out);"),
        "the one call is not the escaping one: {only}"
    );
}

#[test]
fn user_text_has_no_way_into_json_but_its_renderers() {
    let expr = source("src/expr.rs");
    let derive = expr
        .lines()
        .take_while(|l| !l.starts_with("pub struct Text("))
        .filter(|l| l.starts_with("#[derive("))
        .last()
        .unwrap_or_default();
    assert!(derive.contains("Clone"), "Text's derive moved: {derive}");
    assert!(!derive.contains("Serialize"), "{derive}");
    for forbidden in ["Display for Text", "Deref for Text", "Serialize for Text"] {
        assert!(
            !expr.contains(forbidden),
            "src/expr.rs has `impl {forbidden}`"
        );
    }
}

/// The lines of a module's production code: its files without the test modules (`tests.rs`, and
/// whatever follows a `#[cfg(test)]` line in a file) and without comment lines.
fn production_lines(module: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for file in module_files(module) {
        if file.ends_with("/tests.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&file))
        else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if !code.starts_with("//") {
                out.push((file.clone(), n + 1, line.to_string()));
            }
        }
    }
    out
}

/// Where a module names another it must not: `crate::other` in any form.
fn names(module: &str, other: &str) -> Vec<String> {
    let needle = format!("crate::{other}");
    production_lines(module)
        .into_iter()
        .filter(|(_, _, line)| {
            line.match_indices(&needle).any(|(i, _)| {
                !line[i + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(file, n, line)| format!("{file}:{n}: {}", line.trim()))
        .collect()
}

/// The one-way flow (src/ARCHITECTURE.md): each stage names only those upstream of it. A module
/// that moved away would make these vacuous, so each must have files.
#[test]
fn the_flow_runs_one_way() {
    let forbidden: [(&str, &[&str]); 7] = [
        // What the user wrote is translated before it reaches an emitter.
        ("emit", &["spec", "validate", "cli"]),
        // Checking a spec never needs the resolved model: shared names live in `derived`.
        ("validate", &["model", "emit", "explain", "cli"]),
        ("derived", &["validate", "model", "emit", "cli"]),
        ("selectors", &["validate", "model", "emit", "cli"]),
        ("model", &["validate", "emit", "explain", "cli"]),
        ("policy", &["spec", "validate", "model", "emit", "cli"]),
        ("deployed", &["model", "emit", "cli", "import", "drift"]),
    ];
    let mut found = Vec::new();
    for (module, others) in forbidden {
        assert!(
            !production_lines(module).is_empty(),
            "src/{module} moved: the rule about it judges nothing"
        );
        for other in others {
            found.extend(
                names(module, other)
                    .into_iter()
                    .map(|l| format!("{module} names {other}: {l}")),
            );
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// Only `cli` touches files, standard streams and the process (printing is denied by lints in
/// src/lib.rs; this holds reading and writing too).
#[test]
fn only_cli_does_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: Vec<String> = std::fs::read_dir(&root)
        .expect("src/")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            (stem != "cli" && stem != "main" && stem != "lib" && !name.ends_with(".md"))
                .then_some(stem)
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(modules.len() >= 10, "{modules:?}");
    let mut found = Vec::new();
    for module in &modules {
        for (file, n, line) in production_lines(module) {
            if ["std::fs", "std::io::std", "std::process", "std::env"]
                .iter()
                .any(|io| line.contains(io))
            {
                found.push(format!("{file}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "I/O outside cli: {found:#?}");
}
