"""Part of check_moto: the Athena table, its workgroup and its readers' grants, read back from moto
after `terraform apply` and judged against what the spec asks, computed here from the spec alone.

moto 5.2.5 serves Glue (databases and tables, stored as sent: the table's columns, partition keys,
storage descriptor and parameters read back as the provider wrote them) and Athena workgroups (the
configuration read back as sent). It does not evaluate partition projection, run queries, or judge
policies: the storage location template and projection parameters are compared with the layout
CloudTrail writes (`[prefix/]AWSLogs/[org-id/]<account>/CloudTrail/<region>/<yyyy/MM/dd>`, "CloudTrail
log file examples" in the CloudTrail User Guide), the query itself is judged by check_athena_sql
(sqlglot), and the bucket and key policies by check_moto's evaluator: the readers may read the
log files and read and write results, anyone else may not read or write results; the key lets the
readers decrypt only through S3 and only CloudTrail's or S3's own encryption context.
"""
import json
import re
import urllib.request

OTHER_ROLE = "role/SomeoneElse"


def _database(spec):
    a = spec["athena"]
    return a.get("database") or "cloudtrail_" + re.sub(r"[^a-z0-9_]", "_", spec["trail"]["name"].lower())


def _get_work_group(client, name):
    """GetWorkGroup as the AWS provider sends it (JSON 1.1, `AmazonAthena.GetWorkGroup`): the
    botocore this harness pins describes Athena as rest-json, whose paths moto 5.2.5 does not
    route, while the provider's requests (which made the workgroup) it does."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    url = client.meta.endpoint_url.rstrip("/") + "/"
    body = json.dumps({"WorkGroup": name})
    req = AWSRequest(method="POST", url=url, data=body, headers={
        "X-Amz-Target": "AmazonAthena.GetWorkGroup", "Content-Type": "application/x-amz-json-1.1"})
    creds = client._request_signer._credentials  # noqa: SLF001 - the harness's own dummy keys
    SigV4Auth(creds, "athena", client.meta.region_name).add_auth(req)
    http = urllib.request.Request(url, data=body.encode(), headers=dict(req.headers.items()), method="POST")
    with urllib.request.urlopen(http, timeout=30) as resp:  # noqa: S310 - the local moto server
        return json.loads(resp.read())


def check(r, c, case, n, bucket, region, account, key_arn, evaluate, parse_policy):
    spec = case.spec
    a = spec.get("athena")
    if not a or not bucket:
        return
    glue, athena = c["glue"], c["athena"]
    prefix = (spec.get("bucket") or {}).get("prefix")
    org = ((spec["trail"].get("organization")) or {}).get("id")
    root = f"s3://{bucket}/" + (f"{prefix}/" if prefix else "") + "AWSLogs/" + (f"{org}/" if org else "")
    template = root + "${account}/CloudTrail/${region}/${log_date}"
    db = _database(spec)
    table_name = a.get("table") or "cloudtrail_logs"

    def table():
        return glue.get_table(DatabaseName=db, Name=table_name)["Table"]

    def location():
        t = table()
        p = t.get("Parameters") or {}
        got = (t["StorageDescriptor"].get("Location"), p.get("storage.location.template"))
        return got == (root, template), f"got {got}; want {(root, template)}"
    r.run(f"{n} Glue table {db}.{table_name}: location and location template follow CloudTrail's layout",
          location)

    def projection():
        p = table().get("Parameters") or {}
        accounts = a.get("accounts") or ([account] + list((spec.get("bucket") or {}).get("writer_accounts") or []))
        want = {
            "projection.enabled": "true",
            "projection.log_date.type": "date",
            "projection.log_date.format": "yyyy/MM/dd",
            "projection.log_date.range": a["since"].replace("-", "/") + ",NOW",
            "projection.log_date.interval": "1",
            "projection.log_date.interval.unit": "DAYS",
            "projection.region.type": "enum",
        }
        if org and not a.get("accounts"):
            want["projection.account.type"] = "injected"
        else:
            want["projection.account.type"] = "enum"
            want["projection.account.values"] = ",".join(accounts)
        bad = {k: (p.get(k), v) for k, v in want.items() if p.get(k) != v}
        regions = (p.get("projection.region.values") or "").split(",")
        home = spec["trail"].get("home_region") or region
        ok_regions = home in regions and len(regions) == len(set(regions)) and all(
            re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d", x) for x in regions)
        return not bad and ok_regions, f"differs (got, want): {bad}; regions {regions}"
    r.run(f"{n} Glue table: partition projection by account, region and day from {a['since']}", projection)

    def keys():
        got = [k["Name"] for k in table().get("PartitionKeys") or []]
        return got == ["account", "region", "log_date"], f"partition keys {got}"
    r.run(f"{n} Glue table: partition keys are the path's account, region and day", keys)

    wg_name = a.get("workgroup") or f"{spec['trail']['name']}-athena"
    results_bucket = (a.get("results") or {}).get("bucket") or bucket
    results_prefix = (a.get("results") or {}).get("prefix") or "athena-results"

    def workgroup():
        w = _get_work_group(athena, wg_name)["WorkGroup"]
        conf = w["Configuration"]
        res = conf["ResultConfiguration"]
        enc = res.get("EncryptionConfiguration") or {}
        want_enc = ("SSE_KMS", key_arn) if key_arn else ("SSE_S3", None)
        got = (conf.get("EnforceWorkGroupConfiguration"), res.get("OutputLocation"),
               (enc.get("EncryptionOption"), enc.get("KmsKey")))
        want = (True, f"s3://{results_bucket}/{results_prefix}/", want_enc)
        return got == want, f"got {got}; want {want}"
    r.run(f"{n} Athena workgroup {wg_name}: enforced, results to their prefix, encrypted", workgroup)

    readers = [x.replace("${account}", account).replace("${partition}", "aws") for x in a["readers"]]
    other = f"arn:aws:iam::{account}:{OTHER_ROLE}"
    pol = parse_policy(c["s3"].get_bucket_policy(Bucket=bucket)["Policy"])
    logs = f"arn:aws:s3:::{bucket}/" + (f"{prefix}/" if prefix else "") + "AWSLogs/" + (
        f"{org}/" if org else "") + f"{account}/CloudTrail/{region}/2025/01/01/x.json.gz"
    results = f"arn:aws:s3:::{bucket}/{results_prefix}/query-id.csv"

    def verdict(policy, who, action, resource):
        ctx = {"aws:SecureTransport": "true", "aws:PrincipalArn": who}
        return evaluate(policy, ("AWS", who), action, resource, ctx)

    def grant_problems(policy):
        want = []
        for who in readers:
            want += [(who, "s3:GetObject", logs, "allow"), (who, "s3:PutObject", logs, "implicit")]
            if results_bucket == bucket:
                want += [(who, "s3:GetObject", results, "allow"), (who, "s3:PutObject", results, "allow")]
        if results_bucket == bucket:
            want += [(other, "s3:GetObject", results, "deny"), (other, "s3:PutObject", results, "deny")]
        want += [(other, "s3:GetObject", logs, "implicit")]
        return [(w, act, res, verdict(policy, w, act, res), v) for w, act, res, v in want
                if verdict(policy, w, act, res) != v]

    def bucket_grants():
        bad = grant_problems(pol)
        return not bad, f"(principal, action, resource, got, want): {bad}"

    def broken_deny():
        # The same policy without its deny of results to others must fail the check above.
        broken = dict(pol, Statement=[s for s in pol["Statement"] if s.get("Effect") != "Deny"
                                      or "aws:PrincipalArn" not in json.dumps(s)])
        return bool(grant_problems(broken)), "the check passed without the deny"
    r.run(f"{n} bucket policy: readers read log files and results, others are denied results", bucket_grants)
    if results_bucket == bucket:  # results elsewhere: this bucket's policy has no results deny
        r.run(f"{n} readers check rejects broken variant: the deny of results to others removed", broken_deny)

    if not key_arn:
        return
    kpol = parse_policy(c["kms"].get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    via = f"s3.{region}.amazonaws.com"
    trail_ctx = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:{region}:{account}:trail/x"}
    s3_ctx = {"kms:EncryptionContext:aws:s3:arn": results}

    def kverdict(who, action, ctx):
        return evaluate(kpol, ("AWS", who), action, "*", ctx)

    def key_grants():
        want = []
        for who in readers:
            want += [
                (who, "kms:Decrypt", {"kms:ViaService": via, **trail_ctx}, "allow"),
                (who, "kms:Decrypt", dict(trail_ctx), "implicit"),  # not through S3
                (who, "kms:Decrypt", {"kms:ViaService": "athena." + region + ".amazonaws.com", **trail_ctx},
                 "implicit"),
                (who, "kms:GenerateDataKey", {"kms:ViaService": via, **s3_ctx}, "allow"),
                (who, "kms:GenerateDataKey", {"kms:ViaService": via}, "implicit"),  # no context
                (who, "kms:ScheduleKeyDeletion", {"kms:ViaService": via, **s3_ctx}, "implicit"),
            ]
        want += [(other, "kms:Decrypt", {"kms:ViaService": via, **trail_ctx}, "implicit")]
        bad = [(w, act, ctx, kverdict(w, act, ctx), v) for w, act, ctx, v in want if kverdict(w, act, ctx) != v]
        return not bad, f"(principal, action, context, got, want): {bad}"
    r.run(f"{n} key policy: readers decrypt log files and results through S3 only, no one else", key_grants)
