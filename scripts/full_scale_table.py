#!/usr/bin/env python3
"""The full scale's finished conditions beside the standard scale's, as a Markdown
table: per data set, hidden size and noise level, the spiking network (latency 1)
and the ReLU-sigmoid ANN on plain images, test loss and SVM accuracy.

Usage: PYTHONPATH=build/python full_scale_table.py FULL_RESULTS [STANDARD_CSV]
  FULL_RESULTS: a full-scale results folder (or its committed copy,
  docs/reproduction/full); STANDARD_CSV: default docs/reproduction/results.csv.
"""

import sys
from pathlib import Path

from spikeae.paper import report, runner


def key(record):
    return (record["dataset"], record["kind"], record.get("hidden"), float(record["noise"]),
            float(record.get("latency") or 0), bool(record.get("inverted")),
            record.get("encoder") or "")


def index(records):
    return {key(record): record for record in records}


def cell(record, field, digits):
    if record is None or record.get(field) is None:
        return "–"
    text = f"{float(record[field]):.{digits}f}"
    return text + " (plateau)" if field == "test_loss" and record.get("plateau") in (True, "True") \
        else text


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    root = Path(__file__).resolve().parent.parent
    full_folder = Path(sys.argv[1])
    standard_csv = Path(sys.argv[2]) if len(sys.argv) == 3 else \
        root / "docs/reproduction/results.csv"
    full = index(runner.load_results(full_folder))
    standard = index(report.records_from_csv(standard_csv.read_text()))
    print("| data set | h | η | SNN test loss (standard / full) | ANN test loss (standard / full)"
          " | SVM on SNN embedding (standard / full) | SVM on ANN embedding (standard / full)"
          " | SVM on noisy pixels (standard / full) |")
    print("|---|---:|---:|---|---|---|---|---|")
    for (dataset, kind, hidden, noise, latency, inverted, _), record in sorted(full.items()):
        if kind != "snn" or latency != 1.0:
            continue
        ann_key = (dataset, "ann", hidden, noise, 0.0, False, "relu")
        snn_key = (dataset, "snn", hidden, noise, 1.0, True, "")
        pixel_key = (dataset, "pixels", 0, noise, 0.0, True, "")
        pairs = [(standard.get(snn_key), record), (standard.get(ann_key), full.get(ann_key))]
        losses = [f"{cell(s, 'test_loss', 5)} / **{cell(f, 'test_loss', 5)}**" for s, f in pairs]
        svms = [f"{cell(s, 'svm_accuracy', 3)} / {cell(f, 'svm_accuracy', 3)}"
                for s, f in pairs + [(standard.get(pixel_key), full.get(pixel_key))]]
        print(f"| {dataset} | {hidden} | {noise:g} | " + " | ".join(losses + svms) + " |")


if __name__ == "__main__":
    main()
