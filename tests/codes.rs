//! The code catalog (`trailsmith::diag::codes::RULES`) is complete and honest.
//!
//! - Every code the repository's specs make trailsmith report is in the catalog, at the severity
//!   the catalog gives: the examples, the golden cases, the bad-input corpus, the command-line
//!   test specs (also with the blueprints of `tests/cmd/specs/own-blueprints`, as `--blueprints`
//!   gives them) and each shipped blueprint rendered with test parameters, each through
//!   `validate::check` and through `compile` for Terraform (which turns
//!   `terraform-unsupported-field` into an error, the one documented exception). A spec that is
//!   not UTF-8 cannot reach `validate`, so it goes through the binary's `validate --format json`.
//! - Every code the source can report is in the catalog. A small tokenizer reads `src/**/*.rs`
//!   (test code left out) and takes the first argument of each `Diagnostic::error(`, `warning(`
//!   and `note(`: a string literal, a named constant, or a parameter of a helper such as
//!   `rules::rule(out, "trail-name", ...)`, whose call sites then give the literals.
//! - No catalog code is dead: each appears in the source outside the catalog as a string literal
//!   (a constant's value included).
//!
//! Why: SARIF rule metadata, the `relates to:` line and the check of `silence:` entries all read
//! the catalog, and a code missing from it, or listed at the wrong severity, misleads all three.

#[path = "support/corpus.rs"]
mod corpus;

use corpus::render_with_test_values;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use trailsmith::blueprint::{Blueprint, Catalog};
use trailsmith::diag::codes::{rule, RULES};
use trailsmith::diag::{Diagnostic, Severity};
use trailsmith::selectors::TERRAFORM_GAP;
use trailsmith::{compile, compile_with, validate, Target};

/// The corpus and the source scan must not silently shrink (a wrong directory would otherwise
/// pass with nothing to check).
const MIN_SPECS: usize = 150;
const MIN_CODES_SEEN: usize = 60;
const MIN_CODES_IN_SOURCE: usize = 80;

// ---------------------------------------------------------------------------------------------
// The corpus

/// How a finding was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    Validate,
    CompileTerraform,
    /// `trailsmith validate --format json`, for a file that is not UTF-8.
    Binary,
}

#[derive(Debug, Clone)]
struct Seen {
    code: String,
    severity: Severity,
    via: Via,
    spec: String,
}

struct Corpus {
    specs: usize,
    seen: Vec<Seen>,
}

fn files_under(dir: &str, recursive: bool, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from(dir)];
    while let Some(d) = dirs.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if recursive {
                    dirs.push(path);
                }
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no spec found under {dir}");
    out
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

/// The shipped blueprints plus those `tests/cmd/` passes with `--blueprints own-blueprints`.
fn own_catalog() -> Catalog {
    let mut catalog = Catalog::shipped();
    for path in files_under("tests/cmd/specs/own-blueprints", false, &|p| {
        p.to_string_lossy().ends_with(".yaml.hbs")
    }) {
        let text = std::fs::read_to_string(&path).expect("readable blueprint");
        let file = path.display().to_string();
        let blueprint = Blueprint::parse(&file, &text).unwrap_or_else(|e| panic!("{e}"));
        catalog.insert(blueprint);
    }
    catalog
}

fn record(seen: &mut Vec<Seen>, diagnostics: &[Diagnostic], via: Via, spec: &str) {
    seen.extend(diagnostics.iter().map(|d| Seen {
        code: d.code.to_string(),
        severity: d.severity,
        via,
        spec: spec.to_string(),
    }));
}

/// Validates and compiles for Terraform with the shipped blueprints, or with `catalog`.
fn check_text(seen: &mut Vec<Seen>, text: &str, catalog: Option<&Catalog>, spec: &str) {
    let (checked, (_, compiled)) = match catalog {
        None => (validate::check(text), compile(text, Target::Terraform)),
        Some(c) => (
            validate::check_with(text, c),
            compile_with(text, Target::Terraform, c),
        ),
    };
    record(seen, &checked.diagnostics, Via::Validate, spec);
    record(seen, &compiled, Via::CompileTerraform, spec);
}

