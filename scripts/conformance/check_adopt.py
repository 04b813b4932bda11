"""Adoption checks: `trailsmith import` and `trailsmith drift` against a trail deployed on moto.

Called by check_moto._do_case once a case's Terraform output is applied, read back and planned
again with no changes (README, "Adopting existing trails"). It proves two things.

Round trip (every case applied on moto):
1. The deployed trail is exported as the AWS CLI prints it: boto3 calls what
   scripts/export-trail.sh calls (the same commands, the same file names, the same "there is
   none" errors meaning no file), each response written as the CLI's JSON (no ResponseMetadata,
   timestamps as ISO 8601 strings).
2. `trailsmith import` of those files exits 0 and `trailsmith validate` accepts the spec it wrote.
3. The imported spec's Terraform output means what the original's means. Both outputs are read
   here, independently of trailsmith's Rust code, into facts: the trail's flags, bucket and
   prefix, key, topic, log group and retention, event selectors as what they record (basic and
   advanced selectors canonicalized to sets of (field, operator, values) per selector, basic ones
   converted as CloudTrail does), Insights types, and alarms (the metric filter's pattern, the
   alarm's statistic, period, threshold and comparison). Terraform references are resolved
   against the configuration itself; what the original leaves to the deployment (a key it
   creates, a generated bucket name) is resolved to what moto reads back.
4. `trailsmith drift ORIGINAL_SPEC FILES --format json` exits 0 and reports nothing.

On DRIFT_CASE, scripts/export-trail.sh itself is also run with the pinned AWS CLI against the
deployment: it must write the same files, `import` of them the same spec, and drift of the
original spec against them nothing.

Drift catches (one case with all of them, DRIFT_CASE): after the round trip, the deployment is
changed with boto3 one way after another (logging stopped, validation off, selectors recording
less, Insights removed, public access block loosened, a CIS alarm deleted); after each, the trail
is exported again and drift must exit 1 with exactly the codes of the changes so far, each located
at a spec line.

Broken variants prove the comparison of step 3 is looking: the imported output with log file
validation flipped, and with one event selector recording less, must each be told apart from the
original.

Where moto answers differently from AWS, the export keeps the AWS CLI's documented shape; each
such place says why (_moto_* functions), and none hides a difference the checks exist to find.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from harness import run, short

# The case whose deployment is changed to prove drift catches each change: multi-region, log file
# validation, Insights, CIS alarms, a bucket with a public access block, management selectors.
DRIFT_CASE = "cis"
# The cases whose imported output is also compared in broken form (one is enough; two in case a
# subset run leaves one out).
BROKEN_CASES = ("cis", "minimal")


# --------------------------------------------------------------------------------------------
# Export: what scripts/export-trail.sh writes, from boto3
# --------------------------------------------------------------------------------------------


def _error_code(exc):
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "")


def _cli_json(resp):
    """A boto3 response as the AWS CLI prints it: no ResponseMetadata, timestamps in ISO 8601."""
    body = {k: v for k, v in resp.items() if k != "ResponseMetadata"}
    return json.loads(json.dumps(body, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


def _paged(client, op, **kwargs):
    """All pages of a listing merged, as the AWS CLI prints them (it follows NextToken itself)."""
    if client.can_paginate(op):
        return client.get_paginator(op).paginate(**kwargs).build_full_result()
    return getattr(client, op)(**kwargs)


def _moto_trail_list(trails, name):
    """moto 5.2.5 ignores DescribeTrails' trailNameList (see check_moto's docstring); CloudTrail
    answers with the named trail only ("DescribeTrails", AWS CloudTrail API Reference)."""
    return [t for t in trails if t.get("Name") == name or t.get("TrailARN") == name]


def _moto_event_selectors(body):
    """GetEventSelectors answers with EventSelectors or AdvancedEventSelectors, whichever the trail
    uses ("GetEventSelectors", AWS CloudTrail API Reference); moto may add the other as an empty
    list, which the CLI never prints. Only an empty list is dropped, so nothing recorded is lost."""
    for k in ("EventSelectors", "AdvancedEventSelectors"):
        if k in body and not body[k] and any(body.get(o) for o in ("EventSelectors", "AdvancedEventSelectors") if o != k):
            del body[k]
    return body


def _moto_no_insights(body):
    """GetInsightSelectors on a trail without Insights fails with InsightNotEnabledException
    ("GetInsightSelectors", AWS CloudTrail API Reference); moto 5.2.5 answers instead with the
    trail's ARN alone, no InsightSelectors. That answer is what the script writes for the
    exception: an empty list. A list moto does give is kept as it is."""
    if "InsightSelectors" not in body:
        return {"TrailARN": body.get("TrailARN"), "InsightSelectors": []}
    return body


def _moto_insights_off(body):
    """PutInsightSelectors with an empty list turns Insights off ("PutInsightSelectors", AWS
    CloudTrail API Reference: "You also use PutInsightSelectors to turn off Insights event logging,
    by passing an empty list"), after which GetInsightSelectors fails with
    InsightNotEnabledException and the script writes an empty list. moto 5.2.5 appends the given
    selectors to the trail's instead (moto/cloudtrail/models.py, Trail.put_insight_selectors), so
    it keeps answering with the old ones; once the drift catches have turned Insights off, the
    file is written as AWS would have it. It is used for nothing else."""
    return {"TrailARN": body.get("TrailARN"), "InsightSelectors": []}


def export(c, trail_name, out, insights_off=False):
    """Writes to `out` the files scripts/export-trail.sh writes for `trail_name`; returns
    (file names written, notes on what was not written and why). `insights_off`: Insights were
    turned off with PutInsightSelectors (see _moto_insights_off)."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written, notes = [], []

    def save(name, body):
        (out / name).write_text(json.dumps(body, indent=4) + "\n")
        written.append(name)

    def absent(name, code, call):
        try:
            save(name, _cli_json(call()))
        except Exception as exc:  # noqa: BLE001 - only the named "none" error is expected
            if _error_code(exc) != code:
                raise
            notes.append(f"no {name}: {code}")

    ct, s3 = c["ct"], c["s3"]
    trails = _cli_json(ct.describe_trails(trailNameList=[trail_name]))
    trails["trailList"] = _moto_trail_list(trails.get("trailList") or [], trail_name)
    save("describe-trails.json", trails)
    if not trails["trailList"]:
        return written, notes + [f"no trail named {trail_name}"]
    t = trails["trailList"][0]
    arn, bucket = t["TrailARN"], t.get("S3BucketName")
    key, topic, group_arn = t.get("KmsKeyId"), t.get("SnsTopicARN"), t.get("CloudWatchLogsLogGroupArn")

    save("get-trail-status.json", _cli_json(ct.get_trail_status(Name=arn)))
    save("get-event-selectors.json", _moto_event_selectors(_cli_json(ct.get_event_selectors(TrailName=arn))))
    try:
        insights = _moto_no_insights(_cli_json(ct.get_insight_selectors(TrailName=arn)))
        if insights_off and insights.get("InsightSelectors"):
            insights = _moto_insights_off(insights)
            notes.append("Insights written as off: moto's PutInsightSelectors appends")
        save("get-insight-selectors.json", insights)
    except Exception as exc:  # noqa: BLE001
        if _error_code(exc) != "InsightNotEnabledException":
            raise
        # As the script does: this error means "no Insights" ("GetInsightSelectors").
        save("get-insight-selectors.json", {"TrailARN": arn, "InsightSelectors": []})

    save("bucket-versioning.json", _cli_json(s3.get_bucket_versioning(Bucket=bucket)))
    absent("bucket-encryption.json", "ServerSideEncryptionConfigurationNotFoundError",
           lambda: s3.get_bucket_encryption(Bucket=bucket))
    absent("public-access-block.json", "NoSuchPublicAccessBlockConfiguration",
           lambda: s3.get_public_access_block(Bucket=bucket))
    absent("bucket-lifecycle.json", "NoSuchLifecycleConfiguration",
           lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    save("bucket-logging.json", _cli_json(s3.get_bucket_logging(Bucket=bucket)))

    if key:
        try:
            save("describe-key.json", _cli_json(c["kms"].describe_key(KeyId=key)))
        except Exception as exc:  # noqa: BLE001
            # A key the spec names by ARN is not made in moto (check_moto._prepare_existing); on
            # AWS it exists. Without the file, drift reports the key's details as not compared.
            if _error_code(exc) != "NotFoundException":
                raise
            notes.append(f"no describe-key.json: moto holds no key {key}")
    if topic:
        save("topic-attributes.json", _cli_json(c["sns"].get_topic_attributes(TopicArn=topic)))
    if group_arn:
        group = group_arn.split(":log-group:", 1)[1].removesuffix(":*")
        save("describe-log-groups.json", _cli_json(_paged(c["logs"], "describe_log_groups", logGroupNamePrefix=group)))
        save("describe-metric-filters.json",
             _cli_json(_paged(c["logs"], "describe_metric_filters", logGroupName=group)))
        save("describe-alarms.json", _cli_json(_paged(c["cw"], "describe_alarms", AlarmTypes=["MetricAlarm"])))
    return written, notes


# --------------------------------------------------------------------------------------------
# The meaning of a Terraform output, read independently of trailsmith
# --------------------------------------------------------------------------------------------


class Unresolved(Exception):
    pass


def _resolver(config, dep):
    """value(v): `v` with every `${...}` reference replaced by its value. References to the
    configuration's own literal attributes resolve from it; what AWS makes (a created key's ARN, a
    generated bucket name, a role's ARN) resolves to what was read back (`dep`)."""
    res = config.get("resource") or {}
    region, account, partition = dep["region"], dep["account"], "aws"

    def attr(ref):
        parts = ref.split(".")
        if parts[0] == "var" and len(parts) == 2:
            # The apply passed no -var: Terraform takes the variable's default ("Input Variables").
            default = ((config.get("variable") or {}).get(parts[1]) or {}).get("default")
            if default is None:
                raise Unresolved(ref)
            return value(default)
        if parts[0] == "data" and len(parts) >= 4:
            typ = parts[1]
            if typ == "aws_partition":
                return partition
            if typ == "aws_region":
                return region
            if typ == "aws_caller_identity" and parts[3] == "account_id":
                return account
            raise Unresolved(ref)
        if len(parts) != 3:
            raise Unresolved(ref)
        typ, name, at = parts
        body = (res.get(typ) or {}).get(name)
        if body is None:
            raise Unresolved(ref)
        if typ == "aws_s3_bucket":
            bucket = value(body["bucket"]) if "bucket" in body else dep["bucket"]
            if at in ("id", "bucket"):
                return bucket
            if at == "arn":
                return f"arn:{partition}:s3:::{bucket}"
        if typ == "aws_sns_topic":
            if at == "name":
                return value(body["name"])
            if at in ("arn", "id"):
                return f"arn:{partition}:sns:{region}:{account}:{value(body['name'])}"
        if typ == "aws_cloudwatch_log_group":
            if at in ("name", "id"):
                return value(body["name"])
            if at == "arn":
                return f"arn:{partition}:logs:{region}:{account}:log-group:{value(body['name'])}"
        if typ == "aws_kms_key" and at == "arn":
            return dep["key_arn"]
        if typ == "aws_iam_role" and at == "arn":
            return dep["role_arn"]
        raise Unresolved(ref)

    def template(text, i=0, close=None):
        """A Terraform template string from `i` up to `close` (a quote inside an expression, or
        the end): (value, index after it). `$${` is a literal `${`."""
        out = []
        while i < len(text):
            if close and text[i] == close:
                return "".join(out), i + 1
            if close and text[i] == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
            elif text.startswith("$${", i) or text.startswith("%%{", i):
                out.append(text[i + 1:i + 3])
                i += 3
            elif text.startswith("${", i):
                v, i = expression(text, i + 2)
                out.append(v)
            else:
                out.append(text[i])
                i += 1
        if close:
            raise Unresolved(f"unterminated string in {text!r}")
        return "".join(out), i

    def expression(text, i):
        """`ref}` or `trimprefix("...", "...")}` from `i`: (value, index after the `}`)."""
        m = re.compile(r"\s*trimprefix\(\s*").match(text, i)
        if m:
            args, i = [], m.end()
            while True:
                if text[i] != '"':
                    raise Unresolved(f"trimprefix argument at {text[i:i + 20]!r}")
                v, i = template(text, i + 1, '"')
                args.append(v)
                i = re.compile(r"\s*").match(text, i).end()
                if text[i] == ",":
                    i = re.compile(r"\s*").match(text, i + 1).end()
                    continue
                if text[i] != ")" or len(args) != 2:
                    raise Unresolved(f"trimprefix call in {text!r}")
                i = re.compile(r"\s*").match(text, i + 1).end()
                break
            value_ = args[0][len(args[1]):] if args[0].startswith(args[1]) else args[0]
        else:
            m = re.compile(r"\s*([A-Za-z0-9_.\-]+)\s*").match(text, i)
            if not m:
                raise Unresolved(f"expression at {text[i:i + 40]!r}")
            value_, i = str(attr(m.group(1))), m.end()
        if i >= len(text) or text[i] != "}":
            raise Unresolved(f"expression in {text!r}")
        return value_, i + 1

    def value(v):
        if isinstance(v, str):
            return template(v)[0]
        if isinstance(v, list):
            return [value(x) for x in v]
        if isinstance(v, dict):
            # `lifecycle` (prevent_destroy, a module's preconditions) is Terraform's own, not an
            # argument AWS receives.
            return {k: value(x) for k, x in v.items() if k != "lifecycle"}
        return v

    return value


def _fs(field, op, values):
    return (field, op, frozenset(values))


def _canon_basic(sel):
    """A basic selector as the advanced selectors CloudTrail converts it to ("Converting basic
    event selectors to advanced event selectors", CloudTrail User Guide): management events as
    eventCategory = Management (plus readOnly and eventSource != for the excluded sources), each
    data resource as eventCategory = Data and its resources.type, with resources.ARN only when the
    values name resources: S3 object values are prefixes (StartsWith), the others name a resource
    exactly ("DataResource", AWS CloudTrail API Reference: "Lambda function ARNs are exact
    matches"); `arn:aws:s3`, `arn:aws:s3:::`, `arn:aws:lambda` and the like mean every resource."""
    rw = sel.get("read_write_type", "All")
    read_only = {"ReadOnly": ["true"], "WriteOnly": ["false"]}.get(rw)
    out = []
    if sel.get("include_management_events", True):
        s = {_fs("eventCategory", "Equals", ["Management"])}
        if read_only:
            s.add(_fs("readOnly", "Equals", read_only))
        if sel.get("exclude_management_event_sources"):
            s.add(_fs("eventSource", "NotEquals", sel["exclude_management_event_sources"]))
        out.append(frozenset(s))
    for dr in sel.get("data_resource") or []:
        s = {_fs("eventCategory", "Equals", ["Data"]), _fs("resources.type", "Equals", [dr["type"]])}
        if read_only:
            s.add(_fs("readOnly", "Equals", read_only))
        values = dr.get("values") or []
        every = any(re.fullmatch(r"arn:[^:]+:[a-z0-9-]+(:::)?", v) for v in values)
        if not every:
            op = "StartsWith" if dr["type"] == "AWS::S3::Object" else "Equals"
            s.add(_fs("resources.ARN", op, values))
        out.append(frozenset(s))
    return out


_OPS = {"equals": "Equals", "not_equals": "NotEquals", "starts_with": "StartsWith",
        "not_starts_with": "NotStartsWith", "ends_with": "EndsWith", "not_ends_with": "NotEndsWith"}


def _canon_advanced(sel):
    return frozenset(_fs(f["field"], api, f[key]) for f in sel.get("field_selector") or []
                     for key, api in _OPS.items() if f.get(key))


def recording(trail):
    """What a aws_cloudtrail resource records, as a set of canonical selectors. With neither
    block, CloudTrail logs all read and write management events ("PutEventSelectors")."""
    if trail.get("advanced_event_selector"):
        return frozenset(_canon_advanced(a) for a in trail["advanced_event_selector"])
    basic = trail.get("event_selector") or [{"read_write_type": "All", "include_management_events": True}]
    return frozenset(c for b in basic for c in _canon_basic(b))


def _squash(pattern):
    return " ".join(str(pattern).split())


def facts(config, dep):
    """The meaning of one Terraform output, as comparable values (see the module docstring)."""
    value = _resolver(config, dep)
    res = config.get("resource") or {}
    trails = list((res.get("aws_cloudtrail") or {}).values())
    if len(trails) != 1:
        raise Unresolved(f"{len(trails)} aws_cloudtrail resources")
    t = value(trails[0])
    # The provider's defaults ("aws_cloudtrail", Terraform AWS provider).
    out = {
        "multi-region": bool(t.get("is_multi_region_trail", False)),
        "global service events": bool(t.get("include_global_service_events", True)),
        "log file validation": bool(t.get("enable_log_file_validation", False)),
        "logging": bool(t.get("enable_logging", True)),
        "organization": bool(t.get("is_organization_trail", False)),
        "bucket": t.get("s3_bucket_name"),
        "prefix": t.get("s3_key_prefix") or "",
        "key": t.get("kms_key_id"),
        "topic": (t.get("sns_topic_name") or "").rsplit(":", 1)[-1] or None,
    }
    group_arn = t.get("cloud_watch_logs_group_arn")
    group = group_arn.split(":log-group:", 1)[1].removesuffix(":*") if group_arn else None
    out["log group"] = group
    groups = [value(g) for g in (res.get("aws_cloudwatch_log_group") or {}).values()]
    managed = [g for g in groups if g.get("name") == group]
    if group is None:
        out["log retention"] = None
    elif managed:
        out["log retention"] = managed[0].get("retention_in_days") or None  # 0: never expire
    else:  # a log group the output does not make: its retention is the deployed one
        out["log retention"] = dep.get("retention", {}).get(group)
    out["event selectors"] = recording(t)
    out["insights"] = frozenset(i["insight_type"] for i in t.get("insight_selector") or [])
    filters = {}
    for f in (res.get("aws_cloudwatch_log_metric_filter") or {}).values():
        f = value(f)
        m = f.get("metric_transformation") or {}
        m = m[0] if isinstance(m, list) else m
        filters[(m.get("namespace"), m.get("name"))] = (f.get("log_group_name"), _squash(f.get("pattern")))
    alarms = []
    for a in (res.get("aws_cloudwatch_metric_alarm") or {}).values():
        a = value(a)
        group_and_pattern = filters.get((a.get("namespace"), a.get("metric_name")))
        alarms.append((group_and_pattern, a.get("statistic"), int(a.get("period", 0)),
                       int(a.get("evaluation_periods", 0)), float(a.get("threshold", 0)),
                       a.get("comparison_operator")))
    out["alarms"] = sorted(alarms, key=repr)
    out["filters without alarm"] = sorted(v for k, v in filters.items()
                                          if not any((x.get("namespace"), x.get("metric_name")) == k
                                                     for x in (res.get("aws_cloudwatch_metric_alarm") or {}).values()))
    return out


def _show(v):
    if isinstance(v, frozenset):
        return sorted((sorted(x, key=repr) if isinstance(x, frozenset) else x for x in v), key=repr)
    return v


def differences(original, imported):
    """The facts that differ, in words; empty when the two outputs mean the same."""
    out = []
    for k in original:
        if original[k] != imported.get(k):
            a, b = original[k], imported.get(k)
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                out.append(f"{k}: only the original {_show(a - b)}; only the imported {_show(b - a)}")
            elif isinstance(a, list) and isinstance(b, list):
                out.append(f"{k}: only the original {[x for x in a if x not in b]}; "
                           f"only the imported {[x for x in b if x not in a]}")
            else:
                out.append(f"{k}: original {a!r}, imported {b!r}")
    return out


def _deployment(c, exported):
    """What the original output leaves to the deployment, read back from moto."""
    trail = (exported.get("describe-trails.json") or {}).get("trailList", [{}])[0]
    keys = [c["kms"].describe_key(KeyId=k["KeyId"])["KeyMetadata"]["Arn"] for k in c["kms"].list_keys()["Keys"]]
    groups = (exported.get("describe-log-groups.json") or {}).get("logGroups") or []
    arn = trail.get("TrailARN", "")
    parts = arn.split(":")
    return {
        "region": trail.get("HomeRegion") or (parts[3] if len(parts) > 3 else ""),
        "account": parts[4] if len(parts) > 4 else "",
        "bucket": trail.get("S3BucketName"),
        # moto was reset before the apply: a single key is the one the output made. With none (a
        # key given by ARN, not made in moto) the trail's own KmsKeyId is all there is.
        "key_arn": keys[0] if len(keys) == 1 else trail.get("KmsKeyId"),
        "role_arn": trail.get("CloudWatchLogsRoleArn"),
        "retention": {g["logGroupName"]: g.get("retentionInDays") for g in groups},
    }


# --------------------------------------------------------------------------------------------
# trailsmith
# --------------------------------------------------------------------------------------------


def _drift(trailsmith, spec, folder):
    """(exit code, findings, error) of `trailsmith drift SPEC FILES --format json`."""
    files = sorted(str(p) for p in Path(folder).glob("*.json"))
    code, out, err = run([trailsmith, "drift", spec, *files, "--format", "json"], timeout=60)
    try:
        doc = json.loads(out)
        found = [d for f in doc.get("files") or [] for d in f.get("diagnostics") or []]
    except json.JSONDecodeError:
        return code, None, f"exit {code}, no JSON on stdout: {short(out)} {short(err)}"
    return code, found, err


def _findings(found):
    return "; ".join(f"{d.get('code')} at line {d.get('line')}: {d.get('message')}" for d in found or []) or "none"


def round_trip(r, c, case, workdir, trailsmith):
    """Steps 1-4 of the module docstring for one applied case. Returns the export folder (for
    the drift catches), or None when the round trip could not be made."""
    n = f"moto {case.name}:"
    e = case.expect
    folder = Path(workdir) / "exported"
    written, notes = export(c, e.trail_name, folder)
    exported = {name: json.loads((folder / name).read_text()) for name in written}
    said = f" ({'; '.join(notes)})" if notes else ""
    if not r.check(f"{n} export as scripts/export-trail.sh writes it ({len(written)} files){said}",
                   "describe-trails.json" in written and exported["describe-trails.json"]["trailList"],
                   f"wrote {written}; {notes}"):
        return None

    imported = Path(workdir) / "imported.yaml"
    files = sorted(str(folder / w) for w in written)
    # No file of a trail names its organization (README): an organization trail's id is given.
    org = ["--organization-id", e.org_id] if e.org_id else []
    code, _, err = run([trailsmith, "import", *files, "-o", imported, *org], timeout=60)
    import_notes = [line for line in err.splitlines() if line.startswith("note: ")]
    key_id = (exported["describe-trails.json"]["trailList"][0].get("KmsKeyId") or "").rsplit("/", 1)[-1]
    if re.fullmatch(r"mrk-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", key_id):
        # moto 5.2 names a multi-Region key mrk- and a UUID; AWS names it mrk- and 32 hex digits
        # ("Multi-Region key IDs", AWS KMS Developer Guide), the only form trailsmith accepts. The
        # round trip cannot go on; import must refuse the key ARN, and say why.
        r.check(f"{n} trailsmith import refuses moto's multi-Region key id {key_id} (not AWS's mrk- + 32 hex form)",
                code == 1 and "kms-key-arn" in err and "mrk-" in err, f"exit {code}: {short(err, 600)}")
        return None
    if not r.check(f"{n} trailsmith import of the export exits 0", code == 0 and imported.exists(),
                   f"exit {code}: {short(err, 600)}"):
        return None
    code, _, err = run([trailsmith, "validate", imported], timeout=60)
    r.check(f"{n} trailsmith validate accepts the imported spec", code == 0, f"exit {code}: {short(err, 600)}")

    out = Path(workdir) / "imported-tf" / "main.tf.json"
    code, _, err = run([trailsmith, "synth", imported, "--target", "terraform", "-o", out], timeout=60)
    if r.check(f"{n} trailsmith synth --target terraform of the imported spec", code == 0,
               f"exit {code}: {short(err, 600)}"):
        original_cfg = json.loads((Path(case.tf_dir) / "main.tf.json").read_text())
        imported_cfg = json.loads(out.read_text())
        dep = _deployment(c, exported)

        a, b = facts(original_cfg, dep), facts(imported_cfg, dep)
        diff = differences(a, b)
        noted = [d for d in diff if _noted(d, import_notes)]
        said = f" (differing as import noted: {'; '.join(noted)})" if noted else ""
        r.check(f"{n} import round trip: the imported spec's terraform output means the original's "
                f"(trail flags, bucket, prefix, key, topic, log group, retention, selectors, Insights, alarms){said}",
                len(noted) == len(diff), " | ".join(d for d in diff if d not in noted))
        if case.name in BROKEN_CASES:
            _broken(r, n, original_cfg, imported_cfg, dep)

    code, found, err = _drift(trailsmith, case.spec_path, folder)
    r.check(f"{n} drift of the original spec reports nothing", code == 0 and found == [],
            f"exit {code}; findings: {_findings(found)} {short(err, 300) if found is None or code not in (0, 1) else ''}")
    return folder


# Differences the spec language cannot avoid, accepted only when `import` said so in a note
# (README: what the spec cannot say "is a comment in the spec and a note, never dropped
# silently"): fact -> the note that must be among import's. None today: the last one, a log
# group that never expires events (which a spec the original names by ARN leaves as it is, and
# the imported spec creates by name), is `retention_days: never` since the spec can say it.
NOTED = {}


def _noted(difference, notes):
    key = difference.split(":", 1)[0]
    return key in NOTED and any(NOTED[key].search(x) for x in notes)


def _broken(r, n, original_cfg, imported_cfg, dep):
    """The imported output changed in one way each must differ from the original."""
    want = facts(original_cfg, dep)

    def flip_validation(cfg):
        t = next(iter(cfg["resource"]["aws_cloudtrail"].values()))
        t["enable_log_file_validation"] = not t.get("enable_log_file_validation", False)
        return "log file validation"

    def record_less(cfg):
        t = next(iter(cfg["resource"]["aws_cloudtrail"].values()))
        if t.get("advanced_event_selector"):
            # One selector narrowed to writes only: a subset of what it recorded.
            sel = t["advanced_event_selector"][0]
            was = [f.get("equals") for f in sel["field_selector"] if f["field"] == "readOnly"]
            fields = [f for f in sel["field_selector"] if f["field"] != "readOnly"]
            narrower = ["true"] if was == [["false"]] else ["false"]
            sel["field_selector"] = fields + [{"field": "readOnly", "equals": narrower}]
        else:
            sels = t.setdefault("event_selector", [{"read_write_type": "All", "include_management_events": True}])
            sels[0]["read_write_type"] = "WriteOnly" if sels[0].get("read_write_type", "All") != "WriteOnly" else "ReadOnly"
        return "event selectors"

    for title, mutate in (("log file validation flipped", flip_validation),
                          ("one event selector recording less", record_less)):
        def rejected(mutate=mutate):
            cfg = json.loads(json.dumps(imported_cfg))
            key = mutate(cfg)
            diff = differences(want, facts(cfg, dep))
            return any(d.startswith(key + ":") for d in diff), f"differences found: {diff or 'none'}"
        r.run(f"{n} broken variant: the round-trip comparison rejects the imported output with {title}", rejected)


# --------------------------------------------------------------------------------------------
# Drift catches
# --------------------------------------------------------------------------------------------


def _mutations(c, case, trail_arn, bucket):
    """(code, what, change) in the order they are made; each change is a boto3 call."""
    ct, s3, cw = c["ct"], c["s3"], c["cw"]
    name = case.expect.trail_name

    def less_selectors():
        # Management events, writes only: a strict subset of the spec's read and write events.
        ct.put_event_selectors(TrailName=trail_arn, EventSelectors=[
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])

    def loosen_pab():
        cfg = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict(cfg, BlockPublicPolicy=False))

    def delete_alarm():
        alarms = cw.describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
        root = [a["AlarmName"] for a in alarms if a["MetricName"] == "RootAccountUsage"] or [alarms[0]["AlarmName"]]
        cw.delete_alarms(AlarmNames=root[:1])

    return [
        ("drift-logging", "logging stopped (StopLogging)", lambda: ct.stop_logging(Name=name)),
        ("drift-log-file-validation", "log file validation turned off (UpdateTrail)",
         lambda: ct.update_trail(Name=name, EnableLogFileValidation=False)),
        ("drift-event-selectors", "management events narrowed to writes only (PutEventSelectors)", less_selectors),
        ("drift-insights", "Insights removed (PutInsightSelectors with an empty list)",
         lambda: ct.put_insight_selectors(TrailName=name, InsightSelectors=[])),
        ("drift-public-access-block", "BlockPublicPolicy turned off (PutPublicAccessBlock)", loosen_pab),
        ("drift-alarm", "a CIS alarm deleted (DeleteAlarms)", delete_alarm),
    ]


def drift_catches(r, c, case, workdir, trailsmith, folder):
    """Each change of _mutations made in turn; after each, drift must name exactly the changes so
    far, at spec lines."""
    n = f"moto {case.name}:"
    trails = json.loads((Path(folder) / "describe-trails.json").read_text())["trailList"]
    trail_arn, bucket = trails[0]["TrailARN"], trails[0]["S3BucketName"]
    expected = set()
    for i, (code_, what, change) in enumerate(_mutations(c, case, trail_arn, bucket), 1):
        title = f"{n} drift catches {what}: exit 1, codes exactly {sorted(expected | {code_})}, each at a spec line"
        try:
            change()
        except Exception as exc:  # noqa: BLE001 - a change moto refuses judges nothing: fail, say so
            r.check(title, False, f"the change failed: {type(exc).__name__}: {exc}")
            return
        expected.add(code_)
        again = Path(workdir) / f"exported-drift-{i}"
        _, notes = export(c, case.expect.trail_name, again, insights_off="drift-insights" in expected)
        title += f" ({'; '.join(notes)})" if notes else ""
        code, found, err = _drift(trailsmith, case.spec_path, again)
        codes = {d.get("code") for d in found or []}
        unlocated = [d.get("code") for d in found or [] if not isinstance(d.get("line"), int) or d["line"] < 1]
        r.check(title, code == 1 and found is not None and codes == expected and not unlocated,
                f"exit {code}; codes {sorted(codes)}, want {sorted(expected)}; unlocated {unlocated}; "
                f"findings: {short(_findings(found), 900)}")


def _script_env(c, aws):
    """The environment of scripts/export-trail.sh run against this moto server: the pinned AWS CLI
    first on PATH, moto's endpoint (AWS_ENDPOINT_URL, "Service-specific endpoints" in the AWS
    SDKs and Tools Reference Guide), dummy keys, and nothing of the caller's AWS configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{Path(aws).parent}{os.pathsep}{env.get('PATH', '')}",
        AWS_ENDPOINT_URL=c["sts"].meta.endpoint_url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=c["sts"].meta.region_name,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def export_script(r, c, case, workdir, trailsmith, folder, aws):
    """scripts/export-trail.sh itself, run with the real AWS CLI against the deployment: it writes
    the files the boto3 export wrote, `import` of them writes the same spec, and drift of the
    original spec against them reports nothing. What users run is what is judged."""
    n = f"moto {case.name}:"
    if aws is None:
        r.skip(f"{n} scripts/export-trail.sh with the AWS CLI", "the pinned AWS CLI is absent from the cache")
        return
    script = Path(__file__).resolve().parents[1] / "export-trail.sh"
    out = Path(workdir) / "exported-by-script"
    p = subprocess.run(["bash", str(script), case.expect.trail_name, str(out)], env=_script_env(c, aws),
                       capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if not r.check(f"{n} scripts/export-trail.sh exits 0 with the AWS CLI against the deployment",
                   p.returncode == 0, f"exit {p.returncode}: {short(p.stderr, 900)}"):
        return
    by_script = sorted(f.name for f in out.glob("*.json"))
    by_boto3 = sorted(f.name for f in Path(folder).glob("*.json"))
    r.check(f"{n} scripts/export-trail.sh writes the files the boto3 export writes ({len(by_script)})",
            by_script == by_boto3, f"script: {by_script}; boto3: {by_boto3}")
    specs = []
    for files_of in (out, Path(folder)):
        files = sorted(str(f) for f in files_of.glob("*.json"))
        org = ["--organization-id", case.expect.org_id] if case.expect.org_id else []
        code, spec, err = run([trailsmith, "import", *files, *org], timeout=60)
        specs.append((code, spec, err))
    (code_a, spec_a, err_a), (code_b, spec_b, _) = specs
    r.check(f"{n} import of the script's files writes the spec import of the boto3 export writes",
            code_a == 0 and code_b == 0 and spec_a == spec_b,
            f"exits {code_a}, {code_b}; {short(err_a, 300)}; first differing line: "
            f"{next((f'{x!r} / {y!r}' for x, y in zip(spec_a.splitlines(), spec_b.splitlines()) if x != y), '-')}")
    code, found, err = _drift(trailsmith, case.spec_path, out)
    r.check(f"{n} drift of the original spec against the script's files reports nothing",
            code == 0 and found == [], f"exit {code}; findings: {_findings(found)} {short(err, 300)}")


def run_case(r, c, case, workdir, trailsmith, aws=None):
    """Entry point from check_moto._do_case, after apply, read-back and second plan. `aws`: the
    pinned AWS CLI, for running scripts/export-trail.sh on DRIFT_CASE."""
    try:
        folder = round_trip(r, c, case, workdir, trailsmith)
        if folder is not None and case.name == DRIFT_CASE:
            export_script(r, c, case, workdir, trailsmith, folder, aws)
            drift_catches(r, c, case, workdir, trailsmith, folder)
    except Exception as exc:  # noqa: BLE001 - recorded as a failure of this case's adoption checks
        r.check(f"moto {case.name}: import and drift checks ran to the end", False, f"{type(exc).__name__}: {exc}")
