"""Behaviour checks: `terraform apply` of each compiled spec against a moto server, read back with boto3.

This module owns the only check that runs trailsmith's Terraform output end to end: the real AWS
provider (hashicorp/aws from the local mirror) builds real API requests, moto 5.2.5 plays AWS and
enforces CreateTrail's own rules (trail name, bucket exists, topic exists, a multi-region trail
needs global service events), and then every setting the spec asked for is read back through boto3
and compared with `expect.Expect`, which is derived from the spec alone, never from trailsmith.
Policies read back (bucket, key, topic, trust, role policy) are judged by a small evaluator below
that asks "may this principal do this action on this resource in this context?", so a check holds
whatever statement layout trailsmith picks; the AWS-documented statement ids for the bucket are
also asserted, as the CloudTrail User Guide names them.

moto does not judge policy meaning (it never refuses CloudTrail because of a bucket policy), so
the evaluator is what checks the scoping; moto proves the requests are well formed and accepted.

Deliberately broken variants of the compiled output prove the apply is looking: CreateTrail must
reject them, and the error must name the reason.

Accounts: a moto server plays one account, the one `MOTO_ACCOUNT_ID` names in its environment
(moto 5.2.5 answers every request, sts:GetCallerIdentity included, as that account). A case is
applied in the account its existing log group, role and topics name (they must live in the
trail's account; see _placement), or in moto's usual 123456789012 when it names none; a spec whose
existing resources name two accounts cannot be applied honestly and is skipped, which fails the
run. The read-back then checks that case like any other, in that account. A spec with `accounts`
(an organization layout) is not a case here: check_layout applies its two parts as two accounts
of one server.

Isolation: each worker owns one moto server per account it has needed (a separate process on a
free loopback port, always stopped by its PID) and resets it between configurations. One trail per server at a time matters
because moto 5.2.5 ignores DescribeTrails' trailNameList filter, which the provider relies on, and
lists multi-region trails of every region. Workers run in parallel only because the AWS provider
waits about a minute after PutBucketLifecycleConfiguration for the rules to read back "steady"
(a wait for real S3's eventual consistency that moto cannot shorten). Checks are collected per
configuration and replayed into the report in case order, so the output does not depend on timing.

Every configuration is applied from the bytes trailsmith wrote, plus one provider file; what the
spec says already exists is made in moto first (see _prepare_existing for what and why). After
the read-back and the second plan, check_adopt exports the deployment and runs `trailsmith import`
and `trailsmith drift` on it.
"""
import json
import os
import queue
import re
import socket
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import check_adopt
import moto_athena
import moto_events
from expect import alarm_expectations
from harness import log, replay, short

DUMMY_KEY = "testing"  # moto accepts any credentials; these never leave the loopback interface
DEFAULT_REGION = "us-east-1"  # where a spec without home_region is applied (README: no region pinned)
DEFAULT_ACCOUNT = "123456789012"  # moto's own default, for a spec that names no account of its own
WORKERS = 8  # the slow applies mostly wait; beyond this the 2 CPUs are the limit
APPLY_TIMEOUT = 600
SAMPLE_MEMBER = "111111111111"  # a made-up organization member account for org delivery paths
OTHER_ACCOUNT = "999999999999"  # an account nothing in any example admits


# --------------------------------------------------------------------------------------------
# A small IAM policy evaluator: enough of the policy language for the statements a trail needs.
# It is strict on purpose: an operator or element it does not know raises, and the check fails
# with that message instead of guessing.
# --------------------------------------------------------------------------------------------


class Unsupported(Exception):
    pass


def _as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _glob(pattern, value, ignore_case=False):
    """IAM wildcard match: `*` any run, `?` one character, everything else literal."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, re.IGNORECASE if ignore_case else 0) is not None


def parse_policy(doc):
    """A policy as a dict, from a dict, a JSON string or a URL-encoded JSON string (IAM)."""
    if isinstance(doc, dict):
        return doc
    text = doc.decode() if isinstance(doc, bytes) else doc
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        from urllib.parse import unquote

        return json.loads(unquote(text))


def statements(policy):
    return _as_list(parse_policy(policy).get("Statement"))


def _principal_matches(stmt, principal):
    """principal: ("Service", "cloudtrail.amazonaws.com") or ("AWS", arn), or None for an
    identity policy (no Principal element). Exact identifiers only: an account root principal
    delegates to IAM, which is not what these checks ask about."""
    if "NotPrincipal" in stmt:
        raise Unsupported("NotPrincipal")
    if principal is None:
        return "Principal" not in stmt
    p = stmt.get("Principal")
    if p is None:
        return False
    if p == "*":
        return True
    kind, who = principal
    for k, v in p.items():
        for ident in _as_list(v):
            if k == "AWS" and ident == "*":
                return True
            if k == kind and ident == who:
                return True
    return False


def _matches_any(patterns, value, ignore_case):
    return any(_glob(p, value, ignore_case) for p in patterns)


def _action_matches(stmt, action):
    if "NotAction" in stmt:
        return not _matches_any(_as_list(stmt["NotAction"]), action, True)
    return _matches_any(_as_list(stmt.get("Action")), action, True)


def _resource_matches(stmt, resource):
    if "NotResource" in stmt:
        return not _matches_any(_as_list(stmt["NotResource"]), resource, False)
    if "Resource" not in stmt:  # trust policies have none
        return True
    return _matches_any(_as_list(stmt["Resource"]), resource, False)


def _lookup(context, key):
    for k, v in context.items():
        if k.lower() == key.lower():
            return v
    return None


def _condition_holds(cond, context):
    for op, pairs in (cond or {}).items():
        if ":" in op:  # ForAnyValue:/ForAllValues: are for multi-valued keys, never used here
            raise Unsupported(f"condition operator {op}")
        base = op[: -len("IfExists")] if op.endswith("IfExists") else op
        if_exists = base != op
        for key, wanted in pairs.items():
            wanted = [str(w) for w in _as_list(wanted)]
            actual = _lookup(context, key)
            if base == "Null":
                if (actual is None) != (wanted[0].lower() == "true"):
                    return False
                continue
            negated = "Not" in base
            if actual is None:
                if if_exists or negated:
                    continue
                return False
            actual = str(actual)
            if base in ("StringEquals", "StringNotEquals"):
                hit = actual in wanted
            elif base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
                hit = actual.lower() in (w.lower() for w in wanted)
            elif base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"):
                hit = any(_glob(w, actual) for w in wanted)
            elif base == "Bool":
                hit = actual.lower() in (w.lower() for w in wanted)
            elif base.startswith("Numeric"):
                compare = {"NumericEquals": float.__eq__, "NumericNotEquals": float.__eq__,
                           "NumericLessThan": float.__lt__, "NumericLessThanEquals": float.__le__,
                           "NumericGreaterThan": float.__gt__, "NumericGreaterThanEquals": float.__ge__}
                if base not in compare:
                    raise Unsupported(f"condition operator {op}")
                hit = any(compare[base](float(actual), float(w)) for w in wanted)
            else:
                raise Unsupported(f"condition operator {op}")
            if hit == negated:
                return False
    return True


def evaluate(policy, principal, action, resource, context):
    """'deny' (an explicit Deny applies), 'allow' (an Allow applies, no Deny) or 'implicit'."""
    verdict = "implicit"
    for s in statements(policy):
        if not (_principal_matches(s, principal) and _action_matches(s, action)):
            continue
        if not (_resource_matches(s, resource) and _condition_holds(s.get("Condition"), context)):
            continue
        if s.get("Effect") == "Deny":
            return "deny"
        if s.get("Effect") == "Allow":
            verdict = "allow"
    return verdict


def allowed(policy, principal, action, resource, context):
    return evaluate(policy, principal, action, resource, context) == "allow"


def _condition_values(stmt, key):
    """Every value any operator of the statement's Condition gives for `key`."""
    out = []
    for pairs in (stmt.get("Condition") or {}).values():
        for k, v in pairs.items():
            if k.lower() == key.lower():
                out.extend(_as_list(v))
    return out