fn severity_of(label: &str) -> Severity {
    match label {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "note" => Severity::Note,
        other => panic!("unknown severity label `{other}`"),
    }
}

/// What the binary reports for a file `validate` cannot be given (its bytes are not UTF-8).
fn check_with_binary(seen: &mut Vec<Seen>, path: &Path) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .args(["validate", "--format", "json"])
        .arg(path)
        .output()
        .expect("the binary runs");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: `validate --format json` printed no JSON ({e}): {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let diagnostics = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no files[0].diagnostics in {doc}", path.display()));
    assert!(!diagnostics.is_empty(), "{}: {doc}", path.display());
    for d in diagnostics {
        seen.push(Seen {
            code: d["code"].as_str().expect("code").to_string(),
            severity: severity_of(d["severity"].as_str().expect("severity")),
            via: Via::Binary,
            spec: path.display().to_string(),
        });
    }
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let shipped = Catalog::shipped();
        let own = own_catalog();
        let spec_file = |p: &Path| has_extension(p, &["yaml", "yml", "json"]);
        let mut plain: Vec<PathBuf> = Vec::new();
        plain.extend(files_under("examples", true, &spec_file));
        plain.extend(files_under("tests/cases", false, &|p| {
            has_extension(p, &["yaml"])
        }));
        // `NAME.json.expect` holds the expectations of `NAME.json`, not a spec.
        plain.extend(files_under("tests/bad", false, &|p| {
            !has_extension(p, &["expect"])
        }));
        let cmd = files_under("tests/cmd/specs", true, &spec_file);

        let mut seen = Vec::new();
        let mut specs = 0;
        for path in plain.iter().chain(&cmd) {
            specs += 1;
            let name = path.display().to_string();
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
            let Ok(text) = String::from_utf8(bytes) else {
                check_with_binary(&mut seen, path);
                continue;
            };
            check_text(&mut seen, &text, None, &name);
            if cmd.contains(path) {
                check_text(
                    &mut seen,
                    &text,
                    Some(&own),
                    &format!("{name} (--blueprints)"),
                );
            }
        }
        for blueprint in shipped.iter() {
            specs += 1;
            let text = render_with_test_values(blueprint);
            check_text(
                &mut seen,
                &text,
                None,
                &format!("blueprint:{}", blueprint.name),
            );
        }
        Corpus { specs, seen }
    })
}

