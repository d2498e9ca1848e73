#!/usr/bin/env bash
# Instructions per training example (callgrind, one thread) of one epoch of a
# trained network: the run in RUN_DIR (e.g. 20 epochs of the README network on the
# 10k/1k subset) is resumed for one and for two more epochs; the difference is one
# epoch (training, validation, a checkpoint), divided by its training + validation
# images. Start-up, loading and testing cancel out.
# Usage: scripts/instructions_per_example.sh CLI RUN_DIR EXAMPLES [DATA_FLAGS...]
#   RUN_DIR from e.g.: CLI train --train-size 10000 --validation-size 1000
#     --test-size 100 --split sequential --epochs 20 --threads 1 --out RUN_DIR
#   EXAMPLES: training + validation images of one epoch (11000 there)
#   DATA_FLAGS: the run's data flags, which a resumed run must repeat
# With PROFILE=PREFIX set, the two runs' callgrind profiles are kept as PREFIX.1
# and PREFIX.2; scripts/profile_difference.py shows what one epoch adds per function.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 6,12p "$0" >&2; exit 2; }
cli="$1" run="$2" examples="$3"
shift 3
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -f "$run/checkpoint.spikeae" ] || { echo "$run holds no checkpoint.spikeae" >&2; exit 1; }
epochs=$(grep -c '"epoch"' "$run/metrics.jsonl")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() {  # instructions of resuming the run for $1 more epochs
  local more="$1"
  shift
  rm -rf "$work/run" && cp -r "$run" "$work/run"
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$cli" train --out "$work/run" --resume --epochs $((epochs + more)) --threads 1 "$@" \
    >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
  [ -z "${PROFILE:-}" ] || cp "$work/callgrind.out" "$PROFILE.$more"
  grep -m1 '^summary:' "$work/callgrind.out" | awk '{print $2}'
}

one=$(count 1 "$@")
two=$(count 2 "$@")
echo "resumed for 1 epoch: $one instructions; for 2: $two"
echo "per example: $(( (two - one) / examples ))"
