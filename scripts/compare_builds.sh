#!/usr/bin/env bash
# Trains the same runs with two spikeae builds and checks that they agree to the bit:
# weights and pulses, every loss in metrics.jsonl, and reconstructions.png.
# Usage: scripts/compare_builds.sh OLD_CLI NEW_CLI [OUT_DIR]
#   e.g. scripts/compare_builds.sh /tmp/old/build/apps/spikeae/spikeae build/apps/spikeae/spikeae
# Needs the data sets (scripts/fetch_data.sh) and the new build's Python package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 2 ] || { sed -n 4,5p "$0" >&2; exit 2; }
old="$1" new="$2" out="${3:-$(mktemp -d)}"
mkdir -p "$out"
declare -A runs=(
  [readme]="--epochs 1"
  [deep]="--layer-sizes 784,128,32,128,784 --train-size 10000 --validation-size 1000 --epochs 2"
  [fashion]="--dataset fashion-mnist --train-size 10000 --validation-size 1000 --epochs 2"
)
for name in readme deep fashion; do
  for build in old new; do
    cli="$old"; [ "$build" = new ] && cli="$new"
    # shellcheck disable=SC2086  # the run's flags are meant to split
    "$cli" train ${runs[$name]} --threads 2 --out "$out/$name-$build" --overwrite \
      > "$out/$name-$build.log" 2>&1 || { echo "$build $name failed: $out/$name-$build.log" >&2; exit 1; }
  done
done
PYTHONPATH="$root/build/python" /usr/bin/python3 "$root/scripts/compare_runs.py" "$out" readme deep fashion
