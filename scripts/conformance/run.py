#!/usr/bin/env python3
"""Conformance driver: compile every spec with trailsmith, then let AWS tooling judge each output.

The specs: examples/ and tests/cases/ at any depth (the team specs in examples/teams/ extend
blueprints), and each shipped blueprint in blueprints/ with test values for its parameters.

Checks run in this order, each in its own module with `run(ctx)`: cfn-lint, cfn-guard rules from
tests/guard/, checkov on both targets, terraform validate (and the provider's own verdict on each
field trailsmith refuses for Terraform), SARIF reports, and terraform apply against a moto server
read back through boto3. Each module also feeds deliberately broken variants to its checker to
prove the checker is looking. Started by scripts/conformance.sh, which installs the tools.

The last line is `conformance: N passed, M failed, K skipped`. The exit code is 1 when a check
failed, when none passed, or when anything was skipped (a missing tool, a case that cannot be
applied): a skipped check judges nothing, so it must not look green. `--allow-skips` accepts skips
for a local run on a machine without terraform; CI never passes it.
"""
import argparse
import importlib
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import yaml

from expect import expect, merge_extends, selector_fields
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


# A valid value for each required parameter of the shipped blueprints: the values the Rust tests
# use (tests/support/corpus.rs `test_value`), so both suites judge the same rendered blueprints.
TEST_VALUES = {
    "trail_name": "team-audit",
    "org_id": "o-a1b2c3d4e5",
    "access_log_bucket": "acme-s3-access-logs",
    "alarm_email": "secops@example.com",
    "s3_buckets": "acme-payroll/reports/, acme-invoices",
}
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
REFUSED_FIELD = re.compile(r"error\[terraform-unsupported-field\]: [^\n]*?`([^`]+)`")


def discover(ctx):
    """(case name, spec path) for every spec under examples/ and tests/cases/, at any depth.

    A spec in a subfolder is named by its path, so examples/teams/ledger.yaml is `teams-ledger`
    and cannot collide with a top-level example called `ledger`. A folder with no spec fails, so a
    moved corpus is not judged as an empty one.
    """
    found = []
    for folder in ("examples", "tests/cases"):
        top = ctx.root / folder
        here = [p for p in sorted(top.rglob("*")) if p.is_file() and p.suffix in SPEC_SUFFIXES]
        ctx.report.check(f"specs found in {folder}/ ({len(here)})", here, f"no spec under {top}")
        found += [("-".join(p.relative_to(top).with_suffix("").parts), p) for p in here]
    return found


def blueprint_params(path):
    """[(name, required)] from a blueprint's `# param:` header lines (README: "Your own blueprints")."""
    params = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*param:\s*([A-Za-z0-9_]+)\s*(\(required\))?", line)
        if m:
            params.append((m.group(1), m.group(2) is not None))
    return params


def blueprint_specs(ctx):
    """(case name, spec path) for each shipped blueprint, as a team spec that stays on it.

    Each is written as `extends: NAME` with `with:` the test values, rather than rendered once
    with `trailsmith init` and compiled as a plain spec: the rendered text of `init` is an
    ordinary spec, and ordinary specs are judged by every other case, while `extends` is the path
    a team ships when it keeps to its organization's standard, the one these cases are for.
    """
    out = []
    folder = ctx.work / "specs"
    folder.mkdir(parents=True, exist_ok=True)
    shipped = sorted((ctx.root / "blueprints").glob("*.yaml.hbs"))
    ctx.report.check(f"blueprints found in blueprints/ ({len(shipped)})", shipped, f"no *.yaml.hbs under {ctx.root}/blueprints")
    # What the binary ships is what users get: it must be exactly the files judged here.
    code, listing, err = run([ctx.trailsmith, "blueprints"])
    listed = sorted(re.findall(r"(?m)^(\S+)\s", listing))
    files = sorted(h.name[: -len(".yaml.hbs")] for h in shipped)
    ctx.report.check("trailsmith blueprints lists exactly blueprints/*.yaml.hbs", code == 0 and listed == files,
                     f"exit {code}; listed {listed}, files {files} {short(err)}")
    for hbs in shipped:
        name = hbs.name[: -len(".yaml.hbs")]
        required = [p for p, req in blueprint_params(hbs) if req]
        missing = [p for p in required if p not in TEST_VALUES]
        if not ctx.report.check(f"test values for the required parameters of blueprint {name}", not missing,
                                f"no test value for {missing}: add one to TEST_VALUES (and corpus.rs)"):
            continue
        spec = {"version": 1, "extends": name}
        if required:
            spec["with"] = {p: TEST_VALUES[p] for p in required}
        path = folder / f"blueprint-{name}.yaml"
        with open(path, "w") as f:
            f.write(f"# blueprint {name} with the test values for its required parameters (run.py)\n")
            yaml.safe_dump(spec, f, sort_keys=False)
        out.append((f"blueprint-{name}", path))
    return out


