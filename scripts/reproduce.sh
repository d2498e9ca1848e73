#!/usr/bin/env bash
# Reproduces the paper's experiments and figures with the built Python package:
#   scripts/reproduce.sh --scale standard --out results/standard
# (arguments go to `python3 -m spikeae.paper`; --help lists them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! compgen -G "$root/build/python/spikeae/_core*.so" >/dev/null; then
  echo "error: the Python package is not built; run scripts/build.sh first" >&2
  exit 1
fi
export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
export MPLBACKEND="${MPLBACKEND:-Agg}"
export SPIKEAE_DATA_DIR="${SPIKEAE_DATA_DIR:-$root/data}"
exec /usr/bin/python3 -m spikeae.paper "$@"
