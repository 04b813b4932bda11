"""terraform validate, with the real hashicorp/aws provider from the local mirror, on every output,
each part of an organization layout included (each part is a root module of its own, applied
with its own account's credentials).

A broken variant (a misspelt argument) must fail. When trailsmith refuses a spec for Terraform
(`terraform-unsupported-field`), the provider judges that refusal, not a golden file trailsmith
wrote: a small hand-written configuration with an advanced selector testing the refused field must
be rejected by `terraform validate`, naming the field, and the same configuration testing
`eventName` instead (a field the provider takes) must be valid, so the probe itself is shown to
work.

Terraform is on this machine image but in no package registry. When it or the mirror is absent,
these checks print `SKIPPED terraform: ...` and the skip fails the run (run.py, unless
`--allow-skips`). The offline schema test in `cargo test` (tests/golden.rs) does not stand in for
them: it checks argument names, literal types and block shapes against a dump of the provider
schema, not the provider's own validation (allowed values such as a selector's field names).
"""
import copy
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import harness
from harness import load_json, short, write_json

ENV = {"TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}


def validate(ctx, directory):
    """(valid, detail) for the configuration in `directory`."""
    code, out, err = harness.run(
        [ctx.tools["terraform"], "init", "-input=false", "-backend=false", f"-plugin-dir={ctx.tf_mirror}"],
        cwd=directory,
        env=ENV,
    )
    if code != 0:
        return False, "init failed: " + short(out + err)
    code, out, err = harness.run([ctx.tools["terraform"], "validate", "-json", "-no-color"], cwd=directory, env=ENV)
    try:
        result = json.loads(out)
    except ValueError:
        return False, short(out + err)
    problems = [f"{d.get('severity')}: {d.get('summary')} {d.get('detail', '')}" for d in result.get("diagnostics", [])]
    # Warnings count too: a deprecated argument today is an error in the next major version.
    return result.get("valid") is True and not problems, short("; ".join(problems))


# The field a refusal is about, set beside the category and source a network activity selector
# tests; the values are only placeholders of the right shape.
PROBE_VALUES = {"errorCode": "VpceAccessDenied", "vpcEndpointId": "vpce-0123456789abcdef0",
                "eventType": "AwsApiCall", "sessionCredentialFromConsole": "true", "eventName": "Decrypt"}


def probe_config(field):
    """A hand-written configuration: one trail whose advanced selector tests `field`."""
    selectors = [
        {"field": "eventCategory", "equals": ["NetworkActivity"]},
        {"field": "eventSource", "equals": ["kms.amazonaws.com"]},
        {"field": field, "equals": [PROBE_VALUES.get(field, "probe")]},
    ]
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}},
        "resource": {"aws_cloudtrail": {"probe": {
            "name": "probe",
            "s3_bucket_name": "probe-bucket",
            "advanced_event_selector": [{"name": f"tests {field}", "field_selector": selectors}],
        }}},
    }


def probe(ctx, label, field):
    """terraform validate of probe_config(field): (error summaries, every diagnostic, valid) or a
    string saying why it did not run."""
    scratch = ctx.work / "terraform-refusal" / label
    write_json(scratch / "main.tf.json", probe_config(field))
    code, out, err = harness.run(
        [ctx.tools["terraform"], "init", "-input=false", "-backend=false", f"-plugin-dir={ctx.tf_mirror}"],
        cwd=scratch, env=ENV,
    )
    if code != 0:
        return "init failed: " + short(out + err)
    code, out, err = harness.run([ctx.tools["terraform"], "validate", "-json", "-no-color"], cwd=scratch, env=ENV)
    try:
        result = json.loads(out)
    except ValueError:
        return f"exit {code}, no JSON: " + short(out + err)
    diagnostics = [f"{d.get('severity')}: {d.get('summary')}" for d in result.get("diagnostics", [])]
    errors = [d.get("summary", "") for d in result.get("diagnostics", []) if d.get("severity") == "error"]
    return errors, diagnostics, result.get("valid")


def check_refusals(ctx):
    """Each field trailsmith refused for Terraform, put to the provider, and one control.

    The provider words a refusal "expected advanced_event_selector.0.field_selector.2.field to be
    one of [...], got FIELD": the error must be about a field_selector's `field` and end with FIELD.
    """
    refused = [(c, f) for c in ctx.cases for f in c.tf_refused]
    for case, field in refused:
        got = probe(ctx, f"{case.name}-{field}", field)
        name = (f"terraform validate refuses `{field}` in an advanced selector, as trailsmith's refusal "
                f"of {case.name} says (hashicorp/aws 5.100.0)")
        if isinstance(got, str):
            ctx.report.check(name, False, got)
            continue
        errors, diagnostics, valid = got
        naming = rf"field_selector\.\d+\.field\b.*\bgot {re.escape(field)}$"
        ok = valid is False and any(re.search(naming, x) for x in errors)
        ctx.report.check(name, ok, short("; ".join([f"valid: {valid}", *diagnostics])))
    if refused:
        got = probe(ctx, "control-eventName", "eventName")
        ok = not isinstance(got, str) and got[2] is True and not got[1]
        detail = got if isinstance(got, str) else short("; ".join([f"valid: {got[2]}", *got[1]]))
        ctx.report.check("terraform validate accepts the same probe testing `eventName` (control)", ok, detail)


