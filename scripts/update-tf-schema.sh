#!/usr/bin/env bash
# Regenerates tests/data/terraform-aws-schema.json: the hashicorp/aws provider schema
# (`terraform providers schema -json`) cut down to the resource and data source types trailsmith
# emits. The tests check every emitted Terraform resource against that file offline
# (tests/support/tf_schema.rs), so they need neither terraform nor the network. Rerun this when the
# pinned provider version or the set of emitted types changes, and commit the result.
#
# Usage:
#   scripts/update-tf-schema.sh                         # real dump: local terraform + provider mirror
#   scripts/update-tf-schema.sh --from-reference FILE   # cut down an existing schema dump instead
#
# Environment:
#   TF_PLUGIN_MIRROR       filesystem mirror root (the folder holding registry.terraform.io/)
#   TERRAFORM              terraform binary (default: terraform on PATH)
#   TF_AWS_PROVIDER_VERSION  provider version to pin (default 5.100.0)
set -euo pipefail

die() {
    echo "update-tf-schema: $*" >&2
    exit 1
}

provider_version="${TF_AWS_PROVIDER_VERSION:-5.100.0}"
provider_address="registry.terraform.io/hashicorp/aws"

# Keep in step with what src/ emits: a type missing here makes the tests report it as unknown.
resource_types=(
    aws_athena_workgroup
    aws_cloudtrail
    aws_cloudwatch_event_rule
    aws_cloudwatch_event_target
    aws_cloudwatch_log_group
    aws_cloudwatch_log_metric_filter
    aws_cloudwatch_metric_alarm
    aws_glue_catalog_database
    aws_glue_catalog_table
    aws_iam_role
    aws_iam_role_policy
    aws_kms_alias
    aws_kms_key
    aws_s3_bucket
    aws_s3_bucket_lifecycle_configuration
    aws_s3_bucket_logging
    aws_s3_bucket_object_lock_configuration
    aws_s3_bucket_ownership_controls
    aws_s3_bucket_policy
    aws_s3_bucket_public_access_block
    aws_s3_bucket_server_side_encryption_configuration
    aws_s3_bucket_versioning
    aws_sns_topic
    aws_sns_topic_policy
    aws_sns_topic_subscription
)
data_source_types=(
    aws_caller_identity
    aws_iam_policy_document
    aws_partition
    aws_region
)

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$script_dir/.." && pwd)/tests/data/terraform-aws-schema.json"

mode=terraform
reference=""
case "${1:-}" in
    "") ;;
    --from-reference)
        [[ $# -eq 2 ]] || die "usage: $0 [--from-reference FILE]"
        mode=reference
        reference="$2"
        [[ -r "$reference" ]] || die "reference schema not readable: $reference"
        ;;
    *) die "usage: $0 [--from-reference FILE]" ;;
esac

command -v python3 >/dev/null 2>&1 || die "python3 not found (needed to cut the schema down)"

work="$(mktemp -d)"
tmp_out=""
cleanup() {
    rm -rf "$work"
    if [[ -n "$tmp_out" ]]; then rm -f "$tmp_out"; fi
}
trap cleanup EXIT

find_mirror() {
    if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
        [[ -d "$TF_PLUGIN_MIRROR/registry.terraform.io" ]] ||
            die "provider mirror not found: TF_PLUGIN_MIRROR=$TF_PLUGIN_MIRROR has no registry.terraform.io/ folder"
        echo "$TF_PLUGIN_MIRROR"
        return
    fi
    if [[ -d /opt/tf-plugins/registry.terraform.io ]]; then
        echo /opt/tf-plugins
        return
    fi
    # Slow, but only reached on machines that keep the mirror somewhere unusual.
    local found
    found="$(find / -path /proc -prune -o -name "terraform-provider-aws_*${provider_version}*" -print 2>/dev/null |
        grep -m 1 '/registry\.terraform\.io/' || true)"
    [[ -n "$found" ]] ||
        die "provider mirror not found: no terraform-provider-aws_*${provider_version}* under / (set TF_PLUGIN_MIRROR)"
    echo "${found%%/registry.terraform.io/*}"
}

