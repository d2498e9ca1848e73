"""Figures that look inside trained models: reconstructions, embeddings, spike
times, membrane potentials and weights (4, 5, 6, 8, 9, 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .. import plot
from .._model import Model
from . import embeddings
from .grid import ANN_PAIR, Condition
from .plotting import (Comparison, legend_under, no_data, plt, save, shortest_and_longest,
                       snn_latencies, title)
from .runner import pixel_features

TSNE_SEED = 1
# What a panel or cell says when the results folder lacks its condition (a folder
# may hold only part of a scale's grid).
MISSING_CELL = "not in\nthe results"


class Results:
    """A results folder: finds models and embeddings of conditions, loads data once.

    ``compare``: another scale's records, which the figures drawn from records alone
    (3, 7, 11) draw faded behind the folder's own.
    """

    def __init__(self, out: Path, records: List[Dict[str, Any]], scale: Any,
                 load_dataset, seed: int = 1, compare: Optional[Comparison] = None) -> None:
        self.out, self.records, self.scale, self.seed = Path(out), records, scale, seed
        self.compare = compare
        self._load_dataset = load_dataset
        self._data: Dict[str, Any] = {}

    def data(self, dataset: str) -> Any:
        if dataset not in self._data:
            self._data[dataset] = self._load_dataset(dataset)
        return self._data[dataset]

    def has(self, condition: Condition) -> bool:
        return (self.out / condition.folder / "result.json").exists()

    def snn(self, dataset: str, noise: float, latency: float, hidden: int) -> Optional[Model]:
        condition = Condition("snn", dataset, noise, latency, hidden)
        return Model.load(self.out / condition.folder / "model.spikeae") if self.has(condition) else None

    def ann(self, dataset: str, noise: float, hidden: int) -> Optional[Any]:
        condition = Condition("ann", dataset, noise, hidden=hidden, encoder=ANN_PAIR[0],
                              decoder=ANN_PAIR[1], inverted=False)
        if not self.has(condition):
            return None
        from .._ann import AnnModel  # only where ANN results exist

        return AnnModel.load(self.out / condition.folder / "model.npz")

    def embedding(self, dataset: str, noise: float, latency: float, hidden: int):
        folder = self.out / Condition("snn", dataset, noise, latency, hidden).folder
        if not (folder / "result.json").exists():
            return None
        return np.load(folder / "embeddings.npy"), np.load(folder / "embedding_labels.npy")

    @property
    def latencies(self) -> List[float]:
        return snn_latencies(self.records)

    @property
    def shortest_latency(self) -> float:
        """The latency of the figures that show one (1 when no spiking results)."""
        return (self.latencies or [1.0])[0]

    def datasets(self) -> List[str]:
        return [d for d in ("mnist", "fashion-mnist") if any(r["dataset"] == d for r in self.records)]


def _missing_model(axis: Any, dataset: str, hidden: int, latency: float) -> None:
    """Says in a panel which spiking network (noise 0) the results folder lacks."""
    no_data(axis, f"not in the results:\n{title(dataset)} SNN h={hidden}, l={latency:g}, η=0")
    axis.set_xticks([])
    axis.set_yticks([])


def _missing_cell(axis: Any, label: str) -> None:
    """An image cell whose model the results lack: it says so, without a frame, and
    keeps the row's label (the first cell names the row)."""
    no_data(axis, MISSING_CELL, fontsize=8)
    axis.set_xticks([])
    axis.set_yticks([])
    for spine in axis.spines.values():
        spine.set_visible(False)
    if label:
        axis.set_ylabel(label, fontsize=8)


def _show(axis: Any, brightness: np.ndarray, label: str = "") -> None:
    axis.imshow(np.clip(brightness, 0, 1).reshape(28, 28), cmap="gray", vmin=0, vmax=1)
    axis.set_xticks([])
    axis.set_yticks([])
    if label:
        axis.set_ylabel(label, fontsize=8)


def _snn_brightness(model: Model, images: np.ndarray, **noise: Any) -> np.ndarray:
    return 1.0 - model.reconstruct(images, **noise)  # inverted code: time 0 = white ink


