#!/usr/bin/env bash
# Benchmarks: how fast trailsmith compiles the peers' "team" trail (scripts/bench/team.yaml), alone
# and (with --peers) against troposphere and the AWS CDK in the same run on the same machine.
#
# Builds the release binary, then times with hyperfine (warm-up, then --runs runs each): one spec
# (validate, synth to CloudFormation, synth to Terraform); 100 and 1000 generated team specs with
# `synth --out-dir` for both targets, to disk and to tmpfs, each against the floor (the least any
# program can do to write the same bytes: scripts/bench/floor.rs, built here with rustc); and peak
# memory (max RSS of several runs, /usr/bin/time -v). Results go to target/bench/ (hyperfine JSON,
# Markdown and CSV, memory.csv, summary.md); the summary gives trailsmith as a multiple of the floor
# and ends with the issue's targets, each met or not met. Never run by `cargo test` or CI.
#
#   scripts/bench.sh                 trailsmith alone (about 2 minutes on 2 cores)
#   scripts/bench.sh --peers         also troposphere and CDK, paired per team count (about 7 more);
#                                    troposphere and trailsmith also both writing to tmpfs
#   scripts/bench.sh --peers --no-cdk  troposphere only (on a busy machine the CDK takes minutes a run)
#   scripts/bench.sh --runs 20 --results DIR
#
# Installs, loudly, what is missing: hyperfine and time (Debian packages, system-wide, with
# apt-get); with --peers a troposphere venv and a copy of the CDK app with its node_modules, both
# in the cache dir (TRAILSMITH_BENCH_CACHE, default ~/.cache/trailsmith-bench). The peers are read
# from TRAILSMITH_BENCH_PEERS (default ../shared/bench/peers, relative to the project), which may
# be read-only.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TRAILSMITH_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trailsmith-bench}"
peers_src="${TRAILSMITH_BENCH_PEERS:-$root/../shared/bench/peers}"
results="$root/target/bench"
team_spec="$root/scripts/bench/team.yaml"
runs=10
warmup=2
mem_runs=5
peers=0
with_cdk=1
teams_max=1000

say() { echo "bench.sh: $*" >&2; }
loud() {
    echo "" >&2
    echo "################################################################################" >&2
    echo "bench.sh: $*" >&2
    echo "################################################################################" >&2
}
die() {
    echo "bench.sh: error: $*" >&2
    exit 1
}
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
    --peers) peers=1 ;;
    --no-cdk) with_cdk=0 ;;
    --runs)
        [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 10 ]] || die "--runs needs a number, 10 or more"
        runs="$2"
        shift
        ;;
    --results)
        [[ $# -ge 2 && -n "$2" ]] || die "--results needs a directory"
        results="$2"
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done

started=$SECONDS

# --- tools ----------------------------------------------------------------------------------------

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

# need_deb COMMAND PACKAGE: installs the Debian package when COMMAND is missing, or fails clearly.
need_deb() {
    local cmd="$1" pkg="$2"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    loud "$cmd is missing: installing the Debian package '$pkg' with apt-get (system-wide)"
    command -v apt-get >/dev/null 2>&1 || die "$cmd is missing and there is no apt-get; install '$pkg' and rerun"
    if ! as_root apt-get install -y -q "$pkg" >&2; then
        say "apt-get install failed; trying apt-get update first"
        if ! { as_root apt-get update -q >&2 && as_root apt-get install -y -q "$pkg" >&2; }; then
            die "could not install '$pkg' (needs root or passwordless sudo, and the Debian mirror); install it and rerun"
        fi
    fi
    command -v "$cmd" >/dev/null 2>&1 || die "'$pkg' is installed but $cmd is still missing"
    say "installed $pkg"
}

need_deb hyperfine hyperfine
need_deb /usr/bin/time time
command -v cargo >/dev/null 2>&1 || die "cargo is missing; install a Rust toolchain (1.85 or newer)"
[[ -f "$team_spec" ]] || die "missing $team_spec"

if [[ $peers -eq 1 ]]; then
    [[ -f "$peers_src/troposphere/gen.py" && ($with_cdk -eq 0 || -f "$peers_src/cdk/app.js") ]] ||
        die "no peers in $peers_src (set TRAILSMITH_BENCH_PEERS to the directory holding troposphere/ and cdk/)"
    command -v python3 >/dev/null 2>&1 || die "--peers needs python3 (with venv) for troposphere"
    if [[ $with_cdk -eq 1 ]] && ! { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }; then
        die "--peers needs node and npm for the CDK peer"
    fi
fi

# --- the machine ----------------------------------------------------------------------------------

mkdir -p "$results"
# Only this script's own files: --results may name a directory holding others.
for group in one-spec many-specs in-memory no-writes peers-1-team peers-100-teams peers-1000-teams \
    floor-{disk,tmpfs}-{100,1000}-{cfn,tf}; do
    rm -f "$results/$group".{json,md,csv}
done
rm -f "$results"/{machine.txt,memory.csv,summary.md,floor.csv}
{
    echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu:       $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "cores:     $(nproc) (online), $(grep -c '^processor' /proc/cpuinfo) listed in /proc/cpuinfo"
    echo "memory:    $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "kernel:    $(uname -sr)"
    if [[ -r /etc/os-release ]]; then
        # shellcheck disable=SC1091 # the machine's, not ours
        echo "os:        $(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")"
    fi
    echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min averages at the start)"
    echo "profile:   release (Cargo.toml [profile.release]: fat LTO, one codegen unit)"
    echo "rustc:     $(rustc --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "commit:    $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
        [[ -n "$(git -C "$root" status --porcelain --untracked-files=no -- src 2>/dev/null)" ]] &&
            echo " (with uncommitted changes in src/)"
    )"
} | tee "$results/machine.txt"
echo ""

