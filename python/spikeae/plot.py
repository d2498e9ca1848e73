"""Pictures of a model at work, drawn with matplotlib.

``import spikeae.plot`` needs matplotlib (``import spikeae`` does not). Every
function draws into the Axes (``ax=``) or Figure (``figure=``) it is given, or
makes a new Figure (not registered with pyplot, so nothing piles up in loops),
and returns what it drew into; none calls ``plt.show()``::

    import spikeae.plot as splot
    splot.raster(model, image).figure.savefig("raster.png")
    splot.membrane(model, image, layer=2, neuron=14)
    splot.reconstructions(model, images[:8], labels[:8])
    splot.learning_curves(result)                        # a FitResult or its history
    splot.interpolation(model, images[0], images[1], steps=8)

Images are taken as everywhere in spikeae (uint8 bytes or floats in [0, 1], any
array-like, channels-last made grey); ``noise_factor`` and ``seed`` are those of
Model.forward (default: the model's noise with the CLI's test noise seed).
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence

import numpy as np

from . import _core
from ._data import as_array, as_images

SpikeaeError = _core.SpikeaeError

__all__ = ["interpolation", "learning_curves", "membrane", "raster", "reconstructions"]

# Panel size of one image in the grids, in inches.
_TILE_INCHES = 1.3


# -- where to draw ---------------------------------------------------------------------

def _new_figure(width: float, height: float) -> Any:
    """A Figure outside pyplot's registry: it is freed when dropped, and savefig works."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _axes(ax: Any, width: float = 7.0, height: float = 4.0) -> Any:
    """The Axes to draw into: ``ax``, or the one Axes of a new Figure."""
    return ax if ax is not None else _new_figure(width, height).add_subplot()


def _show_image(ax: Any, picture: np.ndarray, title: str = "") -> None:
    """A brightness picture in [0, 1], grey, without ticks."""
    ax.imshow(picture, cmap="gray", vmin=0.0, vmax=1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)


# -- images and names ------------------------------------------------------------------

def _one_image(image: Any, what: str = "image") -> np.ndarray:
    """One image as (rows, cols) uint8 by the package's rule; a flat image with a
    square number of pixels is shown square."""
    batch = as_images(as_array(image, what)[None], what)
    if batch.shape[0] != 1:
        raise SpikeaeError(f"{what} must be one image, (rows, cols) or (pixels,)")
    picture = batch[0]
    side = math.isqrt(picture.size)
    if picture.shape[0] == 1 and side * side == picture.size:
        picture = picture.reshape(side, side)
    return picture


def _pictures(brightness: np.ndarray, shape: tuple) -> np.ndarray:
    """Brightness vectors (..., n) as pictures (..., rows, cols) when n fits ``shape``,
    else as (..., 1, n) strips."""
    n = brightness.shape[-1]
    if n == shape[0] * shape[1]:
        return brightness.reshape(brightness.shape[:-1] + tuple(shape))
    return brightness.reshape(brightness.shape[:-1] + (1, n))


def layer_names(model: Any) -> List[str]:
    """The names the plots give the layers: "input", "hidden" (or "hidden 1", ...),
    "output"."""
    hidden = len(model.layer_sizes) - 2
    middle = ["hidden"] if hidden == 1 else [f"hidden {i}" for i in range(1, hidden + 1)]
    return ["input"] + middle + ["output"]


# -- the plots -------------------------------------------------------------------------

