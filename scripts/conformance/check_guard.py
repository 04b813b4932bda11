"""cfn-guard: hold each CloudFormation template to the rules in tests/guard/ and to its own spec.

This module owns three things: turning a case's expectations (expect.Expect) into the parameters
file the rules read as `Expect`, running cfn-guard 3 on every case, and proving the rules look by
feeding them broken copies of good templates that each must be rejected by a named rule.

Why the parameters file: the rules are per spec (a spec may turn validation off, have no key, use
an existing bucket), and `cfn-guard validate --input-params FILE` merges FILE into the root of the
data, so the rules read e.g. `Expect.multi_region` beside `Resources`. (The option is spelled
`--input-params` in 3.2.1; `--input-parameters` is a usage error.)

What cfn-guard 3.2.1 says, as found by running it (`--structured --output-format json
--show-summary none` prints one JSON report per data file):
- exit 0: every rule passed or was skipped;
- exit 19: at least one rule failed. An *evaluation* error inside a rule (an unsupported query,
  a failed conversion) is also reported as that rule failing, with exit 19; it is told apart by its
  message ("... when handling clause, bailing"), and counts as a broken check, never as a rule
  rejecting a template;
- exit 5: a rules file does not parse. With a rules *directory* that file is only reported on
  stderr and dropped, and the exit code is 19 if another rule failed, so any stderr output is
  treated as an error too (cfn-guard writes nothing there on a normal run);
- exit 255: "Error occurred ..." on stderr: a data, rules or parameters path that does not exist,
  a data file that does not parse, a variable that does not resolve;
- exit 2: a command-line usage error.
Anything but 0 or 19, or output that is not the expected JSON, fails the check.

A rule that passes because it was skipped proves nothing, so each case also checks that the rules
which apply to its spec (APPLIES below) were evaluated and passed, not skipped.

The parts of an organization layout (ctx.layouts) are not held to these rules, and not reported
as skipped either: the rules are written for one template holding the whole trail. `trail_present`
applies to every template and demands exactly one trail, which the log archive part does not have
and must not have, and the bucket rules expect the write path and trail ARN under the stack's own
`${AWS::AccountId}`, where a layout's bucket policy names the management account literally.
Judging the parts would take rules that know about parts (a change to tests/guard/ of its own),
and weakening the rules to pass them would blunt them for every other template. The parts'
policies are judged instead, as deployed, by check_layout's policy evaluator, and each part by
cfn-lint, checkov and terraform validate.
"""
import copy
import json
import re
from pathlib import Path

import harness
from harness import load_json, log, short, write_json

RULES_DIR = Path("tests/guard")

# trailsmith's logical ID for the bucket it creates. The bucket policy statements name the bucket
# through it (`Fn::GetAtt [TrailBucket, Arn]`, `${TrailBucket.Arn}/...`), so the expected
# statements do too; bucket_policy_present checks the policy's Bucket is a Ref to that bucket.
BUCKET_ID = "TrailBucket"

# An evaluation error, as cfn-guard 3.2.1 words it inside a failed rule's checks.
EVALUATION_ERROR = re.compile(r"when handling clause, bailing|^Error ")

# Each rule in tests/guard/, and when it must be evaluated (not skipped) for a spec's
# expectations. A rule cfn-guard reports that is missing here fails the case: a new rule must say
# when it applies, or a skip could hide a template it never looked at.
APPLIES = {
    "expectations_supplied": lambda e: True,
    "trail_present": lambda e: True,
    "trail_is_logging": lambda e: True,
    "trail_log_file_validation": lambda e: True,
    "trail_multi_region": lambda e: True,
    "trail_multi_region_includes_global_events": lambda e: e.multi_region,
    "trail_global_service_events": lambda e: True,
    "trail_organization": lambda e: True,
    "trail_kms_key": lambda e: True,
    "trail_bucket_and_prefix": lambda e: True,
    "trail_sns_topic": lambda e: True,
    "trail_depends_on_policies": lambda e: not e.bucket_existing or e.sns == "new",
    "bucket_policy_present": lambda e: not e.bucket_existing,
    "bucket_policy_acl_check": lambda e: not e.bucket_existing,
    "bucket_policy_write": lambda e: not e.bucket_existing,
    "bucket_policy_organization_write": lambda e: e.org_id is not None,
    "bucket_policy_denies_insecure_transport": lambda e: not e.bucket_existing,
    "bucket_public_access_blocked": lambda e: not e.bucket_existing,
    "cloudwatch_statements_scoped": lambda e: e.alerts_topic in ("new", "delivery") and e.cloudwatch_alarms,
    "cloudtrail_statements_scoped": lambda e: (
        not e.bucket_existing
        or e.kms == "new"
        or e.sns == "new"
        or (e.logs != "none" and e.role == "new")
    ),
    "kms_key_policy_lets_cloudtrail_in": lambda e: e.kms == "new",
    "kms_key_rotation_enabled": lambda e: e.kms == "new",
    "topic_policy_present": lambda e: e.sns == "new",
}