# --------------------------------------------------------------------------------------------
# The moto server and terraform
# --------------------------------------------------------------------------------------------


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """One `moto_server` process on a loopback port, playing `account`; stop() ends exactly that PID.

    With account None the server plays every account: moto 5.2.5 then takes a request's account
    from its credentials (an access key made in that account's IAM, see check_layout), since
    MOTO_ACCOUNT_ID, when set, overrides everything else (moto.core.responses.get_current_account).
    """

    def __init__(self, binary, logdir, account=DEFAULT_ACCOUNT):
        self.account = account
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(logdir) / f"moto-{account or 'any-account'}-{self.port}.log"
        self._log = open(self.log_path, "w")
        env = {k: v for k, v in os.environ.items() if k != "MOTO_ACCOUNT_ID"}
        if account:
            env["MOTO_ACCOUNT_ID"] = account
        self.proc = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/moto-api/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server on {self.url} did not answer within {timeout}s: {self.tail()}")

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            if r.status != 200:
                raise RuntimeError(f"moto reset answered {r.status}")

    def tail(self, n=1500):
        try:
            return self.log_path.read_text()[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def _tf_env():
    """The environment for terraform: nothing AWS_* or TF_* from outside may steer it (the image
    points TF_CLI_CONFIG_FILE at a missing file, and a stray AWS_REGION would hide a missing
    provider region), so only what this module sets reaches the provider."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update(
        TF_CLI_CONFIG_FILE="/dev/null",
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        AWS_EC2_METADATA_DISABLED="true",
        # Each start of the AWS provider spends ~5 s of CPU building its schema, mostly in Go's
        # garbage collector; collecting less often cuts that by a third for ~30% more memory
        # (about 0.5 GB per provider process), and CPU is what limits this module on 2 CPUs.
        GOGC="400",
    )
    return env


def _run(cmd, cwd, timeout):
    try:
        p = subprocess.run(
            [str(c) for c in cmd], cwd=cwd, env=_tf_env(), capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, f"timed out after {timeout}s\n{out}"


def _paragraphs(output, word):
    """terraform's `Error:` or `Warning:` paragraphs (boxed with │ when -no-color), one line each."""
    blocks = re.findall(rf"(?ms)^[│╷ ]*{word}: .*?(?=^╵|^\S|\Z)", output)
    return [" ".join(b.replace("│", " ").replace("╷", " ").split()) for b in blocks]


def _errors(output):
    """The `Error:` paragraphs of terraform's output, which name the failing request."""
    return " ".join(_paragraphs(output, "Error")) or output[-1500:]


def _provider_block(config, url, region):
    """The aws provider settings that point it at moto.

    - endpoints: `logs` is the provider's own key for CloudWatch Logs; `cloudwatchlogs` and
      `cloudwatchlog` are aliases in 5.x, and setting more than one of the three draws "Only one
      of the following attributes should be set ... will be an error in a future release".
    - skip_metadata_api_check is a *string* attribute in the provider schema.
    - skip_requesting_account_id stays false: moto answers sts:GetCallerIdentity, so the provider
      and data.aws_caller_identity see moto's real account id (123456789012 unless configured).
    - region: only for a configuration without a provider block. When trailsmith wrote one (it
      pins home_region), the override leaves its region alone, so the read-back of the trail's
      home region checks trailsmith's pin rather than ours.
    """
    endpoints = {svc: url for svc in ("sts", "iam", "s3", "kms", "sns", "logs", "cloudwatch", "cloudtrail",
                                      "glue", "athena", "events")}
    block = {
        "access_key": DUMMY_KEY,
        "secret_key": DUMMY_KEY,
        "s3_use_path_style": True,  # moto serves buckets by path, not by virtual host name
        "skip_credentials_validation": True,
        "skip_metadata_api_check": "true",
        "skip_region_validation": True,
        "endpoints": [endpoints],
    }
    has_provider = "aws" in (config.get("provider") or {})
    if not has_provider:
        block["region"] = region
    # Terraform merges `*_override.tf.json` into the existing provider block; with no provider
    # block in main.tf.json an override has nothing to merge into, so a plain file declares it.
    name = "moto_override.tf.json" if has_provider else "moto_provider.tf.json"
    return name, {"provider": {"aws": block}}


# --------------------------------------------------------------------------------------------
# One configuration: prepare, apply, read back
# --------------------------------------------------------------------------------------------


class Results:
    """Checks of one job, replayed into the report in job order once all workers are done."""

    def __init__(self, label):
        self.label = label
        self.items = []  # ("check", name, ok, detail) or ("skip", tool, why)

    def check(self, name, ok, detail=""):
        self.items.append(("check", name, bool(ok), detail))
        return ok

    def skip(self, tool, why):
        self.items.append(("skip", tool, why, None))

    def run(self, name, fn):
        """Records fn() -> (ok, detail); an exception is a failure of that check alone."""
        try:
            ok, detail = fn()
        except Exception as e:  # noqa: BLE001 - one broken read-back must not hide the others
            ok, detail = False, f"{type(e).__name__}: {e}"
        return self.check(name, ok, short(detail, 600))


def _clients(url, region, key=DUMMY_KEY, secret=DUMMY_KEY):
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
    cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})
    names = {"sts": "sts", "s3": "s3", "kms": "kms", "sns": "sns", "logs": "logs", "iam": "iam",
             "ct": "cloudtrail", "cw": "cloudwatch", "glue": "glue", "athena": "athena", "events": "events"}
    return {k: session.client(v, endpoint_url=url, config=cfg) for k, v in names.items()}


def _account_of(arn):
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def _arn_region(arn):
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _placement(case):
    """(account, region, problem): where a case is applied in moto.

    The existing resources a trail's account must own are the delivery topic (`sns.topic_arn`),
    the log group and delivery role (`cloudwatch_logs.log_group_arn`, `role_arn`) and the alarms'
    topic (`alarms.notify.topic_arn`: alarm actions publish from the alarm's account). When their
    ARNs name one account, the case runs as it; the key (`kms.key_arn`) is left out, since a key
    in a log archive account is the usual case and moto never resolves it. The region is the
    trail's home region, else the one those ARNs name (the only place such a spec can work), else
    DEFAULT_REGION. ARNs that name two accounts, or a region other than the home region, are a
    problem: the case cannot be applied without rewriting what the spec says.
    """
    spec, e = case.spec, case.expect
    logs = spec.get("cloudwatch_logs") if isinstance(spec.get("cloudwatch_logs"), dict) else {}
    notify = (spec.get("alarms") or {}).get("notify") or {}
    arns = {"topic": e.topic_arn if e.sns == "existing" else None,
            "log group": logs.get("log_group_arn"), "role": logs.get("role_arn"),
            "alarm topic": notify.get("topic_arn")}
    # A customer managed permissions boundary is a policy of the role's own account (an AWS
    # managed one, account `aws`, is everyone's).
    if e.role_boundary and _account_of(e.role_boundary) != "aws":
        arns["boundary"] = e.role_boundary
    arns = {k: v for k, v in arns.items() if v}
    accounts = sorted({_account_of(a) for a in arns.values()})
    regions = sorted({_arn_region(a) for a in arns.values()} - {""})
    if len(accounts) > 1:
        return None, None, f"the spec's existing resources name accounts {accounts}: {arns}"
    if len(regions) > 1 or (e.home_region and regions and regions != [e.home_region]):
        return None, None, f"the spec's existing resources name regions {regions}, home region {e.home_region}: {arns}"
    region = e.home_region or (regions[0] if regions else DEFAULT_REGION)
    return (accounts[0] if accounts else DEFAULT_ACCOUNT), region, None


def _prepare_existing(c, case, region, account):
    """Creates in moto what the spec says already exists, so CreateTrail finds it.

    Returns (notes, skip_reason). What is created is the minimum a real owner would have made:
    - an existing trail bucket: the bucket, by name, with no policy. Its policy belongs to its
      owner (README), and moto does not check bucket policies, so none is invented. moto looks the
      bucket up in the caller's own account, so it is made there even when the spec's bucket lives
      in a log archive account.
    - the access-logging target bucket: made with the S3 log delivery grant the real one must
      carry, because moto's PutBucketLogging refuses a target without it.
    - an existing KMS key (`key_arn`): nothing. moto cannot make a key with a chosen id or in
      another account, and its CreateTrail never resolves KmsKeyId, so the configuration is applied
      exactly as trailsmith wrote it (no ARN rewriting: the bytes under test stay trailsmith's) and
      the read-back only checks that the trail carries the given ARN, saying that moto did not
      resolve it.
    - an existing topic, log group or role: made by name in moto's account and region, which
      _placement chose from their ARNs; an ARN outside them (a placement mistake) is a skip.
    - an existing alarms topic: nothing; alarm actions are not resolved by moto either.
    """
    e, spec, notes = case.expect, case.spec, []
    s3 = c["s3"]

    def make_bucket(name):
        kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **kwargs)

    if e.bucket_existing:
        make_bucket(e.bucket_name)
        notes.append(f"existing bucket {e.bucket_name} pre-created without a policy")
    notes += _make_access_log_target(c, spec, region)
    if e.sns == "existing":
        arn = e.topic_arn
        if _account_of(arn) != account or arn.split(":")[3] != region:
            return notes, f"existing topic {arn} is outside moto's account/region"
        c["sns"].create_topic(Name=arn.split(":")[-1])
        notes.append(f"existing topic {arn} pre-created")
    logs_cfg = spec.get("cloudwatch_logs") if isinstance(spec.get("cloudwatch_logs"), dict) else {}
    if e.logs == "existing":
        arn = logs_cfg["log_group_arn"]
        if _account_of(arn) != account:
            return notes, f"existing log group {arn} is outside moto's account"
        c["logs"].create_log_group(logGroupName=arn.split(":log-group:")[1].rstrip("*").rstrip(":"))
        notes.append(f"existing log group {arn} pre-created")
    if e.logs != "none" and e.role == "existing":
        arn = logs_cfg["role_arn"]
        if _account_of(arn) != account:
            return notes, f"existing role {arn} is outside moto's account"
        c["iam"].create_role(RoleName=arn.split("/")[-1], AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))
        notes.append(f"existing role {arn} pre-created")
    if e.logs != "none" and e.role == "new" and e.role_boundary and _account_of(e.role_boundary) != "aws":
        # The boundary is the platform team's policy, made before the role it bounds (IAM refuses
        # a boundary that does not exist; moto does not check). It allows what a delivery role
        # needs, as the README's note (`role-boundary-must-allow`) asks.
        arn = e.role_boundary
        if _account_of(arn) != account:
            return notes, f"permissions boundary {arn} is outside moto's account"
        path_and_name = arn.split(":policy/", 1)[1]
        path, _, name = path_and_name.rpartition("/")
        got = c["iam"].create_policy(PolicyName=name, Path=f"/{path}/" if path else "/", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                                                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}]}))
        if got["Policy"]["Arn"] != arn:
            return notes, f"permissions boundary made as {got['Policy']['Arn']}, not {arn}"
        notes.append(f"permissions boundary {arn} pre-created")
    if e.kms == "existing":
        notes.append("existing key ARN applied as written, unresolved by moto")
    return notes, None