def offline_provider_6(ctx, cases):
    """An output for hashicorp/aws 6 is not put to `terraform validate`: the mirror holds 5.100
    only, whose `terraform init` refuses the `~> 6.2` constraint. What is checked instead, and
    said so: the output is byte for byte its golden file, which `cargo test` (tests/golden.rs,
    terraform_outputs_fit_the_provider_schema) holds against the hand-checked 6.x schema subset
    (tests/data/README.md), and it asks for `~> 6.2` and names the region as 6.x does."""
    for case in cases:
        text = (case.tf_dir / "main.tf.json").read_text()
        golden = ctx.root / "tests" / "golden" / f"{case.name}.tf.json"
        config = json.loads(text)
        version = config["terraform"]["required_providers"]["aws"]["version"]
        same = golden.exists() and golden.read_text() == text
        ok = same and version == "~> 6.2" and "data.aws_region.current.name}" not in text
        ctx.report.check(
            f"terraform {case.name}: written for hashicorp/aws {version}, identical to its golden file, which "
            "cargo test checks offline against the 6.x schema subset (terraform validate not run: no 6.x provider "
            "in the local mirror)",
            ok,
            f"golden file {'matches' if same else 'differs or is missing'}; version {version}",
        )


def module_calls(ctx, cases):
    """README (`terraform.module`): the output is a module a configuration calls with `for_each` and
    `depends_on`, its variables set by the caller and its provider the caller's. A root
    configuration written here calls it once per allowed value of each variable the module
    declares, after a resource of its own, and must be valid; the same call of a module that
    keeps its provider block must not be (Terraform's "Providers Within Modules" rule), which
    shows the check can fail."""
    for case in cases:
        module = load_json(case.tf_dir / "main.tf.json")
        if not (case.spec.get("terraform") or {}).get("module"):
            continue
        variables = module.get("variable") or {}
        keys = ["a", "b"]
        call = {"source": "./trail", "for_each": "${toset(" + json.dumps(keys) + ")}",
                "depends_on": ["terraform_data.before"]}
        for name, var in variables.items():
            allowed = [v for v in [var.get("default")] if v]
            call[name] = allowed[0] if allowed else "x"
        region = (case.spec.get("trail") or {}).get("home_region") or "us-east-1"
        root = {
            "provider": {"aws": {"region": region}},
            "resource": {"terraform_data": {"before": {}}},
            "module": {"trail": call},
            "output": {"trail_arns": {"value": "${[for k, m in module.trail : m.trail_arn]}"}},
        }
        for label, with_provider in (("", False), (" (its own provider block kept: refused)", True)):
            scratch = ctx.work / "terraform-module" / (case.name + ("-provider" if with_provider else ""))
            inner = copy.deepcopy(module)
            if with_provider:
                inner["provider"] = {"aws": {"region": region}}
            write_json(scratch / "trail" / "main.tf.json", inner)
            write_json(scratch / "main.tf.json", root)
            ok, detail = validate(ctx, scratch)
            want = not with_provider
            ctx.report.check(
                f"terraform validate of a configuration calling {case.name} as a module with for_each "
                f"and depends_on{label}",
                ok == want,
                detail or ("valid" if ok else "invalid"),
            )


def run(ctx):
    if ctx.tools["terraform"] is None or ctx.tf_mirror is None:
        missing = "terraform" if ctx.tools["terraform"] is None else "the hashicorp/aws provider mirror"
        refusals = sum(len(c.tf_refused) for c in ctx.cases)
        ctx.report.skip("terraform", f"{missing} not found: terraform validate not run on any output, nor on the "
                        f"{refusals} field(s) trailsmith refuses for Terraform (the offline schema test in cargo test "
                        "checks only argument names, types and block shapes)")
        return
    cases = [c for c in ctx.cases if c.tf_dir is not None and c.aws_provider == 5]
    offline_provider_6(ctx, [c for c in ctx.cases if c.tf_dir is not None and c.aws_provider != 5])
    # (label, copy) for every configuration: each case, then each part of each layout.
    configs = [(case.name, case.tf_dir, case.name) for case in cases]
    configs += [(f"{layout.name} {part} part", d, f"{layout.name}.{part}")
                for layout in ctx.layouts for part, d in layout.tf.items()]
    for _, source, copy_name in configs:
        shutil.copytree(source, ctx.work / "terraform-validate" / copy_name)
    # init and validate mostly wait on the provider plugin starting; run a few at once.
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda c: validate(ctx, ctx.work / "terraform-validate" / c[2]), configs))
    for (label, _, _), (ok, detail) in zip(configs, results):
        ctx.report.check(f"terraform validate {label}", ok, detail)
    check_refusals(ctx)
    module_calls(ctx, cases)
    base = next((c for c in cases if c.name == "minimal"), cases[0] if cases else None)
    if base is None:  # only when run.py was told to build a subset that Terraform refuses
        harness.log("check_terraform: no Terraform output in this run to make the broken variant from")
        return
    config = copy.deepcopy(load_json(base.tf_dir / "main.tf.json"))
    trail = config["resource"]["aws_cloudtrail"]["trail"]
    trail["enable_loging"] = trail.pop("enable_logging")
    scratch = ctx.work / "terraform-validate" / "broken-misspelt-argument"
    write_json(scratch / "main.tf.json", config)
    ok, detail = validate(ctx, scratch)
    rejected = not ok and "enable_loging" in detail
    ctx.report.check("terraform validate rejects broken variant: misspelt argument enable_loging", rejected, detail)