def expectations(e):
    """The `Expect` object the rules read, from expect.Expect (the spec as the README defines it).

    Values the template must contain are written the way a CloudFormation template spells them:
    the trail ARN is known before the trail exists (facts §1), as
    arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/NAME; the stack is
    pinned to the home region, so ${AWS::Region} is it. Absent optional values are left out rather
    than written as null, so the rules can ask `exists`.
    """
    path = f"{e.prefix}/" if e.prefix else ""
    x = {
        "trail_name": e.trail_name,
        "trail_arn": {
            "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/"
            + e.trail_name
        },
        "logging": e.logging,
        "multi_region": e.multi_region,
        "global_events": e.global_events,
        "validation": e.validation,
        "organization": e.org_id is not None,
        "bucket_existing": e.bucket_existing,
        "bucket_id": BUCKET_ID,
        "bucket_arn": {"Fn::GetAtt": [BUCKET_ID, "Arn"]},
        "bucket_objects": {"Fn::Sub": f"${{{BUCKET_ID}.Arn}}/*"},
        "write_resource": {"Fn::Sub": f"${{{BUCKET_ID}.Arn}}/{path}AWSLogs/${{AWS::AccountId}}/*"},
        "kms": e.kms,
        "sns": e.sns,
    }
    if e.org_id:
        x["org_id"] = e.org_id
        x["org_write_resource"] = {"Fn::Sub": f"${{{BUCKET_ID}.Arn}}/{path}AWSLogs/{e.org_id}/*"}
    if e.prefix:
        x["prefix"] = e.prefix
    if e.bucket_name:
        x["bucket_name"] = e.bucket_name
    if e.key_arn:
        x["key_arn"] = e.key_arn
    if e.topic_arn:
        x["topic_arn"] = e.topic_arn
    return {"Expect": x}


class Outcome:
    """One cfn-guard run on one template: which rules passed, failed or were skipped, and why."""

    def __init__(self, code, stdout, stderr):
        self.code = code
        self.passed, self.skipped = set(), set()
        self.failed = {}  # rule -> its custom messages
        self.errors = []  # evaluation errors and tool errors: never a verdict on the template
        if code not in (0, 19):
            self.errors.append(f"cfn-guard exited {code}: {short(stderr or stdout, 600)}")
            return
        if stderr.strip():
            # With a rules directory, a file that does not parse is reported here and dropped,
            # and the exit code is still 19 when another rule failed (or 5 when none did).
            self.errors.append(f"cfn-guard stderr: {short(stderr, 600)}")
        try:
            (report,) = json.loads(stdout)
        except ValueError as exc:
            self.errors.append(f"unreadable cfn-guard output ({exc}): {short(stdout, 300)}")
            return
        self.passed = set(report.get("compliant", []))
        self.skipped = set(report.get("not_applicable", []))
        for entry in report.get("not_compliant", []):
            rule = entry["Rule"]
            name = rule["name"]
            custom, evaluation = [], []
            for m in _messages(rule.get("checks", [])):
                if m.get("custom_message") and m["custom_message"].strip():
                    custom.append(" ".join(m["custom_message"].split()))
                if m.get("error_message") and EVALUATION_ERROR.search(m["error_message"]):
                    evaluation.append(m["error_message"])
            self.failed[name] = sorted(set(custom))
            self.errors += [f"{name}: {short(x, 300)}" for x in evaluation]
        if code == 19 and not self.failed:
            self.errors.append("cfn-guard exited 19 but reported no failed rule")

    def rule_set_problems(self, expect=None):
        """Rules cfn-guard did not report, rules APPLIES does not know, and (given the case's
        expectations) rules skipped although they apply."""
        if self.errors:
            return []
        problems = []
        reported = self.passed | self.skipped | set(self.failed)
        unknown = sorted(reported - set(APPLIES))
        if unknown:
            problems.append("rules not listed in check_guard.APPLIES: " + ", ".join(unknown))
        missing = sorted(set(APPLIES) - reported)
        if missing:
            problems.append("rules not found in tests/guard: " + ", ".join(missing))
        if expect is not None:
            vacuous = sorted(r for r in self.skipped if r in APPLIES and APPLIES[r](expect))
            if vacuous:
                problems.append("skipped although the spec makes them apply: " + ", ".join(vacuous))
        return problems

    def describe_failures(self):
        return "; ".join(
            f"{rule} ({' / '.join(msgs)})" if msgs else rule
            for rule, msgs in sorted(self.failed.items())
        )


