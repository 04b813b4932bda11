"""Who may do what under an organization layout's deployed bucket and key policies.

check_layout reads the two policies back from moto (the bucket policy from the log archive
account, the key policy of the log files' key from the account the spec puts it in) and hands them
here. This module owns the questions asked of them and the broken copies that prove each question
can be answered "no". It uses check_moto's policy evaluator (`allowed`), which is strict: an
operator or element it does not know raises, and the check fails with that message.

Why these questions (README, "Organization layout"; CloudTrail User Guide, "Amazon S3 bucket policy
for CloudTrail" and "Configure AWS KMS key policies for CloudTrail"): the bucket and the key live in
an account other than the trail's, so the policies are the only thing between the log files and
every other trail or principal. They must admit the management account's trail, by its literal
ARN, to write under AWSLogs/<management>/ and AWSLogs/<organization id>/ and to encrypt under its
own encryption context; admit the named readers to decrypt log files; admit a writer account's
trails to their own folder AWSLogs/<writer>/ only; and admit nobody else:
not another trail of the management account, not a trail of a third account, not a principal of
the log archive account that is not a named reader.

The account root. A key policy statement that allows `arn:aws:iam::ACCOUNT:root` (the Sid
`EnableRootAccess`) grants no principal anything by itself: it delegates to IAM, so that the
IAM policies of ACCOUNT may grant access to the key ("Default key policy", AWS KMS Developer Guide:
it "allows access to the AWS account and enables IAM policies"). Whether role/Other of the key's
account may use the key is then that account's IAM decision, not this key policy's, and a service
principal (a trail) is never covered by it. So the checks are (1) EnableRootAccess names exactly
the root of the key's own account and no other statement names an account root or every
principal, and (2) no statement other than EnableRootAccess grants the refused principals
anything. The evaluator matches principals exactly (a root principal never stands for a role),
so leaving EnableRootAccess out of (2) only says so explicitly.
"""
import copy
import json
from dataclasses import dataclass, field

from check_moto import _as_list, allowed, statements

ROOT_SID = "EnableRootAccess"
MEMBER = "555555555555"  # a made-up member account of the organization, for org delivery paths
# Accounts in no part of the layout; the first that is not one of the spec's writer accounts is the
# "third account" (a writer account's trails are admitted to their own folder on purpose).
THIRDS = ("444444444444", "999999999999")
CT = ("Service", "cloudtrail.amazonaws.com")
S3_ACTIONS = ("s3:PutObject", "s3:GetObject")
BUCKET_ACTIONS = ("s3:GetBucketAcl", "s3:ListBucket", "s3:PutBucketPolicy")
KMS_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:DescribeKey",
               "kms:CreateGrant")


@dataclass
class Facts:
    """What the spec says about the layout, and the two policies as deployed."""

    trail_name: str
    region: str
    management: str
    log_archive: str
    key_account: str
    org_id: str
    prefix: str
    bucket: str
    key_arn: str
    readers: list
    writers: list = field(default_factory=list)  # bucket.writer_accounts
    policies: dict = field(default_factory=dict)  # "bucket" | "key" -> parsed policy document

    @property
    def third(self):
        """An account in no part of the layout and not a writer account."""
        return next(a for a in THIRDS if a not in self.writers)

    @property
    def trail_arn(self):
        """The management account's trail, as every policy of the layout names it literally."""
        return self.trail(self.trail_name)

    def trail(self, name, account=None):
        return f"arn:aws:cloudtrail:{self.region}:{account or self.management}:trail/{name}"

    @property
    def bucket_arn(self):
        return f"arn:aws:s3:::{self.bucket}"

    def owners(self):
        """The AWSLogs/ folders the management trail writes: its account's, and its organization's."""
        return [self.management] + ([self.org_id] if self.org_id else [])

    def log_object(self, owner):
        """A log file key under AWSLogs/<owner>/ (an account id, or the organization id, for which
        the files of member account MEMBER sit one level deeper)."""
        base = f"{self.bucket_arn}/{self.prefix + '/' if self.prefix else ''}AWSLogs/{owner}"
        account = MEMBER if owner.startswith("o-") else owner
        if owner.startswith("o-"):
            base += f"/{MEMBER}"
        return f"{base}/CloudTrail/{self.region}/2025/01/01/{account}_CloudTrail_{self.region}_x.json.gz"