def raster(model: Any, image: Any, *, ax: Any = None, noise_factor: Optional[float] = None,
           seed: Optional[int] = None) -> Any:
    """Spike raster of every layer for one image: one row per neuron, one dot per spike.

    Layers are stacked from the input (bottom) to the output (top), separated by
    lines and named on the y-axis; the pulses into each layer are grey vertical
    dashes across that layer's rows. Neurons that never fire have no dot.

    Args:
        model: a spikeae.Model.
        image: one image (see the module help).
        ax: the Axes to draw into (default: a new Figure's).
        noise_factor, seed: the input noise, as Model.forward.

    Returns:
        the Axes; its scatter collections (one per layer) hold exactly the spikes of
        Model.forward(image).
    """
    layers = model.forward(_one_image(image), noise_factor=noise_factor, seed=seed)
    ax = _axes(ax, 7.0, 1.0 + 0.04 * sum(model.layer_sizes))
    offset, centres = 0, []
    for index, (times, name) in enumerate(zip(layers, layer_names(model))):
        fired = np.flatnonzero(np.isfinite(times))
        ax.scatter(times[fired], offset + fired, s=6, marker="|" if index == 0 else "o",
                   label=f"{name}: {fired.size} of {times.size} fire")
        if index > 0:  # the pulses into this layer drive all of its neurons
            ax.vlines(model.get_pulses(index - 1), offset - 0.5, offset + times.size - 0.5,
                      colors="gray", linestyles="--", linewidth=0.8,
                      label="pulses" if index == 1 else None)
            ax.axhline(offset - 0.5, color="black", linewidth=0.6)
        centres.append(offset + (times.size - 1) / 2)
        offset += times.size
    ax.set_yticks(centres, [f"{name}\n({size})" for name, size
                            in zip(layer_names(model), model.layer_sizes)])
    ax.set_ylim(-0.5, offset - 0.5)
    ax.set_xlabel("time")
    ax.set_title("spike times of every layer")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def _membrane_times(model: Any, layers: List[np.ndarray], layer: int, neuron: int) -> np.ndarray:
    """A time grid from 0 to past the neuron's last input (and its spike): 1000 points."""
    events = np.concatenate([layers[layer - 1], model.get_pulses(layer - 1),
                             [layers[layer][neuron]]])
    finite = events[np.isfinite(events)]
    return np.linspace(0.0, (float(finite.max()) if finite.size else 1.0) + 1.0, 1000)


def membrane(model: Any, image: Any, layer: int, neuron: int, *, t: Any = None,
             contributions: bool = True, ax: Any = None, noise_factor: Optional[float] = None,
             seed: Optional[int] = None) -> Any:
    """V(t) of one neuron for one image, with each input's contribution to it.

    Draws V(t) (black), the firing threshold (red dashes), the spike time (a dotted
    line and a star on the threshold, when the neuron fires) and, with
    ``contributions``, each input's term of V(t) as a thin line (blue: neurons of
    the previous layer, orange: pulses); silent inputs contribute nothing and are
    left out. V(t) ignores the neuron's own spike (see Model.membrane_potential).

    Args:
        model: a spikeae.Model.
        image: one image (see the module help).
        layer: 1 .. len(model.layer_sizes) - 1 (the output layer is the last).
        neuron: its index in that layer.
        t: the times (default: 1000 points from 0 to 1 past the last input or spike).
        contributions: draw each input's term.
        ax: the Axes to draw into (default: a new Figure's).
        noise_factor, seed: the input noise, as Model.forward.

    Returns:
        the Axes. Lines carry gids: "v", "threshold", "spike", "contribution".
    """
    picture = _one_image(image)
    if t is None:
        layers = model.forward(picture, noise_factor=noise_factor, seed=seed)
        t = _membrane_times(model, layers, layer, neuron)
    trace = model.membrane_potential(picture, layer, neuron, t, contributions=contributions,
                                     noise_factor=noise_factor, seed=seed)
    ax = _axes(ax)
    if contributions:
        _draw_contributions(ax, trace)
    ax.plot(trace.t, trace.v, color="black", linewidth=1.5, label="V(t)", gid="v")
    ax.axhline(trace.threshold, color="red", linestyle="--", linewidth=1.0, label="threshold",
               gid="threshold")
    if np.isfinite(trace.spike_time):
        ax.axvline(trace.spike_time, color="gray", linestyle=":", linewidth=1.0, gid="spike",
                   label=f"spike at {trace.spike_time:.3f}")
        ax.plot([trace.spike_time], [trace.threshold], "k*", markersize=9)
    fires = "fires" if np.isfinite(trace.spike_time) else "never fires"
    ax.set(xlabel="time", ylabel="V(t)",
           title=f"{layer_names(model)[layer]} neuron {neuron} ({fires})")
    ax.legend(fontsize=8)
    return ax


