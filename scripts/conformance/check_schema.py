"""The spec's JSON Schema as editors and other tools use it: Ajv 8 in strict mode compiles it and
judges every case's spec, and yaml-language-server (headless, as an editor runs it) flags what
its patterns can see. Both installed by conformance.sh (pinned npm packages in the cache).

Expectations come from the README ("Editors and the schema"): every example, golden case and
rendered blueprint follows the schema; a malformed region (`EU-WEST-1`, `eu_west_1`), a retention
CloudWatch Logs does not accept, a malformed trail name or resource type is refused by the schema
and by `trailsmith validate`; a one-letter region typo (`eu-wset-1`) has a region's form, so only
`validate` (which knows the list) refuses it. Broken variants prove Ajv's strict mode is on (a
`format: uint32` is refused) and that the language server applies the modeline's schema.
"""
import copy
import json
import os
import shutil
from pathlib import Path

import harness
from harness import short

# (what, path in the spec, value): the schema and validate both refuse each.
REFUSED = [
    ("an upper-case region", ("trail", "home_region"), "EU-WEST-1"),
    ("a region with underscores", ("trail", "home_region"), "eu_west_1"),
    ("a retention CloudWatch Logs does not accept", ("cloudwatch_logs", "retention_days"), 366),
    ("a trail name starting with a dash", ("trail", "name"), "-audit"),
]
NEAR_MISS = ("trail", "home_region", "eu-wset-1")

MINIMAL = {"version": 1, "trail": {"name": "org-audit", "home_region": "eu-west-1"}}


def with_value(doc, path, value):
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return doc


def ajv(ctx, node, modules, schema_path, docs):
    docs_file = ctx.work / "ajv-docs.json"
    docs_file.write_text(json.dumps(docs, default=str))
    code, out, err = harness.run([node, ctx.root / "scripts/conformance/ajv_strict.js", schema_path, docs_file],
                                 env={"NODE_PATH": str(modules)})
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        return {"compiled": False, "error": f"exit {code}: {short(out)} {short(err)}", "results": []}


def validate_exit(ctx, doc, name):
    spec = ctx.work / "schema-check" / f"{name}.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps(doc))
    code, _, err = harness.run([ctx.trailsmith, "validate", spec])
    return code, err


