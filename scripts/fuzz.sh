#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++, ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS (default 60) on a scratch copy of fuzz/corpus/<target>/, at the lowest CPU
# priority. Prints each target's executions and any crash file; exits 1 if one crashed.
#   scripts/fuzz.sh [SECONDS]          e.g. scripts/fuzz.sh 600
# Environment: FUZZ_TARGETS (default: all four), FUZZ_JOBS (build jobs, default 2).
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
targets=(${FUZZ_TARGETS:-fuzz_idx fuzz_model_file fuzz_hyperparameters fuzz_checkpoint})

generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
nice -n 19 cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKEAE_FUZZ=ON -DSPIKEAE_BUILD_TESTS=OFF \
  -DSPIKEAE_BUILD_PYTHON=OFF >/dev/null
nice -n 19 cmake --build "$build" -j "${FUZZ_JOBS:-2}" --target "${targets[@]}"

failed=0
for target in "${targets[@]}"; do
  work="$build/fuzz-run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/crashes"
  cp "$root/fuzz/corpus/$target/"* "$work/corpus/"
  status=0
  nice -n 19 "$build/fuzz/$target" "$work/corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/crashes/" \
    >"$work/log.txt" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt" | tail -n 1)"
  units="$(ls "$work/corpus" | wc -l)"
  echo "$target: ${execs:-?} executions in ${seconds} s, corpus ${units} files, exit ${status}"
  if [[ "$status" -ne 0 ]] || [[ -n "$(ls -A "$work/crashes")" ]]; then
    failed=1
    grep -E 'ERROR|SUMMARY|runtime error|fuzz_[a-z_]+: ' "$work/log.txt" | head -n 20 || true
    for file in "$work/crashes/"*; do
      [[ -e "$file" ]] && echo "  crash file: $file (reproduce: $build/fuzz/$target $file)"
    done
    echo "  full log: $work/log.txt"
  fi
done
exit "$failed"
