#!/usr/bin/env bash
# Redraws the full-scale figures of docs/reproduction/full/figures/ from a full-scale
# results folder, and refreshes the result.json copies in docs/reproduction/full/
# that Figures 3, 7 and 11 are drawn from:
#   scripts/full_figures.sh results/full
# Figures 3, 7 and 11 draw the standard scale's committed results
# (docs/reproduction/results.csv) faded behind the full scale's; Figures 8-10 need
# the models, which only the results folder holds. The results folder is only read,
# so it may be one a run is still adding conditions to: a condition without
# result.json is unfinished and left out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ne 1 ]]; then
  echo "usage: scripts/full_figures.sh FULL_RESULTS_DIR" >&2
  exit 2
fi
results="$1"
docs="$root/docs/reproduction/full"
# The committed figures are the full scale's: refuse a folder of another scale.
if ! grep -q '"name": "full"' "$results/scale.json" 2>/dev/null; then
  echo "error: $results is not a full-scale results folder (no scale.json of the full scale)" >&2
  exit 2
fi

copy_results() {
  cp "$results/scale.json" "$docs/scale.json"
  (cd "$results" && find . -name result.json -print0) |
    while IFS= read -r -d '' file; do
      mkdir -p "$docs/$(dirname "$file")"
      cp "$results/$file" "$docs/$file"
    done
}

copy_results
"$root/scripts/reproduce.sh" figures --out "$results" --only fig3,fig7,fig8,fig9,fig10,fig11 \
  --compare "$root/docs/reproduction/results.csv" --compare-scale standard \
  --figures-dir "$docs/figures"
