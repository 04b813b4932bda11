"""EventBridge rules of `alarms.events`, read back from moto after terraform apply.

Called from check_moto._check_alarms. What each rule should be is computed here from the spec
(the preset patterns written out from the AWS pages the README cites, a custom pattern parsed from
the spec), never from trailsmith's output. Checked: each rule's name, its pattern compared as JSON,
its one target (the alerts topic); the topic policy evaluated by check_moto's IAM evaluator
(events.amazonaws.com may publish for these rules' ARNs only, no other rule, no other service);
the key of an encrypted topic (EventBridge may use it for that topic only, and for nothing else).
moto 5.2.5 does not implement TestEventPattern, so sample CloudTrail events are matched against
each deployed preset pattern with moto's own pattern matcher (moto.events.models.EventPattern),
an implementation independent of trailsmith.
"""

import json

SIGN_IN = "AWS Console Sign In via CloudTrail"
API_CALL = "AWS API Call via CloudTrail"


def expected_pattern(rule):
    """The pattern a spec entry means, from the AWS pages: "AWS Management Console sign-in
    events" (CloudTrail User Guide) and "Amazon Sign-In events delivered via AWS CloudTrail"
    (EventBridge events reference)."""
    if "pattern" in rule:
        p = rule["pattern"]
        return json.loads(p) if isinstance(p, str) else p
    if rule["preset"] == "console_sign_in":
        want = {"source": ["aws.signin"], "detail-type": [SIGN_IN]}
        detail = {}
        if rule.get("failures_only"):
            detail["responseElements"] = {"ConsoleLogin": ["Failure"]}
        if rule.get("without_mfa"):
            detail["additionalEventData"] = {"MFAUsed": ["No"]}
        if detail:
            want["detail"] = detail
        return want
    return {"detail-type": [API_CALL, SIGN_IN], "detail": {"userIdentity": {"type": ["Root"]}}}


def rule_name(trail, rule):
    short = rule.get("name") or rule["preset"].replace("_", "-")
    return rule.get("rule_name") or f"{trail}-{short}"


def _sign_in(identity, outcome, mfa):
    return {"source": "aws.signin", "detail-type": SIGN_IN,
            "detail": {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
                       "userIdentity": {"type": identity},
                       "responseElements": {"ConsoleLogin": outcome},
                       "additionalEventData": {"MFAUsed": mfa}}}


def _api_call(identity):
    return {"source": "aws.s3", "detail-type": API_CALL,
            "detail": {"eventName": "DeleteBucket", "eventSource": "s3.amazonaws.com",
                       "userIdentity": {"type": identity}}}


# (name, event, what each preset is meant to do with it: a function of the entry)
SAMPLES = [
    ("IAM user sign-in with MFA", _sign_in("IAMUser", "Success", "Yes"),
     {"console_sign_in": lambda r: not r.get("failures_only") and not r.get("without_mfa"),
      "root_activity": lambda r: False}),
    ("failed IAM user sign-in without MFA", _sign_in("IAMUser", "Failure", "No"),
     {"console_sign_in": lambda r: True, "root_activity": lambda r: False}),
    ("root sign-in without MFA", _sign_in("Root", "Success", "No"),
     {"console_sign_in": lambda r: not r.get("failures_only"), "root_activity": lambda r: True}),
    ("root API call", _api_call("Root"),
     {"console_sign_in": lambda r: False, "root_activity": lambda r: True}),
    ("IAM user API call", _api_call("IAMUser"),
     {"console_sign_in": lambda r: False, "root_activity": lambda r: False}),
    ("EC2 state change", {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification",
                          "detail": {"state": "stopped"}},
     {"console_sign_in": lambda r: False, "root_activity": lambda r: False}),
]


