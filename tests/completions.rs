//! Shell completions and manual pages come from the same clap definitions as `--help`: these tests
//! run what users run. Bash loads the script and completes a subcommand, an option and its values;
//! groff renders every manual page without a warning. Both tools are part of the machine image;
//! if one is missing the test fails and says which, rather than passing without checking.

use std::path::Path;
use std::process::Command;

fn trailsmith(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .args(args)
        .output()
        .expect("trailsmith runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{name}` is needed for this test and is not installed"
    );
    Command::new(name)
}

/// Completes `words` (the last one being typed) the way bash would, and returns the candidates.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n_trailsmith trailsmith '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let out = tool("bash")
        .args(["-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_subcommands_options_and_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("trailsmith.bash");
    std::fs::write(&script, trailsmith(&["completions", "bash"])).expect("write script");
    assert_eq!(bash_complete(&script, &["trailsmith", "exp"]), ["explain"]);
    assert_eq!(
        bash_complete(&script, &["trailsmith", "validate", "--deny"]),
        ["--deny-warnings"]
    );
    assert_eq!(
        bash_complete(&script, &["trailsmith", "validate", "--format", ""]),
        ["text", "json", "sarif"]
    );
    assert_eq!(
        bash_complete(&script, &["trailsmith", "synth", "--target", "t"]),
        ["terraform"]
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = trailsmith(&["completions", shell]);
        for word in [
            "validate",
            "synth",
            "explain",
            "completions",
            "deny-warnings",
        ] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
}

#[test]
fn every_manual_page_renders_without_warnings() {
    let dir = tempfile::tempdir().expect("temp dir");
    trailsmith(&["man", "--out-dir", &dir.path().display().to_string()]);
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .expect("pages written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "trailsmith-blueprints.1",
            "trailsmith-completions.1",
            "trailsmith-drift.1",
            "trailsmith-explain.1",
            "trailsmith-import.1",
            "trailsmith-init.1",
            "trailsmith-man.1",
            "trailsmith-schema.1",
            "trailsmith-synth.1",
            "trailsmith-validate.1",
            "trailsmith.1",
        ]
    );
    for page in &pages {
        let out = tool("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .arg(dir.path().join(page))
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.is_empty(),
            "{page}: {warnings}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("trailsmith"), "{page} renders empty");
    }
    // The main page on stdout is the same as the one written.
    let main = std::fs::read_to_string(dir.path().join("trailsmith.1")).expect("main page");
    assert_eq!(trailsmith(&["man"]), main);
}
