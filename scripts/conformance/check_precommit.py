"""The repository's pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit (pinned
by conformance.sh) as a team would: from a scratch git repository whose .pre-commit-config.yaml
names this repository by `repo:` and `rev:`.

The repository is a snapshot of the project's working tree (tracked and untracked files that git
does not ignore, committed in a scratch repository), so uncommitted changes are what is judged, as
`pre-commit try-repo` would judge them; unlike try-repo, a config can pass the check hook its
`args`. pre-commit builds trailsmith from the snapshot with `cargo install` (the hooks are
`language: rust`). To keep CI's time down, the snapshot's commit has fixed dates (the same tree
is the same `rev:`), pre-commit's store and cargo's target directory are kept in the cache (an
unchanged tree is not built again, a changed one rebuilds only trailsmith), and LTO is off for the
hook's build, which changes how long it takes, not what the binary does.

The scratch repository holds two specs under trails/ and their Terraform outputs under generated/,
with `pre-commit install`ed hooks; each check is a `git commit`:
- the clean tree commits (both hooks pass);
- a hand-edited output, a deleted output, and a deleted spec whose output stays are each refused
  by trailsmith-synth-check, naming the file (`stale:`, `missing:`, `orphan:`);
- a spec with a typo in its region is refused by trailsmith-validate, at its line.
Each refused commit is undone before the next (git checkout of the tree).
"""
import os
import shutil
from pathlib import Path

import harness
from harness import short

SPEC = """version: 1
trail:
  name: {name}
  home_region: us-east-1
silence:  # a hook test input: only whether the outputs match matters
  no-access-logging: kept minimal for a hook test
  no-alarms: kept minimal for a hook test
  no-tags: kept minimal for a hook test
"""
HOOK_ARGS = ["trails/", "--target", "terraform", "--out-dir", "generated/"]


def git_env(ctx):
    home = ctx.cache / "precommit-home"
    return {
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_AUTHOR_NAME": "conformance", "GIT_AUTHOR_EMAIL": "conformance@example.com",
        "GIT_COMMITTER_NAME": "conformance", "GIT_COMMITTER_EMAIL": "conformance@example.com",
        # The user's own git settings (hooksPath, templates, signing) must not change the run.
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(home),
        "CARGO_TARGET_DIR": str(ctx.cache / "precommit-target"),
        # The hook's own `cargo install` builds with the release profile; these checks need a
        # trailsmith that runs, not a fast one, so that build skips the optimizer (minutes on
        # CI's cold 2 cores).
        "CARGO_PROFILE_RELEASE_LTO": "false",
        "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "16",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "0",
    }


def snapshot(ctx, env):
    """A git repository holding the working tree as it is, committed; returns (path, sha) or an error."""
    code, listing, err = harness.run(["git", "-C", ctx.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    if code != 0:
        return None, f"git ls-files: {short(err)}"
    # In the cache, at one path: pre-commit's store knows a repository by its path and rev.
    repo = ctx.cache / "precommit-snapshot"
    shutil.rmtree(repo, ignore_errors=True)
    for name in filter(None, listing.split("\0")):
        src = ctx.root / name
        if not src.is_file():  # deleted but still in the index
            continue
        dst = repo / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
        code, _, err = harness.run(cmd, cwd=repo, env=env)
        if code != 0:
            return None, f"{' '.join(cmd)}: {short(err)}"
    _, sha, _ = harness.run(["git", "rev-parse", "HEAD"], cwd=repo, env=env)
    return (repo, sha.strip()), None


def commit(ctx, user, env, message):
    """`git add -A && git commit` in the user's repository: (exit code, hooks' output)."""
    harness.run(["git", "add", "-A"], cwd=user, env=env)
    code, out, err = harness.run(["git", "commit", "-m", message], cwd=user, env=env, timeout=1800)
    return code, out + err


def undo(user, env):
    harness.run(["git", "reset", "-q", "--hard", "HEAD"], cwd=user, env=env)
    harness.run(["git", "clean", "-q", "-fd"], cwd=user, env=env)


def run(ctx):
    pre_commit = ctx.tools.get("pre-commit")
    if not pre_commit:
        ctx.report.skip("pre-commit hooks", "pre-commit is not installed: run scripts/conformance.sh")
        return
    if not shutil.which("git") or not shutil.which("cargo"):
        ctx.report.skip("pre-commit hooks", "git and cargo are needed (the hooks are built with cargo)")
        return
    env = git_env(ctx)
    made, problem = snapshot(ctx, env)
    if not ctx.report.check("pre-commit: a snapshot of the working tree is a git repository", made, problem):
        return
    repo, sha = made

    user = ctx.work / "hook-user"
    (user / "trails/teams").mkdir(parents=True)
    (user / "trails/audit.yaml").write_text(SPEC.format(name="audit-trail"))
    (user / "trails/teams/ledger.yaml").write_text(SPEC.format(name="ledger-audit"))
    code, _, err = harness.run([ctx.trailsmith, "synth", *HOOK_ARGS], cwd=user)
    ctx.report.check("pre-commit: trailsmith synth writes the scratch repository's outputs", code == 0, short(err))
    args = ", ".join(HOOK_ARGS)
    (user / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: trailsmith-validate\n"
        "      - id: trailsmith-synth-check\n"
        f"        args: [{args}]\n"
    )
    for cmd in (["git", "init", "-q"], [pre_commit, "install"]):
        code, out, err = harness.run(cmd, cwd=user, env=env)
        if not ctx.report.check(f"pre-commit: {Path(str(cmd[0])).name} {cmd[1]} in the scratch repository",
                                code == 0, short(out + err)):
            return

    # The first commit builds trailsmith from the snapshot (cargo install), once for both hooks.
    code, out = commit(ctx, user, env, "trails and their outputs")
    ctx.report.check("pre-commit: a commit of specs with fresh outputs passes both hooks",
                     code == 0 and "trailsmith validate" in out and "trailsmith synth --check" in out
                     and "Failed" not in out, short(out, 1500))
    if code != 0:
        return

    tf = user / "generated/audit/main.tf.json"
    refused = [
        ("a hand-edited output", lambda: tf.write_text(tf.read_text().replace('"audit-trail"', '"edited-trail"', 1)),
         "stale: generated/audit/main.tf.json"),
        ("a missing output", lambda: tf.unlink(), "missing: generated/audit/main.tf.json"),
        ("an output whose spec was deleted", lambda: (user / "trails/teams/ledger.yaml").unlink(),
         "orphan: generated/teams/ledger/main.tf.json"),
    ]
    for what, change, said in refused:
        change()
        code, out = commit(ctx, user, env, what)
        ctx.report.check(f"pre-commit: trailsmith-synth-check refuses a commit with {what} ({said})",
                         code != 0 and said in out and "Failed" in out, short(out, 1500))
        undo(user, env)

    spec = user / "trails/audit.yaml"
    spec.write_text(spec.read_text().replace("us-east-1", "us-esat-1"))
    code, out = commit(ctx, user, env, "a region typo")
    ctx.report.check("pre-commit: trailsmith-validate refuses a spec with a region typo, at its line",
                     code != 0 and "trails/audit.yaml:4:" in out and "error[" in out, short(out, 1500))
    undo(user, env)

    # Nothing is left to commit: the hooks run directly on the restored tree.
    code, out, err = harness.run([pre_commit, "run", "--all-files"], cwd=user, env=env, timeout=1800)
    ctx.report.check("pre-commit: after undoing the changes both hooks pass again", code == 0, short(out + err, 1500))