#[test]
fn every_code_the_corpus_reports_is_in_the_catalog() {
    let corpus = corpus();
    assert!(
        corpus.specs >= MIN_SPECS,
        "only {} specs in the corpus",
        corpus.specs
    );
    let codes: BTreeSet<&str> = corpus.seen.iter().map(|s| s.code.as_str()).collect();
    assert!(
        codes.len() >= MIN_CODES_SEEN,
        "only {} distinct codes seen: {codes:?}",
        codes.len()
    );
    let mut missing: BTreeMap<&str, &str> = BTreeMap::new();
    for s in &corpus.seen {
        if rule(&s.code).is_none() {
            missing.entry(&s.code).or_insert(&s.spec);
        }
    }
    assert!(
        missing.is_empty(),
        "codes reported but missing from diag::codes::RULES (code <- first spec reporting it):\n{}",
        missing
            .iter()
            .map(|(code, spec)| format!("  {code} <- {spec}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_catalog_severity_is_the_severity_the_corpus_reports() {
    let mut wrong: BTreeSet<String> = BTreeSet::new();
    let mut terraform_gap_compiled = false;
    for s in &corpus().seen {
        let Some(r) = rule(&s.code) else { continue };
        // The documented exception: a warning in `validate`, an error when compiling for
        // Terraform, which cannot deploy it.
        let expected = if s.code == TERRAFORM_GAP && s.via == Via::CompileTerraform {
            terraform_gap_compiled = true;
            Severity::Error
        } else {
            r.severity
        };
        if s.severity != expected {
            wrong.insert(format!(
                "  {}: the catalog says {}, {:?} reported {} for {}",
                s.code,
                r.severity.label(),
                s.via,
                s.severity.label(),
                s.spec
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "severities that disagree with diag::codes::RULES:\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
    // Otherwise the exception above would be allowed without ever being exercised.
    assert!(
        terraform_gap_compiled,
        "no spec of the corpus reports {TERRAFORM_GAP} when compiled for Terraform"
    );
}

// ---------------------------------------------------------------------------------------------
// The source

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

/// Rust source to identifiers, string literals (raw and byte strings included, content only)
/// and punctuation, one character each. Comments, whitespace, numbers, character literals and
/// lifetimes are dropped, so a brace or quote inside any of them cannot mislead what follows.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            let start = line;
            let mut text = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                text.push(at(i));
                i += 1;
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(text),
                line: start,
            });
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                // An escaped character literal: '\n', '\'', '\u{1F600}'.
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime: its name follows as an identifier.
                i += 1;
            }
        } else if ch.is_ascii_digit() {
            while at(i).is_ascii_alphanumeric() || at(i) == '_' {
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                // A raw string: no escapes, ends at `"` and as many `#`.
                let begin = i + hashes + 1;
                let mut end = begin;
                while end < c.len() && !(c[end] == '"' && (1..=hashes).all(|k| at(end + k) == '#'))
                {
                    end += 1;
                }
                let text: String = c[begin..end.min(c.len())].iter().collect();
                out.push(Token {
                    tok: Tok::Str(text.clone()),
                    line,
                });
                line += text.matches('\n').count();
                i = end + 1 + hashes;
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                // A byte or C string: the quote is read as a string next.
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                });
            }
        } else {
            out.push(Token {
                tok: Tok::Punct(ch),
                line,
            });
            i += 1;
        }
    }
    out
}

fn is_punct(t: Option<&Token>, ch: char) -> bool {
    matches!(t, Some(Token { tok: Tok::Punct(p), .. }) if *p == ch)
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token {
            tok: Tok::Ident(w), ..
        }) => Some(w),
        _ => None,
    }
}

/// The index just past the bracket closing the one at `open`, counting `(`, `[` and `{`.
fn close(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The arguments between the bracket at `open` and its match, split at top-level commas.
fn arguments(tokens: &[Token], open: usize) -> Vec<&[Token]> {
    let end = close(tokens, open) - 1;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0i32, open + 1);
    for i in open + 1..end {
        match tokens[i].tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                args.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < end {
        args.push(&tokens[start..end]);
    }
    args
}

/// `#[cfg(test)]` at `i`: the attribute's length.
fn cfg_test(tokens: &[Token], i: usize) -> Option<usize> {
    let want = ["#", "[", "cfg", "(", "test", ")", "]"];
    let matches = want.iter().enumerate().all(|(k, w)| {
        tokens.get(i + k).is_some_and(|t| match &t.tok {
            Tok::Ident(x) => x == w,
            Tok::Punct(p) => w.len() == 1 && w.starts_with(*p),
            Tok::Str(_) => false,
        })
    });
    matches.then_some(want.len())
}

/// The tokens with every `#[cfg(test)]` item left out, and the names of the `#[cfg(test)] mod
/// NAME;` declarations (whose files are test code too).
fn without_tests(tokens: Vec<Token>) -> (Vec<Token>, Vec<String>) {
    let mut kept = Vec::new();
    let mut test_modules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some(len) = cfg_test(&tokens, i) else {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let mut j = i + len;
        if ident(tokens.get(j)) == Some("mod") && is_punct(tokens.get(j + 2), ';') {
            test_modules.extend(ident(tokens.get(j + 1)).map(str::to_string));
        }
        // The item ends at its first `;` or its body's `}` outside brackets.
        let mut depth = 0i32;
        while j < tokens.len() {
            match tokens[j].tok {
                Tok::Punct('{') if depth == 0 => {
                    j = close(&tokens, j);
                    break;
                }
                Tok::Punct(';') if depth == 0 => {
                    j += 1;
                    break;
                }
                Tok::Punct('(' | '[') => depth += 1,
                Tok::Punct(')' | ']') => depth -= 1,
                _ => {}
            }
            j += 1;
        }
        i = j;
    }
    (kept, test_modules)
}

/// One non-test source file, tokenized.
struct SourceFile {
    path: PathBuf,
    tokens: Vec<Token>,
}

/// Every `.rs` file under `src/`, test code left out: `#[cfg(test)]` items, and the files of
/// `#[cfg(test)] mod NAME;` (`NAME.rs` or `NAME/mod.rs` beside or below the declaring file).
fn source_files() -> &'static [SourceFile] {
    static FILES: OnceLock<Vec<SourceFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let paths = files_under("src", true, &|p| has_extension(p, &["rs"]));
        let mut test_files = BTreeSet::new();
        let mut files = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable source");
            let (tokens, test_modules) = without_tests(lex(&text));
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let dir = path.parent().unwrap_or(Path::new(""));
            // `a.rs` keeps its submodules in `a/`; `mod.rs`, `lib.rs` and `main.rs` beside them.
            let modules = if matches!(stem, "mod" | "lib" | "main") {
                dir.to_path_buf()
            } else {
                dir.join(stem)
            };
            for name in test_modules {
                test_files.insert(modules.join(format!("{name}.rs")));
                test_files.insert(modules.join(&name).join("mod.rs"));
            }
            files.push(SourceFile { path, tokens });
        }
        files.retain(|f| !test_files.contains(&f.path));
        assert!(files.len() >= 10, "only {} source files", files.len());
        files
    })
}