def _text(value):
    """A `with:` value as the text a blueprint parameter receives (README: `--set KEY=VALUE`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_blueprint(ctx, name, values):
    """The blueprint `name` rendered with `values` by `trailsmith init`, parsed; or an error string.

    Only the rendering is borrowed from trailsmith (handlebars is not what is judged); the merge
    with the team's overrides, and everything expected of the result, is done here from the README.
    """
    sets = [a for k, v in sorted(values.items()) for a in ("--set", f"{k}={_text(v)}")]
    code, out, err = run([ctx.trailsmith, "init", "--blueprint", name, *sets])
    if code != 0:
        return f"trailsmith init --blueprint {name} exited {code}: {short(err)}"
    try:
        rendered = yaml.safe_load(out)
    except yaml.YAMLError as exc:
        return f"trailsmith init --blueprint {name} printed no YAML ({exc}): {short(out)}"
    return rendered if isinstance(rendered, dict) else f"trailsmith init --blueprint {name} printed {short(out)}"


def load_spec(ctx, path):
    """The document a spec stands for: itself, or for `extends` its blueprint merged with it.
    Returns (document, error)."""
    with open(path) as f:
        spec = yaml.safe_load(f)
    if not isinstance(spec, dict) or "extends" not in spec:
        return spec, None
    rendered = render_blueprint(ctx, spec["extends"], spec.get("with") or {})
    if isinstance(rendered, str):
        return None, rendered
    return merge_extends(rendered, spec), None


def build_cases(ctx, only):
    """Compiles every spec to both targets, one spec at a time: examples/ and tests/cases/ at any
    depth (examples/teams/ extends blueprints) and each shipped blueprint with test values.

    Each case's expectations come from the merged document (expect.merge_extends), so a team spec
    is judged by what it asks for together with its blueprint.

    A spec may use what only CloudFormation can deploy; trailsmith then refuses the Terraform
    target with `terraform-unsupported-field`. The fields it names are kept in `tf_refused` (and
    `tf_dir` is None); check_terraform asks the provider itself whether it refuses them.
    """
    specs = discover(ctx) + blueprint_specs(ctx)
    names = [n for n, _ in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    ctx.report.check("case names are unique", not dupes, f"more than one spec named {dupes}")
    if only:
        specs = [(n, p) for n, p in specs if n in only]
    for name, p in specs:
        spec, problem = load_spec(ctx, p)
        if problem:
            ctx.report.check(f"the merged document of {name} (blueprint rendered, README merge rules)", False, problem)
            continue
        case = Case(
            name=name,
            spec_path=p,
            spec=spec,
            cfn=ctx.work / "cfn" / f"{name}.template.json",
            tf_dir=ctx.work / "tf" / name,
        )
        ok = True
        for target, out in (("cloudformation", case.cfn), ("terraform", case.tf_dir / "main.tf.json")):
            code, _, err = run([ctx.trailsmith, "synth", p, "--target", target, "-o", out])
            if code == 0:
                continue
            if target == "terraform" and code == 1 and "error[terraform-unsupported-field]" in err:
                case.tf_refused = sorted(set(REFUSED_FIELD.findall(err)))
                used = selector_fields(spec)
                # Not a reason to drop the case: its CloudFormation output is judged all the same.
                ctx.report.check(
                    f"trailsmith refuses {name} for terraform naming fields the spec's selectors test "
                    f"({', '.join(case.tf_refused) or 'none named'})",
                    case.tf_refused and set(case.tf_refused) <= used,
                    f"named {case.tf_refused}; the spec's selectors test {sorted(used)}: {short(err)}",
                )
                case.tf_dir = None
                continue
            ok = ctx.report.check(f"trailsmith synth --target {target} {name}", False, short(err))
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
    parser.add_argument("--examples", nargs="*", default=[], help="only these case names (minimal, teams-ledger, blueprint-cis-baseline...)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--allow-skips", action="store_true",
                        help="exit 0 despite skipped checks (a local run without terraform); never in CI")
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
    if ctx.report.skipped and not args.allow_skips:
        print(f"# skipped: {', '.join(ctx.report.skips)}; a skip fails the run unless --allow-skips is given")
    print(ctx.report.summary())
    failed = ctx.report.failed or not ctx.report.passed
    return 1 if failed or (ctx.report.skipped and not args.allow_skips) else 0


if __name__ == "__main__":
    sys.exit(main())
