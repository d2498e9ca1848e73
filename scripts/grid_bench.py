#!/usr/bin/env python3
"""Training speed of every paper preset, and the hours the full protocol would take.

Usage: grid_bench.py CLI [--compare OLD_CLI] [--train-size N] [--threads T]
                     [--dataset mnist] [--noises 0,0.4] [--latencies 1,16] [--hiddens 8,32]

For each of the paper's presets (5 noise levels x 5 latencies x 3 hidden sizes),
`CLI bench --preset NOISE LATENCY HIDDEN` trains one warm-up epoch on N images
(so spike counts are those of a network that has learned a little), then
measures one training epoch and one pass over 2,000 test images. The full
protocol of a preset is 100 epochs of 54,000 training and 6,000 validation
images and one test pass of 10,000, so its hours are estimated as
    (100 (54,000 / training rate + 6,000 / inference rate) + 10,000 / inference rate) / 3,600.
With --compare, the old build runs each preset right before or after the new one
(alternating), and the ratio of the two builds' total hours is printed.
"""

import argparse
import re
import subprocess
import sys

NOISES = (0.0, 0.2, 0.4, 0.6, 0.8)
LATENCIES = (1.0, 2.0, 4.0, 8.0, 16.0)
HIDDENS = (8, 16, 32)
EPOCHS, TRAIN, VALIDATION, TEST = 100, 54000, 6000, 10000
ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+[0-9.]+x\s*$", re.MULTILINE)


def numbers(text, kind):
    try:
        values = tuple(kind(value) for value in text.split(",") if value != "")
    except ValueError:
        sys.exit(f"not a comma-separated list of numbers: {text!r}")
    if not values:
        sys.exit("an empty list")
    return values


def rates(cli, preset, args):
    """(training ex/s, inference ex/s) of one bench run."""
    noise, latency, hidden = preset
    command = [cli, "bench", "--preset", f"{noise:g}", f"{latency:g}", str(hidden),
               "--train-size", str(args.train_size), "--test-size", "2000",
               "--threads-list", str(args.threads), "--repeats", "1", "--dataset", args.dataset]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    match = ROW.search(done.stdout)
    if done.returncode != 0 or not match:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return int(match.group(2)), int(match.group(3))


def full_protocol_hours(training, inference):
    seconds = EPOCHS * (TRAIN / training + VALIDATION / inference) + TEST / inference
    return seconds / 3600


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli")
    parser.add_argument("--compare", metavar="OLD_CLI")
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--noises", default=",".join(f"{n:g}" for n in NOISES))
    parser.add_argument("--latencies", default=",".join(f"{n:g}" for n in LATENCIES))
    parser.add_argument("--hiddens", default=",".join(str(n) for n in HIDDENS))
    args = parser.parse_args()
    if args.train_size < 1 or args.threads < 1:
        sys.exit("--train-size and --threads must be at least 1")
    presets = [(noise, latency, hidden) for latency in numbers(args.latencies, float)
               for hidden in numbers(args.hiddens, int) for noise in numbers(args.noises, float)]
    builds = {"new": args.cli, "old": args.compare} if args.compare else {"new": args.cli}
    hours = {name: 0.0 for name in builds}
    header = "noise latency hidden" + "".join(
        f"  {name}: train ex/s  infer ex/s  hours" for name in builds)
    print(header)
    for number, preset in enumerate(presets):
        order = list(builds) if number % 2 == 0 else list(reversed(builds))
        measured = {name: rates(builds[name], preset, args) for name in order}
        line = f"{preset[0]:5g} {preset[1]:7g} {preset[2]:6d}"
        for name in builds:
            training, inference = measured[name]
            preset_hours = full_protocol_hours(training, inference)
            hours[name] += preset_hours
            line += f"  {' ' * len(name)}  {training:11d} {inference:11d} {preset_hours:6.2f}"
        print(line, flush=True)
    for name in builds:
        print(f"{name}: {len(presets)} presets, full protocol about {hours[name]:.1f} h "
              f"on {args.threads} thread(s)")
    if args.compare:
        print(f"old / new: {hours['old'] / hours['new']:.2f}x")


if __name__ == "__main__":
    main()
