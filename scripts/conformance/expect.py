"""What a spec asks for, read independently of trailsmith: the README's language and defaults.

The checks compare what AWS tooling sees in the output with these expectations, so they are
written from the documented spec language, never from trailsmith's code. That includes the merge
of a spec that `extends` a blueprint (merge_extends), written from the README's rules.
"""
from dataclasses import dataclass, field


def _merge(base, override):
    """README (Blueprints): "mappings merge key by key, lists and scalars replace"."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(base[key], value) if key in base else value
    return out


def merge_extends(rendered, spec):
    """The document a spec with `extends` stands for: the rendered blueprint, overridden by every
    field of the spec other than `extends` and `with` (the blueprint's parameters, already used)."""
    override = {k: v for k, v in spec.items() if k not in ("extends", "with")}
    merged = _merge(rendered, override)
    merged.pop("extends", None)
    merged.pop("with", None)
    return merged


# Where check_moto applies a single-account spec whose existing resources name no other account
# or region: moto's default account, and the home region or us-east-1.
DEPLOY_ACCOUNT = "123456789012"
DEPLOY_REGION = "us-east-1"


def deploy_time(spec, account=DEPLOY_ACCOUNT):
    """The spec as it is deployed, by the README (Deploy-time values): in names and ARNs,
    `${account}`, `${region}` and `${partition}` are the deployment's, and `${NAME}` is parameter
    NAME, whose `default` (else its first `allowed` value) is what a deploy that passes nothing
    gets. The `parameters` section itself stays as written."""
    params = {n: p.get("default", (p.get("allowed") or [None])[0])
              for n, p in (spec.get("parameters") or {}).items()}
    region = (spec.get("trail") or {}).get("home_region") or DEPLOY_REGION
    values = {"account": account, "region": region, "partition": "aws", **params}

    def resolve(v, top=False):
        if isinstance(v, dict):
            return {k: (x if top and k == "parameters" else resolve(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [resolve(x) for x in v]
        if isinstance(v, str) and "${" in v:
            for name, value in values.items():
                if value is not None:
                    v = v.replace("${" + name + "}", value)
        return v

    return resolve(spec, top=True)


def selector_fields(spec):
    """Every advanced selector field the spec's `events` can make a trail test, by the README's
    language: management events (category, read/write, excluded sources), data entries (category,
    type, read/write, scope, names), network activity (category, source, `errorCode` for
    `vpce_access_denied_only`, `vpcEndpointId` for endpoint ids) and the fields raw `advanced`
    selectors name."""
    ev = spec.get("events") or {}
    fields = {"eventCategory", "readOnly", "eventSource"}
    if ev.get("data"):
        fields |= {"eventCategory", "resources.type", "readOnly", "resources.ARN", "eventName"}
    for n in ev.get("network_activity") or []:
        fields |= {"eventCategory", "eventSource"}
        if n.get("vpce_access_denied_only"):
            fields.add("errorCode")
        if n.get("vpc_endpoint_ids"):
            fields.add("vpcEndpointId")
    for a in ev.get("advanced") or []:
        fields |= {f["field"] for f in a.get("field_selectors") or []}
    return fields


def _toggle(value):
    """`false` -> None, `true`/missing -> {}, a mapping -> itself."""
    if value is False:
        return None
    if value is None or value is True:
        return {}
    return value


@dataclass
class Expect:
    trail_name: str
    home_region: str = None
    multi_region: bool = True
    global_events: bool = True
    validation: bool = True
    logging: bool = True
    org_id: str = None
    bucket_existing: bool = False
    bucket_name: str = None
    prefix: str = None
    versioning: bool = True
    access_logging: bool = False
    writer_accounts: list = field(default_factory=list)
    # README "Hardening auditors ask for": Object Lock as (MODE, "Days"|"Years", n), the TLS deny's
    # version, S3 Bucket Keys, the days a noncurrent version is kept (None: no noncurrent expiry).
    object_lock: tuple = None
    min_tls: float = None
    bucket_key: bool = False
    noncurrent_days: int = None
    key_multi_region: bool = False
    kms: str = "new"  # new | existing | none
    key_arn: str = None
    kms_alias: str = None
    decrypt_principals: list = field(default_factory=list)
    sns: str = "new"  # new | existing | none
    topic_name: str = None
    topic_arn: str = None
    # a new delivery topic's subscriptions, (protocol, endpoint): `email` then `subscriptions`
    topic_subscriptions: list = field(default_factory=list)
    logs: str = "new"  # new | existing | none
    log_group: str = None
    retention: int = 365  # None: `retention_days: never`, a log group with no retention policy
    role: str = "new"  # new | existing
    role_name: str = None  # a new role's fixed name; None: the target generates one
    role_path: str = "/"  # IAM's default path
    role_boundary: str = None  # a new role's permissions boundary (a managed policy ARN)
    read_write: str = "All"
    include_management: bool = True
    exclude_sources: list = field(default_factory=list)
    insights: list = field(default_factory=list)
    tags: dict = field(default_factory=dict)
    alarms: bool = False
    alerts_topic: str = "none"  # none | new | existing | delivery: where alarms go
    cloudwatch_alarms: bool = False  # CIS or custom alarms (not only `alarms.events` rules)
    alerts_encrypted: bool = False  # a new alerts topic encrypted with the trail's key


def expect(spec):
    t = spec["trail"]
    name = t["name"]
    e = Expect(trail_name=name)
    e.home_region = t.get("home_region")
    e.multi_region = t.get("multi_region", True)
    e.global_events = t.get("global_service_events", True)
    e.validation = t.get("log_file_validation", True)
    e.logging = t.get("logging", True)
    e.org_id = (t.get("organization") or {}).get("id")

    b = spec.get("bucket") or {}
    e.bucket_existing = b.get("existing", False)
    e.bucket_name = b.get("name")
    e.prefix = b.get("prefix")
    e.versioning = b.get("versioning", not e.bucket_existing)
    e.access_logging = "access_logging" in b
    e.writer_accounts = list(b.get("writer_accounts", []))
    lock = b.get("object_lock")
    if lock:
        unit = "Days" if "days" in lock else "Years"
        e.object_lock = (lock["mode"].upper(), unit, lock[unit.lower()])
    e.min_tls = b.get("min_tls_version")
    e.bucket_key = b.get("bucket_key", False)
    # README: with an expiry and versioning, old versions are kept 30 days, or
    # `expire_noncurrent_after_days`, which alone expires noncurrent versions only.
    lc = b.get("lifecycle") or {}
    if e.versioning and (lc.get("expire_after_days") or lc.get("expire_noncurrent_after_days")):
        e.noncurrent_days = lc.get("expire_noncurrent_after_days", 30)

    k = _toggle(spec.get("kms"))
    if k is None:
        e.kms = "none"
    elif k.get("key_arn"):
        e.kms, e.key_arn = "existing", k["key_arn"]
    else:
        e.kms = "new"
        e.kms_alias = k.get("alias", "alias/cloudtrail/" + name.replace(".", "-"))
        e.decrypt_principals = list(k.get("decrypt_principals", []))
        e.key_multi_region = k.get("multi_region", False)

    s = _toggle(spec.get("sns"))
    if s is None:
        e.sns = "none"
    elif s.get("topic_arn"):
        e.sns, e.topic_arn = "existing", s["topic_arn"]
    else:
        e.sns = "new"
        e.topic_name = s.get("topic_name", name.replace(".", "-") + "-delivery")
        e.topic_subscriptions = sorted([("email", x) for x in s.get("email") or []]
                                       + [(x["protocol"], x["endpoint"]) for x in s.get("subscriptions") or []])

    c = _toggle(spec.get("cloudwatch_logs"))
    if c is None:
        e.logs = "none"
    else:
        e.logs = "existing" if c.get("log_group_arn") else "new"
        e.log_group = c.get("log_group", "CloudTrail/" + name)
        if c.get("log_group_arn"):  # an existing group is the one its ARN names
            e.log_group = c["log_group_arn"].split(":log-group:")[1].removesuffix(":*")
        # README: `never` keeps events forever, which CloudWatch Logs says by having no retention
        # (describe-log-groups leaves `retentionInDays` out).
        days = c.get("retention_days", 365)
        e.retention = None if days == "never" else days
        e.role = "existing" if c.get("role_arn") else "new"
        # README: `role` (name, path, permissions_boundary) shapes the role trailsmith creates;
        # left out, the name is generated and the path is IAM's `/`.
        r = c.get("role") or {}
        e.role_name = r.get("name")
        e.role_path = r.get("path", "/")
        e.role_boundary = r.get("permissions_boundary")

    m = (spec.get("events") or {}).get("management", "all")
    words = {"all": "All", "read_only": "ReadOnly", "write_only": "WriteOnly"}
    if m == "none":
        e.include_management = False
    elif isinstance(m, str):
        e.read_write = words[m]
    else:
        e.read_write = words[m.get("read_write", "all")]
        e.exclude_sources = list(m.get("exclude_sources", []))
    kinds = {"api_call_rate": "ApiCallRateInsight", "api_error_rate": "ApiErrorRateInsight"}
    e.insights = sorted(kinds[i] for i in (spec.get("events") or {}).get("insights", []))
    e.tags = dict(spec.get("tags") or {})

    a = spec.get("alarms")
    if a is not None:
        e.alarms = True
        e.cloudwatch_alarms = bool(a.get("cis") or a.get("custom"))
        n = a.get("notify") or {}
        if n.get("delivery_topic"):
            e.alerts_topic = "delivery"
        elif n.get("topic_arn"):
            e.alerts_topic = "existing"
        else:
            e.alerts_topic = "new"
            e.alerts_encrypted = n.get("encrypted", e.kms == "new")
    return e


@dataclass
class Accounts:
    """The organization layout (README: `accounts`): which account holds which part, and where the
    key of the log files lives (`key`, default `log_archive`)."""

    log_archive: str
    management: str
    key: str = "log_archive"  # log_archive | management

    def key_account(self):
        return self.log_archive if self.key == "log_archive" else self.management


def accounts(spec):
    """Accounts for a spec with `accounts`, else None."""
    a = spec.get("accounts")
    if not a:
        return None
    return Accounts(str(a["log_archive"]), str(a["management"]), a.get("key", "log_archive"))


def _pascal(name):
    return "".join(w[:1].upper() + w[1:] for w in name.replace("-", "_").split("_"))


def alarm_expectations(spec, trail_name, cis_ids):
    """README "What a trail watches": a CIS alarm and its filter are named `<trail>-<id with ->`,
    counting into `<Id in PascalCase>`, unless `alarms.cis_names` names them, and treat missing
    data as not breaching whatever the spec says; a custom alarm and its filter are named
    `<trail>-<name>` unless `alarm_name` / `filter_name` say otherwise, count into `metric` (default
    the name in PascalCase), and treat missing data as `treat_missing_data` says, by default not
    breaching, or breaching with a `LessThan...` comparison. One tuple per alarm:
    (filter name, alarm name, namespace, metric, missing data)."""
    a = spec.get("alarms") or {}
    namespace = a.get("namespace", "CloudTrailMetrics")
    chosen = a.get("cis_names") or {}
    out = []
    for i in cis_ids:
        c = chosen.get(i) or {}
        ours = f"{trail_name}-{i.replace('_', '-')}"
        out.append((c.get("filter_name", ours), c.get("alarm_name", ours), namespace,
                    c.get("metric", _pascal(i)), "notBreaching"))
    for x in a.get("custom") or []:
        ours = f"{trail_name}-{x['name']}"
        below = x.get("comparison", "").startswith("LessThan")
        out.append((x.get("filter_name", ours), x.get("alarm_name", ours), x.get("namespace", namespace),
                    x.get("metric", _pascal(x["name"])),
                    x.get("treat_missing_data", "breaching" if below else "notBreaching")))
    return sorted(out)