def _without_root(policy):
    # EnableRootAccess is left out of "gets nothing" on purpose: it delegates the key to the IAM
    # policies of the key's own account (module docstring), and root_only_delegates checks that it
    # is exactly that delegation and nothing wider.
    return {"Statement": [s for s in statements(policy) if s.get("Sid") != ROOT_SID]}


def _granting(policy, principal, action, resource, context):
    """The Sid (or index) of each Allow statement that, on its own, grants the request."""
    out = []
    for i, s in enumerate(statements(policy)):
        if s.get("Effect") == "Allow" and allowed({"Statement": [s]}, principal, action, resource, context):
            out.append(s.get("Sid") or f"#{i}")
    return out


def _trail_context(f, trail_arn, account, **extra):
    return dict({"aws:SecureTransport": "true", "s3:x-amz-acl": "bucket-owner-full-control",
                 "aws:SourceArn": trail_arn, "aws:SourceAccount": account}, **extra)


def _nothing(f, principal, contexts, own_account):
    """(ok, detail): no statement of the bucket policy, nor of the key policy but EnableRootAccess,
    grants `principal` any probed action on the log files, the bucket or the key, under any of
    `contexts` (each as it would call, with the encryption context of its own log files or of the
    management trail's)."""
    objects = [f.log_object(owner) for owner in f.owners()] + [f.log_object(own_account)]
    probes = [("bucket", a, o) for a in S3_ACTIONS for o in objects]
    probes += [("bucket", a, f.bucket_arn) for a in BUCKET_ACTIONS]
    probes += [("key", a, f.key_arn) for a in KMS_ACTIONS]
    policies = {"bucket": f.policies["bucket"], "key": _without_root(f.policies["key"])}
    granted = []
    for context in contexts:
        for which, action, resource in probes:
            sids = _granting(policies[which], principal, action, resource, context)
            if sids:
                granted.append(f"{which} policy {sids} grants {action} on {resource} "
                               f"(context {context.get('kms:EncryptionContext:aws:cloudtrail:arn', '-')})")
    return not granted, "; ".join(granted) or f"{len(probes) * len(contexts)} requests, none granted"


def trail_writes(f):
    """The management trail may write log files under AWSLogs/<management>/ and AWSLogs/<org>/
    with bucket-owner-full-control, and not without that ACL."""
    ctx = _trail_context(f, f.trail_arn, f.management)
    bare = {k: v for k, v in ctx.items() if k != "s3:x-amz-acl"}
    got = {}
    for owner in f.owners():
        obj = f.log_object(owner)
        got[f"AWSLogs/{owner}/ with ACL"] = allowed(f.policies["bucket"], CT, "s3:PutObject", obj, ctx)
        got[f"AWSLogs/{owner}/ without ACL"] = allowed(f.policies["bucket"], CT, "s3:PutObject", obj, bare)
    got["GetBucketAcl"] = allowed(f.policies["bucket"], CT, "s3:GetBucketAcl", f.bucket_arn, ctx)
    ok = all(v for k, v in got.items() if "without" not in k) and not any(v for k, v in got.items() if "without" in k)
    return ok, f"{got}"


def trail_encrypts(f):
    """The management trail may GenerateDataKey under its own encryption context, and DescribeKey."""
    ctx = _trail_context(f, f.trail_arn, f.management, **{"kms:EncryptionContext:aws:cloudtrail:arn": f.trail_arn})
    gen = allowed(f.policies["key"], CT, "kms:GenerateDataKey", f.key_arn, ctx)
    desc = allowed(f.policies["key"], CT, "kms:DescribeKey", f.key_arn, ctx)
    return gen and desc, f"GenerateDataKey {gen}, DescribeKey {desc}"


