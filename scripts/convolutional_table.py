#!/usr/bin/env python3
"""The table and figure of docs/convolutional.md from finished `spikeae train` runs.

Usage: convolutional_table.py --dataset mnist --figure out.png NAME=RUN_DIR ...
       ... ann:NAME=ARCHITECTURE ...

Each RUN_DIR is a `spikeae train` output folder (model.spikeae, metrics.jsonl).
An ann:NAME=ARCHITECTURE row trains the ANN baseline of that shape here, with the
protocol of the table (10,000 / 1,000 images, 10 epochs, seed 1, its defaults).
Prints one markdown row per model: the architecture, parameters, test MSE of the
best-validation model, median seconds per training epoch, and for spiking
networks the causal inputs per firing neuron of each layer (measured on the
first 1,000 test images). The figure shows 8 test images and, one row per
model, their reconstructions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import List, Tuple

import numpy as np

import spikeae


def read_metrics(run: Path) -> Tuple[float, float]:
    """Test loss and median seconds per epoch of a finished run."""
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    epochs = [line for line in lines if "epoch" in line]
    final = [line for line in lines if "test_loss" in line and "epoch" not in line]
    if not final:
        sys.exit(f"{run} did not finish: metrics.jsonl has no final test loss")
    return final[-1]["test_loss"], statistics.median(line["seconds"] for line in epochs)


def describe(model: spikeae.Model) -> str:
    return model.config.get("architecture") or "-".join(map(str, model.layer_sizes))


def row(name: str, run: Path, test_images: np.ndarray) -> Tuple[str, object]:
    model = spikeae.Model.load(run / "model.spikeae")
    test_loss, seconds = read_metrics(run)
    causal = " / ".join(f"{layer['causal_inputs']:.0f}"
                        for layer in model.activity(test_images[:1000]))
    text = (f"| {name} | `{describe(model)}` | {model.parameter_count:,} | {test_loss:.5f} "
            f"| {seconds:.1f} | {causal} |")
    return text, model


def ann_row(name: str, architecture: str, dataset: str) -> Tuple[str, object]:
    """Trains the ANN of that shape with the table's protocol; its row and model."""
    result = spikeae.fit_ann(dataset=dataset, architecture=architecture, train_size=10000,
                             validation_size=1000, epochs=10, seed=1, threads=1)
    seconds = statistics.median(entry["seconds"] for entry in result.history)
    text = (f"| {name} | `{architecture}` | {result.model.parameter_count:,} | "
            f"{result.test_loss:.5f} | {seconds:.1f} | |")
    return text, result.model


def reconstruction(model, images: np.ndarray) -> np.ndarray:
    """Brightness in [0, 1] of a spiking model's or an ANN's reconstructions."""
    if isinstance(model, spikeae.AnnModel):
        return np.asarray(model.reconstruct(images), dtype=float)
    return np.asarray(model.reconstruct_images(images), dtype=float)


def draw(models: List[Tuple[str, spikeae.Model]], images: np.ndarray, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = images[:8]
    rows = [("input", shown.astype(float) / 255)]
    for name, model in models:
        rows.append((name, reconstruction(model, shown)))
    figure, axes = plt.subplots(len(rows), len(shown), figsize=(len(shown), len(rows) * 1.1))
    for r, (name, pictures) in enumerate(rows):
        for c in range(len(shown)):
            ax = axes[r][c]
            ax.imshow(pictures[c].reshape(28, 28), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r][0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=80)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--figure", type=Path, help="write the reconstruction figure here")
    parser.add_argument("runs", nargs="+", help="NAME=RUN_DIR or ann:NAME=ARCHITECTURE, one per row")
    args = parser.parse_args()
    test_images = spikeae.load_dataset(args.dataset).test_images
    print("| model | architecture | parameters | test MSE | s / epoch | causal inputs per layer |")
    print("|---|---|---|---|---|---|")
    models = []
    for entry in args.runs:
        name, _, where = entry.rpartition("=")
        if name.startswith("ann:"):
            name = name[4:]
            text, model = ann_row(name, where, args.dataset)
        else:
            text, model = row(name, Path(where), test_images)
        print(text, flush=True)
        models.append((name, model))
    if args.figure:
        draw(models, test_images, args.figure)


if __name__ == "__main__":
    main()