if [[ "$mode" == terraform ]]; then
    terraform="${TERRAFORM:-terraform}"
    command -v "$terraform" >/dev/null 2>&1 ||
        die "terraform not found (looked for '$terraform'; set TERRAFORM, or use --from-reference FILE)"
    mirror="$(find_mirror)"
    [[ -d "$mirror/$provider_address" ]] ||
        die "provider mirror not found: $mirror has no $provider_address/"

    printf '{"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"%s"}}}}\n' \
        "$provider_version" >"$work/main.tf.json"
    # TF_CLI_CONFIG_FILE=/dev/null: the machine image points it at a missing file, and any real CLI
    # config could add network installation methods; -plugin-dir alone keeps init offline.
    if ! (cd "$work" && TF_CLI_CONFIG_FILE=/dev/null "$terraform" init -input=false -backend=false -no-color \
        -plugin-dir="$mirror" >"$work/init.log" 2>&1); then
        cat "$work/init.log" >&2
        die "terraform init failed (mirror: $mirror)"
    fi
    (cd "$work" && TF_CLI_CONFIG_FILE=/dev/null "$terraform" providers schema -json >"$work/full.json") ||
        die "terraform providers schema -json failed"
    (cd "$work" && TF_CLI_CONFIG_FILE=/dev/null "$terraform" version -json >"$work/version.json") ||
        die "terraform version -json failed"
    input="$work/full.json"
else
    input="$reference"
    echo '{}' >"$work/version.json"
fi

mkdir -p "$(dirname "$out")"
tmp_out="$(mktemp "$(dirname "$out")/.terraform-aws-schema.json.XXXXXX")"

python3 - "$input" "$work/version.json" "$tmp_out" "$mode" "$provider_address" \
    "${resource_types[*]}" "${data_source_types[*]}" <<'PY'
import json
import sys

src, version_file, dest, mode, provider, resources, data_sources = sys.argv[1:]
resources, data_sources = resources.split(), data_sources.split()

with open(src) as f:
    dump = json.load(f)
with open(version_file) as f:
    version = json.load(f)

try:
    full = dump["provider_schemas"][provider]
except KeyError:
    sys.exit(f"update-tf-schema: {provider} not in the schema dump {src}")


def pick(kind, names):
    have = full.get(kind, {})
    missing = [n for n in names if n not in have]
    if missing:
        sys.exit(f"update-tf-schema: {kind} lacks {', '.join(missing)} in {src}")
    return {n: have[n] for n in names}


subset = {
    "provider": full["provider"],
    "resource_schemas": pick("resource_schemas", resources),
    "data_source_schemas": pick("data_source_schemas", data_sources),
}

if mode == "terraform":
    tf = version.get("terraform_version", "?")
    aws = version.get("provider_selections", {}).get(provider, "?")
    source = (
        f"terraform providers schema -json, Terraform v{tf} with {provider} v{aws} "
        "(offline: TF_CLI_CONFIG_FILE=/dev/null terraform init -input=false -backend=false "
        "-plugin-dir=MIRROR); cut down by scripts/update-tf-schema.sh to the types trailsmith emits"
    )
else:
    source = (
        "cut down by scripts/update-tf-schema.sh --from-reference to the types trailsmith emits, "
        f"from a dump described as: {dump.get('_source', 'no _source given')}"
    )

out = {
    "_source": source,
    "format_version": dump.get("format_version"),
    "provider_schemas": {provider: subset},
}
with open(dest, "w") as f:
    json.dump(out, f, sort_keys=True, indent=1)
    f.write("\n")
PY

chmod 644 "$tmp_out"
mv "$tmp_out" "$out"
tmp_out=""
echo "update-tf-schema: wrote $out (${#resource_types[@]} resource types, ${#data_source_types[@]} data sources)" >&2
