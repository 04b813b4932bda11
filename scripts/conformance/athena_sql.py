"""Runs inside the sqlglot venv (conformance.sh makes it): parses SQL with sqlglot and prints what it
found as JSON, so the harness (another venv) never imports sqlglot.

stdin: {"query": TEXT, "query_dialects": [...], "ddl": TEXT, "ddl_dialects": [...]}
stdout: {"query": {DIALECT: {"ok": bool, "error": str, "columns": [[root, field...], ...]}},
         "ddl": {DIALECT: {"ok": bool, "error": str, "columns": [[name, type], ...]}}}
"""
import json
import sys

import sqlglot
from sqlglot import exp


def query_columns(tree):
    """Each column reference as its path: `useridentity.arn` is ["useridentity", "arn"]."""
    out = []
    for col in tree.find_all(exp.Column):
        parts = [p.name for p in col.parts]
        out.append(parts)
    return out


def parse(text, dialect, kind):
    try:
        trees = sqlglot.parse(text, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
    except Exception as e:  # noqa: BLE001 - every parse error is the finding
        return {"ok": False, "error": f"{type(e).__name__}: {e}"[:800]}
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        return {"ok": False, "error": f"{len(trees)} statements"}
    tree = trees[0]
    if kind == "query":
        if not isinstance(tree, exp.Select):
            return {"ok": False, "error": f"not a SELECT but {type(tree).__name__}"}
        return {"ok": True, "columns": query_columns(tree)}
    if not isinstance(tree, exp.Create):
        return {"ok": False, "error": f"not a CREATE but {type(tree).__name__}"}
    # Top-level columns and partition keys only: a struct's fields are ColumnDefs inside a type.
    defs = [c for c in tree.find_all(exp.ColumnDef) if isinstance(c.parent, exp.Schema)]
    cols = [[c.name, c.args["kind"].sql(dialect="hive")] for c in defs]
    return {"ok": True, "columns": cols}


def main():
    job = json.load(sys.stdin)
    out = {"version": sqlglot.__version__, "query": {}, "ddl": {}}
    for d in job.get("query_dialects", []):
        out["query"][d] = parse(job["query"], d, "query")
    for d in job.get("ddl_dialects", []):
        out["ddl"][d] = parse(job["ddl"], d, "ddl")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
