"""cfn-lint on every CloudFormation output: zero findings of any level (errors, warnings, info).

Every output means each part of an organization layout too (`--out-dir` writes one template per
account): each is a stack of its own, so each must lint clean on its own.

cfn-lint's exit code is a bit mask (2 error, 4 warning, 8 informational), so any non-zero code is a
finding. Broken variants prove it reads the resource schemas: a misspelt property, a wrong type and
a misspelt IAM action must each be reported.
"""
import copy

import harness
from harness import load_json, short, write_json


def lint(ctx, path):
    # Informational rules (I...) are off by default; include them and let them set the exit code.
    command = [ctx.tools["cfn-lint"], "--include-checks", "I", "--non-zero-exit-code", "informational"]
    return harness.run([*command, "--format", "parseable", "--", path], timeout=300)


def broken_variants(template):
    """(what, mutated template, text the finding must mention)."""
    trail = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudTrail::Trail")
    out = []
    t = copy.deepcopy(template)
    t["Resources"][trail]["Properties"]["IsLoging"] = t["Resources"][trail]["Properties"].pop("IsLogging")
    out.append(("misspelt trail property IsLoging", t, "IsLoging"))
    t = copy.deepcopy(template)
    t["Resources"][trail]["Properties"]["IsMultiRegionTrail"] = {"maybe": 1}
    out.append(("object where IsMultiRegionTrail takes a boolean", t, "IsMultiRegionTrail"))
    t = copy.deepcopy(template)
    policy = t["Resources"]["TrailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    policy["Action"] = "s3:GetBuketAcl"
    out.append(("unknown IAM action s3:GetBuketAcl", t, "GetBuketAcl"))
    return out


def run(ctx):
    if ctx.tools["cfn-lint"] is None:
        ctx.report.check("cfn-lint installed", False, "no cfn-lint in the tools venv")
        return
    for case in ctx.cases:
        code, out, err = lint(ctx, case.cfn)
        ctx.report.check(f"cfn-lint {case.name}", code == 0 and not out.strip(), short(out + err))
    for layout in ctx.layouts:
        for part, path in layout.cfn.items():
            code, out, err = lint(ctx, path)
            ctx.report.check(f"cfn-lint {layout.name} {part} part", code == 0 and not out.strip(), short(out + err))
    if not ctx.cases:  # only when run.py was told to build layouts alone
        harness.log("check_cfn_lint: no single-account template in this run to make the broken variants from")
        return
    base = next((c for c in ctx.cases if c.name == "minimal"), ctx.cases[0])
    for what, template, needle in broken_variants(load_json(base.cfn)):
        path = ctx.work / "cfn-lint-broken" / (what.replace(" ", "-") + ".json")
        write_json(path, template)
        code, out, err = lint(ctx, path)
        rejected = code != 0 and needle in out
        ctx.report.check(f"cfn-lint rejects broken variant: {what}", rejected, short(f"exit {code}: {out}{err}"))

