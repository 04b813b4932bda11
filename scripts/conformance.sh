#!/usr/bin/env bash
# Conformance harness: AWS tooling and a real AWS API (moto) judge every trailsmith output.
#
# Installs pinned checkers into a cache directory (reused when present, rebuilt when a pin
# changes), builds trailsmith, then runs scripts/conformance/run.py, which prints one line per
# check and ends with `conformance: N passed, M failed, K skipped`. Needs python3 (with venv),
# cargo, npm and node (once: the SARIF schema and multitool, Ajv, yaml-language-server) and
# terraform with its AWS provider in a local mirror (/opt/tf-plugins, or TF_PLUGIN_MIRROR). Without terraform or the mirror the Terraform checks
# print SKIPPED, and any skip fails the run (exit 1) unless --allow-skips is given: the offline
# schema test in `cargo test` checks only argument names, types and block shapes, not what
# terraform validate and apply on moto judge. CI never passes --allow-skips.
#
#   scripts/conformance.sh                       everything
#   scripts/conformance.sh --modules check_cfn_lint --examples minimal teams-ledger
#   scripts/conformance.sh --allow-skips         a local run on a machine without terraform
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TRAILSMITH_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trailsmith-conformance}"
mkdir -p "$cache"

CFN_LINT=1.58.0
CHECKOV=3.3.30   # its own venv: it pins an older boto3 than moto wants
AWSCLI=1.46.3    # its own venv too (it pins botocore): runs scripts/export-trail.sh against moto
PRE_COMMIT=4.7.0 # its own venv: the real pre-commit runs the repository's hooks (check_precommit.py)
MOTO=5.2.5
BOTO3=1.44.5
PYYAML=6.0.3
SQLGLOT=30.31.0  # its own venv: parses the first Athena query explain prints (check_athena_sql.py)
CFN_GUARD=3.2.1
JSONSCHEMA=4.26.0          # judges SARIF output (check_sarif.py); cfn-lint needs it anyway
RFC3986_VALIDATOR=0.1.1    # lets jsonschema check the schema's `uri` formats
# The OASIS SARIF 2.1.0 JSON schema (final, "rtm.5"), as carried by this MIT-licensed npm package.
SARIF_PACKAGE=@microsoft/jest-sarif@1.0.0-beta.0
SARIF_INTEGRITY=sha512-A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjpVnSmwWGBukASkiQ9A==
# The SARIF multitool (Microsoft's sarif-sdk, MIT), whose `validate --rule-kind "Gh;Sarif"` runs
# the rules GitHub code scanning holds an upload to. Its Linux build is a self-contained binary in
# this npm package (no .NET needed); the `@microsoft/sarif-multitool` wrapper only picks it.
MULTITOOL_PACKAGE=@microsoft/sarif-multitool-linux@5.7.0
MULTITOOL_INTEGRITY=sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==
# Judge the spec's JSON Schema (check_schema.py): exact versions (their own dependencies are
# resolved by npm at install time).
SCHEMA_NPM_PACKAGES="ajv@8.17.1 ajv-formats@3.0.1 yaml-language-server@1.25.0"

say() { echo "conformance.sh: $*" >&2; }

# venv DIR PACKAGE... : (re)creates DIR when the pinned package list changed.
venv() {
    local dir="$1"; shift
    local stamp
    stamp="$dir/.pins-$(printf '%s\n' "$@" | sha256sum | cut -c1-16)"
    [[ -f "$stamp" ]] && return 0
    say "installing $* into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    touch "$stamp"
}

guard="$cache/cfn-guard/bin/cfn-guard"
guard_pid=""
if ! { [[ -x "$guard" ]] && "$guard" --version 2>/dev/null | grep -q "$CFN_GUARD"; }; then
    # The longest install (a Rust build); run it beside the pip installs.
    say "building cfn-guard $CFN_GUARD into $cache/cfn-guard (a few minutes, once)"
    cargo install cfn-guard --locked --version "$CFN_GUARD" --root "$cache/cfn-guard" --quiet \
        >"$cache/cfn-guard-install.log" 2>&1 &
    guard_pid=$!
fi

venv "$cache/tools" "cfn-lint==$CFN_LINT" "moto[server]==$MOTO" "boto3==$BOTO3" "pyyaml==$PYYAML" \
    "jsonschema==$JSONSCHEMA" "rfc3986-validator==$RFC3986_VALIDATOR"