def run(ctx):
    node = shutil.which("node")
    modules = os.environ.get("TRAILSMITH_SCHEMA_TOOLS")
    if not node or not modules or not (Path(modules) / "ajv").is_dir():
        ctx.report.check("schema tools installed (node, ajv, yaml-language-server)", False,
                         f"node={node} TRAILSMITH_SCHEMA_TOOLS={modules!r}: run scripts/conformance.sh")
        return
    modules = Path(modules)
    schema_path = ctx.root / "schemas/trail-spec.schema.json"
    schema = harness.load_json(schema_path)

    # Ajv strict: the committed schema compiles, and judges every case's spec.
    docs = [[c.name, c.spec] for c in [*ctx.cases, *ctx.layouts]]
    docs.append(["minimal", MINIMAL])
    for what, path, value in REFUSED:
        docs.append([what, with_value(MINIMAL, path, value)])
    docs.append(["near miss", with_value(MINIMAL, NEAR_MISS[:2], NEAR_MISS[2])])
    got = ajv(ctx, node, modules, schema_path, docs)
    if not ctx.report.check("ajv strict: the schema compiles", got["compiled"], got["error"]):
        return
    verdicts = dict((name, errors) for name, errors in got["results"])
    for c in [*ctx.cases, *ctx.layouts]:
        ctx.report.check(f"ajv strict: {c.name}: follows the schema", not verdicts.get(c.name),
                         short("; ".join(verdicts.get(c.name, [])), 800))
    ctx.report.check("ajv strict: a minimal spec follows the schema", not verdicts["minimal"], "; ".join(verdicts["minimal"]))
    for what, path, value in REFUSED:
        ctx.report.check(f"ajv strict refuses {what} ({value})", bool(verdicts[what]))
        code, err = validate_exit(ctx, with_value(MINIMAL, path, value), f"refused-{path[-1]}")
        ctx.report.check(f"validate refuses {what} ({value}) too", code == 1, f"exit {code}: {short(err)}")
    # JSON Schema cannot know a near miss: the pattern accepts it, validate's list refuses it.
    ctx.report.check(f"ajv accepts the near miss {NEAR_MISS[2]} (a region's form)", not verdicts["near miss"],
                     "; ".join(verdicts["near miss"]))
    code, err = validate_exit(ctx, with_value(MINIMAL, NEAR_MISS[:2], NEAR_MISS[2]), "near-miss")
    ctx.report.check(f"validate refuses the near miss {NEAR_MISS[2]} (region-near-miss)",
                     code == 1 and "region-near-miss" in err, f"exit {code}: {short(err)}")
    # Broken variant: strict mode must refuse a format it does not know.
    broken = copy.deepcopy(schema)
    broken["properties"]["version"]["format"] = "uint32"
    broken_path = ctx.work / "broken-schema.json"
    harness.write_json(broken_path, broken)
    got = ajv(ctx, node, modules, broken_path, [])
    ctx.report.check("ajv strict refuses a schema with `format: uint32`", not got["compiled"] and "uint32" in got["error"],
                     got["error"])

    # yaml-language-server: what an editor shows for a spec naming the schema in its modeline.
    server = modules / ".bin/yaml-language-server"
    if not ctx.report.check("yaml-language-server installed", server.exists(), str(server)):
        return
    from yaml_lsp import diagnostics
    schema_uri = schema_path.as_uri()
    folder = ctx.work / "editor"
    folder.mkdir(parents=True, exist_ok=True)
    modeline = f"# yaml-language-server: $schema={schema_uri}\n"
    texts = {
        "a valid spec": (modeline + "version: 1\ntrail:\n  name: org-audit\n  home_region: eu-west-1\n", 0, None),
        "an upper-case region": (modeline + "version: 1\ntrail:\n  name: org-audit\n  home_region: EU-WEST-1\n", 1, 5),
        "a retention of 366 days": (modeline + "version: 1\ntrail:\n  name: org-audit\ncloudwatch_logs:\n  retention_days: 366\n", 1, 6),
        "the near miss eu-wset-1 (not flagged: JSON Schema cannot know it)": (
            modeline + "version: 1\ntrail:\n  name: org-audit\n  home_region: eu-wset-1\n", 0, None),
        # Broken variant: without the modeline no schema applies, so nothing is flagged.
        "an upper-case region without the modeline (no schema)": (
            "version: 1\ntrail:\n  name: org-audit\n  home_region: EU-WEST-1\n", 0, None),
    }
    # The spec `init` writes, with its modeline pointing at this schema.
    code, out, err = harness.run([ctx.trailsmith, "init", "--blueprint", "cis-baseline", "--schema", schema_uri,
                                  "--set", "trail_name=org-audit", "--set", "access_log_bucket=acme-s3-access-logs",
                                  "--set", "alarm_email=secops@example.com"])
    if ctx.report.check("init --schema writes a spec", code == 0 and out.startswith(modeline), f"exit {code}: {short(out)} {short(err)}"):
        texts["the spec init wrote"] = (out, 0, None)
        texts["the spec init wrote, with a region typo"] = (out.replace('home_region: "us-east-1"', 'home_region: "US-EAST-1"'), 1, None)
    for i, (what, (text, want, line)) in enumerate(texts.items()):
        uri = (folder / f"spec-{i}.yaml").as_uri()
        (folder / f"spec-{i}.yaml").write_text(text)
        found = diagnostics(server, uri, text)
        if found is None:
            ctx.report.check(f"yaml-language-server: {what}: publishes diagnostics", False, "no answer in 60 s")
            continue
        errors = [d for d in found if d.get("severity", 1) == 1]
        detail = short("; ".join(f"line {d['range']['start']['line'] + 1}: {d['message']}" for d in errors), 800)
        ok = len(errors) == want and (line is None or errors[0]["range"]["start"]["line"] + 1 == line)
        ctx.report.check(f"yaml-language-server: {what}: {want} error(s){f' on line {line}' if line else ''}", ok, detail)