def _messages(node):
    """Every `messages` object in a failed rule's check tree (clauses nest inside blocks)."""
    if isinstance(node, dict):
        if isinstance(node.get("messages"), dict):
            yield node["messages"]
        for value in node.values():
            yield from _messages(value)
    elif isinstance(node, list):
        for value in node:
            yield from _messages(value)


def evaluate(ctx, guard, template, params):
    code, out, err = harness.run(
        [
            guard, "validate",
            "--rules", ctx.root / RULES_DIR,
            "--data", template,
            "--input-params", params,
            "--structured", "--output-format", "json", "--show-summary", "none",
        ],
        timeout=120,
    )
    return Outcome(code, out, err)


def check_case(ctx, guard, case):
    params = ctx.work / "guard" / f"{case.name}.expect.json"
    write_json(params, expectations(case.expect))
    o = evaluate(ctx, guard, case.cfn, params)
    problems = []
    if o.errors:
        problems.append("errors: " + " | ".join(o.errors))
    if o.failed:
        problems.append("failed rules: " + o.describe_failures())
    problems += o.rule_set_problems(case.expect)
    ok = o.code == 0 and not problems
    ctx.report.check(f"cfn-guard {case.name}", ok, "; ".join(problems) or f"exit {o.code}")
    return ok


# ---- broken variants -------------------------------------------------------------------------
# Each takes a deep copy of a good template and breaks one thing the rules claim to check. The
# resources and statements are found by type and by what they say, so a renamed logical ID does not
# silently turn a variant into a copy of the good template (a variant that cannot be built fails).


class CannotBuild(Exception):
    pass


def _resource(t, rtype):
    found = [r for r in t["Resources"].values() if r.get("Type") == rtype]
    if len(found) != 1:
        raise CannotBuild(f"expected one {rtype}, found {len(found)}")
    return found[0]


def _trail(t):
    return _resource(t, "AWS::CloudTrail::Trail")["Properties"]


def _statements(t, rtype, prop):
    return _resource(t, rtype)["Properties"][prop]["Statement"]


def _statement(statements, pred, what):
    found = [s for s in statements if pred(s)]
    if len(found) != 1:
        raise CannotBuild(f"expected one {what} statement, found {len(found)}")
    return found[0]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _write_statement(t, path_part):
    """The bucket policy's cloudtrail s3:PutObject statement whose Resource contains path_part."""
    return _statement(
        _statements(t, "AWS::S3::BucketPolicy", "PolicyDocument"),
        lambda s: "s3:PutObject" in _as_list(s.get("Action"))
        and any(path_part in json.dumps(r) for r in _as_list(s.get("Resource"))),
        f"write ({path_part})",
    )


def drop_write_source_arn(t):
    condition = _write_statement(t, "/AWSLogs/${AWS::AccountId}/")["Condition"]
    for block in condition.values():
        block.pop("aws:SourceArn", None)


def multi_region_without_global_events(t):
    _trail(t)["IsMultiRegionTrail"] = True
    _trail(t)["IncludeGlobalServiceEvents"] = False


def drop_deny_insecure_transport(t):
    statements = _statements(t, "AWS::S3::BucketPolicy", "PolicyDocument")
    deny = _statement(statements, lambda s: s.get("Effect") == "Deny", "deny")
    statements.remove(deny)