/// A code the source reports, and where.
#[derive(Debug, Clone)]
struct Reported {
    code: String,
    severity: Severity,
    at: String,
}

/// A function that passes its parameter number `index` as the code of a diagnostic.
#[derive(Debug)]
struct Helper {
    name: String,
    index: usize,
    method: bool,
    severity: Severity,
    /// Call sites are looked for in the files of this directory (helpers are private or
    /// `pub(super)`).
    dir: PathBuf,
}

/// `const NAME: &str = "...";` anywhere in the source.
fn string_constants(files: &[SourceFile]) -> BTreeMap<String, String> {
    let mut constants = BTreeMap::new();
    for f in files {
        let t = &f.tokens;
        for i in 0..t.len() {
            if ident(t.get(i)) != Some("const") {
                continue;
            }
            let Some(name) = ident(t.get(i + 1)) else {
                continue;
            };
            let Some(eq) = (i + 2..t.len().min(i + 10)).find(|&k| is_punct(t.get(k), '=')) else {
                continue;
            };
            if let (Some(Tok::Str(value)), true) =
                (t.get(eq + 1).map(|x| &x.tok), is_punct(t.get(eq + 2), ';'))
            {
                constants.insert(name.to_string(), value.clone());
            }
        }
    }
    constants
}

/// A function definition: name, parameter names (without `self`), whether it is a method, and
/// the token range of its body.
struct FnDef {
    name: String,
    params: Vec<String>,
    method: bool,
    body: std::ops::Range<usize>,
}

fn functions(t: &[Token]) -> Vec<FnDef> {
    let mut out = Vec::new();
    for i in 0..t.len() {
        if ident(t.get(i)) != Some("fn") {
            continue;
        }
        let Some(name) = ident(t.get(i + 1)) else {
            continue;
        };
        let Some(open) = (i + 2..t.len()).find(|&k| is_punct(t.get(k), '(')) else {
            continue;
        };
        let end = close(t, open);
        let mut params = Vec::new();
        let mut method = false;
        for k in open + 1..end.saturating_sub(1) {
            let Some(word) = ident(t.get(k)) else {
                continue;
            };
            let before = &t[k - 1].tok;
            let starts_param = matches!(before, Tok::Punct('(' | ','))
                || matches!(before, Tok::Ident(w) if w == "mut");
            if word == "self" {
                method = true;
            } else if starts_param && is_punct(t.get(k + 1), ':') && !is_punct(t.get(k + 2), ':') {
                params.push(word.to_string());
            }
        }
        // The body is the first `{` after the signature; a declaration without one has none.
        let Some(body) = (end..t.len())
            .take_while(|&k| !is_punct(t.get(k), ';'))
            .find(|&k| is_punct(t.get(k), '{'))
        else {
            continue;
        };
        out.push(FnDef {
            name: name.to_string(),
            params,
            method,
            body: body..close(t, body),
        });
    }
    out
}

