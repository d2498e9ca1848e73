#!/usr/bin/env bash
# Configures and builds spikeae (Release) in build/; extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Python package is built for Debian's interpreter (the one with python3-numpy),
# not for whatever python3 comes first on PATH.
python_args=()
[ -x /usr/bin/python3 ] && python_args=(-DPython3_EXECUTABLE=/usr/bin/python3)
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${python_args[@]}" "$@" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