def validation_off(t):
    _trail(t)["EnableLogFileValidation"] = False


def write_wrong_prefix(t):
    s = _write_statement(t, "/AWSLogs/${AWS::AccountId}/")
    s["Resource"] = {"Fn::Sub": f"${{{BUCKET_ID}.Arn}}/wrong-prefix/AWSLogs/${{AWS::AccountId}}/*"}


def drop_organization_write(t):
    statements = _statements(t, "AWS::S3::BucketPolicy", "PolicyDocument")
    statements.remove(_write_statement(t, "/AWSLogs/o-"))


def empty_depends_on(t):
    _resource(t, "AWS::CloudTrail::Trail")["DependsOn"] = []


def drop_bucket_policy(t):
    """The bucket policy disappears, and with it the trail's DependsOn on it."""
    resources = t["Resources"]
    (policy_id,) = [k for k, r in resources.items() if r.get("Type") == "AWS::S3::BucketPolicy"]
    del resources[policy_id]
    trail = _resource(t, "AWS::CloudTrail::Trail")
    trail["DependsOn"] = [d for d in _as_list(trail.get("DependsOn", [])) if d != policy_id]


def add_bucket_without_policy(t):
    """A template for an existing bucket that creates a bucket anyway, with no policy for it."""
    t["Resources"]["StrayBucket"] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            }
        },
    }


def rotation_off(t):
    _resource(t, "AWS::KMS::Key")["Properties"]["EnableKeyRotation"] = False


def public_acls_allowed(t):
    bucket = _resource(t, "AWS::S3::Bucket")["Properties"]
    bucket["PublicAccessBlockConfiguration"]["BlockPublicAcls"] = False


def drop_trail_key(t):
    _trail(t).pop("KMSKeyId")


def logging_off(t):
    _trail(t)["IsLogging"] = False


def drop_topic_source_arn(t):
    (s,) = _statements(t, "AWS::SNS::TopicPolicy", "PolicyDocument")
    for block in s["Condition"].values():
        block.pop("aws:SourceArn", None)


def drop_cloudwatch_publish_condition(t):
    for policy in (r for r in t["Resources"].values() if r["Type"] == "AWS::SNS::TopicPolicy"):
        for s in _as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
            if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}:
                s.pop("Condition", None)


def drop_key_encrypt_conditions(t):
    s = _statement(
        _statements(t, "AWS::KMS::Key", "KeyPolicy"),
        lambda s: s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}
        and "kms:GenerateDataKey*" in _as_list(s.get("Action"))
        and "StringLike" in s.get("Condition", {}),
        "cloudtrail encrypt",
    )
    del s["Condition"]


def drop_trust_condition(t):
    (s,) = _statements(t, "AWS::IAM::Role", "AssumeRolePolicyDocument")
    del s["Condition"]


def no_expectations(x):
    x.clear()


def spec_turns_validation_off(x):
    x["Expect"]["validation"] = False


def spec_has_another_prefix(x):
    x["Expect"]["prefix"] = "elsewhere"
    x["Expect"]["write_resource"] = {
        "Fn::Sub": f"${{{BUCKET_ID}.Arn}}/elsewhere/AWSLogs/${{AWS::AccountId}}/*"
    }


def unchanged(t):
    pass