def fig4_reconstructions(results: Results, dataset: str, path: Path, image_index: int = 0,
                         hidden: int = 32) -> Path:
    """Figure 4: one test image at each noise level: noisy input, SNN and ANN reconstruction."""
    noises, latency = results.scale.noises, results.shortest_latency
    image = results.data(dataset).test_images[image_index:image_index + 1]
    figure, axes = plt.subplots(3, len(noises), figsize=(1.6 * len(noises), 5.2), squeeze=False)
    for column, noise in enumerate(noises):
        snn, ann = results.snn(dataset, noise, latency, hidden), results.ann(dataset, noise, hidden)
        _show(axes[0][column], 1.0 - pixel_features(image, noise, results.seed)[0],
              "noisy input" if column == 0 else "")
        axes[0][column].set_title(f"η = {noise:g}", fontsize=9)
        for row, (model, name) in enumerate(((snn, f"snn l={latency:g}"), (ann, "ann")), start=1):
            if model is None:
                _missing_cell(axes[row][column], name if column == 0 else "")
                continue
            shown = _snn_brightness(model, image)[0] if row == 1 else model.reconstruct(image)[0]
            _show(axes[row][column], shown, name if column == 0 else "")
    figure.suptitle(f"{title(dataset)}: test image {image_index} reconstructed, h={hidden}")
    return save(figure, path)


def _label_tsne_panel(axis: Any, row: int, column: int, noise: float, hidden: int) -> None:
    """Noise above the first row, hidden size left of the first column, whatever the
    panel holds (an empty panel still needs its row and column named)."""
    axis.set_xticks([])
    axis.set_yticks([])
    if row == 0:
        axis.set_title(f"η = {noise:g}", fontsize=10)
    if column == 0:
        axis.set_ylabel(f"h = {hidden}", fontsize=10)


def _no_layout_text(times: np.ndarray) -> str:
    """Why t-SNE had nothing to lay out, in lines short enough for a small panel."""
    if np.isinf(times).all():
        return "no hidden spikes:\nnothing to lay out"
    return "all embeddings\nequal: nothing\nto lay out"


def fig5_figure(results: Results, dataset: str) -> Any:
    """Figure 5: t-SNE of test embeddings (SNN, shortest latency), noise x hidden size."""
    noises, hiddens = results.scale.noises, results.scale.hiddens
    latency = results.shortest_latency
    # The constrained layout keeps the two-line title clear of the column titles.
    figure, axes = plt.subplots(len(hiddens), len(noises), squeeze=False, layout="constrained",
                                figsize=(2.6 * len(noises), 2.6 * len(hiddens) + 0.5))
    scatter = None
    for row, hidden in enumerate(hiddens):
        for column, noise in enumerate(noises):
            axis = axes[row][column]
            _label_tsne_panel(axis, row, column, noise, hidden)
            found = results.embedding(dataset, noise, latency, hidden)
            if found is None:
                no_data(axis, MISSING_CELL, fontsize=8)
                continue
            times, labels = found[0][:results.scale.tsne_points], found[1][:results.scale.tsne_points]
            points = embeddings.tsne(times, TSNE_SEED)
            if points is None:
                no_data(axis, _no_layout_text(times), fontsize=8)
                continue
            scatter = axis.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=3,
                                   vmin=-0.5, vmax=9.5)
    figure.suptitle(f"{title(dataset)}: t-SNE of SNN embeddings (l={latency:g})\n"
                    "perplexity 20, PCA init, coloured by class", fontsize=11)
    if scatter is not None:
        figure.colorbar(scatter, ax=axes, ticks=range(10), label="class", shrink=0.6)
    return figure


def fig5_tsne(results: Results, dataset: str, path: Path) -> Path:
    return save(fig5_figure(results, dataset), path)


def _corner_images(labels: np.ndarray) -> List[int]:
    """Indices of the first test images of four different classes."""
    chosen: List[int] = []
    for index, label in enumerate(labels):
        if all(labels[c] != label for c in chosen):
            chosen.append(index)
        if len(chosen) == 4:
            break
    return chosen


def _interpolation_mosaic(tiles: np.ndarray) -> np.ndarray:
    """(steps, steps, 784) brightness tiles as one picture with 2-pixel gaps."""
    steps = tiles.shape[0]
    picture = np.ones((steps * 30, steps * 30)) * 0.5
    for row in range(steps):
        for column in range(steps):
            picture[row * 30 + 1:row * 30 + 29, column * 30 + 1:column * 30 + 29] = \
                np.clip(tiles[row, column].reshape(28, 28), 0, 1)
    return picture


