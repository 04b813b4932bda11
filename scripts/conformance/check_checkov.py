"""checkov on both targets: the CloudTrail, S3, KMS, SNS and Logs checks we promise, one by one.

A green exit code proves little (checkov also flags choices we make on purpose, and reports 0 checks
with exit 0 when its parser crashes), so each asserted check id is compared with what the spec
asked for: it must pass for secure choices, fail exactly where the spec chose otherwise, and be
absent where the resource is not created. Checks deliberately not asserted, with the reason:
- CKV_AWS_109/111/356 on the Terraform key policy: checkov reads a KMS key policy as an identity
  policy; `Resource: "*"` in a key policy means "this key" ("Key policies in AWS KMS").
- CKV_AWS_144 (cross-region replication) and CKV2_AWS_62 (event notifications): a second bucket
  and a notification target are deployment choices a trail spec does not make.
- CKV_AWS_143 (Object Lock): checkov 3.3 has it for Terraform only, and reads the legacy
  `object_lock_configuration` block of `aws_s3_bucket`, not `object_lock_enabled` with an
  `aws_s3_bucket_object_lock_configuration`; on `bucket.object_lock` it reports nothing either way
  (tried on tests/cases/bucket-hardening). No checkov 3.3 check looks at S3 Bucket Keys or
  multi-Region keys; moto reads those back (check_moto).

Each part of an organization layout is scanned as a template or module of its own, against the
same expectations cut to what the part holds (README, "Organization layout"; expected_part): the
log archive part holds the bucket and, with `key: log_archive`, the key of the log files, so the
CloudTrail, SNS and Logs checks must be absent there; the management part holds the trail, the
topics, the log group and a key (the log files' key with `key: management`, else its own key for
the log group and topics), so the S3 checks must be absent there. The trail's key is an input of
the management part (Terraform variable, CloudFormation parameter), which checkov counts as set.
"""
import copy
import json
from pathlib import Path

import harness
from harness import load_json, short, write_json

ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_PARSE_ERROR_FAIL": "true", "LOG_LEVEL": "ERROR"}
BOTH, TF = ("cloudformation", "terraform_json"), ("terraform_json",)


def expected(e):
    """{check id: (frameworks, True pass | False fail | None absent)} for one spec's expectations;
    an outcome that differs by framework is a {framework: outcome} dict."""
    bucket = not e.bucket_existing
    key, topic, group = e.kms == "new", e.sns == "new", e.logs == "new"

    def when(created, outcome):
        return outcome if created else None

    return {
        # CloudTrail
        "CKV_AWS_35": (BOTH, e.kms != "none"),
        "CKV_AWS_36": (BOTH, e.validation),
        "CKV_AWS_67": (BOTH, e.multi_region),
        "CKV_AWS_252": (TF, e.sns != "none"),
        # checkov follows the trail to an aws_cloudwatch_log_group; an existing group is an ARN it
        # cannot follow, so it fails there although the trail does deliver.
        "CKV2_AWS_10": (TF, e.logs == "new"),
        # S3
        "CKV_AWS_18": (BOTH, when(bucket, e.access_logging)),
        "CKV_AWS_19": (BOTH, when(bucket, True)),
        "CKV_AWS_21": (BOTH, when(bucket, e.versioning)),
        "CKV_AWS_53": (BOTH, when(bucket, True)),
        "CKV_AWS_54": (BOTH, when(bucket, True)),
        "CKV_AWS_55": (BOTH, when(bucket, True)),
        "CKV_AWS_56": (BOTH, when(bucket, True)),
        "CKV_AWS_145": (TF, when(bucket, e.kms != "none")),
        "CKV_AWS_300": (TF, when(bucket, True)),
        # KMS
        "CKV_AWS_7": (BOTH, when(key, True)),
        "CKV_AWS_33": (BOTH, when(key, True)),
        # SNS: the delivery topic is encrypted with a new key; an alerts topic as its spec says.
        "CKV_AWS_26": (BOTH, when(topic or e.alerts_topic == "new", (not topic or key) and
                                  (e.alerts_topic != "new" or e.alerts_encrypted))),
        # CloudWatch Logs
        # CKV_AWS_66 asks for a retention property: `never` leaves RetentionInDays out of the
        # template (fails there, as chosen) and writes retention_in_days = 0 (passes).
        "CKV_AWS_66": (BOTH, when(group, {"cloudformation": e.retention is not None,
                                          "terraform_json": True})),
        "CKV_AWS_158": (BOTH, when(group, key)),
        # CKV_AWS_338 counts 0 (never expire) as at least a year.
        "CKV_AWS_338": (TF, when(group, e.retention is None or e.retention >= 365)),
    }


# The checks above by what they are about, for cutting them to a layout part.
TRAIL_CHECKS = {"CKV_AWS_35", "CKV_AWS_36", "CKV_AWS_67", "CKV_AWS_252", "CKV2_AWS_10"}
BUCKET_CHECKS = {"CKV_AWS_18", "CKV_AWS_19", "CKV_AWS_21", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56",
                 "CKV_AWS_145", "CKV_AWS_300"}
KEY_CHECKS = {"CKV_AWS_7", "CKV_AWS_33"}
TOPIC_AND_LOGS_CHECKS = {"CKV_AWS_26", "CKV_AWS_66", "CKV_AWS_158", "CKV_AWS_338"}


