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