# (what is broken, example it is made from, template mutation, rules that must fail, and an edit of
# the expectations, for variants where the template is good but the spec says something else: they
# prove the rules read the expectations rather than a fixed shape)
VARIANTS = [
    ("AWSCloudTrailWrite without aws:SourceArn", "minimal", drop_write_source_arn,
     {"cloudtrail_statements_scoped", "bucket_policy_write"}),
    ("multi-region trail without global service events", "minimal",
     multi_region_without_global_events, {"trail_multi_region_includes_global_events"}),
    ("single-region spec, multi-region trail without global service events", "dev-single-region",
     multi_region_without_global_events,
     {"trail_multi_region_includes_global_events", "trail_multi_region"}),
    ("DenyInsecureTransport removed", "minimal", drop_deny_insecure_transport,
     {"bucket_policy_denies_insecure_transport"}),
    ("log file validation off although the spec leaves it on", "minimal", validation_off,
     {"trail_log_file_validation"}),
    ("write statement for the wrong prefix", "cis", write_wrong_prefix,
     {"bucket_policy_write"}),
    ("organization write statement removed", "organization", drop_organization_write,
     {"bucket_policy_organization_write"}),
    ("trail DependsOn emptied", "minimal", empty_depends_on,
     {"trail_depends_on_policies"}),
    ("new bucket without a bucket policy", "minimal", drop_bucket_policy,
     {"bucket_policy_present"}),
    ("existing-bucket template creating a bucket without a policy", "existing-bucket-and-key",
     add_bucket_without_policy, {"bucket_policy_present"}),
    ("KMS key rotation off", "minimal", rotation_off, {"kms_key_rotation_enabled"}),
    ("public ACLs not blocked", "minimal", public_acls_allowed, {"bucket_public_access_blocked"}),
    ("trail without KMSKeyId", "minimal", drop_trail_key, {"trail_kms_key"}),
    ("trail not logging", "minimal", logging_off, {"trail_is_logging"}),
    ("topic policy without aws:SourceArn", "minimal", drop_topic_source_arn,
     {"cloudtrail_statements_scoped", "topic_policy_present"}),
    ("alarm publish statement without aws:SourceArn", "alarms-cis-all", drop_cloudwatch_publish_condition,
     {"cloudwatch_statements_scoped"}),
    ("key policy encrypt statement without conditions", "minimal", drop_key_encrypt_conditions,
     {"cloudtrail_statements_scoped", "kms_key_policy_lets_cloudtrail_in"}),
    ("delivery role trust policy without aws:SourceArn", "minimal", drop_trust_condition,
     {"cloudtrail_statements_scoped"}),
    # Good templates held to other specs.
    ("the spec turns log file validation off, the template keeps it on", "minimal", unchanged,
     {"trail_log_file_validation"}, spec_turns_validation_off),
    ("the spec has another prefix than the template", "cis", unchanged,
     {"trail_bucket_and_prefix", "bucket_policy_write"}, spec_has_another_prefix),
    # A good template with no expectations at all: the rules must not pass it by skipping.
    ("no expectations passed", "minimal", unchanged, {"expectations_supplied"}, no_expectations),
]


def check_variants(ctx, guard):
    cases = {c.name: c for c in ctx.cases}
    for what, example, mutate, must_fail, *edit in VARIANTS:
        name = f"cfn-guard rejects broken variant: {what}"
        case = cases.get(example)
        if case is None:
            # Only when run.py was told to build a subset of the examples.
            log(f"check_guard: variant '{what}' needs example {example}, not built in this run")
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        template = copy.deepcopy(load_json(case.cfn))
        try:
            mutate(template)
        except (CannotBuild, KeyError, ValueError) as exc:
            ctx.report.check(name, False, f"could not build the variant from {example}: {exc!r}")
            continue
        data = ctx.work / "guard" / f"variant-{slug}.template.json"
        params = ctx.work / "guard" / f"variant-{slug}.expect.json"
        write_json(data, template)
        expected = expectations(case.expect)
        for edit_expectations in edit:
            edit_expectations(expected)
        write_json(params, expected)
        o = evaluate(ctx, guard, data, params)
        missed = sorted(must_fail - set(o.failed))
        incomplete = o.rule_set_problems()
        rejected = o.code == 19 and not o.errors and not incomplete and not missed
        if rejected:
            detail = "failed: " + o.describe_failures()
        elif o.errors:
            detail = "not a rule failure: " + " | ".join(o.errors)
        elif incomplete:
            detail = "; ".join(incomplete)
        else:
            detail = (
                f"exit {o.code}; expected failing rules {', '.join(missed)}; "
                f"failed: {o.describe_failures() or 'none'}"
            )
        ctx.report.check(name, rejected, detail)


def run(ctx):
    guard = ctx.tools.get("cfn-guard")
    if guard is None:
        ctx.report.skip(
            "cfn-guard",
            "not installed: cargo install cfn-guard --locked --version 3.2.1 --root "
            f"{ctx.cache / 'cfn-guard'} (scripts/conformance.sh does it)",
        )
        return
    for case in ctx.cases:
        check_case(ctx, guard, case)
    check_variants(ctx, guard)