def _make_access_log_target(c, spec, region):
    """The bucket's access-logging target, made with the S3 log delivery grant the real one must
    carry, because moto's PutBucketLogging refuses a target without it. Returns notes."""
    logging_cfg = (spec.get("bucket") or {}).get("access_logging")
    if not logging_cfg:
        return []
    target, prefix = logging_cfg["target_bucket"], logging_cfg.get("prefix", "")
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    c["s3"].create_bucket(Bucket=target, **kwargs)
    c["s3"].put_bucket_policy(Bucket=target, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{target}/{prefix}*",
        }],
    }))
    return [f"access-log target bucket {target} pre-created"]


def _apply(server, workdir, text, region, mirror, terraform):
    """Writes main.tf.json (`text`) plus the moto provider file, runs init and apply.
    Returns (ok, output, seconds)."""
    workdir.mkdir(parents=True)
    (workdir / "main.tf.json").write_text(text)
    name, provider = _provider_block(json.loads(text), server.url, region)
    with open(workdir / name, "w") as f:
        json.dump(provider, f, indent=2)
    began = time.monotonic()
    code, out = _run([terraform, "init", "-input=false", "-backend=false", f"-plugin-dir={mirror}", "-no-color"],
                     workdir, 120)
    if code != 0:
        return False, "terraform init failed: " + out, time.monotonic() - began
    code, out = _run([terraform, "apply", "-auto-approve", "-input=false", "-no-color"], workdir, APPLY_TIMEOUT)
    (workdir / "apply.log").write_text(out)  # kept with --keep, for reading what the provider said
    return code == 0, out, time.monotonic() - began


def _do_case(job, server, ctx):
    case, r = job["case"], job["results"]
    region = job["region"]
    began = time.monotonic()
    server.reset()
    c = _clients(server.url, region)
    account = c["sts"].get_caller_identity()["Account"]
    if account != job["account"] or job["account"] != DEFAULT_ACCOUNT:
        # Said for every case its spec places in an account of its own; for the others only when wrong.
        if not r.check(f"moto {case.name}: moto plays account {job['account']}, the one the spec's existing "
                       "resources name", account == job["account"],
                       f"sts:GetCallerIdentity says {account} (MOTO_ACCOUNT_ID={server.account})"):
            return
    notes, skip = _prepare_existing(c, case, region, account)
    if skip:
        r.skip(f"terraform apply on moto {case.name}", skip)
        return
    # The bytes trailsmith wrote are applied unchanged; only the provider file is added.
    text = (Path(case.tf_dir) / "main.tf.json").read_text()
    workdir = ctx.work / "moto" / case.name
    ok, out, secs = _apply(server, workdir, text, region, ctx.tf_mirror, ctx.tools["terraform"])
    detail = "; ".join(notes)
    r.check(f"terraform apply on moto {case.name}" + (f" ({detail})" if detail else ""), ok,
            _errors(out) + (f" | moto log: {server.tail(500)}" if not ok else ""))
    t_apply = time.monotonic() - began
    for w in sorted(set(_paragraphs(out, "Warning"))):
        log(f"moto {case.name}: terraform {short(w, 300)}")
    t_adopt = 0.0
    if ok:
        _read_back(r, c, case, region, account)
        _plan_again(r, case, workdir, ctx.tools["terraform"])
        # The deployed trail, exported as the AWS CLI prints it, through import and drift.
        adopt_began = time.monotonic()
        check_adopt.run_case(r, c, case, workdir, ctx.trailsmith, ctx.tools.get("aws"))
        t_adopt = time.monotonic() - adopt_began
    log(f"moto {case.name}: init+apply {secs:.1f}s, read-back and second plan "
        f"{time.monotonic() - began - t_apply - t_adopt:.1f}s, import and drift {t_adopt:.1f}s, "
        f"total {time.monotonic() - began:.1f}s")


def _do_broken(job, server, ctx):
    """Applies a mutated copy and records whether CreateTrail refused it for the stated reason."""
    r, case = job["results"], job["case"]
    region = job["region"]
    began = time.monotonic()
    server.reset()
    c = _clients(server.url, region)
    account = c["sts"].get_caller_identity()["Account"]
    if account != job["account"]:
        r.check(job["title"], False, f"moto plays {account}, not {job['account']}")
        return
    if job.get("prepare", True):
        _, skip = _prepare_existing(c, case, region, account)
        if skip:
            r.skip(job["title"], skip)
            return
    config = json.loads((Path(case.tf_dir) / "main.tf.json").read_text())
    job["mutate"](config)
    ok, out, secs = _apply(server, ctx.work / "moto" / job["dir"], json.dumps(config, indent=2), region,
                           ctx.tf_mirror, ctx.tools["terraform"])
    errors = _errors(out)
    reason = all(re.search(p, errors, re.IGNORECASE) for p in job["reason"])
    rejected = (not ok) and reason
    if ok:
        detail = "apply succeeded: the mutation went unnoticed"
    elif not reason:
        detail = f"apply failed for another reason (wanted {job['reason']}): {errors}"
    else:
        detail = errors
    r.check(job["title"], rejected, detail)
    log(f"moto {job['dir']}: init+apply {secs:.1f}s, total {time.monotonic() - began:.1f}s")


def _plan_again(r, case, workdir, terraform):
    """A second plan must be empty: a perpetual diff (an attribute the API normalises differently
    from what the configuration says) would make every later apply rewrite the resource."""
    code, out = _run([terraform, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"],
                     workdir, APPLY_TIMEOUT)
    (workdir / "plan-again.log").write_text(out)
    changes = re.findall(r"(?m)^\s*# (\S+) (?:will|must) be .*$", out)
    detail = f"exit {code}; " + ("; ".join(changes) if changes else _errors(out))
    r.check(f"moto {case.name}: terraform plan after apply shows no changes", code == 0, detail)


def _is_slow(job):
    if job["kind"] != "case":
        return False  # broken variants drop the lifecycle configuration
    config = json.loads((Path(job["case"].tf_dir) / "main.tf.json").read_text())
    return "aws_s3_bucket_lifecycle_configuration" in (config.get("resource") or {})


def _trail_resource(config):
    trails = (config.get("resource") or {}).get("aws_cloudtrail") or {}
    return next(iter(trails.values()))


def _broken_jobs(cases):
    jobs = []
    base = next((c for c in cases if c.name == "minimal"), None) or next(
        (c for c in cases if not c.expect.bucket_existing), None)
    if base is not None:
        def multi_without_global(config):
            t = _trail_resource(config)
            t["is_multi_region_trail"] = True
            t["include_global_service_events"] = False
            # The lifecycle rules play no part in CreateTrail; without them the provider's
            # one-minute lifecycle wait does not hold up a variant that is meant to fail.
            (config.get("resource") or {}).pop("aws_s3_bucket_lifecycle_configuration", None)

        jobs.append({
            "case": base, "dir": f"broken-multi-region-{base.name}", "mutate": multi_without_global,
            "title": "terraform apply on moto rejects broken variant: multi-region without global events",
            # moto: InvalidParameterCombinationException "Multi-Region trail must include global
            # service events." (the same rule and words as CloudTrail's)
            "reason": [r"InvalidParameterCombinationException", r"global service events"],
        })
    existing = next((c for c in cases if c.name == "existing-bucket-and-key"), None) or next(
        (c for c in cases if c.expect.bucket_existing), None)
    if existing is not None:
        jobs.append({
            "case": existing, "dir": f"broken-no-bucket-{existing.name}", "mutate": lambda config: None,
            "prepare": False,  # the point: the existing bucket the spec names is not there
            "title": f"terraform apply on moto rejects broken variant: {existing.name} without its existing bucket",
            "reason": [r"S3BucketDoesNotExistException", re.escape(existing.expect.bucket_name)],
        })
    return jobs


# --------------------------------------------------------------------------------------------
# Read-back: one check per aspect, compared with case.expect
# --------------------------------------------------------------------------------------------


def _eq(actual, wanted):
    return actual == wanted, f"got {actual!r}, want {wanted!r}"


def _error_code(exc):
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "")


def _management_events(resp):
    """(included, ReadWriteType or None, sorted excluded sources) from GetEventSelectors, whether
    the trail uses basic or advanced selectors (data events may add selectors of their own)."""
    basic = [s for s in resp.get("EventSelectors") or [] if s.get("IncludeManagementEvents")]
    advanced = []
    for s in resp.get("AdvancedEventSelectors") or []:
        fields = {f["Field"]: f for f in s.get("FieldSelectors") or []}
        if (fields.get("eventCategory") or {}).get("Equals") == ["Management"]:
            advanced.append(fields)
    if len(basic) + len(advanced) > 1:
        raise ValueError(f"management events selected more than once: {resp}")
    if basic:
        s = basic[0]
        return True, s.get("ReadWriteType"), sorted(s.get("ExcludeManagementEventSources") or [])
    if advanced:
        f = advanced[0]
        read_only = (f.get("readOnly") or {}).get("Equals")
        rw = {None: "All", ("true",): "ReadOnly", ("false",): "WriteOnly"}.get(tuple(read_only) if read_only else None)
        return True, rw, sorted((f.get("eventSource") or {}).get("NotEquals") or [])
    return False, None, []