def reader_decrypts(f, reader):
    """A named reader may Decrypt log files (the CloudTrail encryption context key is present) and
    nothing else under this key (no context: not a log file)."""
    account = reader.split(":")[4]
    logs = {"kms:EncryptionContext:aws:cloudtrail:arn": f.trail_arn, "kms:CallerAccount": account}
    yes = allowed(f.policies["key"], ("AWS", reader), "kms:Decrypt", f.key_arn, logs)
    other = allowed(f.policies["key"], ("AWS", reader), "kms:Decrypt", f.key_arn, {"kms:CallerAccount": account})
    return yes and not other, f"Decrypt of a log file: {yes}; of data without the CloudTrail context: {other}"


def other_trail_gets_nothing(f):
    other = f.trail("other")
    contexts = [_trail_context(f, other, f.management, **{"kms:EncryptionContext:aws:cloudtrail:arn": arn})
                for arn in (other, f.trail_arn)]
    return _nothing(f, CT, contexts, f.management)


def third_account_trail_gets_nothing(f):
    foreign = f.trail(f.trail_name, f.third)
    contexts = [_trail_context(f, foreign, f.third, **{"kms:EncryptionContext:aws:cloudtrail:arn": arn})
                for arn in (foreign, f.trail_arn)]
    return _nothing(f, CT, contexts, f.third)


def writer_writes_its_own_folder_only(f, writer):
    """A writer account's trail ("Several accounts delivering into one bucket") may write under
    AWSLogs/<writer>/ with bucket-owner-full-control and encrypt under its own encryption context,
    and may not write the management account's or the organization's folder."""
    trail = f.trail("workload", writer)
    ctx = _trail_context(f, trail, writer, **{"kms:EncryptionContext:aws:cloudtrail:arn": trail})
    own = allowed(f.policies["bucket"], CT, "s3:PutObject", f.log_object(writer), ctx)
    acl = allowed(f.policies["bucket"], CT, "s3:GetBucketAcl", f.bucket_arn, ctx)
    encrypt = allowed(f.policies["key"], CT, "kms:GenerateDataKey", f.key_arn, ctx)
    others = {o: allowed(f.policies["bucket"], CT, "s3:PutObject", f.log_object(o), ctx) for o in f.owners()}
    ok = own and acl and encrypt and not any(others.values())
    return ok, f"own folder {own}, GetBucketAcl {acl}, GenerateDataKey {encrypt}, other folders {others}"


def other_principal_gets_nothing(f, principal):
    account = principal.split(":")[4]
    # Through S3 and with S3's own encryption context too: a grant scoped to S3 (the Athena
    # readers' key statements) must still not reach anyone else.
    context = {"aws:SecureTransport": "true", "s3:x-amz-acl": "bucket-owner-full-control",
               "kms:CallerAccount": account, "aws:PrincipalAccount": account,
               "kms:EncryptionContext:aws:cloudtrail:arn": f.trail_arn,
               "kms:ViaService": f"s3.{f.region}.amazonaws.com",
               "kms:EncryptionContext:aws:s3:arn": f"{f.bucket_arn}/athena-results/x.csv"}
    return _nothing(f, ("AWS", principal), [context], account)


def root_only_delegates(f):
    """EnableRootAccess is an unconditional kms:* for the key's own account root and nothing else;
    no other statement of either policy allows an account root or every principal."""
    root = f"arn:aws:iam::{f.key_account}:root"
    problems = []
    roots = [s for s in statements(f.policies["key"]) if s.get("Sid") == ROOT_SID]
    if len(roots) != 1:
        problems.append(f"{len(roots)} statements {ROOT_SID}")
    for s in roots:
        if (s.get("Effect"), s.get("Principal"), _as_list(s.get("Action")), _as_list(s.get("Resource")),
                s.get("Condition")) not in (("Allow", {"AWS": root}, ["kms:*"], ["*"], None),
                                            ("Allow", {"AWS": [root]}, ["kms:*"], ["*"], None)):
            problems.append(f"{ROOT_SID} is not kms:* for {root} alone: {s}")
    for which in ("bucket", "key"):
        for s in statements(f.policies[which]):
            if s.get("Effect") != "Allow" or s.get("Sid") == ROOT_SID:
                continue
            p = s.get("Principal")
            who = [] if not isinstance(p, dict) else [x for v in p.values() for x in _as_list(v)]
            if p == "*" or "*" in who or any(str(x).endswith(":root") for x in who):
                problems.append(f"{which} policy statement {s.get('Sid')} allows {p}")
    return not problems, "; ".join(problems) or f"{ROOT_SID} delegates to {root} only"