const DIAGNOSTIC_CALLS: [(&str, Severity); 3] = [
    ("error", Severity::Error),
    ("warning", Severity::Warning),
    ("note", Severity::Note),
];

/// The constant an argument names (`TERRAFORM_GAP`, `selectors::TERRAFORM_GAP`), if it is a path.
fn path_name(arg: &[Token]) -> Option<&str> {
    let all_path = arg
        .iter()
        .all(|t| matches!(&t.tok, Tok::Ident(_) | Tok::Punct(':')));
    if all_path {
        ident(arg.last())
    } else {
        None
    }
}

/// Every code the source reports, through a literal, a constant or a helper's parameter.
fn reported_in_source() -> &'static [Reported] {
    static REPORTED: OnceLock<Vec<Reported>> = OnceLock::new();
    REPORTED.get_or_init(|| {
        let files = source_files();
        let constants = string_constants(files);
        let mut reported = Vec::new();
        let mut helpers = Vec::new();
        for f in files {
            let t = &f.tokens;
            let fns = functions(t);
            for i in 0..t.len() {
                let Some((_, severity)) = DIAGNOSTIC_CALLS
                    .iter()
                    .find(|(name, _)| ident(t.get(i + 3)) == Some(*name))
                else {
                    continue;
                };
                let call = ident(t.get(i)) == Some("Diagnostic")
                    && is_punct(t.get(i + 1), ':')
                    && is_punct(t.get(i + 2), ':')
                    && is_punct(t.get(i + 4), '(');
                if !call {
                    continue;
                }
                let at = format!("{}:{}", f.path.display(), t[i].line);
                let Some(first) = arguments(t, i + 4).first().copied() else {
                    continue;
                };
                match first {
                    [Token {
                        tok: Tok::Str(code),
                        ..
                    }] => reported.push(Reported {
                        code: code.clone(),
                        severity: *severity,
                        at,
                    }),
                    _ => {
                        let Some(name) = path_name(first) else {
                            continue;
                        };
                        if let Some(value) = constants.get(name) {
                            reported.push(Reported {
                                code: value.clone(),
                                severity: *severity,
                                at,
                            });
                        } else if let Some(def) = fns
                            .iter()
                            .filter(|d| d.body.contains(&i))
                            .max_by_key(|d| d.body.start)
                        {
                            if let Some(index) = def.params.iter().position(|p| p == name) {
                                helpers.push(Helper {
                                    name: def.name.clone(),
                                    index,
                                    method: def.method,
                                    severity: *severity,
                                    dir: f.path.parent().unwrap_or(Path::new("")).to_path_buf(),
                                });
                            }
                        }
                    }
                }
            }
        }
        for h in &helpers {
            for f in files
                .iter()
                .filter(|f| f.path.parent() == Some(h.dir.as_path()))
            {
                let t = &f.tokens;
                for i in 1..t.len() {
                    let is_call = ident(t.get(i)) == Some(h.name.as_str())
                        && is_punct(t.get(i + 1), '(')
                        && ident(t.get(i - 1)) != Some("fn")
                        && is_punct(t.get(i - 1), '.') == h.method;
                    if !is_call {
                        continue;
                    }
                    let args = arguments(t, i + 1);
                    let code = match args.get(h.index).copied() {
                        Some(
                            [Token {
                                tok: Tok::Str(code),
                                ..
                            }],
                        ) => Some(code.clone()),
                        Some(arg) => path_name(arg).and_then(|n| constants.get(n)).cloned(),
                        None => None,
                    };
                    if let Some(code) = code {
                        reported.push(Reported {
                            code,
                            severity: h.severity,
                            at: format!("{}:{} (via {})", f.path.display(), t[i].line, h.name),
                        });
                    }
                }
            }
        }
        reported
    })
}

