#!/usr/bin/env python3
"""Conformance driver: compile every example with trailsmith, then let AWS tooling judge each output.

Checks run in this order, each in its own module with `run(ctx)`: cfn-lint, cfn-guard rules from
tests/guard/, checkov on both targets, terraform validate, and terraform apply against a moto
server read back through boto3. Each module also feeds deliberately broken variants to its checker
to prove the checker is looking. Started by scripts/conformance.sh, which installs the tools.
"""
import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import yaml

from expect import expect
from harness import Case, Context, run, short

MODULES = ["check_cfn_lint", "check_guard", "check_checkov", "check_terraform", "check_sarif", "check_moto"]


def find_mirror():
    """The Terraform provider filesystem mirror root (the folder holding registry.terraform.io/)."""
    candidates = [os.environ.get("TF_PLUGIN_MIRROR"), "/opt/tf-plugins"]
    for c in candidates:
        if c and (Path(c) / "registry.terraform.io/hashicorp/aws").is_dir():
            return Path(c)
    return None


def tool(path):
    return Path(path) if path and Path(path).exists() else None


def build_cases(ctx, only):
    """Compiles every example and golden case to both targets, one spec at a time.

    A spec may use what only CloudFormation can deploy; trailsmith then refuses the Terraform
    target with `terraform-unsupported-field`, which is checked here and leaves `tf_dir` None.
    """
    specs = sorted(
        p
        for folder in ("examples", "tests/cases")
        for p in (ctx.root / folder).iterdir()
        if p.suffix in (".yaml", ".yml", ".json")
    )
    if only:
        specs = [p for p in specs if p.stem in only]
    for p in specs:
        with open(p) as f:
            spec = yaml.safe_load(f)
        case = Case(
            name=p.stem,
            spec_path=p,
            spec=spec,
            cfn=ctx.work / "cfn" / f"{p.stem}.template.json",
            tf_dir=ctx.work / "tf" / p.stem,
        )
        ok = True
        for target, out in (("cloudformation", case.cfn), ("terraform", case.tf_dir / "main.tf.json")):
            code, _, err = run([ctx.trailsmith, "synth", p, "--target", target, "-o", out])
            if code == 0:
                continue
            if target == "terraform" and code == 1 and "error[terraform-unsupported-field]" in err:
                ctx.report.check(f"trailsmith refuses {p.stem} for terraform (provider limit), as its golden .tf.err says",
                                 (ctx.root / "tests/golden" / f"{p.stem}.tf.err").exists(), short(err))
                case.tf_dir = None
                continue
            ok = ctx.report.check(f"trailsmith synth --target {target} {p.stem}", False, short(err))
        if ok:
            case.expect = expect(spec)
            ctx.cases.append(case)
    ctx.report.check(f"trailsmith compiled {len(ctx.cases)} of {len(specs)} specs", len(ctx.cases) == len(specs) and specs)


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=here.parent.parent, type=Path)
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--trailsmith", required=True, type=Path)
    parser.add_argument("--modules", nargs="*", default=MODULES, help="run only these check modules")
    parser.add_argument("--examples", nargs="*", default=[], help="only these example names")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    cache = args.cache
    ctx = Context(
        root=args.root.resolve(),
        work=Path(tempfile.mkdtemp(prefix="trailsmith-conformance-")),
        cache=cache,
        trailsmith=args.trailsmith.resolve(),
        tools={
            "cfn-lint": tool(cache / "tools/bin/cfn-lint"),
            "python": tool(cache / "tools/bin/python"),
            "moto_server": tool(cache / "tools/bin/moto_server"),
            "checkov": tool(cache / "checkov/bin/checkov"),
            "cfn-guard": tool(cache / "cfn-guard/bin/cfn-guard"),
            "terraform": tool(shutil.which("terraform")),
        },
        tf_mirror=find_mirror(),
    )
    started = time.monotonic()
    build_cases(ctx, set(args.examples))
    if ctx.cases:
        for name in args.modules:
            began = time.monotonic()
            try:
                importlib.import_module(name).run(ctx)
            except Exception:  # a crashing module is a failure, not a reason to stop the others
                ctx.report.check(f"{name} ran to the end", False, short(traceback.format_exc(), 2000))
            print(f"# {name}: {time.monotonic() - began:.1f}s", flush=True)
    if args.keep:
        print(f"# scratch kept in {ctx.work}")
    else:
        shutil.rmtree(ctx.work, ignore_errors=True)
    print(f"# wall time {time.monotonic() - started:.1f}s")
    print(ctx.report.summary())
    return 1 if ctx.report.failed or not ctx.report.passed else 0


if __name__ == "__main__":
    sys.exit(main())