# ---- broken copies of the deployed policies: each must make one check above fail -------------


class CannotBuild(Exception):
    pass


def _widen_source_arn(f, pattern):
    """Every aws:SourceArn test becomes `ArnLike aws:SourceArn PATTERN`."""
    changed = 0
    for which in ("bucket", "key"):
        for s in statements(f.policies[which]):
            cond = s.get("Condition") or {}
            for op in list(cond):
                for key in [k for k in cond[op] if k.lower() == "aws:sourcearn"]:
                    del cond[op][key]
                    cond.setdefault("ArnLike", {})["aws:SourceArn"] = pattern
                    changed += 1
                if not cond[op]:
                    del cond[op]
    if not changed:
        raise CannotBuild("no aws:SourceArn condition to widen")


def widen_to_any_trail_of_management(f):
    _widen_source_arn(f, f.trail("*"))


def widen_to_any_account(f):
    _widen_source_arn(f, f"arn:aws:cloudtrail:*:*:trail/{f.trail_name}")


def _decrypt_statements(f):
    found = [s for s in statements(f.policies["key"]) if s.get("Sid") != ROOT_SID
             and "kms:Decrypt" in _as_list(s.get("Action")) and "AWS" in (s.get("Principal") or {})]
    if not found:
        raise CannotBuild("no kms:Decrypt statement for AWS principals")
    return found


def decrypt_for_everyone(f):
    """The readers' statement opened to every principal; with no named reader (so no such
    statement), the same statement for every principal added."""
    try:
        found = _decrypt_statements(f)
    except CannotBuild:
        found = [{"Sid": "AllowLogFileDecryption", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*",
                  "Condition": {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}}]
        f.policies["key"]["Statement"].append(found[0])
    for s in found:
        s["Principal"] = {"AWS": "*"}


def decrypt_without_context(f):
    for s in _decrypt_statements(f):
        s.pop("Condition", None)


def root_of_other_account_too(f):
    other = f.management if f.key_account == f.log_archive else f.log_archive
    roots = [s for s in statements(f.policies["key"]) if s.get("Sid") == ROOT_SID]
    if not roots:
        raise CannotBuild(f"no {ROOT_SID} statement")
    for s in roots:
        s["Principal"] = {"AWS": _as_list(s["Principal"]["AWS"]) + [f"arn:aws:iam::{other}:root"]}


def drop_organization_write(f):
    doc = f.policies["bucket"]
    keep = [s for s in statements(doc) if not any(f"/AWSLogs/{f.org_id}/" in r for r in _as_list(s.get("Resource")))]
    if len(keep) == len(statements(doc)):
        raise CannotBuild(f"no statement on AWSLogs/{f.org_id}/")
    doc["Statement"] = keep


def writers_write_everywhere(f):
    """The writer accounts' write statements cover every AWSLogs/ folder, not their own."""
    changed = 0
    for s in statements(f.policies["bucket"]):
        resources = _as_list(s.get("Resource"))
        if any(f"/AWSLogs/{w}/" in r for r in resources for w in f.writers):
            s["Resource"] = [r.split("/AWSLogs/")[0] + "/*" for r in resources]
            changed += 1
    if not changed:
        raise CannotBuild("no writer account statement")


def broken(f, mutate):
    """A deep copy of `f` with its policies passed through `mutate`."""
    g = copy.deepcopy(f)
    g.policies = json.loads(json.dumps(g.policies))
    g.policies = {k: (v if isinstance(v.get("Statement"), list) else dict(v, Statement=_as_list(v.get("Statement"))))
                  for k, v in g.policies.items()}
    mutate(g)
    return g