# --- trailsmith and the specs ---------------------------------------------------------------------

say "cargo build --release"
(cd "$root" && cargo build --release >&2)
bin="${CARGO_TARGET_DIR:-$root/target}/release/trailsmith"
[[ -x "$bin" ]] || die "no binary at $bin after cargo build --release"
floor="${CARGO_TARGET_DIR:-$root/target}/bench-floor/floor"
mkdir -p "$(dirname "$floor")"
say "rustc -O scripts/bench/floor.rs"
rustc -O --edition 2021 "$root/scripts/bench/floor.rs" -o "$floor" >&2 || die "could not build the floor writer"

work="$(mktemp -d "${TMPDIR:-/tmp}/trailsmith-bench.XXXXXX")"
# A tmpfs beside the disk separates trailsmith's own cost from the file system's (the tmpfs rows).
shm=""
if [[ -d /dev/shm && -w /dev/shm && "$(findmnt -no FSTYPE -T /dev/shm 2>/dev/null | head -1)" == tmpfs ]]; then
    shm="$(mktemp -d /dev/shm/trailsmith-bench.XXXXXX)"
fi
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT
echo "disk:      $(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$work" 2>/dev/null || echo unknown) (outputs)" |
    tee -a "$results/machine.txt"

# N copies of the team spec, team000 ... team999, each with its own trail, bucket, topic and data
# bucket names (the peers name their teams the same way).
say "generating $teams_max team specs in $work/specs"
mkdir -p "$work/specs" "$work/one"
template="$(<"$team_spec")"
for ((i = 0; i < teams_max; i++)); do
    printf -v name 'team%03d' "$i"
    printf '%s\n' "${template//team000/$name}" >"$work/specs/$name.yaml"