_READ_WRITE = {"all": "All", "read_only": "ReadOnly", "write_only": "WriteOnly"}
_READ_ONLY = {"All": None, "ReadOnly": ["true"], "WriteOnly": ["false"]}


def _records(resp, kind, i, entry, trail_bucket):
    """Whether GetEventSelectors records one `events` entry of the spec, read from the README's
    language (not from trailsmith): a basic DataResource or an advanced selector, either form."""
    basic = resp.get("EventSelectors") or []
    advanced = [
        {f["Field"]: {k: sorted(v) for k, v in f.items() if k != "Field"} for f in a.get("FieldSelectors") or []}
        for a in resp.get("AdvancedEventSelectors") or []
    ]
    if kind == "network activity":
        want = {"eventCategory": {"Equals": ["NetworkActivity"]}, "eventSource": {"Equals": [entry["source"]]}}
        if entry.get("vpce_access_denied_only"):
            want["errorCode"] = {"Equals": ["VpceAccessDenied"]}
        if entry.get("vpc_endpoint_ids"):
            want["vpcEndpointId"] = {"Equals": sorted(entry["vpc_endpoint_ids"])}
        return want in advanced
    if kind == "advanced":
        want = {}
        for f in entry["field_selectors"]:
            ops = {"equals": "Equals", "not_equals": "NotEquals", "starts_with": "StartsWith",
                   "not_starts_with": "NotStartsWith", "ends_with": "EndsWith", "not_ends_with": "NotEndsWith"}
            want[f["field"]] = {api: sorted(f[key]) for key, api in ops.items() if f.get(key)}
        return want in advanced
    rw = _READ_WRITE[entry.get("read_write", "all")]
    kind_name = entry["type"]
    s3 = kind_name == "AWS::S3::Object"
    buckets = ["arn:aws:s3:::" + (b if "/" in b else b + "/") for b in entry.get("buckets") or []]
    service = kind_name.split("::")[1].lower()
    # Basic form: one DataResource of the type in a selector of the same read/write choice.
    for sel in basic:
        if sel.get("ReadWriteType") != rw:
            continue
        for dr in sel.get("DataResources") or []:
            if dr.get("Type") != kind_name:
                continue
            values = sorted(dr.get("Values") or [])
            if entry.get("all") and values == [f"arn:aws:{service}"] and (not s3 or entry.get("include_trail_bucket")):
                return True
            if not entry.get("all") and values == sorted(buckets + (entry.get("arns") or []) + (entry.get("arn_prefixes") or [])):
                return True
    # Advanced form: the category, the type, the read/write choice, the scope and the names.
    want = {"eventCategory": {"Equals": ["Data"]}, "resources.type": {"Equals": [kind_name]}}
    if _READ_ONLY[rw]:
        want["readOnly"] = {"Equals": _READ_ONLY[rw]}
    if entry.get("all") and s3 and not entry.get("include_trail_bucket"):
        want["resources.ARN"] = {"NotStartsWith": [f"arn:aws:s3:::{trail_bucket}/"]}
    elif buckets or entry.get("arn_prefixes"):
        want["resources.ARN"] = {"StartsWith": sorted(buckets + (entry.get("arn_prefixes") or []))}
    elif entry.get("arns"):
        want["resources.ARN"] = {"Equals": sorted(entry["arns"])}
    names = entry.get("event_names") or {}
    if names.get("include"):
        want["eventName"] = {"Equals": sorted(names["include"])}
    if names.get("exclude"):
        want["eventName"] = {"NotEquals": sorted(names["exclude"])}
    return want in advanced


