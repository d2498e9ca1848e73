#!/usr/bin/env python3
"""Time of one ANN condition of the paper runner with two builds' Python packages,
measured side by side: the builds alternate run by run on this machine, and the
medians, their ratio and each run's losses are printed.

Usage: ann_time_pairs.py OLD_PYTHONPATH NEW_PYTHONPATH [--pairs N] [--epochs E]
       [--threads T] [--data-dir DIR]
   e.g. ann_time_pairs.py /tmp/old/build/python build/python --pairs 5 --epochs 2

A run is spikeae.fit_ann with the arguments the paper runner gives an ANN condition
of the standard scale (MNIST, 784-32-784, relu/sigmoid on plain images, noise 0.2,
10,000 training and 1,000 validation images, all 10,000 test images, batch 7), with
fewer epochs if asked: a condition's time is about linear in them. With one
argument (a PYTHONPATH) it times that build only, --pairs times.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

# Runs in the child, with the build's package on its path; prints one JSON line.
CHILD = """
import json, sys, time
import spikeae
epochs, threads, data_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] or None
start = time.monotonic()
result = spikeae.fit_ann(dataset="mnist", data_dir=data_dir, train_size=10000,
                         validation_size=1000, hidden=32, encoder="relu", decoder="sigmoid",
                         inverted=False, noise_factor=0.2, epochs=epochs, threads=threads,
                         seed=1)
seconds = time.monotonic() - start
print(json.dumps({"seconds": seconds, "test_loss": result.test_loss,
                  "train_losses": [m["train_loss"] for m in result.history],
                  "validation_losses": [m["validation_loss"] for m in result.history]}))
"""


def timed_run(pythonpath, args):
    env = dict(os.environ, PYTHONPATH=pythonpath, PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-c", CHILD, str(args.epochs), str(args.threads),
               args.data_dir or ""]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"the run with {pythonpath} failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="+", metavar="PYTHONPATH")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--data-dir", default=os.environ.get("SPIKEAE_DATA_DIR"))
    args = parser.parse_args()
    if len(args.builds) > 2:
        parser.error("at most two builds")
    names = ["old", "new"][:len(args.builds)]
    seconds = {name: [] for name in names}
    for pair in range(args.pairs):
        # Alternating which build goes first, so neither always follows the other.
        for name in names if pair % 2 == 0 else names[::-1]:
            run = timed_run(args.builds[names.index(name)], args)
            seconds[name].append(run["seconds"])
            print(f"pair {pair + 1} {name}: {run['seconds']:.2f} s, test loss "
                  f"{run['test_loss']!r}, train losses {run['train_losses']}, "
                  f"validation losses {run['validation_losses']}", flush=True)
    for name in names:
        print(f"{name}: median {statistics.median(seconds[name]):.2f} s over "
              f"{len(seconds[name])} runs ({min(seconds[name]):.2f}-{max(seconds[name]):.2f})")
    if len(names) == 2:
        ratio = statistics.median(seconds["old"]) / statistics.median(seconds["new"])
        print(f"old / new: {ratio:.2f}x")


if __name__ == "__main__":
    main()
