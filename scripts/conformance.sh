#!/usr/bin/env bash
# Conformance harness: AWS tooling and a real AWS API (moto) judge every trailsmith output.
#
# Installs pinned checkers into a cache directory (reused when present, rebuilt when a pin
# changes), builds trailsmith, then runs scripts/conformance/run.py, which prints one line per
# check and ends with `conformance: N passed, M failed`. Needs python3 (with venv) and cargo;
# terraform with its AWS provider mirror is used when present and reported as SKIPPED otherwise.
#
#   scripts/conformance.sh                       everything
#   scripts/conformance.sh --modules check_cfn_lint --examples minimal
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TRAILSMITH_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trailsmith-conformance}"
mkdir -p "$cache"

CFN_LINT=1.58.0
CHECKOV=3.3.30   # its own venv: it pins an older boto3 than moto wants
MOTO=5.2.5
BOTO3=1.44.5
PYYAML=6.0.3
CFN_GUARD=3.2.1

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

venv "$cache/tools" "cfn-lint==$CFN_LINT" "moto[server]==$MOTO" "boto3==$BOTO3" "pyyaml==$PYYAML"
venv "$cache/checkov" "checkov==$CHECKOV"

if [[ -n "$guard_pid" ]] && ! wait "$guard_pid"; then
    say "cfn-guard install failed:"; tail -n 20 "$cache/cfn-guard-install.log" >&2
    exit 1
fi

# The debug build: `cargo test` has usually built it already, and speed is not under test here.
cargo build --quiet --manifest-path "$root/Cargo.toml"

exec "$cache/tools/bin/python" "$root/scripts/conformance/run.py" \
    --cache "$cache" --trailsmith "$root/target/debug/trailsmith" "$@"