venv "$cache/checkov" "checkov==$CHECKOV"
venv "$cache/awscli" "awscli==$AWSCLI"
venv "$cache/precommit" "pre-commit==$PRE_COMMIT"
venv "$cache/sqlglot" "sqlglot==$SQLGLOT"
export TRAILSMITH_SQLGLOT_PYTHON="$cache/sqlglot/bin/python"

sarif_schema="$cache/sarif/$(printf '%s' "$SARIF_INTEGRITY" | sha256sum | cut -c1-16)/sarif-2.1.0.json"
if [[ ! -f "$sarif_schema" ]]; then
    command -v npm >/dev/null || { say "npm is needed to fetch the SARIF schema ($SARIF_PACKAGE)"; exit 1; }
    say "fetching the SARIF 2.1.0 schema from $SARIF_PACKAGE"
    unpack="$(mktemp -d)"
    tarball="$(cd "$unpack" && npm pack --silent "$SARIF_PACKAGE" 2>/dev/null | tail -n 1)"
    got="sha512-$(openssl dgst -sha512 -binary "$unpack/$tarball" | base64 -w0)"
    if [[ "$got" != "$SARIF_INTEGRITY" ]]; then
        say "$SARIF_PACKAGE does not match its pinned integrity ($got)"; exit 1
    fi
    mkdir -p "$(dirname "$sarif_schema")"
    tar -xzf "$unpack/$tarball" -O package/lib/schemas/sarif-2.1.0-rtm.5.json >"$sarif_schema.tmp"
    mv "$sarif_schema.tmp" "$sarif_schema"
    rm -rf "$unpack"
fi
export TRAILSMITH_SARIF_SCHEMA="$sarif_schema"

multitool_dir="$cache/sarif-multitool/$(printf '%s' "$MULTITOOL_INTEGRITY" | sha256sum | cut -c1-16)"
if [[ ! -x "$multitool_dir/Sarif.Multitool" ]]; then
    command -v npm >/dev/null || { say "npm is needed to fetch the SARIF multitool ($MULTITOOL_PACKAGE)"; exit 1; }
    say "fetching the SARIF multitool from $MULTITOOL_PACKAGE (about 100 MB, once)"
    unpack="$(mktemp -d)"
    tarball="$(cd "$unpack" && npm pack --silent "$MULTITOOL_PACKAGE" 2>/dev/null | tail -n 1)"
    got="sha512-$(openssl dgst -sha512 -binary "$unpack/$tarball" | base64 -w0)"
    if [[ "$got" != "$MULTITOOL_INTEGRITY" ]]; then
        say "$MULTITOOL_PACKAGE does not match its pinned integrity ($got)"; exit 1
    fi
    rm -rf "$multitool_dir" && mkdir -p "$multitool_dir"
    tar -xzf "$unpack/$tarball" -C "$multitool_dir" --strip-components=1
    chmod +x "$multitool_dir/Sarif.Multitool"
    rm -rf "$unpack"
fi
export TRAILSMITH_SARIF_MULTITOOL="$multitool_dir/Sarif.Multitool"
# The spec's JSON Schema as editors and tools use it (check_schema.py): Ajv in strict mode and
# yaml-language-server, the engine of the YAML extensions of VS Code and other editors.
schema_tools="$cache/npm-schema/$(printf '%s\n' "$SCHEMA_NPM_PACKAGES" | sha256sum | cut -c1-16)"
if [[ ! -f "$schema_tools/.installed" ]]; then
    command -v npm >/dev/null || { say "npm is needed to install $SCHEMA_NPM_PACKAGES"; exit 1; }
    say "installing $SCHEMA_NPM_PACKAGES into $schema_tools"
    rm -rf "$schema_tools"
    mkdir -p "$schema_tools"
    # shellcheck disable=SC2086 # a list of package@version words
    npm install --silent --no-audit --no-fund --prefix "$schema_tools" $SCHEMA_NPM_PACKAGES >&2
    touch "$schema_tools/.installed"
fi
export TRAILSMITH_SCHEMA_TOOLS="$schema_tools/node_modules"

if [[ -n "$guard_pid" ]] && ! wait "$guard_pid"; then
    say "cfn-guard install failed:"; tail -n 20 "$cache/cfn-guard-install.log" >&2
    exit 1
fi

# The debug build: `cargo test` has usually built it already, and speed is not under test here.
cargo build --quiet --manifest-path "$root/Cargo.toml"

exec "$cache/tools/bin/python" "$root/scripts/conformance/run.py" \
    --cache "$cache" --trailsmith "$root/target/debug/trailsmith" "$@"