def fig6_interpolation(results: Results, path: Path, hidden: int = 32, steps: int = 7) -> Path:
    """Figure 6: four test images interpolated in embedding space (decoded) vs pixel space."""
    datasets = results.datasets()
    latency = results.shortest_latency
    figure, axes = plt.subplots(max(1, len(datasets)), 2, figsize=(10, 5 * max(1, len(datasets))),
                                squeeze=False)
    for row, dataset in enumerate(datasets):
        model = results.snn(dataset, 0.0, latency, hidden)
        if model is None:
            _missing_model(axes[row][0], dataset, hidden, latency)
            axes[row][1].set_axis_off()
            continue
        data = results.data(dataset)
        corners = data.test_images[_corner_images(data.test_labels)]
        times = model.encode(corners)
        grid = embeddings.interpolate(times, steps, embeddings.no_spike_value(times))
        decoded = model.decode(grid)
        latent = 1.0 - np.where(np.isinf(decoded), 1.0, decoded - model.latency)
        pixels = embeddings.interpolation_weights(steps) @ (corners.reshape(4, -1) / 255.0)
        for column, (tiles, name) in enumerate(((latent, "embedding space (decoded)"),
                                                 (pixels, "pixel space"))):
            axes[row][column].imshow(_interpolation_mosaic(tiles), cmap="gray", vmin=0, vmax=1)
            axes[row][column].set_axis_off()
            axes[row][column].set_title(f"{title(dataset)}: interpolation in {name}", fontsize=10)
    figure.suptitle(f"Interpolation between four test images (SNN h={hidden}, l={latency:g}, η=0)")
    return save(figure, path)


def _spike_share(fraction: float) -> str:
    """A layer's share of spiking neurons; a few spikes read "<1%", not "0%"."""
    if 0 < fraction < 0.005:
        return "<1%"
    return f"{100 * fraction:.0f}%"


def _latency_panels(results: Results):
    """(figure, axes, latencies) of a short-vs-long latency figure: one panel per
    latency shown; a single panel saying so when the results hold no spiking network."""
    shown = shortest_and_longest(results.latencies)
    figure, axes = plt.subplots(1, max(1, len(shown)), figsize=(6.5 * max(1, len(shown)), 4.2),
                                squeeze=False)
    if not shown:
        no_data(axes[0][0], "no spiking networks in the results")
    return figure, axes, shown


def fig8_figure(results: Results, dataset: str = "mnist", hidden: int = 32,
                images: int = 1000) -> Any:
    """Figure 8: spike-time distributions of each layer and the pulse times, short vs long latency."""
    figure, axes, shown = _latency_panels(results)
    test = results.data(dataset).test_images[:images]
    for axis, latency in zip(axes[0], shown):
        model = results.snn(dataset, 0.0, latency, hidden)
        if model is None:
            _missing_model(axis, dataset, hidden, latency)
            continue
        layers = model.forward(test)
        top = max(float(np.max(t[np.isfinite(t)], initial=0)) for t in layers)
        bins = np.linspace(0, top * 1.02 + 1e-9, 80)
        for times, name in zip(layers, ("input", "hidden", "output")):
            finite = times[np.isfinite(times)]
            if finite.size == 0:
                axis.plot([], [], label=f"{name} (no spikes)")
                continue
            axis.hist(finite, bins=bins, histtype="step", density=True, linewidth=1.5,
                      label=f"{name} ({_spike_share(finite.size / times.size)} spike)")
        for connection, (pulses, marker) in enumerate(zip(model.pulses, ("v", "^"))):
            # Pulse times are the same for every image: drawn as markers along the bottom.
            axis.plot(pulses, np.full_like(pulses, 0.03 + 0.04 * connection), marker,
                      markersize=7, linestyle="none", transform=axis.get_xaxis_transform(),
                      label=f"pulses into {'hidden' if connection == 0 else 'output'}")
        axis.set_yscale("log")
        axis.set(title=f"{title(dataset)}, l={latency:g}, h={hidden}: spike times ({images} test images)",
                 xlabel="time", ylabel="density")
        axis.title.set_fontsize(10)
        legend_under(axis, 3)
    return figure