#[test]
fn the_matcher_reads_calls_across_lines_and_leaves_tests_out() {
    let src = r##"
        const GAP: &str = "gap-code";
        fn check(out: &mut Vec<Diagnostic>) {
            // Diagnostic::error("in-a-comment", "", "")
            let brace = '{';
            out.push(Diagnostic::warning(
                "multi-line", "/a", format!("{} }}", r#"raw " string"#)));
            out.push(Diagnostic::note(GAP, "", ""));
            helper(out, "via-helper", "/b");
        }
        fn helper(out: &mut Vec<Diagnostic>, code: &'static str, path: &str) {
            out.push(Diagnostic::error(code, path, "m"));
        }
        #[cfg(test)]
        mod tests {
            fn t() { Diagnostic::error("in-a-test", "", ""); }
        }
        #[cfg(test)]
        mod more;
    "##;
    let (tokens, test_modules) = without_tests(lex(src));
    assert_eq!(test_modules, ["more"]);
    let strings: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    assert!(strings.contains(&"multi-line") && strings.contains(&"raw \" string"));
    assert!(!strings.contains(&"in-a-test") && !strings.contains(&"in-a-comment"));
    let fns = functions(&tokens);
    let helper = fns.iter().find(|f| f.name == "helper").expect("helper");
    assert_eq!(helper.params, ["out", "code", "path"]);
    assert_eq!(
        string_constants(&[SourceFile {
            path: PathBuf::from("x.rs"),
            tokens
        }])["GAP"],
        "gap-code"
    );
}

#[test]
fn every_code_the_source_reports_is_in_the_catalog() {
    let reported = reported_in_source();
    let codes: BTreeSet<&str> = reported.iter().map(|r| r.code.as_str()).collect();
    assert!(
        codes.len() >= MIN_CODES_IN_SOURCE,
        "the scan found only {} codes in src/: {codes:?}",
        codes.len()
    );
    // The scan follows constants and helpers: without them these would go unseen.
    assert!(codes.contains(TERRAFORM_GAP), "{codes:?}");
    assert!(
        reported.iter().any(|r| r.at.contains("(via ")),
        "no code found through a helper"
    );
    let missing: BTreeSet<String> = reported
        .iter()
        .filter(|r| rule(&r.code).is_none())
        .map(|r| format!("  {} ({})", r.code, r.at))
        .collect();
    assert!(
        missing.is_empty(),
        "codes src/ reports that diag::codes::RULES does not list:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_catalog_severity_is_one_the_source_reports() {
    let mut by_code: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in reported_in_source() {
        by_code
            .entry(r.code.as_str())
            .or_default()
            .insert(r.severity.label());
    }
    let wrong: Vec<String> = RULES
        .iter()
        .filter_map(|r| {
            let found = by_code.get(r.code)?;
            (!found.contains(r.severity.label())).then(|| {
                format!(
                    "  {}: the catalog says {}, src/ reports it as {}",
                    r.code,
                    r.severity.label(),
                    found.iter().copied().collect::<Vec<_>>().join(" and ")
                )
            })
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "severities in diag::codes::RULES that src/ never reports:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_catalog_code_appears_in_the_source() {
    let literals: BTreeSet<&str> = source_files()
        .iter()
        .filter(|f| !f.path.ends_with("diag/codes.rs"))
        .flat_map(|f| &f.tokens)
        .filter_map(|t| match &t.tok {
            Tok::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let dead: Vec<&str> = RULES
        .iter()
        .map(|r| r.code)
        .filter(|code| !literals.contains(code))
        .collect();
    assert!(
        dead.is_empty(),
        "codes diag::codes::RULES lists but nothing in src/ (outside diag/codes.rs, test code left out) reports:\n  {}",
        dead.join("\n  ")
    );
}
