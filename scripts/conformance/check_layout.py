"""Organization layouts on moto: both parts applied as two accounts, read back from each account.

This module owns the only end-to-end check of a spec with `accounts` (README, "Organization
layout"). For each layout (ctx.layouts: every such spec, and run.py's variant of it with
`accounts.key: management`) it applies the log archive part as the log archive account FIRST,
reads `terraform output -raw kms_key_arn` from it (when the key of the log files is there), and
applies the management part as the management account with `-var kms_key_arn=<that ARN>`, as the
README's deploy steps say. Then it reads back from each account with boto3, comparing with the spec
(expect.Expect and expect.Accounts, never trailsmith's code):
- the bucket exists in the log archive account only, with the hardening, encryption and policy
  statements the spec asks for (check_moto._check_bucket, with the management account as the
  trail's account); its default encryption names the log files' key when that key is in the log
  archive account, and the AWS managed key (no key id) when it is in the management account;
- the trail exists in the management account only: its bucket is the log archive bucket, its
  KmsKeyId is the log files' key (in the account the spec names), it is an organization trail;
- each key is in the account the spec puts it in, with rotation: the log files' key (with its
  alias), and with `key: log_archive` the management account's own key for its log group and
  topics, which must use that key (README: alarms must not depend on another account's key policy);
- delivery role, topic policy, metric filters and alarms of the management part (check_moto's
  read-backs, in that account);
- what the deployed bucket policy and key policy let each principal do (layout_policies): the
  management trail writes and encrypts, the named readers decrypt, and another trail of the
  management account, a trail of a third account and a log archive principal that is not a named
  reader get nothing; broken copies of the read-back policies prove each of those checks can fail;
- a second plan of each part shows no changes.

Accounts: one moto server per layout plays both accounts. moto 5.2.5 takes a request's account
from MOTO_ACCOUNT_ID when that is set (for every request, so it is not set here), else from an
`x-moto-account-id` header, else from the access key, as the account whose IAM holds the key
(moto.core.responses.get_current_account, moto.iam.models.get_account_id_from). So an IAM user
and access key are made in each account through that header, and terraform and boto3 use that
account's key: sts:GetCallerIdentity, the provider's `allowed_account_ids` and
data.aws_caller_identity all see the right account. Not one server per account (check_moto's way
for a spec placed in one other account): CreateTrail checks that the trail's bucket exists by
looking it up in moto's own process (moto.cloudtrail.models.Trail.check_bucket_exists; S3 finds a
bucket of another account through s3_backends.bucket_accounts), so a second process would not
find the log archive bucket, and a stand-in bucket in the management account would defeat the
check that the bucket lives in the log archive account only.

Broken variant: the management part applied with no log archive part first must be refused by
CreateTrail naming the missing bucket, which shows that the real apply found the log archive
account's bucket across accounts, and that the deploy order matters.
"""
import json
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import layout_policies as lp
import moto_athena
from check_moto import (
    APPLY_TIMEOUT, DUMMY_KEY, OTHER_ACCOUNT, MotoServer, Results, _check_alarms, _check_bucket,
    _check_role, _clients, _eq, _errors, _make_access_log_target, _prepare_existing, _provider_block, _run,
    _tf_env, allowed, evaluate, parse_policy,
)
from harness import log, replay, short

USER = "trailsmith-conformance"  # the IAM user whose access key stands for each account
MISSING_KEY = "00000000-0000-0000-0000-000000000000"  # a well-formed key id no account holds


# --------------------------------------------------------------------------------------------
# moto accounts and terraform
# --------------------------------------------------------------------------------------------