def expected_part(e, accounts, part):
    """expected(e) for one part of an organization layout: a check on a resource the part does not
    hold must be absent, and the others keep the whole spec's outcome (a key in the management
    part exists whenever the spec asks for a new key: the log files' key or the monitoring key)."""
    if part == "log-archive":
        holds = BUCKET_CHECKS | (KEY_CHECKS if accounts.key == "log_archive" else set())
    else:
        holds = TRAIL_CHECKS | TOPIC_AND_LOGS_CHECKS | KEY_CHECKS
    return {check: (frameworks, result if check in holds else None)
            for check, (frameworks, result) in expected(e).items()}


def scan_all(ctx, framework, target):
    """{file path relative to `target`: {check id: 'pass' | 'fail'}} from one checkov run over a
    directory, or a string describing why the run failed. One process for every case: checkov
    spends seconds starting, and still builds one graph per Terraform module directory."""
    where = ["-d", target] if Path(target).is_dir() else ["-f", target]
    code, out, err = harness.run(
        [ctx.tools["checkov"], "--skip-download", "--compact", "--framework", framework, "-o", "json", *where],
        env=ENV,
        timeout=900,
    )
    try:
        reports = json.loads(out)
    except ValueError:
        return f"exit {code}, no JSON report: " + short(out + err)
    if isinstance(reports, dict):
        reports = [reports]
    outcome = {}
    for r in reports:
        if not isinstance(r, dict) or "results" not in r:
            return "no results (checkov found nothing to scan): " + short(out)
        if r.get("summary", {}).get("parsing_errors"):
            return "parse errors: " + short(r["results"].get("parsing_errors"))
        for c in r["results"].get("passed_checks", []):
            outcome.setdefault(c["file_path"], {}).setdefault(c["check_id"], "pass")
        for c in r["results"].get("failed_checks", []):
            outcome.setdefault(c["file_path"], {})[c["check_id"]] = "fail"
    return outcome


def scan(ctx, framework, target):
    """{check id: outcome} for one file or module directory."""
    outcome = scan_all(ctx, framework, target)
    if isinstance(outcome, str):
        return outcome
    merged = {}
    for checks in outcome.values():
        for check, result in checks.items():
            if merged.get(check) != "fail":
                merged[check] = result
    return merged


def compare(ctx, label, outcome, want, framework):
    if isinstance(outcome, str):
        ctx.report.check(label, False, outcome)
        return
    wrong = []
    for check, (frameworks, result) in sorted(want.items()):
        if framework not in frameworks:
            continue
        if isinstance(result, dict):
            result = result[framework]
        should = {True: "pass", False: "fail", None: "absent"}[result]
        got = outcome.get(check, "absent")
        if got != should:
            wrong.append(f"{check} {got}, expected {should}")
    ctx.report.check(label, not wrong, "; ".join(wrong))


def variant(ctx, what, framework, target, check):
    outcome = scan(ctx, framework, target)
    rejected = isinstance(outcome, dict) and outcome.get(check) == "fail"
    ctx.report.check(f"checkov rejects broken variant: {what}", rejected, short(outcome))


def run(ctx):
    if ctx.tools["checkov"] is None:
        ctx.report.check("checkov installed", False, "no checkov in its venv")
        return
    # run.py writes every output under work/cfn and work/tf (layout parts in a folder per layout),
    # so one checkov process per framework scans them all.
    for framework, root in (("cloudformation", ctx.work / "cfn"), ("terraform_json", ctx.work / "tf")):
        label = "terraform" if framework == "terraform_json" else framework
        judged = []  # (name, file, expectations)
        for case in ctx.cases:
            path = case.cfn if framework == "cloudformation" else case.tf_dir and case.tf_dir / "main.tf.json"
            if path is not None:
                judged.append((case.name, path, expected(case.expect)))
        for layout in ctx.layouts:
            files = layout.cfn if framework == "cloudformation" else {p: d / "main.tf.json" for p, d in layout.tf.items()}
            for part, path in files.items():
                judged.append((f"{layout.name} {part} part", path,
                               expected_part(layout.expect, layout.accounts, part)))
        if not judged:
            continue
        outcome = scan_all(ctx, framework, root)
        for name, path, want in judged:
            result = outcome if isinstance(outcome, str) else outcome.get("/" + str(path.relative_to(root)), {})
            compare(ctx, f"checkov {label} {name}", result, want, framework)

    if not ctx.cases:  # only when run.py was told to build layouts alone
        harness.log("check_checkov: no single-account output in this run to make the broken variants from")
        return
    base = next((c for c in ctx.cases if c.name == "minimal"), ctx.cases[0])
    template = copy.deepcopy(load_json(base.cfn))
    template["Resources"]["Trail"]["Properties"]["EnableLogFileValidation"] = False
    path = ctx.work / "checkov-broken" / "no-validation.template.json"
    write_json(path, template)
    variant(ctx, "CloudFormation trail without log file validation (CKV_AWS_36)", "cloudformation", path, "CKV_AWS_36")

    config = copy.deepcopy(load_json(base.tf_dir / "main.tf.json"))
    del config["resource"]["aws_cloudtrail"]["trail"]["kms_key_id"]
    directory = ctx.work / "checkov-broken" / "no-kms"
    write_json(directory / "main.tf.json", config)
    variant(ctx, "Terraform trail without kms_key_id (CKV_AWS_35)", "terraform_json", directory, "CKV_AWS_35")

    # A template checkov cannot parse must count as a failure, never as "0 checks failed".
    bad = ctx.work / "checkov-broken" / "unparsable.template.json"
    bad.write_text('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {')
    outcome = scan(ctx, "cloudformation", bad)
    ctx.report.check("checkov rejects broken variant: unparsable template", isinstance(outcome, str), short(outcome))
