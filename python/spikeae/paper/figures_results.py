"""Figures drawn from the results table alone: losses and SVM accuracies (3, 7, 11).

Each figure has a function that builds the matplotlib Figure (``fig3_figure`` ...)
and one that writes it to a PNG (``fig3_reconstruction_loss`` ...). Both take an
optional Comparison: another scale's records, whose series are drawn faded behind
the figure's own (e.g. the standard scale behind the full one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from matplotlib.ticker import LogFormatterSciNotation

from .grid import ANN_PAIR, INVERTED_HIDDEN
from .plotting import (Comparison, colour, datasets_in, legend_below, legend_under,
                       no_data, plot_by_noise, plot_level, plt, save, select,
                       shortest_and_longest, snn_latencies, title)
from .report import CLASSES, mean_image_losses

# Colour tells the hidden size; line and marker tell the model, so that series lying
# on top of each other (e.g. every network on the mean-image plateau) stay apart.
SHORT_LATENCY_STYLE = {"linestyle": "-", "marker": "o"}
LONG_LATENCY_STYLE = {"linestyle": "--", "marker": "^"}
ANN_STYLE = {"linestyle": ":", "marker": "s"}
MEAN_IMAGE_STYLE = {"color": "gray", "linewidth": 1}

Records = List[Dict[str, Any]]
# (legend label, the fields that pick the series' records, line style)
Series = Tuple[str, Dict[str, Any], Dict[str, Any]]


def _all_records(records: Records, compare: Optional[Comparison]) -> Records:
    """The records and the comparison's: what decides which series and panels a figure
    has, so that a series only the comparison holds is drawn too."""
    return records + (compare.records if compare is not None else [])


def _snn_series(dataset: str, hidden: int, latencies: List[float]) -> List[Series]:
    """The spiking networks of one hidden size, per latency."""
    styles = [SHORT_LATENCY_STYLE, LONG_LATENCY_STYLE]
    return [(f"SNN l={latency:g}, h={hidden}",
             dict(kind="snn", dataset=dataset, hidden=hidden, latency=latency),
             {**style, "color": colour(hidden)})
            for latency, style in zip(latencies, styles)]


def _ann_series(dataset: str, hidden: int) -> Series:
    """The ReLU-sigmoid ANN on plain images of one hidden size."""
    return (f"ANN, h={hidden}",
            dict(kind="ann", dataset=dataset, hidden=hidden, inverted=False,
                 encoder=ANN_PAIR[0], decoder=ANN_PAIR[1]),
            {**ANN_STYLE, "color": colour(hidden)})


def _plot_per_hidden(axis: Any, records: Records, dataset: str, value: str,
                     latencies: List[float], compare: Optional[Comparison]) -> int:
    """Plots each hidden size's SNN and ANN series; returns the series per hidden size."""
    series_count = 0
    everything = _all_records(records, compare)
    for hidden in sorted({r["hidden"] for r in everything if r["kind"] == "snn"}):
        series = _snn_series(dataset, hidden, latencies) + [_ann_series(dataset, hidden)]
        for label, match, style in series:
            plot_by_noise(axis, records, match, value, label, style, compare)
        series_count = len(series)
    return series_count


def _mean_image_line(axis, records: Records, dataset: str,
                     compare: Optional[Comparison]) -> None:
    """The loss of always answering the mean image: where training starts to plateau."""
    compared = mean_image_losses(compare.records).get(dataset) if compare is not None else None
    plot_level(axis, mean_image_losses(records).get(dataset), compared, "mean image",
               MEAN_IMAGE_STYLE, compare)


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


def _only_compared(records: Records, dataset: str, compare: Optional[Comparison]) -> str:
    """A panel title's note when the panel shows only the comparison's (faded) series."""
    if compare is None or select(records, dataset=dataset):
        return ""
    return f" ({compare.label} only)"


def fig3_figure(records: Records, compare: Optional[Comparison] = None) -> Any:
    """Figure 3: test reconstruction loss vs noise per hidden size, SNN vs ANN.

    The loss axis is logarithmic: a network that has not yet learned the latency has
    a loss thousands of times the others', which a linear axis flattens to zero.
    ``compare``: another scale's records, drawn faded behind these.
    """
    everything = _all_records(records, compare)
    datasets = datasets_in(everything)
    figure, axes = _panels(len(datasets))
    latencies = shortest_and_longest(snn_latencies(everything))
    rows = 1
    for axis, dataset in zip(axes[0], datasets):
        rows = _plot_per_hidden(axis, records, dataset, "test_loss", latencies, compare)
        _mean_image_line(axis, records, dataset, compare)
        _log_loss_axis(axis)
        axis.set(title=f"{title(dataset)}: reconstruction error"
                       f"{_only_compared(records, dataset, compare)}",
                 xlabel="noise factor η", ylabel="test loss (per-pixel MSE, log scale)")
        axis.grid(alpha=0.3, which="both")
    if datasets:
        legend_below(figure, axes[0][0], rows, compare)
    else:
        no_data(axes[0][0])
    return figure


def fig3_reconstruction_loss(records: Records, path: Path,
                             compare: Optional[Comparison] = None) -> Path:
    return save(fig3_figure(records, compare), path)


