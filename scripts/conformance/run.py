#!/usr/bin/env python3
"""Conformance driver: compile every spec with trailsmith, then let AWS tooling judge each output.

The specs: examples/ and tests/cases/ at any depth (the team specs in examples/teams/ extend
blueprints), and each shipped blueprint in blueprints/ with test values for its parameters. A spec
with `accounts` (an organization layout) compiles to two parts, one per account, with --out-dir;
each layout is also compiled with its log-file key in the management account (key_in_management).

Checks run in this order, each in its own module with `run(ctx)`: cfn-lint, cfn-guard rules from
tests/guard/, checkov on both targets, terraform validate (and the provider's own verdict on each
field trailsmith refuses for Terraform), SARIF reports, the spec's JSON Schema (Ajv strict and
yaml-language-server, check_schema), the first Athena query explain prints and the table's columns
judged by sqlglot (check_athena_sql), terraform apply against a moto server
read back through boto3 (then, per applied case, check_adopt: the deployed trail exported as
scripts/export-trail.sh writes it, `trailsmith import` of it compiled and compared in meaning with
the original output, `trailsmith drift` of the original spec reporting nothing, and on examples/cis
each of six changes to the deployment reported by drift), and the two parts of each organization layout applied as two accounts
of one moto server (check_layout), and the repository's pre-commit hooks run by the real pre-commit in a scratch
repository (check_precommit). cfn-lint and terraform validate judge every layout part too. Each module also feeds deliberately broken variants to its checker to
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

from expect import accounts, deploy_time, expect, merge_extends, selector_fields
from harness import PARTS, Case, Context, Layout, run, short

MODULES = ["check_cfn_lint", "check_guard", "check_checkov", "check_terraform", "check_sarif", "check_schema",
           "check_athena_sql", "check_moto", "check_layout", "check_precommit"]


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
    "log_archive_account": "111111111111",
    "management_account": "222222222222",
    "bucket_name": "acme-org-audit-logs-111111111111-us-east-1",
}
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
REFUSED_FIELD = re.compile(r"error\[terraform-unsupported-field\]: [^\n]*?`([^`]+)`")
# The spec path under an error[terraform-unsupported-setting] (its `= path:` line).
REFUSED_SETTING = re.compile(r"error\[terraform-unsupported-setting\]:[\s\S]*?\n\s*= path: (\S+)")


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


def refused_settings(ctx, name, spec, err):
    """The spec paths trailsmith named when it refused `name` for Terraform with
    `terraform-unsupported-setting` (aggregated events, Insights on data events: the README says
    no hashicorp/aws `aws_cloudtrail` has them), after checking the spec asks for them; None
    for any other failure. Its CloudFormation output is judged all the same."""
    if "error[terraform-unsupported-setting]" not in err:
        return None
    paths = sorted(set(REFUSED_SETTING.findall(err)))
    events = spec.get("events") or {}
    asked = set()
    if events.get("aggregations"):
        asked.add("/events/aggregations")
    if events.get("insights") and "data" in (events.get("insight_categories") or []):
        asked.add("/events/insight_categories")
    ctx.report.check(
        f"trailsmith refuses {name} for terraform naming settings the spec asks for ({', '.join(paths) or 'none named'})",
        bool(paths) and set(paths) == asked,
        f"named {paths}; the spec asks for {sorted(asked)}: {short(err)}",
    )
    return paths


def refused_fields(ctx, name, spec, err):
    """The fields trailsmith named when it refused `name` for Terraform with
    `terraform-unsupported-field`, after checking they are fields the spec's selectors test; None
    for any other failure. Not a reason to drop the case: its CloudFormation output is judged all
    the same, and check_terraform asks the provider itself about each field."""
    if "error[terraform-unsupported-field]" not in err:
        return None
    fields = sorted(set(REFUSED_FIELD.findall(err)))
    used = selector_fields(spec)
    ctx.report.check(
        f"trailsmith refuses {name} for terraform naming fields the spec's selectors test "
        f"({', '.join(fields) or 'none named'})",
        fields and set(fields) <= used,
        f"named {fields}; the spec's selectors test {sorted(used)}: {short(err)}",
    )
    return fields


def build_case(ctx, name, p, spec):
    """A single-account spec, compiled to one file per target with -o."""
    case = Case(
        name=name,
        spec_path=p,
        spec=spec,
        cfn=ctx.work / "cfn" / f"{name}.template.json",
        tf_dir=ctx.work / "tf" / name,
        aws_provider=int(((spec.get("terraform") or {}).get("aws_provider")) or 5),
    )
    ok = True
    for target, out in (("cloudformation", case.cfn), ("terraform", case.tf_dir / "main.tf.json")):
        code, _, err = run([ctx.trailsmith, "synth", p, "--target", target, "-o", out])
        if code == 0:
            continue
        fields = refused_fields(ctx, name, spec, err) if target == "terraform" and code == 1 else None
        settings = refused_settings(ctx, name, spec, err) if target == "terraform" and code == 1 else None
        if fields is not None or settings is not None:
            case.tf_refused = fields or []
            case.tf_refused_settings = settings or []
            case.tf_dir = None
            continue
        ok = ctx.report.check(f"trailsmith synth --target {target} {name}", False, short(err))
    if ok:
        # What AWS holds after an apply that passes no variable: the parameters' defaults.
        case.spec = deploy_time(spec)
        case.expect = expect(case.spec)
        ctx.cases.append(case)
    return ok


def spec_stem(path):
    """The name `synth --out-dir` gives a spec's outputs: its file name without .yaml/.yml/.json."""
    name = Path(path).name
    return next((name[: -len(x)] for x in SPEC_SUFFIXES if name.endswith(x)), name)


