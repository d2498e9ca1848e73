#!/usr/bin/env python3
"""What one epoch adds, per function: the self instructions of two callgrind
profiles (PREFIX.1 and PREFIX.2 of scripts/instructions_per_example.sh) subtracted,
divided by the epoch's examples, largest first.

Usage: profile_difference.py PREFIX EXAMPLES [--top N]
Needs callgrind_annotate (valgrind).
"""

import argparse
import re
import subprocess
import sys

ROW = re.compile(r"^\s*([0-9,]+)\s+\([ 0-9.]+%\)\s+(\S.*)$")


def self_counts(path):
    """{function: self instructions} from callgrind_annotate's flat listing."""
    text = subprocess.run(["callgrind_annotate", "--threshold=100", path], capture_output=True,
                          text=True, check=True).stdout
    counts = {}
    listing = text.split("file:function", 1)[-1]
    for line in listing.splitlines():
        match = ROW.match(line)
        if match:
            name = re.sub(r" \[.*\]$", "", match.group(2))
            counts[name] = counts.get(name, 0) + int(match.group(1).replace(",", ""))
    return counts


def short(name, width=90):
    name = re.sub(r"^\?\?\?:|^.*/", "", name)
    name = re.sub(r"spikeae::|\(anonymous namespace\)::|std::", "", name)
    return name if len(name) <= width else name[:width - 3] + "..."


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix")
    parser.add_argument("examples", type=int)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    if args.examples <= 0:
        sys.exit("EXAMPLES must be a positive number of examples")
    one, two = self_counts(args.prefix + ".1"), self_counts(args.prefix + ".2")
    added = {name: two.get(name, 0) - one.get(name, 0) for name in set(one) | set(two)}
    total = sum(added.values())
    print(f"{'per example':>12} {'share':>6}  function")
    for name, count in sorted(added.items(), key=lambda item: -item[1])[:args.top]:
        print(f"{count / args.examples:12,.0f} {100 * count / total:5.1f}%  {short(name)}")
    print(f"{total / args.examples:12,.0f} 100.0%  all")


if __name__ == "__main__":
    main()