def _read_back(r, c, case, region, account):
    e, spec = case.expect, case.spec
    n = f"moto {case.name}:"
    trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{e.trail_name}"
    other_trail = f"arn:aws:cloudtrail:{region}:{account}:trail/{e.trail_name}-impostor"
    foreign_trail = f"arn:aws:cloudtrail:{region}:{OTHER_ACCOUNT}:trail/{e.trail_name}"
    ct_principal = ("Service", "cloudtrail.amazonaws.com")

    # --- the trail -------------------------------------------------------------------------
    trails = [t for t in c["ct"].describe_trails()["trailList"] if t["Name"] == e.trail_name]
    if not r.check(f"{n} trail exists", len(trails) == 1, f"{len(trails)} trails named {e.trail_name}"):
        return
    t = trails[0]
    r.run(f"{n} trail ARN and home region {region}", lambda: (
        t.get("TrailARN") == trail_arn and t.get("HomeRegion") == region,
        f"ARN {t.get('TrailARN')}, home region {t.get('HomeRegion')}; want {trail_arn}"))
    r.run(f"{n} trail multi-region", lambda: _eq(t.get("IsMultiRegionTrail"), e.multi_region))
    r.run(f"{n} trail global service events", lambda: _eq(t.get("IncludeGlobalServiceEvents"), e.global_events))
    r.run(f"{n} trail log file validation", lambda: _eq(t.get("LogFileValidationEnabled"), e.validation))
    r.run(f"{n} trail organization flag", lambda: _eq(t.get("IsOrganizationTrail"), bool(e.org_id)))
    bucket = e.bucket_name or t.get("S3BucketName")

    def bucket_and_prefix():
        names = [b["Name"] for b in c["s3"].list_buckets()["Buckets"]]
        ok = bool(bucket) and t.get("S3BucketName") == bucket and t.get("S3KeyPrefix") == e.prefix
        return ok and bucket in names, (f"bucket {t.get('S3BucketName')!r} prefix {t.get('S3KeyPrefix')!r}; "
                                        f"want {bucket!r} {e.prefix!r}; buckets in moto {names}")
    r.run(f"{n} trail bucket and prefix", bucket_and_prefix)

    key_arn = None
    if e.kms == "new":
        # moto was reset before the apply, so the keys it holds are the ones the apply made; the
        # key is found this way rather than through the alias, so a wrong alias fails one check
        # and the key's own checks still run.
        keys = [c["kms"].describe_key(KeyId=k["KeyId"])["KeyMetadata"]["Arn"] for k in c["kms"].list_keys()["Keys"]]
        key_arn = keys[0] if len(keys) == 1 else None
        r.run(f"{n} trail KmsKeyId is the created key", lambda: (
            key_arn is not None and t.get("KmsKeyId") == key_arn,
            f"keys in moto {keys}, trail KmsKeyId {t.get('KmsKeyId')}"))

        def alias_target():
            aliases = [a for a in c["kms"].list_aliases()["Aliases"] if a["AliasName"] == e.kms_alias]
            target = aliases[0].get("TargetKeyId") if aliases else None
            return target is not None and key_arn is not None and key_arn.endswith("/" + target), \
                f"alias {e.kms_alias} targets {target}; key {key_arn}"
        r.run(f"{n} KMS alias {e.kms_alias} names the trail's key", alias_target)
    elif e.kms == "existing":
        key_arn = e.key_arn
        r.run(f"{n} trail KmsKeyId is the existing key ARN as given (moto does not resolve keys)",
              lambda: _eq(t.get("KmsKeyId"), e.key_arn))
    else:
        r.run(f"{n} trail has no KmsKeyId", lambda: _eq(t.get("KmsKeyId"), None))

    topic_arn = None
    if e.sns == "new":
        topic_arn = f"arn:aws:sns:{region}:{account}:{e.topic_name}"
        r.run(f"{n} trail SNS topic {e.topic_name}", lambda: (
            t.get("SnsTopicName") in (e.topic_name, topic_arn) and t.get("SnsTopicARN") == topic_arn,
            f"SnsTopicName {t.get('SnsTopicName')!r} SnsTopicARN {t.get('SnsTopicARN')!r}; want {topic_arn}"))
    elif e.sns == "existing":
        topic_arn = e.topic_arn
        r.run(f"{n} trail SNS topic is the existing one", lambda: (
            topic_arn in (t.get("SnsTopicARN"), t.get("SnsTopicName")),
            f"SnsTopicName {t.get('SnsTopicName')!r} SnsTopicARN {t.get('SnsTopicARN')!r}; want {topic_arn}"))
    else:
        r.run(f"{n} trail has no SNS topic", lambda: (
            not t.get("SnsTopicName") and not t.get("SnsTopicARN"),
            f"SnsTopicName {t.get('SnsTopicName')!r} SnsTopicARN {t.get('SnsTopicARN')!r}"))
    if e.sns == "new" and e.topic_subscriptions:
        subs = c["sns"].list_subscriptions_by_topic(TopicArn=topic_arn).get("Subscriptions") or []
        r.run(f"{n} delivery topic subscriptions", lambda: _eq(
            sorted((x["Protocol"], x["Endpoint"]) for x in subs), e.topic_subscriptions))

    group_arn = role_arn = None
    if e.logs != "none":
        cfg = spec.get("cloudwatch_logs") if isinstance(spec.get("cloudwatch_logs"), dict) else {}
        want = (cfg.get("log_group_arn") or f"arn:aws:logs:{region}:{account}:log-group:{e.log_group}")
        want = want if want.endswith(":*") else want + ":*"
        group_arn = t.get("CloudWatchLogsLogGroupArn")
        r.run(f"{n} trail CloudWatch Logs group ARN ends with :* and names {e.log_group}",
              lambda: _eq(group_arn, want))
        role_arn = t.get("CloudWatchLogsRoleArn")
        if e.role == "existing":
            r.run(f"{n} trail CloudWatch Logs role is the existing one", lambda: _eq(role_arn, cfg.get("role_arn")))
        else:
            def role_ok():
                if not role_arn:
                    return False, "no CloudWatchLogsRoleArn"
                got = c["iam"].get_role(RoleName=role_arn.split("/")[-1])["Role"]["Arn"]
                return got == role_arn, f"trail names {role_arn}, IAM has {got}"
            r.run(f"{n} trail CloudWatch Logs role ARN names the created role", role_ok)
    else:
        r.run(f"{n} trail has no CloudWatch Logs", lambda: (
            not t.get("CloudWatchLogsLogGroupArn") and not t.get("CloudWatchLogsRoleArn"),
            f"group {t.get('CloudWatchLogsLogGroupArn')!r} role {t.get('CloudWatchLogsRoleArn')!r}"))

    def trail_tags():
        lst = c["ct"].list_tags(ResourceIdList=[trail_arn])["ResourceTagList"]
        got = {x["Key"]: x["Value"] for x in (lst[0].get("TagsList") or [])} if lst else {}
        return _eq(got, e.tags)
    r.run(f"{n} trail tags", trail_tags)
    r.run(f"{n} trail logging", lambda: _eq(c["ct"].get_trail_status(Name=e.trail_name)["IsLogging"], e.logging))

    def selectors():
        got = _management_events(c["ct"].get_event_selectors(TrailName=e.trail_name))
        want = (e.include_management, e.read_write if e.include_management else None, sorted(e.exclude_sources))
        return got == want, f"(include, read/write, excluded) got {got}, want {want}"
    r.run(f"{n} trail event selector (management events, read/write type, excluded sources)", selectors)

    events = spec.get("events") or {}
    wanted = [("data", i, d) for i, d in enumerate(events.get("data") or [])]
    wanted += [("network activity", i, n) for i, n in enumerate(events.get("network_activity") or [])]
    wanted += [("advanced", i, a) for i, a in enumerate(events.get("advanced") or [])]
    for kind, i, entry in wanted:
        def recorded(kind=kind, i=i, entry=entry):
            resp = c["ct"].get_event_selectors(TrailName=e.trail_name)
            return _records(resp, kind, i, entry, t.get("S3BucketName")), short(json.dumps(resp, default=str), 600)
        r.run(f"{n} trail records {kind} entry {i} as the spec says", recorded)

    def insights():
        got = c["ct"].get_insight_selectors(TrailName=e.trail_name).get("InsightSelectors") or []
        return _eq(sorted(i["InsightType"] for i in got), e.insights)
    r.run(f"{n} trail insight selectors {e.insights or 'none'}", insights)

    # --- the bucket ----------------------------------------------------------------------------
    s3 = c["s3"]
    if e.bucket_existing:
        def untouched():
            try:
                s3.get_bucket_policy(Bucket=bucket)
                return False, "a policy was written to a bucket the spec says is managed elsewhere"
            except Exception as exc:  # noqa: BLE001
                return _error_code(exc) == "NoSuchBucketPolicy", f"{exc}"
        r.run(f"{n} existing bucket {bucket}: its policy is left to its owner", untouched)
    elif bucket:
        _check_bucket(r, c, case, n, bucket, region, account, trail_arn, other_trail, foreign_trail, key_arn)

    # --- the key -------------------------------------------------------------------------------
    if e.kms == "new" and key_arn:
        _check_key(r, c, case, n, key_arn, region, account, trail_arn, other_trail, topic_arn)

    # --- the Athena table (moto_athena) ---------------------------------------------------------
    moto_athena.check(r, c, case, n, bucket, region, account, key_arn if e.kms == "new" else None,
                      evaluate, parse_policy)

    # --- the topic -----------------------------------------------------------------------------
    if e.sns == "new":
        def topic_attrs():
            return c["sns"].get_topic_attributes(TopicArn=topic_arn)["Attributes"]

        def topic_policy():
            pol = topic_attrs()["Policy"]
            yes = allowed(pol, ct_principal, "sns:Publish", topic_arn, {"aws:SourceArn": trail_arn})
            no = allowed(pol, ct_principal, "sns:Publish", topic_arn, {"aws:SourceArn": other_trail})
            return yes and not no, f"this trail allowed: {yes}; another trail allowed: {no}; policy {pol}"
        r.run(f"{n} topic policy lets only this trail publish (sns:Publish scoped by aws:SourceArn)", topic_policy)
        want_key = key_arn if e.kms == "new" else None
        r.run(f"{n} topic KmsMasterKeyId", lambda: _eq(topic_attrs().get("KmsMasterKeyId"), want_key))

    # --- the log group and role ----------------------------------------------------------------
    if e.logs == "new":
        def group():
            groups = [g for g in c["logs"].describe_log_groups(logGroupNamePrefix=e.log_group)["logGroups"]
                      if g["logGroupName"] == e.log_group]
            if not groups:
                return None
            return groups[0]
        kept = "none (never expires)" if e.retention is None else f"{e.retention} days"
        r.run(f"{n} log group {e.log_group} retention {kept}",
              lambda: _eq((group() or {}).get("retentionInDays"), e.retention))
        want_key = key_arn if e.kms == "new" else None
        r.run(f"{n} log group kmsKeyId", lambda: _eq((group() or {}).get("kmsKeyId"), want_key))
    if e.logs != "none" and e.role == "new" and role_arn:
        _check_role(r, c, case, n, role_arn, region, account, trail_arn, other_trail)

    # README: tags go "on every resource that takes tags" (trail, bucket and key are checked
    # with their own read-backs).
    def other_tags():
        got = {}
        if e.sns == "new":
            got["topic"] = {x["Key"]: x["Value"] for x in c["sns"].list_tags_for_resource(ResourceArn=topic_arn)["Tags"]}
        if e.logs == "new":
            arn = f"arn:aws:logs:{region}:{account}:log-group:{e.log_group}"
            got["log group"] = c["logs"].list_tags_for_resource(resourceArn=arn).get("tags") or {}
        if e.logs != "none" and e.role == "new" and role_arn:
            got["role"] = {x["Key"]: x["Value"] for x in c["iam"].list_role_tags(RoleName=role_arn.split("/")[-1])["Tags"]}
        bad = {k: v for k, v in got.items() if v != e.tags}
        return not bad, f"want {e.tags}; differing: {bad}"
    r.run(f"{n} tags on topic, log group and delivery role", other_tags)

    _check_alarms(r, c, case, n, region, account, t)


# The 15 CIS monitoring filters, copied from aws-cloudtrail-facts.md §4 (CIS AWS Foundations v5.0
# 4.1-4.15), so the deployed patterns are judged against the benchmark, not against trailsmith.
CIS_PATTERNS = {
    'unauthorized_api_calls': '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    'console_signin_without_mfa': '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    'root_account_usage': '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    'iam_policy_changes': '{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy) }',
    'cloudtrail_config_changes': '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    'console_auth_failures': '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    'cmk_disable_or_deletion': '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
    's3_bucket_policy_changes': '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    'config_changes': '{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }',
    'security_group_changes': '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }',
    'nacl_changes': '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
    'network_gateway_changes': '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
    'route_table_changes': '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }',
    'vpc_changes': '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
    'organizations_changes': '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
}


