"""terraform validate, with the real hashicorp/aws provider from the local mirror, on every output.

Terraform is on this machine image but in no package registry: when it or the mirror is absent the
check says so with a line starting `SKIPPED terraform:` and the offline schema test in
`cargo test` (tests/golden.rs) remains the judge. A broken variant (a misspelt argument) must fail.
"""
import copy
import json
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


def run(ctx):
    if ctx.tools["terraform"] is None or ctx.tf_mirror is None:
        missing = "terraform" if ctx.tools["terraform"] is None else "the hashicorp/aws provider mirror"
        ctx.report.skip("terraform", f"{missing} not found: terraform validate not run, the offline schema test in cargo test still checks every output")
        return
    cases = [c for c in ctx.cases if c.tf_dir is not None]
    for case in cases:
        shutil.copytree(case.tf_dir, ctx.work / "terraform-validate" / case.name)
    # init and validate mostly wait on the provider plugin starting; run a few at once.
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda c: validate(ctx, ctx.work / "terraform-validate" / c.name), cases))
    for case, (ok, detail) in zip(cases, results):
        ctx.report.check(f"terraform validate {case.name}", ok, detail)
    base = next((c for c in ctx.cases if c.name == "minimal"), ctx.cases[0])
    config = copy.deepcopy(load_json(base.tf_dir / "main.tf.json"))
    trail = config["resource"]["aws_cloudtrail"]["trail"]
    trail["enable_loging"] = trail.pop("enable_logging")
    scratch = ctx.work / "terraform-validate" / "broken-misspelt-argument"
    write_json(scratch / "main.tf.json", config)
    ok, detail = validate(ctx, scratch)
    rejected = not ok and "enable_loging" in detail
    ctx.report.check("terraform validate rejects broken variant: misspelt argument enable_loging", rejected, detail)

