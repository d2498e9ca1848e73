"""Figures drawn from the results table alone: losses and SVM accuracies (3, 7, 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from .grid import ANN_PAIR, INVERTED_HIDDEN
from .plotting import (by_noise, colour, datasets_in, no_data, plt, save, select,
                       shortest_and_longest, snn_latencies, title)


def _latency_styles(records: List[Dict[str, Any]]):
    """(latency, line style) of the shortest and the longest latency run."""
    return list(zip(shortest_and_longest(snn_latencies(records)), ["-", "--"]))


def _mean_image_line(axis, records: List[Dict[str, Any]], dataset: str) -> None:
    """The loss of always answering the mean image: where training starts to plateau."""
    found = [r["mean_image_loss"] for r in select(records, kind="pixels", dataset=dataset)
             if r.get("mean_image_loss") is not None]
    if found:
        axis.axhline(found[0], color="gray", linewidth=1, label="mean image")


def fig3_reconstruction_loss(records: List[Dict[str, Any]], path: Path) -> Path:
    """Figure 3: test reconstruction loss vs noise per hidden size, SNN vs ANN."""
    datasets = datasets_in(records)
    figure, axes = plt.subplots(1, max(1, len(datasets)), figsize=(6 * max(1, len(datasets)), 4.5),
                                squeeze=False)
    for axis, dataset in zip(axes[0], datasets):
        for hidden in sorted({r["hidden"] for r in records if r["kind"] == "snn"}):
            for latency, style in _latency_styles(records):
                snn = select(records, kind="snn", dataset=dataset, hidden=hidden, latency=latency)
                axis.plot(*by_noise(snn, "test_loss"), style, marker="o", color=colour(hidden),
                          label=f"snn h={hidden} l={latency:g}")
            ann = select(records, kind="ann", dataset=dataset, hidden=hidden, inverted=False,
                         encoder=ANN_PAIR[0], decoder=ANN_PAIR[1])
            axis.plot(*by_noise(ann, "test_loss"), ":", marker="s", color=colour(hidden),
                      label=f"ann h={hidden}")
        _mean_image_line(axis, records, dataset)
        axis.set(title=f"{title(dataset)}: reconstruction error", xlabel="noise factor η",
                 ylabel="test loss (per-pixel MSE)")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, ncol=2)
    if not datasets:
        no_data(axes[0][0])
    return save(figure, path)


def fig7_svm_accuracy(records: List[Dict[str, Any]], path: Path) -> Path:
    """Figure 7: RBF-SVM accuracy on embeddings (SNN l=1, ANN) vs on the noisy pixels."""
    datasets = datasets_in(records)
    figure, axes = plt.subplots(1, max(1, len(datasets)), figsize=(6 * max(1, len(datasets)), 4.5),
                                squeeze=False)
    latency = (snn_latencies(records) or [1.0])[0]
    for axis, dataset in zip(axes[0], datasets):
        for hidden in sorted({r["hidden"] for r in records if r["kind"] == "snn"}):
            snn = select(records, kind="snn", dataset=dataset, hidden=hidden, latency=latency)
            axis.plot(*by_noise(snn, "svm_accuracy"), "-", marker="o", color=colour(hidden),
                      label=f"snn h={hidden} l={latency:g}")
            ann = select(records, kind="ann", dataset=dataset, hidden=hidden, inverted=False,
                         encoder=ANN_PAIR[0], decoder=ANN_PAIR[1])
            axis.plot(*by_noise(ann, "svm_accuracy"), ":", marker="s", color=colour(hidden),
                      label=f"ann h={hidden}")
        pixels = select(records, kind="pixels", dataset=dataset)
        axis.plot(*by_noise(pixels, "svm_accuracy"), "-", color="black", linewidth=2,
                  label="noisy pixels")
        clean = select(pixels, noise=0.0)
        if clean:
            axis.axhline(clean[0]["svm_accuracy"], color="gray", linewidth=1,
                         label="baseline: clean pixels")
        sizes = next((r["svm_images"] for r in pixels + select(records, dataset=dataset)
                      if r.get("svm_images")), None)
        subtitle = f" (SVM trained on {sizes[0]}, tested on {sizes[1]} test images)" if sizes else ""
        axis.set(title=f"{title(dataset)}: SVM accuracy{subtitle}", xlabel="noise factor η",
                 ylabel="classification accuracy")
        axis.title.set_fontsize(9)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, ncol=2)
    if not datasets:
        no_data(axes[0][0])
    return save(figure, path)


def fig11_inverted_images(records: List[Dict[str, Any]], path: Path,
                          dataset: str = "mnist") -> Path:
    """Figure 11: loss on inverted images, SNN (l=1, h=32) vs ANNs with each activation pair."""
    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    latency = (snn_latencies(records) or [1.0])[0]
    snn = select(records, kind="snn", dataset=dataset, hidden=INVERTED_HIDDEN, latency=latency)
    axis.plot(*by_noise(snn, "test_loss"), "-", marker="o", color="black", linewidth=2,
              label=f"snn l={latency:g}")
    inverted = select(records, kind="ann", dataset=dataset, hidden=INVERTED_HIDDEN, inverted=True)
    for encoder, decoder in sorted({(r["encoder"], r["decoder"]) for r in inverted}):
        ann = select(inverted, encoder=encoder, decoder=decoder)
        axis.plot(*by_noise(ann, "test_loss"), "--", marker="s", label=f"ann {encoder}-{decoder}")
    _mean_image_line(axis, records, dataset)
    axis.set(title=f"{title(dataset)}, inverted images, h={INVERTED_HIDDEN}: reconstruction error",
             xlabel="noise factor η", ylabel="test loss (per-pixel MSE)")
    axis.title.set_fontsize(10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    if not snn and not inverted:
        no_data(axis)
    return save(figure, path)