def _credentials(url, region, account):
    """An access key of a new IAM user in `account`, made with moto's x-moto-account-id header."""
    import boto3

    iam = boto3.client("iam", endpoint_url=url, region_name=region,
                       aws_access_key_id=DUMMY_KEY, aws_secret_access_key=DUMMY_KEY)
    iam.meta.events.register("before-sign.iam.*",
                             lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _terraform(ctx, workdir, *args, timeout=APPLY_TIMEOUT):
    """(exit code, stdout, stderr): like check_moto._run, with stdout apart (for `output -raw`)."""
    try:
        p = subprocess.run([str(ctx.tools["terraform"]), *args], cwd=workdir, env=_tf_env(), capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout}s"


def _apply(ctx, server, workdir, tf_dir, region, creds, variables):
    """Writes the part's main.tf.json (unchanged) and a provider override with the account's key,
    runs init and apply with `-var` for each variable. Returns (ok, output, seconds)."""
    workdir.mkdir(parents=True)
    text = (Path(tf_dir) / "main.tf.json").read_text()
    (workdir / "main.tf.json").write_text(text)
    name, provider = _provider_block(json.loads(text), server.url, region)
    provider["provider"]["aws"].update(access_key=creds[0], secret_key=creds[1])
    (workdir / name).write_text(json.dumps(provider, indent=2))
    began = time.monotonic()
    code, out = _run([ctx.tools["terraform"], "init", "-input=false", "-backend=false",
                      f"-plugin-dir={ctx.tf_mirror}", "-no-color"], workdir, 120)
    if code != 0:
        return False, "terraform init failed: " + out, time.monotonic() - began
    var_args = [a for k, v in variables.items() for a in ("-var", f"{k}={v}")]
    code, out = _run([ctx.tools["terraform"], "apply", "-auto-approve", "-input=false", "-no-color", *var_args],
                     workdir, APPLY_TIMEOUT)
    (workdir / "apply.log").write_text(out)
    return code == 0, out, time.monotonic() - began


def _plan_again(ctx, r, label, workdir, variables):
    """A second plan must be empty (a perpetual diff would rewrite the resource on every apply)."""
    var_args = [a for k, v in variables.items() for a in ("-var", f"{k}={v}")]
    code, out = _run([ctx.tools["terraform"], "plan", "-detailed-exitcode", "-input=false", "-no-color",
                      "-lock=false", *var_args], workdir, APPLY_TIMEOUT)
    changes = re.findall(r"(?m)^\s*# (\S+) (?:will|must) be .*$", out)
    r.check(f"{label}: terraform plan after apply shows no changes", code == 0,
            f"exit {code}; " + ("; ".join(changes) if changes else _errors(out)))


# --------------------------------------------------------------------------------------------
# One layout: apply both parts, read back
# --------------------------------------------------------------------------------------------


def _keys(c):
    return [c["kms"].describe_key(KeyId=k["KeyId"])["KeyMetadata"]["Arn"] for k in c["kms"].list_keys()["Keys"]]


def _bucket_names(c):
    return [b["Name"] for b in c["s3"].list_buckets()["Buckets"]]


def _do_layout(ctx, job, server):
    layout, r = job["layout"], job["results"]
    e, acc, n = layout.expect, layout.accounts, f"moto {layout.name}:"
    region = e.home_region
    creds = {a: _credentials(server.url, region, a) for a in (acc.log_archive, acc.management)}
    c = {a: _clients(server.url, region, *creds[a]) for a in creds}
    for a in creds:
        got = c[a]["sts"].get_caller_identity()["Account"]
        if not r.check(f"{n} moto answers the credentials made in account {a} as account {a}", got == a,
                       f"sts:GetCallerIdentity says {got}"):
            return
    la, mg = c[acc.log_archive], c[acc.management]

    # 1. The log archive part, as the log archive account.
    notes = _make_access_log_target(la, layout.spec, region)
    la_dir = ctx.work / "layout" / layout.name / "log-archive"
    ok, out, secs = _apply(ctx, server, la_dir, layout.tf["log-archive"], region, creds[acc.log_archive], {})
    if not r.check(f"{n} terraform apply of the log archive part as account {acc.log_archive}"
                   + (f" ({'; '.join(notes)})" if notes else ""), ok, _errors(out)):
        return
    log(f"moto {layout.name}: log archive part applied in {secs:.1f}s")
    key_in_la = acc.key == "log_archive" and e.kms == "new"
    variables = {}
    if key_in_la:
        code, raw, err = _terraform(ctx, la_dir, "output", "-raw", "kms_key_arn", timeout=60)
        if not r.check(f"{n} terraform output -raw kms_key_arn of the log archive part", code == 0 and raw.strip(),
                       f"exit {code}: {short(err)}"):
            return
        variables["kms_key_arn"] = raw.strip()
    code, outputs, err = _terraform(ctx, la_dir, "output", "-json", timeout=60)

    def la_outputs():
        got = {k: v.get("value") for k, v in json.loads(outputs).items()}
        want = {"bucket_name": e.bucket_name, **({"kms_key_arn": variables["kms_key_arn"]} if key_in_la else {})}
        return _eq(got, want)
    r.run(f"{n} log archive part outputs bucket_name{' and kms_key_arn' if key_in_la else ''} (README)", la_outputs)

    # 2. The management part, as the management account, given the log archive part's key.
    notes, skip = _prepare_existing(mg, _without_bucket(layout), region, acc.management)
    if skip:
        r.skip(f"terraform apply on moto {layout.name} management part", skip)
        return
    mg_dir = ctx.work / "layout" / layout.name / "management"
    ok, out, secs = _apply(ctx, server, mg_dir, layout.tf["management"], region, creds[acc.management], variables)
    given = " with -var kms_key_arn=<log archive output>" if variables else ""
    if not r.check(f"{n} terraform apply of the management part as account {acc.management}{given}"
                   + (f" ({'; '.join(notes)})" if notes else ""), ok, _errors(out) + f" | moto log: {server.tail(500)}"):
        return
    log(f"moto {layout.name}: management part applied in {secs:.1f}s")

    _read_back(r, n, layout, la, mg, region, variables.get("kms_key_arn"))
    _plan_again(ctx, r, f"{n} log archive part", la_dir, {})
    _plan_again(ctx, r, f"{n} management part", mg_dir, variables)


class _View:
    """A layout as check_moto's helpers read a case: its spec and expectations."""

    def __init__(self, spec, expect):
        self.spec, self.expect = spec, expect


def _without_bucket(layout):
    """The layout's spec without its bucket: what the management part needs made beforehand
    (existing topic, log group, role) is the spec's other existing resources; the bucket and its
    access-log target belong to the log archive account and were made there."""
    return _View({k: v for k, v in layout.spec.items() if k != "bucket"}, layout.expect)


def _read_back(r, n, layout, la, mg, region, key_output):
    e, acc = layout.expect, layout.accounts
    bucket = e.bucket_name
    trail_arn = f"arn:aws:cloudtrail:{region}:{acc.management}:trail/{e.trail_name}"
    other_trail = f"arn:aws:cloudtrail:{region}:{acc.management}:trail/other"
    foreign_trail = f"arn:aws:cloudtrail:{region}:{OTHER_ACCOUNT}:trail/{e.trail_name}"

    def bucket_where():
        la_b, mg_b = _bucket_names(la), _bucket_names(mg)
        return bucket in la_b and bucket not in mg_b, f"log archive account: {la_b}; management account: {mg_b}"
    r.run(f"{n} bucket {bucket} exists in the log archive account ({acc.log_archive}) only", bucket_where)

    # --- keys: where each one is -----------------------------------------------------------------
    la_keys, mg_keys = _keys(la), _keys(mg)
    key_in_la = acc.key == "log_archive"
    log_key = (la_keys[0] if len(la_keys) == 1 else None) if key_in_la else (mg_keys[0] if len(mg_keys) == 1 else None)
    monitoring_key = mg_keys[0] if len(mg_keys) == 1 else None

    def keys_where():
        if key_in_la:
            ok = log_key is not None and log_key == key_output and monitoring_key not in (None, log_key)
        else:
            ok = not la_keys and log_key is not None
        return ok, (f"log archive account keys {la_keys}; management account keys {mg_keys}; "
                    f"kms_key_arn output {key_output}")
    where = (f"the log archive account ({acc.log_archive}) and is its output kms_key_arn; the management account "
             "holds one key of its own" if key_in_la else
             f"the management account ({acc.management}); the log archive account holds no key")
    r.run(f"{n} the log files' key is in {where}", keys_where)
    key_client = la if key_in_la else mg
    for label, arn, client in (("log files'", log_key, key_client), ("monitoring", monitoring_key, mg)):
        if arn and (label == "log files'" or key_in_la):
            r.run(f"{n} {label} key rotation enabled",
                  lambda arn=arn, client=client: _eq(client["kms"].get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"], True))

    def alias():
        found = [a for a in key_client["kms"].list_aliases()["Aliases"] if a["AliasName"] == e.kms_alias]
        target = found[0].get("TargetKeyId") if found else None
        return bool(target and log_key and log_key.endswith("/" + target)), f"alias {e.kms_alias} targets {target}; key {log_key}"
    r.run(f"{n} alias {e.kms_alias} names the log files' key, in its account", alias)

    # --- the Athena table, with the bucket in the log archive account (moto_athena) --------------
    moto_athena.check(r, la, layout, n, bucket, region, acc.log_archive, log_key if key_in_la else None,
                      evaluate, parse_policy)

    # --- the trail ---------------------------------------------------------------------------------
    trails = [t for t in mg["ct"].describe_trails()["trailList"] if t["Name"] == e.trail_name]
    if not r.check(f"{n} trail {e.trail_name} exists in the management account", len(trails) == 1,
                   f"{len(trails)} trails named {e.trail_name}"):
        return
    t = trails[0]
    r.run(f"{n} no trail in the log archive account", lambda: _eq(la["ct"].describe_trails()["trailList"], []))
    r.run(f"{n} trail ARN {trail_arn} and home region", lambda: _eq((t.get("TrailARN"), t.get("HomeRegion")), (trail_arn, region)))
    r.run(f"{n} trail S3BucketName is the log archive bucket, with the spec's prefix",
          lambda: _eq((t.get("S3BucketName"), t.get("S3KeyPrefix")), (bucket, e.prefix)))
    r.run(f"{n} trail KmsKeyId is the log files' key in the {'log archive' if key_in_la else 'management'} account",
          lambda: (log_key is not None and t.get("KmsKeyId") == log_key, f"KmsKeyId {t.get('KmsKeyId')}, key {log_key}"))
    r.run(f"{n} trail IsOrganizationTrail", lambda: _eq(t.get("IsOrganizationTrail"), bool(e.org_id)))
    r.run(f"{n} trail multi-region, global service events, log file validation as the spec says", lambda: _eq(
        (t.get("IsMultiRegionTrail"), t.get("IncludeGlobalServiceEvents"), t.get("LogFileValidationEnabled")),
        (e.multi_region, e.global_events, e.validation)))
    r.run(f"{n} trail logging", lambda: _eq(mg["ct"].get_trail_status(Name=e.trail_name)["IsLogging"], e.logging))

    # --- the management part's own resources ----------------------------------------------------
    delivery = f"arn:aws:sns:{region}:{acc.management}:{e.topic_name}" if e.sns == "new" else None
    notify = (layout.spec.get("alarms") or {}).get("notify") or {}
    alerts = (f"arn:aws:sns:{region}:{acc.management}:{notify.get('topic_name') or e.trail_name.replace('.', '-') + '-alarms'}"
              if e.alerts_topic == "new" else None)
    if e.logs == "new":
        want_group = f"arn:aws:logs:{region}:{acc.management}:log-group:{e.log_group}:*"
        r.run(f"{n} trail delivers to the management account's log group {e.log_group}",
              lambda: _eq(t.get("CloudWatchLogsLogGroupArn"), want_group))

    def monitoring():
        got = {}
        if e.logs == "new":
            groups = mg["logs"].describe_log_groups(logGroupNamePrefix=e.log_group)["logGroups"]
            got["log group"] = next((g.get("kmsKeyId") for g in groups if g["logGroupName"] == e.log_group), "absent")
        for label, arn in (("delivery topic", delivery), ("alerts topic", alerts if e.alerts_encrypted else None)):
            if arn:
                got[label] = mg["sns"].get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId")
        want = {k: monitoring_key for k in got}
        return got == want and monitoring_key is not None, f"got {got}; the management account's key {monitoring_key}"
    r.run(f"{n} log group and topics encrypted with the management account's key "
          f"({'its own' if key_in_la else 'the log files'} key)", monitoring)

    if delivery:
        def topic_policy():
            pol = mg["sns"].get_topic_attributes(TopicArn=delivery)["Attributes"]["Policy"]
            ct = ("Service", "cloudtrail.amazonaws.com")
            yes = allowed(pol, ct, "sns:Publish", delivery, {"aws:SourceArn": trail_arn})
            no = allowed(pol, ct, "sns:Publish", delivery, {"aws:SourceArn": other_trail})
            return yes and not no, f"this trail: {yes}; trail/other: {no}"
        r.run(f"{n} delivery topic policy lets only this trail publish (evaluated)", topic_policy)
    role_arn = t.get("CloudWatchLogsRoleArn")
    if e.logs != "none" and e.role == "new" and role_arn:
        _check_role(r, mg, layout, f"{n} management", role_arn, region, acc.management, trail_arn, other_trail)
    _check_alarms(r, mg, layout, f"{n} management", region, acc.management, t)

    # --- the bucket, and what its policy and the key policy let each principal do ---------------
    _check_bucket(r, la, layout, f"{n} log archive", bucket, region, acc.management, trail_arn, other_trail,
                  foreign_trail, log_key if key_in_la else None)
    if log_key is None:
        r.check(f"{n} policy checks", False, "no log files' key to read the key policy of")
        return
    facts = lp.Facts(
        trail_name=e.trail_name, region=region, management=acc.management, log_archive=acc.log_archive,
        key_account=acc.key_account(), org_id=e.org_id, prefix=e.prefix, bucket=bucket, key_arn=log_key,
        readers=list(e.decrypt_principals), writers=list(e.writer_accounts),
        policies={"bucket": parse_policy(la["s3"].get_bucket_policy(Bucket=bucket)["Policy"]),
                  "key": parse_policy(key_client["kms"].get_key_policy(KeyId=log_key, PolicyName="default")["Policy"])},
    )
    _policy_checks(r, n, facts)


def _policy_checks(r, n, f):
    """Each question of layout_policies on the deployed policies (one check line each), then each
    broken copy of those policies, which must make the question it names fail."""
    where = " and ".join(f"{f.prefix + '/' if f.prefix else ''}AWSLogs/{o}/" for o in f.owners())
    other_principal = f"arn:aws:iam::{f.log_archive}:role/Other"
    nothing = f"gets nothing from any statement but {lp.ROOT_SID}"
    # label -> (check line, question)
    checks = {
        "management trail writes": (
            f"the management trail {f.trail_arn} may s3:PutObject under {where} with bucket-owner-full-control, "
            "and not without it", lp.trail_writes),
        "management trail encrypts": (
            f"the management trail may kms:GenerateDataKey with encryption context {f.trail_arn}", lp.trail_encrypts),
    }
    for reader in f.readers:
        checks[f"reader {reader} decrypts"] = (
            f"named reader {reader} may kms:Decrypt log files (encryption context present), and nothing without it",
            lambda g, reader=reader: lp.reader_decrypts(g, reader))
    for writer in f.writers:
        checks[f"writer {writer} writes its own folder"] = (
            f"a trail of writer account {writer} may write AWSLogs/{writer}/ and encrypt, and not the "
            f"management or organization folders", lambda g, writer=writer: lp.writer_writes_its_own_folder_only(g, writer))
    checks.update({
        "another trail": (f"another trail of the management account ({f.trail('other')}) {nothing}",
                          lp.other_trail_gets_nothing),
        "third account": (f"a trail of a third account ({f.trail(f.trail_name, f.third)}) {nothing}",
                          lp.third_account_trail_gets_nothing),
        "not a named reader": (f"log archive principal {other_principal}, not a named reader, {nothing}",
                               lambda g: lp.other_principal_gets_nothing(g, other_principal)),
        "root delegation": (f"{lp.ROOT_SID} names only the key account's root (delegation to its IAM policies), and "
                            "no other statement an account root or every principal", lp.root_only_delegates),
    })
    for line, question in checks.values():
        r.run(f"{n} policy: {line} (evaluated)", lambda question=question: question(f))

    controls = [
        ("aws:SourceArn widened to trail/* of the management account", lp.widen_to_any_trail_of_management,
         "another trail"),
        ("aws:SourceArn widened to a trail of that name in any account", lp.widen_to_any_account, "third account"),
        ("log-file decryption granted to every principal", lp.decrypt_for_everyone, "not a named reader"),
        ("EnableRootAccess naming the other account's root too", lp.root_of_other_account_too, "root delegation"),
    ]
    if f.readers:
        controls.append(("log-file decryption without its encryption-context condition", lp.decrypt_without_context,
                         f"reader {f.readers[0]} decrypts"))
    if f.org_id:
        controls.append(("organization write statement removed", lp.drop_organization_write,
                         "management trail writes"))
    if f.writers:
        controls.append(("writer accounts' write statement widened to every folder", lp.writers_write_everywhere,
                         f"writer {f.writers[0]} writes its own folder"))
    for what, mutate, label in controls:
        question = checks[label][1]

        def rejected(mutate=mutate, question=question):
            ok, detail = question(lp.broken(f, mutate))
            return not ok, f"the check {'still passes' if ok else 'fails'}: {detail}"
        r.run(f"{n} policy check rejects broken variant: {what} (fails check: {label})", rejected)


# --------------------------------------------------------------------------------------------
# The broken variant: the management part without its log archive part
# --------------------------------------------------------------------------------------------


def _do_out_of_order(ctx, job, server):
    layout, r = job["layout"], job["results"]
    e, acc = layout.expect, layout.accounts
    region = e.home_region
    creds = _credentials(server.url, region, acc.management)
    variables = {}
    if acc.key == "log_archive" and e.kms == "new":
        variables["kms_key_arn"] = f"arn:aws:kms:{region}:{acc.log_archive}:key/{MISSING_KEY}"
    workdir = ctx.work / "layout" / f"broken-{layout.name}-management-first"
    ok, out, _ = _apply(ctx, server, workdir, layout.tf["management"], region, creds, variables)
    errors = _errors(out)
    reason = re.search(r"S3BucketDoesNotExistException", errors) and re.search(re.escape(e.bucket_name), errors)
    detail = "apply succeeded: the missing bucket went unnoticed" if ok else errors
    r.check(f"terraform apply on moto rejects broken variant: management part of {layout.name} applied before "
            f"its log archive part (no bucket {e.bucket_name})", not ok and reason, detail)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def run(ctx):
    report = ctx.report
    layouts = [x for x in ctx.layouts if set(x.tf) == {"log-archive", "management"}]
    for x in ctx.layouts:
        if x not in layouts:
            log(f"check_layout {x.name}: no Terraform parts (refused for the terraform target), not applied")
    if not layouts:
        return
    if ctx.tools.get("terraform") is None or ctx.tf_mirror is None:
        report.skip("terraform apply on moto (layouts)", "terraform or its AWS provider mirror is absent")
        return
    if ctx.tools.get("moto_server") is None:
        report.skip("moto (layouts)", "moto_server is absent from the tools venv")
        return
    jobs = [{"run": _do_layout, "layout": x, "results": Results(x.name)} for x in layouts]
    base = next((x for x in layouts if x.name == "organization-layout"), layouts[0])
    jobs.append({"run": _do_out_of_order, "layout": base, "results": Results(f"broken-{base.name}")})

    logdir = ctx.work / "moto-layout"
    logdir.mkdir(parents=True, exist_ok=True)
    servers, lock = [], threading.Lock()

    def work(job):
        server = MotoServer(ctx.tools["moto_server"], logdir, account=None)
        with lock:
            servers.append(server)
        began = time.monotonic()
        try:
            server.wait_ready()
            job["run"](ctx, job, server)
        except Exception as exc:  # noqa: BLE001 - record, and let the other jobs finish
            job["results"].check(f"moto {job['results'].label} ran to the end", False,
                                 f"{type(exc).__name__}: {exc} | moto log: {server.tail(500)}")
        log(f"check_layout {job['results'].label}: {time.monotonic() - began:.1f}s")

    try:
        # Each job has a server of its own (the two layouts name the same bucket), so all run at once.
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            list(pool.map(work, jobs))
    finally:
        for s in servers:
            s.stop()
    replay(report, jobs)
