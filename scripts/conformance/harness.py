"""Shared pieces of the conformance harness: the report, the cases, small helpers.

Every check module exposes `run(ctx)`; it calls `ctx.report.check(name, ok, detail)` once per check
and `ctx.report.skip(what, why)` when something cannot be judged (a tool is absent, a case cannot
be applied honestly). Skips are counted: run.py fails a run with any skip unless told
`--allow-skips`. Nothing here knows what a check means.
"""
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


class Report:
    """One line per check or skip, then `conformance: N passed, M failed, K skipped`."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []
        self.skips = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}: {detail}", flush=True)
        return ok

    def skip(self, what, why):
        self.skipped += 1
        self.skips.append(what)
        print(f"SKIPPED {what}: {why}", flush=True)

    def summary(self):
        return f"conformance: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"


@dataclass
class Case:
    """One spec and its compiled outputs."""

    name: str
    spec_path: Path
    spec: dict
    cfn: Path  # CloudFormation template
    tf_dir: Path  # directory holding main.tf.json, or None when trailsmith refused the target
    expect: "object" = None  # expect.Expect
    tf_refused: list = field(default_factory=list)  # fields named by error[terraform-unsupported-field]
    # settings (spec paths) named by error[terraform-unsupported-setting]: no provider line has them
    tf_refused_settings: list = field(default_factory=list)
    aws_provider: int = 5  # the spec's terraform.aws_provider: the hashicorp/aws line its output is for


# The parts of an organization layout (a spec with `accounts`), in deploy order: the log archive
# part first, since the management part's trail needs its bucket and (by default) its key.
PARTS = ("log-archive", "management")


@dataclass
class Layout:
    """One spec with `accounts` and its two parts, written by `trailsmith synth --out-dir`."""

    name: str
    spec_path: Path
    spec: dict
    cfn: dict  # part -> CloudFormation template
    tf: dict  # part -> directory holding main.tf.json; empty when trailsmith refused the target
    expect: "object" = None  # expect.Expect, of the whole spec
    accounts: "object" = None  # expect.Accounts


@dataclass
class Context:
    root: Path  # repository root
    work: Path  # scratch directory for this run
    cache: Path  # where venvs and installed tools live
    trailsmith: Path  # the built binary
    tools: dict  # name -> path (or None when absent): cfn-lint, checkov, cfn-guard, terraform, moto_server, python
    tf_mirror: Path = None  # local provider mirror root, or None
    cases: list = field(default_factory=list)  # single-account specs (Case)
    layouts: list = field(default_factory=list)  # organization layouts (Layout), judged per part
    report: Report = field(default_factory=Report)


def run(cmd, cwd=None, env=None, timeout=600, input=None):
    """Runs a command, returning (exit code, stdout, stderr); never raises on failure."""
    merged = dict(os.environ)
    if env:
        merged.update(env)
    try:
        p = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd,
            env=merged,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
        )
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout}s: {' '.join(map(str, cmd))}"
    except OSError as e:
        return 127, "", str(e)


def load_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, value):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def short(text, limit=400):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log(message):
    print(message, file=sys.stderr, flush=True)


def replay(report, jobs):
    """Reports what parallel jobs recorded (`job["results"].items`), in the order of `jobs`, so the
    report reads the same whatever order the jobs finished in."""
    for j in jobs:
        for kind, a, b, d in j["results"].items:
            if kind == "check":
                report.check(a, b, d)
            else:
                report.skip(a, b)