done
cp "$team_spec" "$work/one/team.yaml"
one="$work/one/team.yaml"
mapfile -t specs < <(find "$work/specs" -name '*.yaml' | sort)
[[ ${#specs[@]} -eq $teams_max ]] || die "generated ${#specs[@]} specs, expected $teams_max"
"$bin" validate --deny-warnings "${specs[@]}" >/dev/null 2>&1 ||
    die "the generated team specs do not validate cleanly; see: $bin validate --deny-warnings $team_spec"

# cmd WORD...: one command line for hyperfine -N (each word shell-quoted).
cmd() {
    local out="" w
    for w in "$@"; do
        printf -v w '%q' "$w"
        out+="${out:+ }$w"
    done
    printf '%s' "$out"
}
# synth_many TARGET N: trailsmith synth of the first N specs into $work/out/TARGET-N.
synth_many() { cmd "$bin" synth "${specs[@]:0:$2}" --target "$1" --out-dir "$work/out/$1-$2"; }

# bench NAME [NAME COMMAND]...: one hyperfine invocation, exported as $results/NAME.{json,md,csv}.
# Before each run every output directory (on disk and on tmpfs) is removed and the removal synced
# to disk, so each run writes its outputs afresh and pays for its own disk work only.
bench() {
    local group="$1"
    shift
    local args=()
    while [[ $# -gt 0 ]]; do
        args+=(-n "$1" "$2")
        shift 2
    done
    say "hyperfine: $group"
    # shellcheck disable=SC2016 # $1 is for the inner sh
    hyperfine -N --warmup "${group_warmup:-$warmup}" --runs "${group_runs:-$runs}" \
        --prepare "$(cmd sh -c 'rm -rf "$1" "$2" && sync' sh "$work/out" "${shm:-$work}/out")" \
        --export-json "$results/$group.json" \
        --export-markdown "$results/$group.md" \
        --export-csv "$results/$group.csv" \
        "${args[@]}" >&2
}

# peak_rss NAME COMMAND...: the largest "Maximum resident set size" of $mem_runs runs, in KiB.
peak_rss() {
    local name="$1" max=0 kib i
    shift
    for ((i = 0; i < mem_runs; i++)); do
        rm -rf "$work/out"
        /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" ||
            die "$name failed: $(cat "$work/stderr.txt")"
        kib="$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$work/time.txt")"
        [[ "$kib" =~ ^[0-9]+$ ]] || die "no RSS from /usr/bin/time -v for $name"
        ((kib > max)) && max=$kib
    done
    echo "$name,$max,$mem_runs" >>"$results/memory.csv"
    say "peak RSS $name: $max KiB (max of $mem_runs runs)"
}

# --- trailsmith -----------------------------------------------------------------------------------

# A run of one spec lasts about 2 ms, near the machine's own jitter (a process start is 0.7 ms):
# five times the runs and ten warm-ups, a second in all, steady the median.
group_runs=$((runs * 5)) group_warmup=10 bench one-spec \
    "validate 1 spec" "$(cmd "$bin" validate "$one")" \
    "synth cfn 1 spec" "$(cmd "$bin" synth "$one" --target cloudformation)" \
    "synth tf 1 spec" "$(cmd "$bin" synth "$one" --target terraform)"

# The floor: trailsmith's own outputs (one run per target and count, checked for the right number
# of files) packed as a manifest and one blob, which scripts/bench/floor.rs writes back with one
# mkdir per new directory and open, write, close per file. cp -r or tar would stat, read and
# chmod each file besides; the floor does only what no tool writing these files can skip. It runs
# with one thread and with one per core (trailsmith's count); the smaller median is the floor.
# The manifest and blob sit on tmpfs when there is one (reading them costs the floor 2 to 20 MB of
# page-cache reads, which trailsmith, reading 1.3 MB of specs, does not pay).
cores="$(nproc)"
packed="${shm:-$work}/packed"
mkdir -p "$packed"
for target in cloudformation terraform; do
    for n in 100 1000; do
        kept="$work/kept-$target-$n"
        rm -rf "$kept"
        "$bin" synth "${specs[@]:0:$n}" --target "$target" --out-dir "$kept" 2>/dev/null
        (cd "$kept" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | while read -r f; do
            printf '%s\t%s\n' "$f" "$(stat -c %s "$f")"
        done) >"$packed/$target-$n.manifest"
        [[ "$(wc -l <"$packed/$target-$n.manifest")" -eq $n ]] || die "synth --out-dir did not write $n $target outputs"
        (cd "$kept" && cut -f1 "$packed/$target-$n.manifest" | tr '\n' '\0' | xargs -0 cat) >"$packed/$target-$n.blob"
        # The floor writes the very bytes and layout trailsmith wrote.
        rm -rf "$work/out"
        "$floor" "$packed/$target-$n.manifest" "$packed/$target-$n.blob" "$work/out/check" "$cores"
        diff -r "$kept" "$work/out/check" >/dev/null || die "the floor did not reproduce trailsmith's $target outputs"
        rm -rf "$kept" "$work/out"
    done
done

# floor_group FS N TARGET: trailsmith's synth --out-dir of N specs to FS (disk or tmpfs), then the
# floor writing the same files there with 1 thread and with one per core.
#
# This ext4 virtual disk drifts within minutes: creating and removing thousands of files, run
# after run, makes each run slower than the one before (the floor took 48 to 80 ms for 1,000 files
# in one group and 755 to 880 ms a few groups later), so whichever command a group runs first
# looks faster. Each disk group is therefore run twice, forward and in reverse order, and each
# command's row is the mean of its two medians (min and max over both, the larger stddev).
floor_group() {
    local fs="$1" n="$2" target="$3" short base group
    short="$([[ $target == cloudformation ]] && echo cfn || echo tf)"
    base="$([[ $fs == disk ]] && echo "$work" || echo "$shm")/out"
    group="floor-$fs-$n-$short"
    local rows=(
        "synth $short $n specs to $fs" "$(cmd "$bin" synth "${specs[@]:0:$n}" --target "$target" --out-dir "$base/$short-$n")"
        "floor $short $n to $fs 1 thread" "$(cmd "$floor" "$packed/$target-$n.manifest" "$packed/$target-$n.blob" "$base/floor-$short-$n" 1)"
        "floor $short $n to $fs $cores threads" "$(cmd "$floor" "$packed/$target-$n.manifest" "$packed/$target-$n.blob" "$base/floor-$short-$n" "$cores")"
    )
    bench "$group" "${rows[@]}"
    [[ $fs == disk ]] || return 0
    bench "$group-reversed" "${rows[4]}" "${rows[5]}" "${rows[2]}" "${rows[3]}" "${rows[0]}" "${rows[1]}"
    mv "$results/$group.csv" "$results/$group-forward.csv"
    # hyperfine's CSV: command,mean,stddev,median,user,system,min,max; rows in forward order.
    awk -F, -v OFS=, '
        FNR == 1 { if (NR == 1) print; next }
        NR == FNR { order[++n] = $1; for (i = 2; i <= 8; i++) fwd[$1, i] = $i; next }
        { for (i = 2; i <= 8; i++) rev[$1, i] = $i }
        END {
            for (k = 1; k <= n; k++) {
                c = order[k]
                mean = (fwd[c, 2] + rev[c, 2]) / 2
                sd = fwd[c, 3] > rev[c, 3] ? fwd[c, 3] : rev[c, 3]
                med = (fwd[c, 4] + rev[c, 4]) / 2
                user = (fwd[c, 5] + rev[c, 5]) / 2
                sys = (fwd[c, 6] + rev[c, 6]) / 2
                lo = fwd[c, 7] < rev[c, 7] ? fwd[c, 7] : rev[c, 7]
                hi = fwd[c, 8] > rev[c, 8] ? fwd[c, 8] : rev[c, 8]
                print c, mean, sd, med, user, sys, lo, hi
            }
        }' "$results/$group-forward.csv" "$results/$group-reversed.csv" >"$results/$group.csv"
}
for fs in disk ${shm:+tmpfs}; do
    for n in 100 1000; do
        for target in cloudformation terraform; do
            floor_group "$fs" "$n" "$target"
        done
    done
done
[[ -n "$shm" ]] || loud "no writable tmpfs at /dev/shm: the tmpfs rows (trailsmith without the disk) are skipped"

# One more run, checked: synth --out-dir writes one output per spec.
rm -rf "$work/out" "$work/kept"
"$bin" synth "${specs[@]}" --target cloudformation --out-dir "$work/kept" 2>/dev/null
[[ "$(find "$work/kept" -name '*.template.json' | wc -l)" -eq $teams_max ]] ||
    die "synth --out-dir did not write $teams_max CloudFormation outputs"

# Where the time goes: the same 1000 specs compiled without writing anything (validate stops
# before emitting; synth --check emits and compares with the outputs just written).
bench no-writes \
    "validate 1000 specs" "$(cmd "$bin" validate "${specs[@]}")" \
    "synth cfn 1000 specs --check" "$(cmd "$bin" synth "${specs[@]}" --target cloudformation --out-dir "$work/kept" --check)"

echo "name,max_rss_kib,runs" >"$results/memory.csv"
peak_rss "trailsmith synth cfn 1 spec" "$bin" synth "$one" --target cloudformation
peak_rss "trailsmith synth tf 1 spec" "$bin" synth "$one" --target terraform
peak_rss "trailsmith synth cfn 1000 specs" "$bin" synth "${specs[@]}" --target cloudformation --out-dir "$work/out/m"
peak_rss "trailsmith synth tf 1000 specs" "$bin" synth "${specs[@]}" --target terraform --out-dir "$work/out/m"

# --- peers ----------------------------------------------------------------------------------------

if [[ $peers -eq 1 ]]; then
    mkdir -p "$cache"
    venv="$cache/troposphere-venv"
    stamp="$venv/.requirements-$(sha256sum "$peers_src/troposphere/requirements.txt" | cut -c1-16)"
    if [[ ! -f "$stamp" ]]; then
        loud "installing troposphere ($peers_src/troposphere/requirements.txt) into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            -r "$peers_src/troposphere/requirements.txt" >&2 || die "pip install of the troposphere peer failed"
        touch "$stamp"
    fi
    python="$venv/bin/python"
    gen="$peers_src/troposphere/gen.py"

    echo "python:    $("$python" --version 2>&1), troposphere $("$python" -c 'import troposphere; print(troposphere.__version__)')" |
        tee -a "$results/machine.txt"
    cdk_rows_1=() cdk_rows_100=()
    if [[ $with_cdk -eq 1 ]]; then
        # The peers' directory is read-only: the CDK app runs from a copy with its own node_modules.
        cdk="$cache/cdk"
        mkdir -p "$cdk"
        for f in "$peers_src"/cdk/*; do
            [[ -f "$f" ]] && install -m 0644 "$f" "$cdk/"
        done
        stamp="$cdk/node_modules/.lock-$(cat "$cdk/package.json" "$cdk/package-lock.json" | sha256sum | cut -c1-16)"
        if [[ ! -f "$stamp" ]]; then
            loud "installing the CDK peer (npm ci) into $cdk"
            (cd "$cdk" && rm -rf node_modules && npm ci --no-audit --no-fund --loglevel=error >&2) ||
                die "npm ci of the CDK peer failed"
            touch "$stamp"
        fi
        # Keep the CDK from reaching for the network (the peers' README).
        export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_EC2_METADATA_DISABLED=true
        export CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=1
        echo "node:      $(node --version), aws-cdk-lib $(node -p "require('$cdk/node_modules/aws-cdk-lib/package.json').version")" |
            tee -a "$results/machine.txt"
        # cdk_synth TEAMS [VAR=VALUE]...: the CDK app's pure synth (node app.js) of TEAMS stacks.
        cdk_synth() {
            local teams="$1"
            shift
            cmd env "$@" TEAMS="$teams" CDK_OUTDIR="$work/out/cdk-$teams" node "$cdk/app.js"
        }
        cdk_rows_1=("cdk 1" "$(cdk_synth 1)" "cdk 1 CDK_VALIDATION=false" "$(cdk_synth 1 CDK_VALIDATION=false)")
        cdk_rows_100=("cdk 100" "$(cdk_synth 100)" "cdk 100 CDK_VALIDATION=false" "$(cdk_synth 100 CDK_VALIDATION=false)")
    fi
    # Each group starts with trailsmith, so each ratio is peer / trailsmith within one invocation.
    bench peers-1-team \
        "trailsmith 1" "$(cmd "$bin" synth "$one" --target cloudformation)" \
        "troposphere 1" "$(cmd "$python" "$gen")" \
        ${cdk_rows_1[@]+"${cdk_rows_1[@]}"}
    # Our Terraform against troposphere's CloudFormation too: troposphere writes no Terraform.
    bench peers-100-teams \
        "trailsmith 100" "$(synth_many cloudformation 100)" \
        "trailsmith tf 100 (troposphere writes cfn)" "$(synth_many terraform 100)" \
        "troposphere 100" "$(cmd "$python" "$gen" --teams 100 --outdir "$work/out/troposphere-100")" \
        ${cdk_rows_100[@]+"${cdk_rows_100[@]}"}
    say "1000 teams: troposphere only; the CDK would take several minutes per run"
    bench peers-1000-teams \
        "trailsmith 1000" "$(synth_many cloudformation 1000)" \
        "trailsmith tf 1000 (troposphere writes cfn)" "$(synth_many terraform 1000)" \
        "troposphere 1000" "$(cmd "$python" "$gen" --teams 1000 --outdir "$work/out/troposphere-1000")"
    # The same comparison without the disk: every tool writes to tmpfs, so a ratio is the tools'
    # own work (the disk's drift moves the rows above as much as the tools do).
    if [[ -n "$shm" ]]; then
        for n in 100 1000; do
            bench "peers-$n-teams-tmpfs" \
                "trailsmith $n to tmpfs" "$(cmd "$bin" synth "${specs[@]:0:$n}" --target cloudformation --out-dir "$shm/out/cloudformation-$n")" \
                "trailsmith tf $n to tmpfs (troposphere writes cfn)" "$(cmd "$bin" synth "${specs[@]:0:$n}" --target terraform --out-dir "$shm/out/terraform-$n")" \
                "troposphere $n to tmpfs" "$(cmd "$python" "$gen" --teams "$n" --outdir "$shm/out/troposphere-$n")"
        done
    fi

    peak_rss "troposphere 1 team" "$python" "$gen"
    if [[ $with_cdk -eq 1 ]]; then
        peak_rss "cdk 1 team" env TEAMS=1 CDK_OUTDIR="$work/out/cdk" node "$cdk/app.js"
        peak_rss "cdk 1 team CDK_VALIDATION=false" env CDK_VALIDATION=false TEAMS=1 CDK_OUTDIR="$work/out/cdk" node "$cdk/app.js"
    fi
fi

# --- summary --------------------------------------------------------------------------------------

# table CSV...: median, min, max and stddev per command; in a group whose first command is
# trailsmith, each later row's median divided by trailsmith's.
table() {
    echo "| group | command | median | min | max | stddev | ratio to trailsmith |"
    echo "|---|---|---|---|---|---|---|"
    local csv
    for csv in "$@"; do
        [[ -f "$csv" ]] || continue
        awk -F, -v group="$(basename "$csv" .csv)" '
            function t(s) { return s < 1 ? sprintf("%.1f ms", s * 1000) : sprintf("%.2f s", s) }
            NR == 1 { next }
            NR == 2 { base = ($1 ~ /^trailsmith/) ? $4 : 0 }
            {
                ratio = (base > 0 && NR > 2) ? sprintf("%.1fx", $4 / base) : ""
                printf "| %s | %s | %s | %s | %s | %s | %s |\n", group, $1, t($4), t($7), t($8), t($3), ratio
            }' "$csv"
    done
}
# median GROUP COMMAND: the median in seconds, or nothing.
median() { awk -F, -v c="$2" '$1 == c { print $4 }' "$results/$1.csv" 2>/dev/null; }
# verdict CONDITION-AWK-EXPRESSION: "met" or "not met".
verdict() { awk "BEGIN { print (($1) ? \"met\" : \"not met\") }"; }

one_max="$(for c in "validate 1 spec" "synth cfn 1 spec" "synth tf 1 spec"; do median one-spec "$c"; done | sort -g | tail -1)"
# floor_ratio FS N SHORT: "TRAILSMITH FLOOR RATIO", trailsmith's median, the floor's (the
# smaller of its two rows) and trailsmith's as a multiple of it; nothing when not measured.
floor_ratio() {
    local csv="$results/floor-$1-$2-$3.csv"
    [[ -f "$csv" ]] || return 0
    awk -F, 'NR == 2 { t = $4 } NR > 2 && (f == "" || $4 < f) { f = $4 }
        END { if (t > 0 && f > 0) printf "%s %s %s\n", t, f, t / f }' "$csv"
}
rss_max="$(awk -F, '$1 ~ /^trailsmith/ { print $2 }' "$results/memory.csv" | sort -n | tail -1)"

{
    echo "## Machine"
    echo ""
    echo '```'
    cat "$results/machine.txt"
    echo '```'
    echo ""
    echo "## Times (hyperfine, $warmup warm-up runs, $runs runs each, whole process; one-spec: 10 warm-ups, $((runs * 5)) runs)"
    echo ""
    table "$results/one-spec.csv" "$results"/floor-disk-{100,1000}-{cfn,tf}.csv "$results"/floor-tmpfs-{100,1000}-{cfn,tf}.csv \
        "$results/no-writes.csv" "$results/peers-1-team.csv" "$results/peers-100-teams.csv" "$results/peers-1000-teams.csv" \
        "$results/peers-100-teams-tmpfs.csv" "$results/peers-1000-teams-tmpfs.csv"
    echo ""
    echo "In the floor groups the ratio column is the floor's median over trailsmith's (under 1: the"
    echo "floor is faster). Below, trailsmith's median as a multiple of the floor, the smaller median"
    echo "of the floor's two rows (1 thread, $cores threads). Each disk group ran twice, forward and in"
    echo "reverse order (the disk slows as runs go on): its rows are the mean of the two medians."
    echo ""
    echo "## trailsmith as a multiple of the floor"
    echo ""
    echo "| specs | target | file system | trailsmith | floor | trailsmith / floor |"
    echo "|---|---|---|---|---|---|"
    for fs in disk tmpfs; do
        for n in 100 1000; do
            for short in cfn tf; do
                read -r t f r <<<"$(floor_ratio "$fs" "$n" "$short")" || true
                [[ -n "${r:-}" ]] || continue
                awk -v n="$n" -v short="$short" -v fs="$fs" -v t="$t" -v f="$f" -v r="$r" \
                    'BEGIN { printf "| %d | %s | %s | %.1f ms | %.1f ms | %.2fx |\n", n, short, fs, t * 1000, f * 1000, r }'
            done
        done
    done
    echo ""
    echo "## Peak memory (max RSS of $mem_runs runs, /usr/bin/time -v)"
    echo ""
    echo "| command | peak RSS |"
    echo "|---|---|"
    awk -F, 'NR > 1 { printf "| %s | %.1f MiB (%d KiB) |\n", $1, $2 / 1024, $2 }' "$results/memory.csv"
    echo ""
    echo "## Targets"
    echo ""
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    awk -v s="$one_max" -v v="$(verdict "$one_max < 0.002")" \
        'BEGIN { printf "| one spec under 2 ms | slowest median of validate/synth cfn/synth tf: %.2f ms | %s |\n", s * 1000, v }'
    for short in cfn tf; do
        read -r t f r <<<"$(floor_ratio disk 1000 "$short")" || true
        awk -v short="$short" -v t="${t:-0}" -v f="${f:-0}" -v r="${r:-0}" -v v="$(verdict "${r:-99} <= 1.5")" \
            'BEGIN { printf "| 1000 specs to disk within 1.5x of the floor (%s) | %.1f ms / %.1f ms = %.2fx | %s |\n", short, t * 1000, f * 1000, r, v }'
    done
    awk -v k="$rss_max" -v v="$(verdict "$rss_max * 1024 < 20000000")" \
        'BEGIN { printf "| peak memory under 20 MB at 1000 specs | largest trailsmith peak RSS: %.1f MB (%d KiB) | %s |\n", k * 1024 / 1e6, k, v }'
    if [[ $peers -eq 1 ]]; then
        for n in 100 1000; do
            want=$([[ $n -eq 100 ]] && echo 15 || echo 10)
            for where in disk tmpfs; do
                group="peers-$n-teams" to=""
                [[ $where == tmpfs ]] && group+="-tmpfs" to=" to tmpfs"
                tropo="$(median "$group" "troposphere $n$to")"
                [[ -n "$tropo" ]] || continue
                for row in "trailsmith $n$to" "trailsmith tf $n$to (troposphere writes cfn)"; do
                    ours="$(median "$group" "$row")"
                    what="$([[ $row == *tf* ]] && echo "our Terraform against its CloudFormation" || echo "CloudFormation")"
                    [[ $where == tmpfs ]] && what+=", both writing to tmpfs"
                    awk -v p="$tropo" -v o="$ours" -v n="$n" -v w="$want" -v what="$what" -v v="$(verdict "$tropo >= $want * $ours")" \
                        'BEGIN { printf "| %dx faster than troposphere at %d specs, %s | troposphere %.3f s / trailsmith %.3f s = %.1fx | %s |\n", w, n, what, p, o, p / o, v }'
                done
            done
        done
    else
        echo "| 15x (100 specs) and 10x (1000 specs) faster than troposphere | not measured (run with --peers) | not measured |"
    fi
    echo ""
    echo "Took $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s; load average at the end:" \
        "$(cut -d' ' -f1-3 /proc/loadavg) (another process on the other core slows every figure)."
} >"$results/summary.md"

echo ""
cat "$results/summary.md"
echo ""
say "results in $results (summary.md, hyperfine *.json/*.md/*.csv, memory.csv, machine.txt)"