def _check_alarms(r, c, case, n, region, account, trail):
    """describe_metric_filters and describe_alarms against the spec's `alarms` section."""
    a = case.spec.get("alarms")
    alarms = c["cw"].describe_alarms().get("MetricAlarms") or []
    if a is None:
        r.run(f"{n} no CloudWatch alarms", lambda: (not alarms, f"{len(alarms)} alarms"))
        return
    e = case.expect
    arn = (case.spec.get("cloudwatch_logs") or {}).get("log_group_arn")
    group = arn.split(":log-group:")[1].removesuffix(":*") if arn else e.log_group
    ids = list(CIS_PATTERNS) if a.get("cis") == "all" else list(a.get("cis") or [])
    custom = a.get("custom") or []
    namespace = a.get("namespace", "CloudTrailMetrics")
    notify = a.get("notify") or {}
    if notify.get("delivery_topic"):
        topic = trail.get("SnsTopicARN")
    elif notify.get("topic_arn"):
        topic = notify["topic_arn"]
    else:
        topic = f"arn:aws:sns:{region}:{account}:{notify.get('topic_name') or e.trail_name.replace('.', '-') + '-alarms'}"
    moto_events.check(r, c, case, n, region, account, topic, allowed, parse_policy)
    if not ids and not custom:  # rules of `alarms.events` alone: no filter, no alarm
        r.run(f"{n} no CloudWatch alarms beside the event rules", lambda: (not alarms, f"{len(alarms)} alarms"))
        return
    filters = c["logs"].describe_metric_filters(logGroupName=group).get("metricFilters") or []
    squash = lambda p: " ".join(p.split())  # noqa: E731 - whitespace in a pattern does not matter
    want = sorted([squash(CIS_PATTERNS[i]) for i in ids] + [squash(x["pattern"]) for x in custom])

    r.run(f"{n} {len(want)} metric filters on {group} with the CIS and custom patterns", lambda: (
        sorted(squash(f["filterPattern"]) for f in filters) == want,
        f"got {sorted(squash(f['filterPattern']) for f in filters)}"))
    metrics = {(m["metricNamespace"], m["metricName"]) for f in filters for m in f["metricTransformations"]}
    r.run(f"{n} every filter counts 1 per match into a metric", lambda: (
        all(m["metricValue"] == "1" for f in filters for m in f["metricTransformations"]) and len(metrics) == len(filters),
        f"{[f['metricTransformations'] for f in filters]}"))
    r.run(f"{n} {len(want)} alarms, each on a filter's metric, acting on {topic}", lambda: (
        len(alarms) == len(want)
        and all((x["Namespace"], x["MetricName"]) in metrics and x.get("AlarmActions") == [topic] for x in alarms),
        f"{[(x['AlarmName'], x['Namespace'], x['MetricName'], x.get('AlarmActions')) for x in alarms]}"))
    wanted = alarm_expectations(case.spec, e.trail_name, ids)
    by_metric = {(m["metricNamespace"], m["metricName"]): f["filterName"]
                 for f in filters for m in f["metricTransformations"]}
    r.run(f"{n} filter and alarm names, metrics and missing data as the spec names them", lambda: _eq(
        sorted((by_metric.get((x["Namespace"], x["MetricName"])), x["AlarmName"], x["Namespace"], x["MetricName"],
                x.get("TreatMissingData")) for x in alarms), wanted))
    cis_names = {alarm for (_, alarm, _, _, _) in
                 alarm_expectations({"alarms": {**a, "custom": []}}, e.trail_name, ids)}
    cis_alarms = [x for x in alarms if x["AlarmName"] in cis_names]
    r.run(f"{n} CIS alarms: Sum over 300 s, 1 period, >= 1, missing data not breaching", lambda: (
        len(cis_alarms) == len(ids) and all(
            (x["Statistic"], x["Period"], x["EvaluationPeriods"], x["Threshold"], x["ComparisonOperator"],
             x.get("TreatMissingData")) == ("Sum", 300, 1, 1.0, "GreaterThanOrEqualToThreshold", "notBreaching")
            for x in cis_alarms),
        f"{[(x['AlarmName'], x['Statistic'], x['Period'], x['Threshold'], x['ComparisonOperator']) for x in cis_alarms]}"))
    if not notify.get("delivery_topic") and not notify.get("topic_arn"):
        subs = c["sns"].list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions") or []
        wanted_subs = sorted([("email", x) for x in notify.get("email") or []]
                             + [(x["protocol"], x["endpoint"]) for x in notify.get("subscriptions") or []])
        r.run(f"{n} alerts topic subscriptions", lambda: _eq(sorted((x["Protocol"], x["Endpoint"]) for x in subs), wanted_subs))


