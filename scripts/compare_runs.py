"""Compares run folders NAME-old and NAME-new under a folder, bit for bit.

Usage: compare_runs.py FOLDER NAME [NAME ...]; exits 1 when any pair differs.
"""

import filecmp
import json
import sys

import numpy as np

import spikeae


def same_arrays(first, second):
    return len(first) == len(second) and all(
        a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))
        for a, b in zip(first, second))


# Timings differ from run to run; everything else in the log must not.
TIMING_KEYS = ("seconds", "examples_per_second")


def metrics(folder):
    with open(f"{folder}/metrics.jsonl", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in records]


def compare(folder, name):
    old, new = f"{folder}/{name}-old", f"{folder}/{name}-new"
    a = spikeae.Model.load(f"{old}/model.spikeae")
    b = spikeae.Model.load(f"{new}/model.spikeae")
    checks = {
        "weights": same_arrays(a.weights, b.weights),
        "pulses": same_arrays(a.pulses, b.pulses),
        "metrics": metrics(old) == metrics(new),  # json floats round-trip exactly
        "picture": filecmp.cmp(f"{old}/reconstructions.png", f"{new}/reconstructions.png",
                               shallow=False),
    }
    last = metrics(new)[-1]
    print(f"{name}: " + ", ".join(f"{k} {'same' if v else 'DIFFERENT'}" for k, v in checks.items())
          + f"; test loss {last.get('test_loss')}")
    return all(checks.values())


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    results = [compare(argv[1], name) for name in argv[2:]]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main(sys.argv)
