"""SARIF and JSON reports: `trailsmith validate --format sarif` (and `drift`'s, the same writer)
judged by the OASIS SARIF 2.1.0 JSON schema (fetched and pinned by conformance.sh), with URI
formats checked.

Runs on a spec with several problems (errors, a note, a silenced warning), on every case's spec
in one report (examples, team specs, golden cases, blueprints with test values, organization
layouts), on a finding located in a blueprint, and on an absolute path with a
space (a `file://` URI that must be escaped). The JSON report of the same specs must count the same
findings. Broken variants prove the schema is applied: a missing `version`, an unknown level, a
line 0 and a URI with a raw space must each be refused.

Each report is also run through the SARIF multitool's `validate --rule-kind "Gh;Sarif"` (installed
by conformance.sh), the rules GitHub code scanning applies to an upload (every rule with
`fullDescription`, `help` and `helpUri`): zero errors and zero warnings. A report with a rule
stripped of its `help` proves the rules are applied. The finding caused by a blueprint must be
located in the spec (the multitool does not judge a `blueprint:NAME` URI, so this check does).
"""
import copy
import json
import os
import shutil
from pathlib import Path

import jsonschema

import harness
from harness import short


def validator(schema):
    checker = jsonschema.FormatChecker()
    if "uri-reference" not in checker.checkers or "uri" not in checker.checkers:
        return None
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def errors(v, doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(doc)]


def report(ctx, fmt, files, cwd, command="validate"):
    code, out, err = harness.run([ctx.trailsmith, command, "--format", fmt, *files], cwd=cwd)
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError as e:
        return code, None, f"{e}: {short(out)} {short(err)}"


def broken_variants(doc):
    out = []
    d = copy.deepcopy(doc)
    del d["version"]
    out.append(("no version", d))
    d = copy.deepcopy(doc)
    d["runs"][0]["results"][0]["level"] = "fatal"
    out.append(("level `fatal`", d))
    d = copy.deepcopy(doc)
    d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    out.append(("startLine 0", d))
    d = copy.deepcopy(doc)
    d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.yaml"
    out.append(("a URI with a raw space", d))
    return out


def multitool(ctx, doc, name):
    """The SARIF multitool's GitHub and SARIF rule findings on `doc`, as `level RULE: text` lines;
    None with the reason when the tool did not run."""
    tool = os.environ.get("TRAILSMITH_SARIF_MULTITOOL")
    if not tool or not Path(tool).is_file():
        return None, f"TRAILSMITH_SARIF_MULTITOOL={tool!r}: run scripts/conformance.sh"
    folder = ctx.work / "multitool"
    folder.mkdir(parents=True, exist_ok=True)
    given = folder / f"{name}.sarif"
    out = folder / f"{name}.validation.sarif"
    harness.write_json(given, doc)
    out.unlink(missing_ok=True)
    code, stdout, stderr = harness.run([tool, "validate", "--rule-kind", "Gh;Sarif", "-o", out, given],
                                       cwd=folder, env={"DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
    if not out.is_file():
        return None, f"exit {code}: {short(stdout)} {short(stderr)}"
    found = []
    for r in harness.load_json(out)["runs"][0].get("results", []):
        if r.get("level", "warning") in ("error", "warning"):
            found.append(f"{r.get('level', 'warning')} {r.get('ruleId')}: {short(r.get('message', {}).get('text', ''), 200)}")
    return found, ""


def run(ctx):
    path = os.environ.get("TRAILSMITH_SARIF_SCHEMA")
    if not path or not Path(path).is_file():
        ctx.report.check("SARIF 2.1.0 schema installed", False, f"TRAILSMITH_SARIF_SCHEMA={path!r}: run scripts/conformance.sh")
        return
    with open(path) as f:
        schema = json.load(f)
    v = validator(schema)
    if not ctx.report.check("jsonschema checks uri formats (rfc3986-validator installed)", v is not None):
        return

    specs = ctx.root / "tests/cmd/specs"
    spaced = ctx.work / "sarif dir" / "several problems.yaml"
    spaced.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(specs / "several-problems.yaml", spaced)
    # Blueprint cases are written to the scratch directory: those are named by absolute path.
    every_case = [str(c.spec_path.relative_to(ctx.root)) if c.spec_path.is_relative_to(ctx.root)
                  else str(c.spec_path) for c in [*ctx.cases, *ctx.layouts]]
    console = sorted(str(p.relative_to(ctx.root)) for p in (ctx.root / "tests/import/aws-cli/console-trail").glob("*.json"))
    runs = [
        ("a spec with several problems", ["several-problems.yaml"], specs, 1, "validate"),
        ("every example and golden case in one report", every_case, ctx.root, None, "validate"),
        ("a finding located in a blueprint", ["extends-bad-with.yaml"], specs, 1, "validate"),
        ("an absolute path with spaces", [str(spaced)], ctx.work, 1, "validate"),
        # drift writes the same report: one result per difference, at the spec line.
        ("drift of an imported spec from its console-made trail",
         ["tests/import/drift/management-events.yaml", *console], ctx.root, 1, "drift"),
    ]
    first = None
    for what, files, cwd, want_code, command in runs:
        code, doc, err = report(ctx, "sarif", files, cwd, command)
        if doc is None:
            ctx.report.check(f"sarif: {what}: JSON on stdout", False, err)
            continue
        problems = errors(v, doc)
        ctx.report.check(f"sarif: {what}: valid SARIF 2.1.0", not problems, short("; ".join(problems), 1500))
        if want_code is not None:
            ctx.report.check(f"sarif: {what}: exit {want_code}", code == want_code, f"exit {code}: {short(err)}")
        results = doc["runs"][0]["results"]
        _, as_json, err = report(ctx, "json", files, cwd, command)
        count = sum(len(f["diagnostics"]) for f in as_json["files"]) if as_json else None
        ctx.report.check(f"sarif: {what}: as many results ({len(results)}) as JSON findings", count == len(results), f"json: {count} {short(err)}")
        found, why = multitool(ctx, doc, what.split(":")[0].replace(" ", "-"))
        ctx.report.check(f"sarif: {what}: the multitool's GitHub and SARIF rules find nothing",
                         found == [], why or short("; ".join(found), 1500))
        if what.startswith("a finding located in a blueprint"):
            uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
            ctx.report.check("sarif: a blueprint's value is located in the spec, not at blueprint:NAME",
                             uris == {"extends-bad-with.yaml"}, str(sorted(uris)))
        if what.startswith("a spec with several"):
            first = doc
            levels = sorted({r["level"] for r in results})
            ctx.report.check("sarif: several problems give errors, a note and a suppressed warning",
                             levels == ["error", "note", "warning"] and any("suppressions" in r for r in results),
                             f"levels {levels}")
        if what.startswith("an absolute"):
            uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            ctx.report.check("sarif: an absolute path is an escaped file:// URI",
                             uri.startswith("file:///") and "%20" in uri and " " not in uri, uri)
    if first is None:
        return
    for what, doc in broken_variants(first):
        ctx.report.check(f"sarif schema refuses a broken log: {what}", bool(errors(v, doc)))
    # The multitool's GitHub rules are applied: a rule without help is refused. (It does not
    # refuse a `blueprint:NAME` location, so that is checked above on the blueprint case.)
    d = copy.deepcopy(first)
    del d["runs"][0]["tool"]["driver"]["rules"][0]["help"]
    found, why = multitool(ctx, d, "broken-no-help")
    ctx.report.check("sarif multitool refuses a rule without `help` (GH2012)",
                     bool(found) and any("GH2012" in f for f in found), why or str(found))
