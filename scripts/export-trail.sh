#!/usr/bin/env bash
# Writes what AWS says about one trail, and what it uses, as the JSON files `trailsmith import`
# and `trailsmith drift` read: one file per AWS CLI command, named after the command.
#
#   scripts/export-trail.sh NAME [DIR]      DIR defaults to ./trail-NAME
#
# Runs read-only AWS CLI commands (v1 or v2) with the caller's credentials, profile and region
# (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL are honoured as the CLI honours them). The trail is
# looked up in the current region; every later call about the trail, its log group, alarms, topic
# and key goes to the trail's home region, where they live.
#
# A command whose answer is "there is none" (no Insights, no bucket encryption, no public access
# block, no lifecycle) writes no file, and says so: `drift` then reports that setting as not
# compared, rather than as off. So does a bucket or key call refused with AccessDenied: in an
# organization layout the bucket and key belong to the log archive account, which the management
# account's credentials cannot read (run this script's s3api and kms lines with that account's
# profile into the same folder to fill them in). The exception is Insights: GetInsightSelectors on a trail without
# them fails with InsightNotEnabledException ("GetInsightSelectors", AWS CloudTrail API Reference),
# which does mean "none", so an empty selector list is written for it.
#
# Permissions (all read-only): cloudtrail:DescribeTrails, GetTrailStatus, GetEventSelectors,
# GetInsightSelectors; s3:GetBucketVersioning, GetEncryptionConfiguration,
# GetBucketPublicAccessBlock, GetLifecycleConfiguration, GetBucketLogging; kms:DescribeKey;
# sns:GetTopicAttributes; logs:DescribeLogGroups, DescribeMetricFilters; cloudwatch:DescribeAlarms.
# The AWS managed policies ReadOnlyAccess or SecurityAudit grant them all.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == -* ]]; then
    echo "usage: $0 NAME [DIR]" >&2
    exit 2
fi
name="$1"
dir="${2:-trail-$name}"
command -v aws >/dev/null || { echo "$0: the AWS CLI (aws) is not on PATH" >&2; exit 1; }
mkdir -p "$dir"
# A file left from an earlier export would stand for a setting that is gone now.
rm -f "$dir"/{describe-trails,get-trail-status,get-event-selectors,get-insight-selectors}.json \
    "$dir"/bucket-{versioning,encryption,lifecycle,logging}.json "$dir"/public-access-block.json \
    "$dir"/{describe-key,topic-attributes,describe-log-groups,describe-metric-filters,describe-alarms}.json

say() { echo "export-trail: $*" >&2; }

# save FILE COMMAND... : runs the command, writes its JSON to DIR/FILE. An empty answer (what the
# CLI prints for a bucket never versioned or not logged) is written as `{}`.
save() {
    local file="$1"; shift
    local out
    out="$(aws --output json "$@")"
    printf '%s\n' "${out:-{\}}" >"$dir/$file"
    say "wrote $dir/$file"
}

# absent FILE ERROR-CODE COMMAND... : like save, but an error naming ERROR-CODE means "none", and
# AccessDenied means "not readable with these credentials": no file either way.
absent() {
    local file="$1" code="$2"; shift 2
    local out err
    err="$(mktemp)"
    if out="$(aws --output json "$@" 2>"$err")"; then
        printf '%s\n' "${out:-{\}}" >"$dir/$file"
        say "wrote $dir/$file"
    elif [[ -n "$code" ]] && grep -q -- "$code" "$err"; then
        say "no $file: $code"
    elif grep -q "AccessDenied" "$err"; then
        say "no $file: AccessDenied (is it another account's? see the header of this script)"
    else
        cat "$err" >&2
        rm -f "$err"
        return 1
    fi
    rm -f "$err"
}

save describe-trails.json cloudtrail describe-trails --trail-name-list "$name"
# The fields the later commands need, in one more call (tab-separated; "None" where absent, so
# that no field is empty and the tabs, which `read` folds together, stay in place).
IFS=$'\t' read -r home arn bucket key topic group_arn < <(
    aws --output text cloudtrail describe-trails --trail-name-list "$name" \
        --query "trailList[?Name=='$name' || TrailARN=='$name'] | [0].[HomeRegion, TrailARN, \
S3BucketName, KmsKeyId, SnsTopicARN, CloudWatchLogsLogGroupArn]"
) || true
for v in home arn bucket key topic group_arn; do
    [[ "${!v:-None}" == None ]] && printf -v "$v" '%s' ""
done
[[ -n "${home:-}" && -n "${arn:-}" ]] || { say "no trail named $name in this region's describe-trails"; exit 1; }
at=(--region "$home")

save get-trail-status.json "${at[@]}" cloudtrail get-trail-status --name "$arn"
save get-event-selectors.json "${at[@]}" cloudtrail get-event-selectors --trail-name "$arn"
if ! absent get-insight-selectors.json InsightNotEnabledException \
        "${at[@]}" cloudtrail get-insight-selectors --trail-name "$arn"; then
    exit 1
fi
if [[ ! -f "$dir/get-insight-selectors.json" ]]; then
    printf '{"TrailARN": "%s", "InsightSelectors": []}\n' "$arn" >"$dir/get-insight-selectors.json"
    say "wrote $dir/get-insight-selectors.json (no Insights)"
fi

# An empty ERROR-CODE: the call has no "none" answer of its own (an empty answer is written `{}`).
absent bucket-versioning.json "" s3api get-bucket-versioning --bucket "$bucket"
absent bucket-encryption.json ServerSideEncryptionConfigurationNotFoundError \
    s3api get-bucket-encryption --bucket "$bucket"
absent public-access-block.json NoSuchPublicAccessBlockConfiguration \
    s3api get-public-access-block --bucket "$bucket"
absent bucket-lifecycle.json NoSuchLifecycleConfiguration \
    s3api get-bucket-lifecycle-configuration --bucket "$bucket"
absent bucket-logging.json "" s3api get-bucket-logging --bucket "$bucket"

[[ -z "$key" ]] || absent describe-key.json "" "${at[@]}" kms describe-key --key-id "$key"
[[ -z "$topic" ]] || save topic-attributes.json "${at[@]}" sns get-topic-attributes --topic-arn "$topic"
if [[ -n "$group_arn" ]]; then
    group="${group_arn#*:log-group:}"
    group="${group%:\*}"
    save describe-log-groups.json "${at[@]}" logs describe-log-groups --log-group-name-prefix "$group"
    save describe-metric-filters.json "${at[@]}" logs describe-metric-filters --log-group-name "$group"
    # Every alarm of the region: `import` keeps those on the metrics of the trail's filters.
    save describe-alarms.json "${at[@]}" cloudwatch describe-alarms --alarm-types MetricAlarm
fi
say "done: trailsmith import $dir/*.json -o $name.yaml"
