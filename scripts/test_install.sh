#!/usr/bin/env bash
# Checks the pip install: a fresh venv (Debian's python3 with its system
# packages, offline), `pip install --no-build-isolation` of this repository,
# then, from a folder outside the source tree, `import spikeae`, a forward
# pass of a tiny model, and each console script's --help.
# Extra arguments go to pip (e.g. -v). The build reuses build/pip/cmake.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python=/usr/bin/python3  # Debian's: python3-numpy, -setuptools, -wheel are its packages
[ -x "$python" ] || python=python3

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv --system-site-packages "$work/venv"
venv_python="$work/venv/bin/python"

started=$SECONDS
"$venv_python" -m pip install --no-build-isolation --no-index --no-cache-dir --quiet "$@" "$root"
echo "pip install: $((SECONDS - started)) s"

mkdir "$work/elsewhere"
cd "$work/elsewhere"  # not the source tree: the installed package must be the one found
"$venv_python" - "$work/venv" <<'EOF'
import sys
from pathlib import Path

import numpy as np
import spikeae

venv = Path(sys.argv[1]).resolve()
where = Path(spikeae.__file__).resolve()
assert venv in where.parents, f"spikeae imported from {where}, not from the venv {venv}"
assert (where.parent / "__init__.pyi").exists(), "the type stub is missing"
assert (where.parent / "py.typed").exists(), "py.typed is missing"

model = spikeae.Model(layer_sizes=[16, 8, 16], input_size=16, seed=3)
images = np.random.default_rng(1).integers(0, 256, size=(5, 4, 4), dtype=np.uint8)
inputs, hidden, outputs = model.forward(images)
assert inputs.shape == (5, 16) and hidden.shape == (5, 8) and outputs.shape == (5, 16)
print(f"spikeae {spikeae.__version__} from {where.parent}")
print(f"{model}: forward of {len(images)} images, outputs {outputs.shape}, "
      f"loss {model.loss(images):.5f}")
EOF

for script in spikeae spikeae-paper spikeae-search; do
  "$work/venv/bin/$script" --help >"$work/help.txt" ||
    { cat "$work/help.txt"; echo "test_install.sh: $script --help failed" >&2; exit 1; }
  echo "$script --help: $(head -n 1 "$work/help.txt")"
  # The Python scripts' help names them as they were called.
  if [ "$script" != spikeae ] && ! grep -q "usage: $script " "$work/help.txt"; then
    echo "test_install.sh: $script --help does not name $script" >&2
    exit 1
  fi
done
"$work/venv/bin/spikeae" --version
echo "test_install.sh: the installed package works"