def _draw_contributions(ax: Any, trace: Any) -> None:
    """Each firing input's term of V(t), thin; one legend entry per kind of input."""
    named = set()
    for i in np.flatnonzero(np.isfinite(trace.input_times)):
        kind = "pulse" if trace.is_pulse[i] else "input neuron"
        ax.plot(trace.t, trace.contributions[i], linewidth=0.6, alpha=0.6, gid="contribution",
                color="tab:orange" if trace.is_pulse[i] else "tab:blue",
                label=None if kind in named else f"{kind} terms")
        named.add(kind)


def reconstructions(model: Any, images: Any, labels: Optional[Sequence[int]] = None, *,
                    columns: int = 8, figure: Any = None, noise_factor: Optional[float] = None,
                    seed: Optional[int] = None) -> Any:
    """Images over their reconstructions, each pair titled with its label and loss.

    Each image is a pair of panels: the image (titled "#i", plus "label y" when
    labels are given) and below it its reconstruction (titled with the image's
    loss, as Model.loss(..., per_example=True)). Pairs fill rows of ``columns``.

    Args:
        model: a spikeae.Model.
        images: a batch of images (see the module help).
        labels: one label per image, or None.
        columns: pairs per row.
        figure: the Figure (or SubFigure) to draw into (default: a new one).
        noise_factor, seed: the input noise, as Model.loss (image i gets the noise
            of index i in the set).

    Returns:
        the Figure.
    """
    batch = as_images(images)
    if len(batch) == 0:
        raise SpikeaeError("no images to show")
    if labels is not None and len(labels) != len(batch):
        raise SpikeaeError(f"got {len(labels)} labels for {len(batch)} images")
    noise = dict(noise_factor=noise_factor, seed=seed)
    losses = model.loss(batch, per_example=True, **noise)
    outputs = _pictures(model.reconstruct_images(batch, **noise).reshape(len(batch), -1),
                        batch.shape[1:])
    columns = max(1, min(int(columns), len(batch)))
    rows = math.ceil(len(batch) / columns)
    figure = figure if figure is not None else _new_figure(
        max(4.5, _TILE_INCHES * columns), 2 * _TILE_INCHES * rows + 0.4)
    grid = figure.subplots(2 * rows, columns, squeeze=False)
    for ax in grid.ravel():
        ax.set_axis_off()
    for i, (image, output) in enumerate(zip(batch, outputs)):
        row, column = 2 * (i // columns), i % columns
        top, bottom = grid[row, column], grid[row + 1, column]
        top.set_axis_on()
        bottom.set_axis_on()
        name = f"#{i}" if labels is None else f"#{i} label {int(labels[i])}"
        _show_image(top, image / 255.0, name)
        _show_image(bottom, output, f"loss {losses[i]:.4f}")
    figure.suptitle(f"images over their reconstructions (mean loss {np.mean(losses):.4f})",
                    fontsize=10)
    return figure


def _history_of(history_or_result: Any) -> List[dict]:
    history = getattr(history_or_result, "history", history_or_result)
    history = list(history or [])
    if not history:
        raise SpikeaeError("no epochs to plot: the history is empty (did training run an epoch?)")
    return history


def _best_epoch(history_or_result: Any, history: List[dict]) -> int:
    """The result's best_epoch, else the epoch of the lowest validation loss."""
    best = getattr(history_or_result, "best_epoch", 0)
    if best:
        return int(best)
    return int(min(history, key=lambda m: m["validation_loss"])["epoch"])


def learning_curves(history_or_result: Any, *, ax: Any = None) -> Any:
    """Training and validation loss per epoch (and test loss where measured), with the
    best epoch (the model kept) marked.

    Args:
        history_or_result: a FitResult (or AnnFitResult, or any object with
            ``history``) or its history: dicts with epoch, train_loss,
            validation_loss and optionally test_loss (NaN: not measured).
        ax: the Axes to draw into (default: a new Figure's).

    Returns:
        the Axes.

    Raises:
        SpikeaeError: an empty history.
    """
    history = _history_of(history_or_result)
    epochs = [int(m["epoch"]) for m in history]
    ax = _axes(ax, 6.0, 4.0)
    ax.plot(epochs, [m["train_loss"] for m in history], "o-", label="training", gid="train")
    validation = [m["validation_loss"] for m in history]
    ax.plot(epochs, validation, "s-", label="validation", gid="validation")
    tests = [m.get("test_loss", math.nan) for m in history]
    if np.isfinite(np.asarray(tests, dtype=float)).any():
        ax.plot(epochs, tests, "^-", label="test", gid="test")
    best = _best_epoch(history_or_result, history)
    ax.axvline(best, color="gray", linestyle=":", gid="best", label=f"best epoch {best}")
    ax.plot([best], [validation[epochs.index(best)]], "k*", markersize=10)
    test_loss = getattr(history_or_result, "test_loss", None)
    ax.set(xlabel="epoch", ylabel="loss (per-pixel MSE)", title="learning curves" + (
        f": test loss {test_loss:.4f}" if test_loss is not None else ""))
    ax.set_xticks(epochs if len(epochs) <= 20 else ax.get_xticks())
    ax.legend(fontsize=8)
    return ax


def interpolate_embeddings(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` spike-time vectors from a to b, (steps, d), by linear interpolation.

    A neuron that never fires takes the time 1 + the latest spike of a and b, so that
    "never" stays later than any spike and a step between a firing and a silent
    neuron fires late.
    """
    both = np.stack([a, b])
    finite = both[np.isfinite(both)]
    never = 1.0 + (float(finite.max()) if finite.size else 0.0)
    both = np.where(np.isinf(both), never, both)
    weights = np.linspace(0.0, 1.0, int(steps))[:, None]
    return (1.0 - weights) * both[0] + weights * both[1]


def interpolation(model: Any, image_a: Any, image_b: Any, steps: int = 8, *,
                  figure: Any = None, noise_factor: Optional[float] = None,
                  seed: Optional[int] = None) -> Any:
    """Decoded linear interpolations between two images' embeddings.

    The embedding (Model.encode) of each image is interpolated in ``steps`` equal
    steps (interpolate_embeddings) and each step decoded (Model.decode_images). The
    row shows image A, the ``steps`` decoded pictures (titled by the weight of B),
    and image B.

    Args:
        model: a spikeae.Model.
        image_a, image_b: one image each (see the module help), of the same size.
        steps: interpolation points, the two ends included (at least 2).
        figure: the Figure (or SubFigure) to draw into (default: a new one).
        noise_factor, seed: the input noise, as Model.encode.

    Returns:
        the Figure.
    """
    if int(steps) < 2:
        raise SpikeaeError(f"steps must be at least 2 (the two ends), got {steps}")
    a, b = _one_image(image_a, "image_a"), _one_image(image_b, "image_b")
    if a.shape != b.shape:
        raise SpikeaeError(f"image_a is {a.shape} but image_b is {b.shape}")
    hidden = model.encode(np.stack([a, b]), noise_factor=noise_factor, seed=seed)
    path = interpolate_embeddings(hidden[0], hidden[1], steps)
    decoded = _pictures(model.decode_images(path), a.shape)
    figure = figure if figure is not None else _new_figure(max(4.5, _TILE_INCHES * (steps + 2)), 1.9)
    panels = figure.subplots(1, int(steps) + 2, squeeze=False)[0]
    _show_image(panels[0], a / 255.0, "image A")
    for panel, picture, weight in zip(panels[1:-1], decoded, np.linspace(0.0, 1.0, int(steps))):
        _show_image(panel, picture, f"B weight {weight:.2f}")
    _show_image(panels[-1], b / 255.0, "image B")
    figure.suptitle("decoded interpolation between the embeddings of A and B", fontsize=10)
    return figure