def fig8_spike_times(results: Results, path: Path, dataset: str = "mnist", hidden: int = 32,
                     images: int = 1000) -> Path:
    return save(fig8_figure(results, dataset, hidden, images), path)


def _early_target_pixel(image: np.ndarray) -> int:
    """The pixel nearest the centre whose clean time is below 0.1 (target < l + 0.1)."""
    times = 1.0 - image.reshape(-1) / 255.0
    candidates = np.flatnonzero(times < 0.1)
    rows, cols = np.divmod(candidates, 28)
    return int(candidates[np.argmin((rows - 13.5) ** 2 + (cols - 13.5) ** 2)])


def fig9_figure(results: Results, dataset: str = "mnist", hidden: int = 32,
                image_index: int = 0) -> Any:
    """Figure 9: V(t) of an output neuron whose target is before l + 0.1, short vs long latency."""
    figure, axes, shown = _latency_panels(results)
    image = results.data(dataset).test_images[image_index]
    pixel = _early_target_pixel(image)
    target = 1.0 - image.reshape(-1)[pixel] / 255.0
    for axis, latency in zip(axes[0], shown):
        model = results.snn(dataset, 0.0, latency, hidden)
        if model is None:
            _missing_model(axis, dataset, hidden, latency)
            continue
        t = np.linspace(0.0, latency + 2.0, 2000)
        plot.membrane(model, image, model.num_connections, pixel, t=t, contributions=False,
                      ax=axis)
        axis.axvline(latency + target, color="tab:green", linestyle="-.",
                     label=f"target l + {target:.2f}")
        axis.set(title=f"{title(dataset)}, l={latency:g}: output neuron {pixel} "
                       f"(row {pixel // 28}, col {pixel % 28}), test image {image_index}",
                 xlabel="time", ylabel="V(t)")
        axis.title.set_fontsize(10)
        legend_under(axis, 2)
    return figure


def fig9_membrane_potential(results: Results, path: Path, dataset: str = "mnist",
                            hidden: int = 32, image_index: int = 0) -> Path:
    return save(fig9_figure(results, dataset, hidden, image_index), path)


def _weight_groups(model: Model) -> Dict[str, np.ndarray]:
    encoder, decoder = model.get_weights(0), model.get_weights(1)
    inputs, hidden = model.layer_sizes[0], model.layer_sizes[1]
    return {"encoder, regular": encoder[:inputs].ravel(), "encoder, pulses": encoder[inputs:].ravel(),
            "decoder, regular": decoder[:hidden].ravel(), "decoder, pulses": decoder[hidden:].ravel()}


def fig10_weights(results: Results, path: Path, dataset: str = "mnist", hidden: int = 32) -> Path:
    """Figure 10: weight distributions, regular vs pulse connections, encoder and decoder, per latency."""
    figure, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    groups: Dict[str, List[np.ndarray]] = {}
    latencies = [l for l in results.latencies if results.snn(dataset, 0.0, l, hidden) is not None]
    for latency in latencies:
        for name, values in _weight_groups(results.snn(dataset, 0.0, latency, hidden)).items():
            groups.setdefault(name, []).append(values)
    for axis, name in zip(axes.ravel(), ("encoder, regular", "encoder, pulses",
                                         "decoder, regular", "decoder, pulses")):
        if not groups.get(name):
            no_data(axis, f"no {title(dataset)} SNN h={hidden}, η=0 in the results")
            continue
        axis.violinplot(groups[name], showmedians=True)
        axis.axhline(0, color="gray", linewidth=0.8)
        axis.set_xticks(range(1, len(latencies) + 1), [f"l={l:g}" for l in latencies])
        negative = ", ".join(f"l={latency:g}: {100 * float(np.mean(values < 0)):.0f}%"
                             for latency, values in zip(latencies, groups[name]))
        axis.set(title=f"{name} (negative: {negative})", ylabel="weight")
        axis.title.set_fontsize(10)
    figure.suptitle(f"{title(dataset)}: weight distributions (SNN h={hidden}, η=0)")
    return save(figure, path)
