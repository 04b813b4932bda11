#!/usr/bin/env bash
# Renders the graph of `trailsmith explain SPEC --format mermaid` to a PNG, to see it the way
# GitHub draws a ```mermaid block before committing a change to `src/explain/`. A developer tool:
# CI does not run it, and `cargo test` does not need it (the tests check the Mermaid text).
#
# Usage:
#   scripts/render-explain-graph.sh SPEC [OUT.png]     # OUT defaults to NAME.png here
#
# Needs:
#   - node and npm (Node 18 or later);
#   - a Chromium or Chrome binary: chromium, chromium-browser or google-chrome on PATH, or
#     CHROMIUM=/path/to/binary (Debian and Ubuntu: `apt-get install chromium`);
#   - network access the first time only: @mermaid-js/mermaid-cli is installed with npm into a
#     cache directory, $MMDC_CACHE or ${XDG_CACHE_HOME:-~/.cache}/trailsmith/mermaid-cli, without
#     puppeteer's own browser download (PUPPETEER_SKIP_DOWNLOAD=1: the system browser is used);
#   - cargo, to build trailsmith from this checkout, or TRAILSMITH=/path/to/trailsmith.
#
# Environment:
#   MMDC_VERSION   mermaid-cli version to install (default 11.17.0, whose Mermaid GitHub matches
#                  closely enough for layout checks)
set -euo pipefail

die() {
    echo "render-explain-graph: $*" >&2
    exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 SPEC [OUT.png]"
spec=$1
[ -f "$spec" ] || die "no spec file $spec"
name=$(basename "$spec")
out=${2:-${name%.*}.png}

command -v node >/dev/null || die "node is needed (Node 18 or later)"
command -v npm >/dev/null || die "npm is needed"

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$candidate" >/dev/null; then
            browser=$(command -v "$candidate")
            break
        fi
    done
fi
[ -n "$browser" ] && [ -x "$browser" ] ||
    die "no Chromium found: install one (apt-get install chromium) or set CHROMIUM=/path"

cache=${MMDC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trailsmith/mermaid-cli}
mmdc="$cache/node_modules/.bin/mmdc"
if [ ! -x "$mmdc" ]; then
    echo "render-explain-graph: installing @mermaid-js/mermaid-cli into $cache" >&2
    mkdir -p "$cache"
    (cd "$cache" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
        "@mermaid-js/mermaid-cli@${MMDC_VERSION:-11.17.0}") ||
        die "npm install failed (network access is needed the first time)"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${TRAILSMITH:-}" ]; then
    "$TRAILSMITH" explain "$spec" --format mermaid >"$work/graph.mmd"
else
    command -v cargo >/dev/null || die "cargo is needed, or set TRAILSMITH=/path/to/trailsmith"
    cargo run --quiet --manifest-path "$repo/Cargo.toml" -- \
        explain "$spec" --format mermaid >"$work/graph.mmd"
fi

# Headless Chromium in containers needs --no-sandbox; the rest keeps it from phoning home.
cat >"$work/puppeteer.json" <<EOF
{"executablePath": "$browser",
 "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run"]}
EOF

"$mmdc" --quiet -p "$work/puppeteer.json" -i "$work/graph.mmd" -o "$out" -b white -s 2
echo "wrote $out"