def build_layout(ctx, name, p, spec):
    """A spec with `accounts` (README: organization layout), compiled with --out-dir for both
    targets; trailsmith must write exactly one output per part, named as the README says:
    DIR/<stem>.<part>.template.json and DIR/<stem>/<part>/main.tf.json."""
    stem = spec_stem(p)
    layout = Layout(name=name, spec_path=p, spec=spec, cfn={}, tf={})
    ok = True
    for target, top in (("cloudformation", ctx.work / "cfn" / name), ("terraform", ctx.work / "tf" / name)):
        code, _, err = run([ctx.trailsmith, "synth", p, "--target", target, "--out-dir", top])
        if code != 0:
            fields = refused_fields(ctx, name, spec, err) if target == "terraform" and code == 1 else None
            if fields is None:
                ok = ctx.report.check(f"trailsmith synth --target {target} --out-dir {name}", False, short(err))
            continue
        if target == "cloudformation":
            want = {part: top / f"{stem}.{part}.template.json" for part in PARTS}
        else:
            want = {part: top / stem / part / "main.tf.json" for part in PARTS}
        written = sorted(str(f.relative_to(top)) for f in top.rglob("*") if f.is_file())
        expected = sorted(str(f.relative_to(top)) for f in want.values())
        if ctx.report.check(f"trailsmith synth --target {target} --out-dir {name} writes the log-archive and "
                            "management parts", written == expected, f"wrote {written}, want {expected}"):
            for part, path in want.items():
                if target == "cloudformation":
                    layout.cfn[part] = path
                else:
                    layout.tf[part] = path.parent
        else:
            ok = False
    if ok:
        layout.spec = deploy_time(spec)  # `${account}` is refused in a layout; parameters stay
        layout.expect, layout.accounts = expect(layout.spec), accounts(spec)
        ctx.layouts.append(layout)
    return ok


def key_in_management(ctx, name, spec):
    """(name, path, document) of the same layout with `accounts.key: management`, written to the
    work directory, for a layout that keeps the key of the log files in the log archive (the
    default); else None. The README's other key placement changes both parts (the management part
    makes the log-file key, the bucket defaults to the AWS managed key), so each layout is judged
    with both placements without a second case file and its golden outputs."""
    if (spec.get("accounts") or {}).get("key", "log_archive") != "log_archive":
        return None
    variant = dict(spec, accounts=dict(spec["accounts"], key="management"))
    path = ctx.work / "specs" / f"{name}-key-in-management.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.write(f"# {name} with accounts.key: management (run.py key_in_management)\n")
        yaml.safe_dump(variant, f, sort_keys=False)
    return f"{name}-key-in-management", path, variant


def build_cases(ctx, only):
    """Compiles every spec to both targets, one spec at a time: examples/ and tests/cases/ at any
    depth (examples/teams/ extends blueprints) and each shipped blueprint with test values. A spec
    with `accounts` is an organization layout: it becomes a Layout (ctx.layouts) with two parts,
    and a variant with the key of the log files in the management account is compiled beside it.

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
    built = total = 0
    for name, p in specs:
        spec, problem = load_spec(ctx, p)
        total += 1
        if problem:
            ctx.report.check(f"the merged document of {name} (blueprint rendered, README merge rules)", False, problem)
            continue
        if "accounts" not in spec:
            built += build_case(ctx, name, p, spec)
            continue
        built += build_layout(ctx, name, p, spec)
        variant = key_in_management(ctx, name, spec)
        if variant:
            total += 1
            if ctx.report.check(f"variant name {variant[0]} is not taken by a spec", variant[0] not in names):
                built += build_layout(ctx, *variant)
    ctx.report.check(f"trailsmith compiled {built} of {total} specs "
                     f"({len(ctx.cases)} single-account, {len(ctx.layouts)} organization layouts)",
                     built == total and total)


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
            "aws": tool(cache / "awscli/bin/aws"),
            "pre-commit": tool(cache / "precommit/bin/pre-commit"),
            "checkov": tool(cache / "checkov/bin/checkov"),
            "cfn-guard": tool(cache / "cfn-guard/bin/cfn-guard"),
            "terraform": tool(shutil.which("terraform")),
        },
        tf_mirror=find_mirror(),
    )
    started = time.monotonic()
    build_cases(ctx, set(args.examples))
    if ctx.cases or ctx.layouts:
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