def _check_bucket(r, c, case, n, bucket, region, account, trail_arn, other_trail, foreign_trail, key_arn):
    e, s3 = case.expect, c["s3"]
    ct = ("Service", "cloudtrail.amazonaws.com")
    bucket_arn = f"arn:aws:s3:::{bucket}"
    base = f"{bucket_arn}/{e.prefix + '/' if e.prefix else ''}AWSLogs"
    log_object = f"{base}/{account}/CloudTrail/{region}/2025/01/01/{account}_CloudTrail_{region}_x.json.gz"
    secure = {"aws:SecureTransport": "true", "s3:x-amz-acl": "bucket-owner-full-control"}
    policy_cache = {}

    def policy():
        if "p" not in policy_cache:
            policy_cache["p"] = parse_policy(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        return policy_cache["p"]

    def by_sid(sid):
        return [s for s in statements(policy()) if s.get("Sid") == sid]

    def acl_check_stmt():
        found = by_sid("AWSCloudTrailAclCheck")
        if len(found) != 1:
            return False, f"{len(found)} statements with Sid AWSCloudTrailAclCheck"
        s = found[0]
        ok = (s.get("Effect") == "Allow" and s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}
              and "s3:GetBucketAcl" in _as_list(s.get("Action")) and _as_list(s.get("Resource")) == [bucket_arn]
              and _condition_values(s, "aws:SourceArn") == [trail_arn])
        return ok, f"statement {s}; want GetBucketAcl on {bucket_arn} with aws:SourceArn {trail_arn}"
    r.run(f"{n} bucket policy statement AWSCloudTrailAclCheck", acl_check_stmt)

    def write_stmt():
        found = by_sid("AWSCloudTrailWrite")
        if len(found) != 1:
            return False, f"{len(found)} statements with Sid AWSCloudTrailWrite"
        s = found[0]
        path = f"{base}/{account}/*"
        ok = (s.get("Effect") == "Allow" and s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}
              and "s3:PutObject" in _as_list(s.get("Action")) and path in _as_list(s.get("Resource"))
              and _condition_values(s, "aws:SourceArn") == [trail_arn])
        return ok, f"statement {s}; want PutObject on {path} with aws:SourceArn {trail_arn}"
    r.run(f"{n} bucket policy statement AWSCloudTrailWrite (account {account}, prefix {e.prefix!r})", write_stmt)

    def delivers():
        ctx = dict(secure, **{"aws:SourceArn": trail_arn, "aws:SourceAccount": account})
        acl = allowed(policy(), ct, "s3:GetBucketAcl", bucket_arn, ctx)
        put = allowed(policy(), ct, "s3:PutObject", log_object, ctx)
        return acl and put, f"GetBucketAcl {acl}, PutObject {log_object}: {put}"
    r.run(f"{n} bucket policy lets this trail deliver (evaluated)", delivers)

    def scoped():
        ctx = dict(secure, **{"aws:SourceArn": other_trail, "aws:SourceAccount": account})
        own = allowed(policy(), ct, "s3:PutObject", log_object, ctx)
        fctx = dict(secure, **{"aws:SourceArn": foreign_trail, "aws:SourceAccount": OTHER_ACCOUNT})
        foreign_obj = f"{base}/{OTHER_ACCOUNT}/CloudTrail/{region}/x.json.gz"
        foreign = allowed(policy(), ct, "s3:PutObject", foreign_obj, fctx)
        return not own and not foreign, f"another trail of this account allowed: {own}; account {OTHER_ACCOUNT}'s trail allowed: {foreign}"
    r.run(f"{n} bucket policy refuses other trails (evaluated)", scoped)

    def tls():
        insecure = {"aws:SecureTransport": "false"}
        anyone = ("AWS", f"arn:aws:iam::{account}:root")
        verdicts = {
            "GetObject": evaluate(policy(), anyone, "s3:GetObject", log_object, insecure),
            "ListBucket": evaluate(policy(), anyone, "s3:ListBucket", bucket_arn, insecure),
            "PutObject by CloudTrail": evaluate(policy(), ct, "s3:PutObject", log_object,
                                                dict(insecure, **{"aws:SourceArn": trail_arn})),
        }
        return all(v == "deny" for v in verdicts.values()), f"verdicts without TLS: {verdicts}"
    r.run(f"{n} bucket policy denies requests without TLS on bucket and objects (evaluated)", tls)

    if e.min_tls is not None:
        def min_tls():
            anyone = ("AWS", f"arn:aws:iam::{account}:root")
            secure = {"aws:SecureTransport": "true"}
            older, oldest = round(e.min_tls - 0.1, 1), 1.0
            verdicts = {
                f"GetObject over TLS {older}": evaluate(policy(), anyone, "s3:GetObject", log_object,
                                                        dict(secure, **{"s3:TlsVersion": older})),
                f"ListBucket over TLS {oldest}": evaluate(policy(), anyone, "s3:ListBucket", bucket_arn,
                                                          dict(secure, **{"s3:TlsVersion": oldest})),
                f"GetObject over TLS {e.min_tls}": evaluate(policy(), anyone, "s3:GetObject", log_object,
                                                            dict(secure, **{"s3:TlsVersion": e.min_tls})),
            }
            want = ["deny", "deny", "implicit"]
            return list(verdicts.values()) == want, f"verdicts {verdicts}, want {want} in order"
        r.run(f"{n} bucket policy denies TLS older than {e.min_tls} on bucket and objects (evaluated)", min_tls)

        def min_tls_statement():
            found = [s for s in statements(policy()) if "s3:TlsVersion" in str(s.get("Condition"))]
            want = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Condition": {"NumericLessThan": {"s3:TlsVersion": str(e.min_tls)}}}
            got = [{k: s.get(k) for k in want} for s in found]
            return got == [want] and sorted(_as_list(found[0].get("Resource"))) == sorted([bucket_arn, bucket_arn + "/*"]), \
                f"TLS statements {found}"
        r.run(f"{n} bucket policy holds exactly one TLS-version deny on the bucket and its objects", min_tls_statement)

    if e.org_id:
        def org():
            obj = f"{base}/{e.org_id}/{SAMPLE_MEMBER}/CloudTrail/{region}/x.json.gz"
            ctx = dict(secure, **{"aws:SourceArn": trail_arn, "aws:SourceAccount": account})
            ok = allowed(policy(), ct, "s3:PutObject", obj, ctx)
            return ok, f"PutObject {obj} by this trail: {ok}"
        r.run(f"{n} bucket policy lets the organization trail write under AWSLogs/{e.org_id}/ (evaluated)", org)

    for w in e.writer_accounts:
        def writer(w=w):
            wt = f"arn:aws:cloudtrail:{region}:{w}:trail/any-trail"
            ctx = dict(secure, **{"aws:SourceArn": wt, "aws:SourceAccount": w})
            acl = allowed(policy(), ct, "s3:GetBucketAcl", bucket_arn, ctx)
            put = allowed(policy(), ct, "s3:PutObject", f"{base}/{w}/CloudTrail/{region}/x.json.gz", ctx)
            cross = allowed(policy(), ct, "s3:PutObject", f"{base}/{account}/CloudTrail/{region}/x.json.gz", ctx)
            return acl and put and not cross, f"GetBucketAcl {acl}, own path {put}, this account's path {cross}"
        r.run(f"{n} bucket policy lets writer account {w}'s trails deliver only to AWSLogs/{w}/ (evaluated)", writer)

    def versioning():
        status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
        return (status == "Enabled") == e.versioning, f"status {status!r}, want enabled={e.versioning}"
    r.run(f"{n} bucket versioning {'enabled' if e.versioning else 'off'}", versioning)

    def pab():
        cfg = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        keys = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        return all(cfg.get(k) is True for k in keys), f"{cfg}"
    r.run(f"{n} bucket public access block (all four)", pab)

    def ownership():
        rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        return _eq([x.get("ObjectOwnership") for x in rules], ["BucketOwnerEnforced"])
    r.run(f"{n} bucket ownership controls: ACLs disabled", ownership)

    def encryption():
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        d = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
        got = (d.get("SSEAlgorithm"), d.get("KMSMasterKeyID"), bool(rules and rules[0].get("BucketKeyEnabled")))
        want = ("aws:kms", key_arn, e.bucket_key) if e.kms != "none" else ("AES256", None, False)
        return got == want, f"(algorithm, key, bucket key) got {got}, want {want}"
    r.run(f"{n} bucket default encryption{' with S3 Bucket Keys' if e.bucket_key else ''}", encryption)

    def object_lock():
        try:
            cfg = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        except Exception as exc:  # S3 answers ObjectLockConfigurationNotFoundError without one
            if e.object_lock is None and _error_code(exc) == "ObjectLockConfigurationNotFoundError":
                return True, "no Object Lock"
            raise
        retention = (cfg.get("Rule") or {}).get("DefaultRetention") or {}
        # moto 5.2 answers a retention in years with `Days: 0` beside `Years`; S3 never has both.
        unit = "Days" if retention.get("Days") else "Years"
        got = (cfg.get("ObjectLockEnabled"),)
        if retention:
            got += (retention.get("Mode"), unit, retention.get(unit))
        want = ("Enabled",) + tuple(e.object_lock) if e.object_lock else (None,)
        return got == want, f"got {got}, want {want}"
    r.run(f"{n} bucket Object Lock {e.object_lock or 'off'}", object_lock)

    lc = (case.spec.get("bucket") or {}).get("lifecycle") or {}

    def lifecycle():
        rules = [x for x in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] if x.get("Status") == "Enabled"]
        if len(rules) != 1:
            return False, f"{len(rules)} enabled rules: {rules}"
        x = rules[0]
        whole = x.get("Filter", {}).get("Prefix", "") == "" and not x.get("Prefix")
        got = {
            "whole bucket": whole,
            "abort": (x.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation"),
            "archive": sorted(tr.get("Days") for tr in x.get("Transitions") or []),
            "expire": (x.get("Expiration") or {}).get("Days"),
            "noncurrent": (x.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays"),
        }
        expire = lc.get("expire_after_days")
        want = {
            "whole bucket": True,
            "abort": 7,
            "archive": [lc["archive_after_days"]] if lc.get("archive_after_days") else [],
            "expire": expire,
            "noncurrent": e.noncurrent_days,
        }
        return got == want, f"got {got}, want {want}"
    r.run(f"{n} bucket lifecycle (abort uploads after 7 days{', archive/expire as specified' if lc else ''})", lifecycle)

    al = (case.spec.get("bucket") or {}).get("access_logging")

    def access_logging():
        got = s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled")
        got = (got["TargetBucket"], got.get("TargetPrefix", "")) if got else None
        want = (al["target_bucket"], al.get("prefix", "")) if al else None
        return _eq(got, want)
    r.run(f"{n} bucket access logging {'to ' + al['target_bucket'] if al else 'off'}", access_logging)

    if e.tags:
        def tags():
            got = {x["Key"]: x["Value"] for x in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
            return _eq(got, e.tags)
        r.run(f"{n} bucket tags", tags)


def _check_key(r, c, case, n, key_arn, region, account, trail_arn, other_trail, topic_arn):
    e, kms = case.expect, c["kms"]
    ct = ("Service", "cloudtrail.amazonaws.com")
    pol = parse_policy(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])

    r.run(f"{n} key rotation enabled", lambda: _eq(kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"], True))
    r.run(f"{n} key multi-Region {e.key_multi_region}",
          lambda: _eq(bool(kms.describe_key(KeyId=key_arn)["KeyMetadata"].get("MultiRegion")), e.key_multi_region))

    def bucket_key_decrypt():
        # README: with `bucket_key`, CloudTrail may decrypt as this trail only.
        own = allowed(pol, ct, "kms:Decrypt", key_arn, {"aws:SourceArn": trail_arn, "aws:SourceAccount": account})
        other = allowed(pol, ct, "kms:Decrypt", key_arn, {"aws:SourceArn": other_trail, "aws:SourceAccount": account})
        return own == e.bucket_key and not other, f"this trail {own} (want {e.bucket_key}), another trail {other}"
    r.run(f"{n} key policy: CloudTrail decrypts {'as this trail only' if e.bucket_key else 'never'} (evaluated)",
          bucket_key_decrypt)

    def root():
        want = f"arn:aws:iam::{account}:root"
        ok = any(s.get("Effect") == "Allow" and want in _as_list((s.get("Principal") or {}).get("AWS"))
                 and "kms:*" in _as_list(s.get("Action")) and _as_list(s.get("Resource")) == ["*"]
                 and not s.get("Condition") for s in statements(pol))
        return ok, f"no unconditional kms:* statement for {want} in {pol}"
    r.run(f"{n} key policy: account root statement", root)

    def encrypt():
        ctx = {"aws:SourceArn": trail_arn, "aws:SourceAccount": account,
               "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn}
        gen = allowed(pol, ct, "kms:GenerateDataKey", key_arn, ctx)
        desc = allowed(pol, ct, "kms:DescribeKey", key_arn, {"aws:SourceArn": trail_arn, "aws:SourceAccount": account})
        octx = dict(ctx, **{"aws:SourceArn": other_trail, "kms:EncryptionContext:aws:cloudtrail:arn": other_trail})
        other = allowed(pol, ct, "kms:GenerateDataKey", key_arn, octx)
        return gen and desc and not other, f"this trail GenerateDataKey {gen}, DescribeKey {desc}; another trail GenerateDataKey {other}"
    r.run(f"{n} key policy lets only this trail encrypt (aws:SourceArn, evaluated)", encrypt)

    # README: writer_accounts are "other accounts whose trails deliver here"; their log files are
    # encrypted with this key, so their trails need what this trail needs of it: GenerateDataKey
    # (under their own trail's encryption context) and DescribeKey, which the CloudTrail User Guide
    # ("Configure AWS KMS key policies for CloudTrail") requires of every trail using a key. A trail
    # of an account nothing admits gets neither.
    def uses(trail, account_id):
        source = {"aws:SourceArn": trail, "aws:SourceAccount": account_id}
        gen = allowed(pol, ct, "kms:GenerateDataKey", key_arn,
                      dict(source, **{"kms:EncryptionContext:aws:cloudtrail:arn": trail}))
        return gen, allowed(pol, ct, "kms:DescribeKey", key_arn, source)

    for w in e.writer_accounts:
        def writer(w=w):
            wt = f"arn:aws:cloudtrail:{region}:{w}:trail/writer-trail"
            ft = f"arn:aws:cloudtrail:{region}:{OTHER_ACCOUNT}:trail/writer-trail"
            (gen, desc), (fgen, fdesc) = uses(wt, w), uses(ft, OTHER_ACCOUNT)
            return gen and desc and not fgen and not fdesc, (
                f"trail {wt}: GenerateDataKey {gen}, DescribeKey {desc} (both wanted); "
                f"trail {ft}: GenerateDataKey {fgen}, DescribeKey {fdesc} (neither wanted)")
        r.run(f"{n} key policy lets writer account {w}'s trails encrypt with and describe the key, "
              f"and not account {OTHER_ACCOUNT}'s (evaluated)", writer)

    for p in e.decrypt_principals:
        def decrypt(p=p):
            ctx = {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn, "kms:CallerAccount": _account_of(p)}
            ok = allowed(pol, ("AWS", p), "kms:Decrypt", key_arn, ctx)
            return ok, f"kms:Decrypt of this trail's log files by {p}: {ok}"
        r.run(f"{n} key policy lets {p} decrypt the log files (evaluated)", decrypt)

    for p in (case.spec.get("kms") or {}).get("admins", []) if isinstance(case.spec.get("kms"), dict) else []:
        def admin(p=p):
            got = {a: allowed(pol, ("AWS", p), a, key_arn, {"kms:CallerAccount": _account_of(p)})
                   for a in ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey")}
            return all(got.values()), f"{got}"
        r.run(f"{n} key policy lets admin {p} manage the key (evaluated)", admin)

    if e.logs == "new":
        def logs():
            svc = ("Service", f"logs.{region}.amazonaws.com")
            ctx = {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:{e.log_group}"}
            got = {a: allowed(pol, svc, a, key_arn, ctx) for a in ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt")}
            other = allowed(pol, svc, "kms:GenerateDataKey", key_arn,
                            {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:other"})
            return all(got.values()) and not other, f"{got}; another log group: {other}"
        r.run(f"{n} key policy lets CloudWatch Logs use it for {e.log_group} only (evaluated)", logs)

    if e.sns == "new" and topic_arn:
        def topic():
            ctx = {"kms:EncryptionContext:aws:sns:topicArn": topic_arn, "aws:SourceArn": trail_arn,
                   "aws:SourceAccount": account}
            got = {a: allowed(pol, ct, a, key_arn, ctx) for a in ("kms:GenerateDataKey", "kms:Decrypt")}
            return all(got.values()), f"{got}"
        r.run(f"{n} key policy lets CloudTrail publish to the encrypted topic (evaluated)", topic)

    # Alarms reach an encrypted topic only if CloudWatch may use the key for that topic, and for
    # nothing else: GenerateDataKey and Decrypt under the topic's encryption context.
    alarms_topic = None
    if e.alerts_topic == "delivery" and e.sns == "new":
        alarms_topic = topic_arn
    elif e.alerts_topic == "new" and e.alerts_encrypted:
        name = ((case.spec.get("alarms") or {}).get("notify") or {}).get("topic_name")
        alarms_topic = f"arn:aws:sns:{region}:{account}:{name or e.trail_name.replace('.', '-') + '-alarms'}"
    asked = case.spec.get("alarms") or {}
    if alarms_topic and not (asked.get("cis") or asked.get("custom")):
        # README: rules of `alarms.events` alone ask the key for EventBridge (moto_events), not
        # for CloudWatch, which has no alarm to publish.
        def no_cloudwatch(topic=alarms_topic):
            cw = ("Service", "cloudwatch.amazonaws.com")
            ctx = {"kms:EncryptionContext:aws:sns:topicArn": topic}
            got = allowed(pol, cw, "kms:GenerateDataKey", key_arn, ctx)
            return not got, f"CloudWatch GenerateDataKey for the topic {got} (not wanted)"
        r.run(f"{n} key policy: CloudWatch may not use the key without alarms (evaluated)", no_cloudwatch)
        alarms_topic = None
    if alarms_topic:
        def cloudwatch():
            cw = ("Service", "cloudwatch.amazonaws.com")
            ctx = {"kms:EncryptionContext:aws:sns:topicArn": alarms_topic}
            got = {a: allowed(pol, cw, a, key_arn, ctx) for a in ("kms:GenerateDataKey", "kms:Decrypt")}
            other_topic = allowed(pol, cw, "kms:Decrypt", key_arn, {"kms:EncryptionContext:aws:sns:topicArn": alarms_topic + "-other"})
            more = {a: allowed(pol, cw, a, key_arn, ctx) for a in ("kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant")}
            return all(got.values()) and not other_topic and not any(more.values()), f"{got}; other topic {other_topic}; beyond need {more}"
        r.run(f"{n} key policy lets CloudWatch use it for the alarm topic only, and only to publish (evaluated)", cloudwatch)

    if e.tags:
        def tags():
            got = {x["TagKey"]: x["TagValue"] for x in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
            return _eq(got, e.tags)
        r.run(f"{n} key tags", tags)


def _check_role(r, c, case, n, role_arn, region, account, trail_arn, other_trail):
    e, iam = case.expect, c["iam"]
    name = role_arn.split("/")[-1]
    ct = ("Service", "cloudtrail.amazonaws.com")

    def trust():
        doc = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
        yes = allowed(doc, ct, "sts:AssumeRole", role_arn, {"aws:SourceArn": trail_arn, "aws:SourceAccount": account})
        no = allowed(doc, ct, "sts:AssumeRole", role_arn, {"aws:SourceArn": other_trail, "aws:SourceAccount": account})
        return yes and not no, f"this trail may assume: {yes}; another trail: {no}; {parse_policy(doc)}"
    r.run(f"{n} delivery role trust lets only this trail assume it (aws:SourceArn, evaluated)", trust)

    def permissions():
        names = iam.list_role_policies(RoleName=name)["PolicyNames"]
        docs = [iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"] for p in names]
        merged = {"Statement": [s for d in docs for s in statements(d)]}
        group = f"arn:aws:logs:{region}:{account}:log-group:{e.log_group}"
        streams = [f"{account}_CloudTrail_{region}"]
        if e.org_id:  # organization trails write member accounts' events to o-ID_* streams
            streams.append(f"{e.org_id}_{SAMPLE_MEMBER}_CloudTrail_{region}")
        got = {(a, s): allowed(merged, None, a, f"{group}:log-stream:{s}", {})
               for a in ("logs:CreateLogStream", "logs:PutLogEvents") for s in streams}
        other = allowed(merged, None, "logs:PutLogEvents",
                        f"arn:aws:logs:{region}:{account}:log-group:other:log-stream:{account}_CloudTrail_{region}", {})
        return bool(names) and all(got.values()) and not other, f"policies {names}: {got}; another log group: {other}"
    r.run(f"{n} delivery role policy allows CreateLogStream/PutLogEvents on {e.log_group} only (evaluated)", permissions)

    # README: `role` gives the new role's name, path and permissions boundary; without a name the
    # target generates one, without a path it is IAM's `/`, without a boundary there is none.
    def shape():
        got = iam.get_role(RoleName=name)["Role"]
        boundary = (got.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        want_arn = f"arn:aws:iam::{account}:role{e.role_path}{e.role_name or got['RoleName']}"
        have = {"name": got["RoleName"] if e.role_name else "(generated)", "path": got["Path"],
                "boundary": boundary, "arn": got["Arn"]}
        want = {"name": e.role_name or "(generated)", "path": e.role_path,
                "boundary": e.role_boundary, "arn": want_arn}
        return _eq(have, want)
    r.run(f"{n} delivery role name {e.role_name or '(generated)'}, path {e.role_path}, "
          f"boundary {e.role_boundary or '(none)'}", shape)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def run(ctx):
    report = ctx.report
    terraform = ctx.tools.get("terraform")
    if terraform is None or ctx.tf_mirror is None:
        report.skip("terraform apply on moto", "terraform or its AWS provider mirror is absent: behaviour checks not run")
        return
    moto_server = ctx.tools.get("moto_server")
    if moto_server is None:
        report.skip("moto", "moto_server is absent from the tools venv: behaviour checks not run")
        return
    try:
        import boto3  # noqa: F401 - the read-back needs it in this interpreter
    except ImportError:
        report.skip("moto", "boto3 is not importable by the driver's python: behaviour checks not run")
        return

    # A spec trailsmith refuses for Terraform (a provider limit) has no tf_dir; check_terraform
    # asks the provider about that refusal, and there is nothing here to apply.
    # An output for hashicorp/aws 6 cannot be applied with the 5.100 provider of the mirror (its
    # `~> 6.2` constraint fails `terraform init`); check_terraform reports what was checked of it.
    cases = [c for c in ctx.cases if c.tf_dir is not None and c.aws_provider == 5]
    for c in ctx.cases:
        if c.tf_dir is None:
            log(f"moto {c.name}: no Terraform output (refused for the terraform target), not applied")
        elif c.aws_provider != 5:
            log(f"moto {c.name}: written for hashicorp/aws {c.aws_provider}, not in the local mirror: not applied")
    jobs = [{"kind": "case", "case": c, "results": Results(c.name)} for c in cases]
    for b in _broken_jobs(cases):
        jobs.append(dict(b, kind="broken", results=Results(b["dir"])))
    runnable = []
    for j in jobs:
        j["account"], j["region"], problem = _placement(j["case"])
        if problem:
            title = f"terraform apply on moto {j['case'].name}" if j["kind"] == "case" else j["title"]
            j["results"].skip(title, problem)
        else:
            runnable.append(j)
    # Slow jobs first (those that apply a lifecycle configuration wait about a minute), so the
    # short ones fill the gaps instead of starting a second slow one late.
    pending = queue.Queue()
    for j in sorted(runnable, key=lambda j: not _is_slow(j)):
        pending.put(j)

    logdir = ctx.work / "moto"
    logdir.mkdir(parents=True, exist_ok=True)
    servers = []  # every server started, whichever worker owns it, so all are stopped
    lock = threading.Lock()

    def start(account):
        server = MotoServer(moto_server, logdir, account)
        with lock:
            servers.append(server)
        server.wait_ready()
        return server

    try:
        # The default account's servers are started together up front; a worker starts one for
        # another account the first time it takes a job placed there, and keeps it for the next.
        own = []
        for _ in range(min(WORKERS, len(runnable))):
            servers.append(MotoServer(moto_server, logdir))
            own.append({DEFAULT_ACCOUNT: servers[-1]})
        for s in servers:
            s.wait_ready()

        def worker(mine):
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                server = mine.get(job["account"])
                try:
                    if server is None:
                        server = mine[job["account"]] = start(job["account"])
                    (_do_case if job["kind"] == "case" else _do_broken)(job, server, ctx)
                except Exception as exc:  # noqa: BLE001 - record, then carry on with the next job
                    job["results"].check(f"moto {job['results'].label} ran to the end", False,
                                         f"{type(exc).__name__}: {exc} | moto log: {server.tail(500) if server else ''}")

        with ThreadPoolExecutor(max_workers=max(1, len(own))) as pool:
            for f in [pool.submit(worker, o) for o in own]:
                f.result()
    except Exception as exc:  # noqa: BLE001 - a server that would not start fails, it does not crash
        report.check("moto server started", False, f"{type(exc).__name__}: {exc}")
    finally:
        for s in servers:
            s.stop()

    # Replay in a stable order: cases as given, then the broken variants.
    replay(report, jobs)
