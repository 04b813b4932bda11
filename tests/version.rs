//! `--version` names the commit trailsmith was built from (scripts/build.rs), so a bug report or a
//! CI log says exactly which build judged a spec.

use std::process::Command;

#[test]
fn version_names_the_commit_of_the_checkout() {
    let out = Command::new(env!("CARGO_BIN_EXE_trailsmith"))
        .arg("--version")
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let version = env!("CARGO_PKG_VERSION");
    let root = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]);
    let same_root = top.as_deref().and_then(|t| std::fs::canonicalize(t).ok())
        == std::fs::canonicalize(root).ok();
    match (
        std::env::var("TRAILSMITH_COMMIT").ok(),
        git(&["rev-parse", "HEAD"]),
    ) {
        (Some(commit), _) if !commit.is_empty() => {
            let short: String = commit.chars().take(12).collect();
            assert_eq!(text, format!("trailsmith {version} (commit {short})\n"));
        }
        (_, Some(head)) if same_root => {
            assert_eq!(
                text,
                format!("trailsmith {version} (commit {})\n", &head[..12])
            );
        }
        // A copy without its repository: the version alone, or the packaged commit.
        _ => assert!(
            text == format!("trailsmith {version}\n")
                || text.starts_with(&format!("trailsmith {version} (commit ")),
            "{text}"
        ),
    }
}
