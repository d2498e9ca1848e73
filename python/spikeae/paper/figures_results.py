"""Figures drawn from the results table alone: losses and SVM accuracies (3, 7, 11).

Each figure has a function that builds the matplotlib Figure (``fig3_figure`` ...)
and one that writes it to a PNG (``fig3_reconstruction_loss`` ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

from matplotlib.ticker import LogFormatterSciNotation

from .grid import ANN_PAIR, INVERTED_HIDDEN
from .plotting import (by_noise, colour, datasets_in, legend_below, legend_under, no_data, plt,
                       save, select, shortest_and_longest, snn_latencies, title)
from .report import CLASSES, mean_image_losses

# Colour tells the hidden size; line and marker tell the model, so that series lying
# on top of each other (e.g. every network on the mean-image plateau) stay apart.
SHORT_LATENCY_STYLE = {"linestyle": "-", "marker": "o"}
LONG_LATENCY_STYLE = {"linestyle": "--", "marker": "^"}
ANN_STYLE = {"linestyle": ":", "marker": "s"}

Series = Tuple[str, List[Dict[str, Any]], Dict[str, str]]


def _snn_series(records: List[Dict[str, Any]], dataset: str, hidden: int,
                latencies: List[float]) -> List[Series]:
    """(label, records, style) of the spiking networks of one hidden size, per latency."""
    styles = [SHORT_LATENCY_STYLE, LONG_LATENCY_STYLE]
    return [(f"SNN l={latency:g}, h={hidden}",
             select(records, kind="snn", dataset=dataset, hidden=hidden, latency=latency), style)
            for latency, style in zip(latencies, styles)]


def _ann_series(records: List[Dict[str, Any]], dataset: str, hidden: int) -> Series:
    """The ReLU-sigmoid ANN on plain images of one hidden size."""
    return (f"ANN, h={hidden}",
            select(records, kind="ann", dataset=dataset, hidden=hidden, inverted=False,
                   encoder=ANN_PAIR[0], decoder=ANN_PAIR[1]), ANN_STYLE)


def _plot_per_hidden(axis: Any, records: List[Dict[str, Any]], dataset: str, value: str,
                     latencies: List[float]) -> int:
    """Plots each hidden size's SNN and ANN series; returns the series per hidden size."""
    series_count = 0
    for hidden in sorted({r["hidden"] for r in records if r["kind"] == "snn"}):
        series = _snn_series(records, dataset, hidden, latencies) + [
            _ann_series(records, dataset, hidden)]
        for label, found, style in series:
            axis.plot(*by_noise(found, value), color=colour(hidden), label=label, **style)
        series_count = len(series)
    return series_count


def _mean_image_line(axis, records: List[Dict[str, Any]], dataset: str) -> None:
    """The loss of always answering the mean image: where training starts to plateau."""
    loss = mean_image_losses(records).get(dataset)
    if loss is not None:
        axis.axhline(loss, color="gray", linewidth=1, label="mean image")


def _log_loss_axis(axis: Any) -> None:
    """A logarithmic y-axis whose in-between ticks (2, 3, 4, 6 x 10^k) are labelled when
    the losses span less than two decades: the standard scale's Fashion-MNIST panel
    would otherwise show a single label."""
    axis.set_yscale("log")
    axis.yaxis.set_minor_formatter(LogFormatterSciNotation(labelOnlyBase=False,
                                                           minor_thresholds=(2, 0.5)))


def _panels(count: int):
    """One panel per data set, side by side; the constrained layout leaves room for the
    second panel's y label next to the first panel."""
    return plt.subplots(1, max(1, count), figsize=(6 * max(1, count), 4.5), squeeze=False,
                        layout="constrained")


def fig3_figure(records: List[Dict[str, Any]]) -> Any:
    """Figure 3: test reconstruction loss vs noise per hidden size, SNN vs ANN.

    The loss axis is logarithmic: a network that has not yet learned the latency has
    a loss thousands of times the others', which a linear axis flattens to zero.
    """
    datasets = datasets_in(records)
    figure, axes = _panels(len(datasets))
    latencies = shortest_and_longest(snn_latencies(records))
    rows = 1
    for axis, dataset in zip(axes[0], datasets):
        rows = _plot_per_hidden(axis, records, dataset, "test_loss", latencies)
        _mean_image_line(axis, records, dataset)
        _log_loss_axis(axis)
        axis.set(title=f"{title(dataset)}: reconstruction error", xlabel="noise factor η",
                 ylabel="test loss (per-pixel MSE, log scale)")
        axis.grid(alpha=0.3, which="both")
    if datasets:
        legend_below(figure, axes[0][0], rows)
    else:
        no_data(axes[0][0])
    return figure


def fig3_reconstruction_loss(records: List[Dict[str, Any]], path: Path) -> Path:
    return save(fig3_figure(records), path)


def _svm_title(records: List[Dict[str, Any]], dataset: str) -> str:
    sizes = next((r["svm_images"] for r in select(records, dataset=dataset)
                  if r.get("svm_images")), None)
    subtitle = f"\n(SVM trained on {sizes[0]}, tested on {sizes[1]} test images)" if sizes else ""
    return f"{title(dataset)}: SVM accuracy{subtitle}"


def fig7_figure(records: List[Dict[str, Any]]) -> Any:
    """Figure 7: RBF-SVM accuracy on embeddings (SNN l=1, ANN) vs on the noisy pixels."""
    datasets = datasets_in(records)
    figure, axes = _panels(len(datasets))
    latencies = snn_latencies(records)[:1]
    rows = 1
    for axis, dataset in zip(axes[0], datasets):
        rows = _plot_per_hidden(axis, records, dataset, "svm_accuracy", latencies)
        pixels = select(records, kind="pixels", dataset=dataset)
        axis.plot(*by_noise(pixels, "svm_accuracy"), "-", color="black", linewidth=2,
                  label="noisy pixels")
        clean = select(pixels, noise=0.0)
        if clean:
            axis.axhline(clean[0]["svm_accuracy"], color="gray", linewidth=1,
                         label="baseline: clean pixels")
        # Accuracies near guessing mean the embedding carries no class information.
        axis.axhline(1 / CLASSES, color="red", linewidth=1, linestyle=(0, (1, 3)),
                     label=f"chance (1/{CLASSES})")
        axis.set(title=_svm_title(records, dataset), xlabel="noise factor η",
                 ylabel="classification accuracy")
        axis.title.set_fontsize(10)
        axis.grid(alpha=0.3)
    if datasets:
        legend_below(figure, axes[0][0], rows)
    else:
        no_data(axes[0][0])
    return figure


def fig7_svm_accuracy(records: List[Dict[str, Any]], path: Path) -> Path:
    return save(fig7_figure(records), path)


def fig11_figure(records: List[Dict[str, Any]], dataset: str = "mnist") -> Any:
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
    legend_under(axis, 3)
    if not snn and not inverted:
        no_data(axis)
    return figure


def fig11_inverted_images(records: List[Dict[str, Any]], path: Path,
                          dataset: str = "mnist") -> Path:
    return save(fig11_figure(records, dataset), path)
