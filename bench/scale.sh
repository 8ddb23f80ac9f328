#!/usr/bin/env bash
# vaultlint scaling benchmark: each input shape at 4-5 doubling sizes, time and peak RSS per
# doubling. A shape passes when every doubling costs <= 2.5x time and <= 2.5x memory.
#
#   bench/scale.sh [--list] [--help]
#
# Environment (defaults in brackets):
#   SHAPES     shapes to run, by name (see --list)               [all]
#   RUNS       timed runs per size, after one warm-up            [3]
#   THREADS    --threads for vaultlint                           [2]
#   VAULTLINT  use this binary, skip `cargo build`               [build target/release/vaultlint]
#   TIMEOUT    seconds before a single run is killed             [60; 0 = never]
#   SLOW       a size whose warm-up takes this long runs once    [5]
#   FULL       1: run every size of a failing shape too          [0: stop once it is slow]
#   BENCH_DIR  work dir; vaults and runs go to BENCH_DIR/scale   [target/bench]
#   TIME_BIN   GNU time, for peak RSS                            [/usr/bin/time]
# Relative paths are taken from the repository root. The report is printed and saved to
# BENCH_DIR/scale/report.md. Exit status: 0 when every shape passes, 1 when one fails, 2 when
# nothing could be measured. Installs nothing: it says what is missing.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }
log() { printf '%s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

LIST=0
for arg in "$@"; do
    case $arg in
        --list) LIST=1 ;;
        -h | --help) usage; exit 0 ;;
        *) log "scale.sh: unknown argument: $arg"; usage >&2; exit 2 ;;
    esac
done

if ! have python3; then
    log "scale.sh: python3 is required (apt-get install python3)"
    exit 2
fi
SCALE=$ROOT/bench/scale.py
if [[ $LIST == 1 ]]; then
    exec python3 "$SCALE" list
fi

SHAPES=${SHAPES:-}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-60}
SLOW=${SLOW:-5}
FULL=${FULL:-0}
BENCH_DIR=${BENCH_DIR:-target/bench}
WORK=$BENCH_DIR/scale
case $RUNS in '' | *[!0-9]* | 0) log "scale.sh: RUNS must be a positive integer"; exit 2 ;; esac
case $THREADS in '' | *[!0-9]* | 0) log "scale.sh: THREADS must be a positive integer"; exit 2 ;; esac
case $TIMEOUT in '' | *[!0-9]*) log "scale.sh: TIMEOUT must be a number of seconds"; exit 2 ;; esac
case $SLOW in '' | *[!0-9.]*) log "scale.sh: SLOW must be a number of seconds"; exit 2 ;; esac
mkdir -p "$WORK" "$BENCH_DIR/logs" || exit 2
FULL_ARGS=()
[[ $FULL == 1 ]] && FULL_ARGS=(--full)

# ---------------------------------------------------------------- tools
TIME_ARGS=()
TIME_BIN=${TIME_BIN-/usr/bin/time}
if [[ -x $TIME_BIN ]] && "$TIME_BIN" -f '%M' -o /dev/null true 2>/dev/null; then
    TIME_ARGS=(--time-bin "$TIME_BIN")
else
    log "note: GNU time missing at ${TIME_BIN:-/usr/bin/time} (apt-get install time): no peak-RSS figures, memory not judged"
fi
if [[ -z $SHAPES ]] && ! have git; then
    log "note: git missing (apt-get install git): the changed-since shape is left out"
    SHAPES=$(python3 "$SCALE" list | awk '$1 != "changed-since" {print $1}' | tr '\n' ' ')
fi

# ---------------------------------------------------------------- vaultlint
if [[ -n ${VAULTLINT:-} ]]; then
    VL=$VAULTLINT
else
    VL=target/release/vaultlint
    log "building vaultlint (cargo build --release) ..."
    if ! have cargo; then
        log "scale.sh: cargo missing: vaultlint cannot be built (or set VAULTLINT=BINARY)"
        exit 2
    elif ! cargo build --release >"$BENCH_DIR/logs/build-vaultlint.log" 2>&1; then
        log "scale.sh: vaultlint build failed (see $BENCH_DIR/logs/build-vaultlint.log):"
        tail -n 15 "$BENCH_DIR/logs/build-vaultlint.log" | sed 's/^/    /' >&2
        exit 2
    fi
fi
if [[ ! -x $VL ]]; then
    log "scale.sh: $VL is not an executable file"
    exit 2
fi

# ---------------------------------------------------------------- run
python3 "$SCALE" run --vaultlint "$VL" --shapes "$SHAPES" --runs "$RUNS" \
    --threads "$THREADS" --timeout "$TIMEOUT" --slow "$SLOW" --work "$WORK" \
    --report "$WORK/report.md" "${TIME_ARGS[@]}" "${FULL_ARGS[@]}"
