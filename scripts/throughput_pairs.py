#!/usr/bin/env python3
"""Training throughput of two spikeae builds, measured side by side: the builds
alternate run by run on this machine, and the medians and their ratio are printed.

Usage: throughput_pairs.py OLD_CLI NEW_CLI [--pairs N] [--threads T] [--busy]
       [-- TRAIN_FLAGS...]

Each run is `CLI train --epochs 1` on the 10k/1k subset (sequential split) unless
other train flags follow `--`; its examples/s is the one the epoch line reports.
--busy runs a one-thread busy loop beside every run: a core taken away, as on a
shared machine.
"""

import argparse
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

EPOCH_LINE = re.compile(r"epoch \d+/\d+: train loss .*\(([0-9.]+) s, (\d+) ex/s\)")
DEFAULT_FLAGS = ["--train-size", "10000", "--validation-size", "1000", "--test-size", "100",
                 "--split", "sequential"]


def busy_loop():
    while True:
        pass


def examples_per_second(cli, threads, flags, out):
    command = [cli, "train", "--epochs", "1", "--threads", str(threads), "--out", out,
               "--overwrite", *flags]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    match = EPOCH_LINE.search(completed.stdout)
    if completed.returncode != 0 or not match:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout}{completed.stderr}")
    return int(match.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("flags", nargs="*")
    args = parser.parse_args()
    flags = args.flags or DEFAULT_FLAGS
    busy = multiprocessing.Process(target=busy_loop, daemon=True) if args.busy else None
    if busy:
        busy.start()
    speeds = {"old": [], "new": []}
    out = tempfile.mkdtemp(prefix="throughput_pairs_")
    try:
        for pair in range(args.pairs):
            for name in ("old", "new") if pair % 2 == 0 else ("new", "old"):
                speeds[name].append(
                    examples_per_second(getattr(args, name), args.threads, flags, out))
            print(f"pair {pair + 1}: old {speeds['old'][-1]}, new {speeds['new'][-1]} ex/s",
                  flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if busy:
            busy.terminate()
    old, new = statistics.median(speeds["old"]), statistics.median(speeds["new"])
    print(f"medians ({args.threads} threads{', busy loop beside' if args.busy else ''}): "
          f"old {old:.0f}, new {new:.0f} ex/s, ratio new/old {new / old:.3f}")


if __name__ == "__main__":
    main()