def _svm_title(records: List[Dict[str, Any]], dataset: str) -> str:
    sizes = next((r["svm_images"] for r in select(records, dataset=dataset)
                  if r.get("svm_images")), None)
    subtitle = f"\n(SVM trained on {sizes[0]}, tested on {sizes[1]} test images)" if sizes else ""
    return f"{title(dataset)}: SVM accuracy{subtitle}"


def _clean_pixel_accuracy(records: Records, dataset: str) -> Optional[float]:
    """The SVM accuracy on the noise-free pixels: the baseline every embedding is held to."""
    clean = select(records, kind="pixels", dataset=dataset, noise=0.0)
    return clean[0]["svm_accuracy"] if clean else None


def _pixel_lines(axis: Any, records: Records, dataset: str,
                 compare: Optional[Comparison]) -> None:
    """The SVM on the noisy pixels at each noise level, and on the clean pixels."""
    plot_by_noise(axis, records, dict(kind="pixels", dataset=dataset), "svm_accuracy",
                  "noisy pixels", {"linestyle": "-", "color": "black", "linewidth": 2},
                  compare)
    compared = _clean_pixel_accuracy(compare.records, dataset) if compare is not None else None
    plot_level(axis, _clean_pixel_accuracy(records, dataset), compared,
               "baseline: clean pixels", {"color": "gray", "linewidth": 1}, compare)


def fig7_figure(records: Records, compare: Optional[Comparison] = None) -> Any:
    """Figure 7: RBF-SVM accuracy on embeddings (SNN l=1, ANN) vs on the noisy pixels.

    ``compare``: another scale's records, drawn faded behind these.
    """
    everything = _all_records(records, compare)
    datasets = datasets_in(everything)
    figure, axes = _panels(len(datasets))
    latencies = snn_latencies(everything)[:1]
    rows = 1
    for axis, dataset in zip(axes[0], datasets):
        rows = _plot_per_hidden(axis, records, dataset, "svm_accuracy", latencies, compare)
        _pixel_lines(axis, records, dataset, compare)
        # Accuracies near guessing mean the embedding carries no class information.
        axis.axhline(1 / CLASSES, color="red", linewidth=1, linestyle=(0, (1, 3)),
                     label=f"chance (1/{CLASSES})")
        axis.set(title=_svm_title(records, dataset) + _only_compared(records, dataset, compare),
                 xlabel="noise factor η", ylabel="classification accuracy")
        axis.title.set_fontsize(10)
        axis.grid(alpha=0.3)
    if datasets:
        legend_below(figure, axes[0][0], rows, compare)
    else:
        no_data(axes[0][0])
    return figure


def fig7_svm_accuracy(records: Records, path: Path,
                      compare: Optional[Comparison] = None) -> Path:
    return save(fig7_figure(records, compare), path)


def _inverted_ann_pairs(records: Records, dataset: str) -> List[Tuple[str, str]]:
    """The encoder-decoder pairs of the inverted-image ANNs in the records, sorted."""
    inverted = select(records, kind="ann", dataset=dataset, hidden=INVERTED_HIDDEN, inverted=True)
    return sorted({(r["encoder"], r["decoder"]) for r in inverted})


def fig11_figure(records: Records, dataset: str = "mnist",
                 compare: Optional[Comparison] = None) -> Any:
    """Figure 11: loss on inverted images, SNN (l=1, h=32) vs ANNs with each activation pair.

    ``compare``: another scale's records, drawn faded behind these.
    """
    everything = _all_records(records, compare)
    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    latency = (snn_latencies(everything) or [1.0])[0]
    snn = dict(kind="snn", dataset=dataset, hidden=INVERTED_HIDDEN, latency=latency)
    plot_by_noise(axis, records, snn, "test_loss", f"snn l={latency:g}",
                  {"linestyle": "-", "marker": "o", "color": "black", "linewidth": 2}, compare)
    pairs = _inverted_ann_pairs(everything, dataset)
    # Each pair keeps its colour, whichever records hold it, so that a faded series
    # and its solid one match.
    for index, (encoder, decoder) in enumerate(pairs):
        ann = dict(kind="ann", dataset=dataset, hidden=INVERTED_HIDDEN, inverted=True,
                   encoder=encoder, decoder=decoder)
        plot_by_noise(axis, records, ann, "test_loss", f"ann {encoder}-{decoder}",
                      {"linestyle": "--", "marker": "s", "color": f"C{index}"}, compare)
    _mean_image_line(axis, records, dataset, compare)
    axis.set(title=f"{title(dataset)}, inverted images, h={INVERTED_HIDDEN}: reconstruction error"
                   f"{_only_compared(records, dataset, compare)}",
             xlabel="noise factor η", ylabel="test loss (per-pixel MSE)")
    axis.title.set_fontsize(10)
    axis.grid(alpha=0.3)
    legend_under(axis, 3, compare)
    if not select(everything, **snn) and not pairs:
        no_data(axis)
    return figure


def fig11_inverted_images(records: Records, path: Path, dataset: str = "mnist",
                          compare: Optional[Comparison] = None) -> Path:
    return save(fig11_figure(records, dataset, compare), path)
