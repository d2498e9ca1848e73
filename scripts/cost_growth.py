#!/usr/bin/env python3
"""How the cost of training grows with the network and the data: microseconds per
training and per inference example against hidden size, depth, pulses, batch
size and image size, one at a time from the paper's README configuration.

Usage: PYTHONPATH=build/python cost_growth.py CLI [--out FOLDER] [--threads T]
       [--train-size N] [--quick]

Each point is one `CLI bench` run: a warm-up epoch on N MNIST images, then the
median of --repeats measured training epochs and passes over 1,000 test images.
Larger images are MNIST scaled up by repeating pixels (nearest neighbour),
written as IDX files.
Writes FOLDER/cost_growth.md (the table) and FOLDER/cost_growth.png (the plot).
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+[0-9.]+x\s*$", re.MULTILINE)

# (axis, values, flags for a value); the other options keep the README defaults.
AXES = [
    ("hidden neurons", [8, 16, 32, 64, 128, 256, 512], lambda v: ["--n_hidden", str(v)]),
    ("layers", [3, 5], lambda v: [] if v == 3 else ["--layer-sizes", "784,128,32,128,784"]),
    ("pulses per layer", [0, 5, 10, 20, 40], lambda v: ["--n_pulses", str(v)]),
    ("batch size", [1, 2, 4, 7, 16, 32, 64, 128], lambda v: ["--batch_size", str(v)]),
    ("image side (pixels)", [28, 32, 48, 64], None),  # flags made by image_flags
]
QUICK = {"hidden neurons": [8, 32, 128], "layers": [3, 5], "pulses per layer": [0, 10],
         "batch size": [1, 7, 64], "image side (pixels)": [28, 48]}


def scaled_mnist(side, folder, train_size):
    """IDX files of MNIST scaled to side x side; returns the bench flags that use them."""
    import spikeae
    data = spikeae.load_dataset("mnist")
    rows = np.arange(side) * 28 // side
    paths = {}
    for name, images, labels in (("train", data.train_images[:train_size + 1000],
                                  data.train_labels[:train_size + 1000]),
                                 ("test", data.test_images[:1000], data.test_labels[:1000])):
        scaled = images[:, rows][:, :, rows]
        paths[name] = (folder / f"{name}-{side}-images.idx", folder / f"{name}-{side}-labels.idx")
        spikeae.write_idx_images(paths[name][0], scaled)
        spikeae.write_idx_labels(paths[name][1], labels)
    return ["--train-images", str(paths["train"][0]), "--train-labels", str(paths["train"][1]),
            "--test-images", str(paths["test"][0]), "--test-labels", str(paths["test"][1])]


def microseconds(cli, flags, args):
    """(training, inference) microseconds per example of one bench run."""
    command = [cli, "bench", "--train-size", str(args.train_size), "--test-size", "1000",
               "--threads-list", str(args.threads), "--repeats", str(args.repeats), *flags]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    match = ROW.search(done.stdout)
    if done.returncode != 0 or not match:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return 1e6 / int(match.group(2)), 1e6 / int(match.group(3))


def measure(args, scratch):
    results = {}
    for axis, values, flags_of in AXES:
        values = QUICK[axis] if args.quick else values
        for value in values:
            flags = flags_of(value) if flags_of else scaled_mnist(value, scratch, args.train_size)
            results.setdefault(axis, []).append((value, *microseconds(args.cli, flags, args)))
            train, infer = results[axis][-1][1:]
            print(f"{axis} {value}: {train:.1f} us per training example, {infer:.1f} "
                  f"per inference example", flush=True)
    return results


def write_table(results, path, args):
    lines = [f"| varied | value | µs per training example | µs per inference example |",
             "|---|---:|---:|---:|"]
    for axis, points in results.items():
        for value, train, infer in points:
            lines.append(f"| {axis} | {value} | {train:.1f} | {infer:.1f} |")
    note = (f"\n`{Path(args.cli).name} bench --train-size {args.train_size} --test-size 1000 "
            f"--threads-list {args.threads} --repeats {args.repeats}` per point (the median).\n")
    path.write_text("\n".join(lines) + "\n" + note)


def write_plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, len(results), figsize=(3.2 * len(results), 3.2),
                                layout="constrained")
    for axis, (name, points) in zip(np.atleast_1d(axes), results.items()):
        values = [p[0] for p in points]
        axis.plot(values, [p[1] for p in points], "o-", label="training")
        axis.plot(values, [p[2] for p in points], "s--", label="inference")
        axis.set(xlabel=name, ylabel="µs per example")
        if name != "layers" and min(values) > 0:
            axis.set_xscale("log", base=2)
        axis.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend()
    figure.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli")
    parser.add_argument("--out", default=".")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--train-size", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="bench runs per point (median)")
    parser.add_argument("--quick", action="store_true", help="a few points per axis")
    args = parser.parse_args()
    if min(args.threads, args.train_size, args.repeats) < 1:
        sys.exit("--threads, --train-size and --repeats must be at least 1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        results = measure(args, Path(scratch))
    write_table(results, out / "cost_growth.md", args)
    write_plot(results, out / "cost_growth.png")
    print(f"wrote {out / 'cost_growth.md'} and {out / 'cost_growth.png'}")


if __name__ == "__main__":
    main()
