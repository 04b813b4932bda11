"""The first query `trailsmith explain` gives for an Athena table, judged by a real SQL parser.

For every spec with `athena` (single-account cases and each layout's log archive part), the query
printed under "a first query" is parsed by sqlglot (its `trino`, `presto` and `athena` dialects:
Athena engine 3 is Trino), and every column it names (with the struct field, as in
`useridentity.arn`) must be a column or partition key of the table trailsmith wrote (read from the
Terraform output), the field a field of that column's struct type. The table's columns must be
the AWS-documented CloudTrail table (tests/data/cloudtrail-athena-columns.json, which cites the
page). The DDL equivalent of the written table (built here from the Terraform output) must parse
in sqlglot's `athena` and `hive` dialects, column for column.

sqlglot runs in a venv of its own (conformance.sh, TRAILSMITH_SQLGLOT_PYTHON) through
athena_sql.py, since the tools venv pins what moto and cfn-lint want. Broken variants prove the
checks look: a query cut short must fail to parse, and a query naming a column the table lacks
must be caught.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import harness
from harness import load_json, short

QUERY_DIALECTS = ["trino", "presto", "athena"]
DDL_DIALECTS = ["athena", "hive"]
HERE = Path(__file__).resolve().parent


def _norm(t):
    return re.sub(r"\s+", "", t).lower()


def _sqlglot(python, job):
    p = subprocess.run([python, str(HERE / "athena_sql.py")], input=json.dumps(job), capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-800:])
    return json.loads(p.stdout)


def _query(ctx, spec_path, part):
    command = [ctx.trailsmith, "explain", spec_path]
    code, out, err = harness.run(command)
    if code != 0:
        raise RuntimeError(err)
    lines = out.splitlines()
    if part:
        # A layout is explained part by part; the query is in the part's own section.
        start = next(i for i, l in enumerate(lines) if "log archive" in l.lower() and not l.startswith(" "))
        lines = lines[start:]
    at = next(i for i, l in enumerate(lines) if l.strip() == "a first query, over one day's partition:")
    query = []
    for l in lines[at + 1:]:
        if not l.startswith("    "):
            break
        query.append(l[4:])
    return "\n".join(query)


def _struct_fields(kind):
    """The field names of a `struct<...>` type string (top level only), else None."""
    k = _norm(kind)
    if not k.startswith("struct<"):
        return None
    inner, depth, fields, name = k[len("struct<"):-1], 0, [], ""
    reading_name = True
    for ch in inner:
        if reading_name:
            if ch == ":":
                fields.append(name)
                name, reading_name = "", False
            else:
                name += ch
        else:
            if ch == "<":
                depth += 1
            elif ch == ">":
                depth -= 1
            elif ch == "," and depth == 0:
                reading_name = True
    return fields


def _ddl(table):
    sd = table["storage_descriptor"]
    cols = ", ".join(f"{c['name']} {c['type']}" for c in sd["columns"])
    keys = ", ".join(f"{c['name']} {c['type']}" for c in table["partition_keys"])
    props = ", ".join(f"'{k}'='{v}'" for k, v in table["parameters"].items())
    return (f"CREATE EXTERNAL TABLE db.{table['name']} ({cols}) PARTITIONED BY ({keys}) "
            f"ROW FORMAT SERDE '{sd['ser_de_info']['serialization_library']}' "
            f"STORED AS INPUTFORMAT '{sd['input_format']}' OUTPUTFORMAT '{sd['output_format']}' "
            f"LOCATION '{sd['location']}' TBLPROPERTIES ({props})")


def _unknown_columns(paths, table):
    """Column paths the table cannot answer: an unknown column, or a field its struct lacks."""
    kinds = {c["name"]: c["type"] for c in table["storage_descriptor"]["columns"]}
    kinds.update({c["name"]: c["type"] for c in table["partition_keys"]})
    bad = []
    for path in paths:
        root = path[0]
        if root not in kinds:
            bad.append(".".join(path))
            continue
        if len(path) > 1:
            fields = _struct_fields(kinds[root])
            if fields is None or path[1] not in fields:
                bad.append(".".join(path))
    return bad


def _judge(ctx, python, name, table, query, documented):
    r = ctx.report
    verdict = _sqlglot(python, {"query": query, "query_dialects": QUERY_DIALECTS,
                                "ddl": _ddl(table), "ddl_dialects": DDL_DIALECTS})
    for d in QUERY_DIALECTS:
        v = verdict["query"][d]
        r.check(f"sqlglot {verdict['version']} parses {name}'s first query as {d} SQL", v["ok"],
                short(v.get("error", "") + " | " + query))
        if v["ok"]:
            bad = _unknown_columns(v["columns"], table)
            r.check(f"{name}: every column the first query names ({d}) is in the table written", not bad,
                    f"unknown: {bad}")
    written = [(c["name"], _norm(c["type"])) for c in table["storage_descriptor"]["columns"]]
    for d in DDL_DIALECTS:
        v = verdict["ddl"][d]
        ok = v["ok"] and [(n, _norm(t)) for n, t in v["columns"]] == written + [
            (c["name"], _norm(c["type"])) for c in table["partition_keys"]]
        r.check(f"sqlglot parses {name}'s table as {d} DDL, column for column", ok,
                short(v.get("error", "") or str(v.get("columns"))))
    doc = [(c["name"], _norm(c["type"])) for c in documented["columns"]]
    r.check(f"{name}: the table's columns are the AWS-documented CloudTrail table's, in order", written == doc,
            f"written {written}; documented {doc}")
    sd = table["storage_descriptor"]
    r.check(f"{name}: SerDe and formats are the documented ones",
            (sd["ser_de_info"]["serialization_library"], sd["input_format"], sd["output_format"])
            == (documented["serde"], documented["input_format"], documented["output_format"]),
            str(sd))


def run(ctx):
    python = os.environ.get("TRAILSMITH_SQLGLOT_PYTHON")
    if not python or not Path(python).exists():
        ctx.report.skip("sqlglot", "TRAILSMITH_SQLGLOT_PYTHON is not set (conformance.sh installs it)")
        return
    documented = load_json(ctx.root / "tests/data/cloudtrail-athena-columns.json")
    judged = []
    for case in ctx.cases:
        if not case.spec.get("athena") or case.tf_dir is None:
            continue
        config = load_json(Path(case.tf_dir) / "main.tf.json")
        judged.append((case.name, case.spec_path, None, config))
    for layout in ctx.layouts:
        if not layout.spec.get("athena") or "log-archive" not in layout.tf:
            continue
        config = load_json(Path(layout.tf["log-archive"]) / "main.tf.json")
        judged.append((f"{layout.name} log-archive part", layout.spec_path, "log-archive", config))
    for name, spec_path, part, config in judged:
        table = config["resource"]["aws_glue_catalog_table"]["trail"]
        query = _query(ctx, spec_path, part)
        _judge(ctx, python, name, table, query, documented)
    if not judged:
        return
    # Broken variants: the checks must see a cut query and an unknown column.
    name, spec_path, part, config = judged[0]
    table = config["resource"]["aws_glue_catalog_table"]["trail"]
    query = _query(ctx, spec_path, part)
    cut = query.split("WHERE")[0] + "WHERE log_date ="
    v = _sqlglot(python, {"query": cut, "query_dialects": ["trino"], "ddl": "", "ddl_dialects": []})
    ctx.report.check("sqlglot rejects broken variant: a first query cut after `WHERE log_date =`",
                     not v["query"]["trino"]["ok"], str(v["query"]["trino"]))
    wrong = query.replace("useridentity.arn", "useridentity.role_arn").replace("errorcode", "error_code")
    v = _sqlglot(python, {"query": wrong, "query_dialects": ["trino"], "ddl": "", "ddl_dialects": []})
    bad = _unknown_columns(v["query"]["trino"].get("columns", []), table)
    ctx.report.check("column check rejects broken variant: useridentity.role_arn and error_code",
                     sorted(bad) == ["error_code", "useridentity.role_arn"], str(bad))