def check(r, c, case, n, region, account, topic, allowed, parse_policy):
    rules = ((case.spec.get("alarms") or {}).get("events")) or []
    if not rules:
        return
    ev = c["events"]
    trail = case.expect.trail_name
    arns = []
    for rule in rules:
        name = rule_name(trail, rule)
        try:
            got = ev.describe_rule(Name=name)
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            r.check(f"{n} EventBridge rule {name} exists", False, str(exc))
            continue
        arns.append(got["Arn"])
        want = expected_pattern(rule)
        r.run(f"{n} rule {name}: pattern as the spec means it (compared as JSON)", lambda got=got, want=want: (
            json.loads(got.get("EventPattern") or "null") == want and got.get("State") == "ENABLED",
            f"got {got.get('EventPattern')} {got.get('State')}; want {json.dumps(want)} ENABLED"))
        targets = ev.list_targets_by_rule(Rule=name).get("Targets") or []
        r.run(f"{n} rule {name}: one target, the alerts topic {topic}", lambda targets=targets: (
            [(t["Id"], t["Arn"]) for t in targets] == [("alerts-topic", topic)], f"got {targets}"))
        if "preset" in rule and "pattern" not in rule:
            _match_samples(r, n, name, rule, got.get("EventPattern"))
    notify = (case.spec.get("alarms") or {}).get("notify") or {}
    if notify.get("topic_arn"):
        return  # a topic made elsewhere: its policy is its owner's (a note says what it needs)
    attrs = c["sns"].get_topic_attributes(TopicArn=topic)["Attributes"]
    pol = parse_policy(attrs["Policy"])
    events = ("Service", "events.amazonaws.com")
    other_rule = f"arn:aws:events:{region}:{account}:rule/{trail}-impostor"

    def topic_policy(doc):
        ours = {a: allowed(doc, events, "sns:Publish", topic, {"aws:SourceArn": a}) for a in arns}
        other = allowed(doc, events, "sns:Publish", topic, {"aws:SourceArn": other_rule})
        bare = allowed(doc, events, "sns:Publish", topic, {})
        lam = allowed(doc, ("Service", "lambda.amazonaws.com"), "sns:Publish", topic, {"aws:SourceArn": arns[0]})
        sub = allowed(doc, events, "sns:Subscribe", topic, {"aws:SourceArn": arns[0]})
        return all(ours.values()) and not (other or bare or lam or sub), (
            f"these rules {ours} (all wanted); another rule {other}, no source {bare}, "
            f"lambda.amazonaws.com {lam}, sns:Subscribe {sub} (none wanted)")
    r.run(f"{n} topic policy: EventBridge publishes for these {len(arns)} rules only (evaluated)",
          lambda: topic_policy(pol))
    # The checker is looking: the same policy with its rule ARNs widened to every rule must fail.
    wide = _widened(pol, "aws:SourceArn", f"arn:aws:events:{region}:{account}:rule/*")
    r.run(f"{n} topic policy check rejects broken variant: SourceArn widened to rule/*",
          lambda: (not topic_policy(wide)[0], "the widened policy passed"))

    key = attrs.get("KmsMasterKeyId")
    if not key:
        return
    kpol = parse_policy(c["kms"].get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    context = "kms:EncryptionContext:aws:sns:topicArn"

    def key_policy():
        gen = allowed(kpol, events, "kms:GenerateDataKey", key, {context: topic})
        dec = allowed(kpol, events, "kms:Decrypt", key, {context: topic})
        other = allowed(kpol, events, "kms:GenerateDataKey", key, {context: f"{topic}-other"})
        enc = allowed(kpol, events, "kms:Encrypt", key, {context: topic})
        admin = allowed(kpol, events, "kms:ScheduleKeyDeletion", key, {context: topic})
        return gen and dec and not (other or enc or admin), (
            f"GenerateDataKey {gen}, Decrypt {dec} for the topic (wanted); GenerateDataKey for another "
            f"topic {other}, Encrypt {enc}, ScheduleKeyDeletion {admin} (none wanted)")
    r.run(f"{n} key policy: EventBridge uses the key for this topic only, and only to publish (evaluated)", key_policy)


def _widened(policy, key, value):
    """A copy of `policy` whose conditions on `key` allow `value` instead."""
    doc = json.loads(json.dumps(policy))
    for st in doc.get("Statement", []):
        for pairs in (st.get("Condition") or {}).values():
            for k in list(pairs):
                if k.lower() == key.lower():
                    pairs[k] = value
    return doc


def _match_samples(r, n, name, rule, deployed):
    from moto.events.models import EventPattern

    matcher = EventPattern.load(deployed)
    wrong = []
    for label, event, meant in SAMPLES:
        want = meant[rule["preset"]](rule)
        if matcher.matches_event(event) != want:
            wrong.append(f"{label}: {'missed' if want else 'matched'}")
    r.check(f"{n} rule {name}: sample CloudTrail events matched as meant (moto's pattern matcher, {len(SAMPLES)} samples)",
            not wrong, "; ".join(wrong))
