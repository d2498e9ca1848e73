"""spikeae.plot: each picture holds what the model computes (Agg backend, no display)."""

import math

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import spikeae  # noqa: E402
import spikeae.plot as splot  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402


def by_gid(ax, gid):
    return [line for line in ax.lines if line.get_gid() == gid]


def test_import_spikeae_does_not_need_matplotlib():
    import subprocess
    import sys

    code = ("import sys; sys.modules['matplotlib'] = None; import spikeae; "
            "spikeae.Model(input_size=4, n_hidden=2)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_raster_holds_every_spike_of_forward(model, images):
    ax = splot.raster(model, images[0])
    layers = model.forward(images[0])
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == len(layers)
    offset = 0
    for scatter, times in zip(scatters, layers):
        fired = np.flatnonzero(np.isfinite(times))
        points = scatter.get_offsets()
        np.testing.assert_array_equal(points[:, 0], times[fired])
        np.testing.assert_array_equal(points[:, 1], offset + fired)  # one row per neuron
        offset += times.size
    assert sum(len(s.get_offsets()) for s in scatters) == sum(
        int(np.isfinite(t).sum()) for t in layers)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == ["input\n(36)", "hidden\n(8)", "output\n(36)"]
    pulses = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(pulses) == model.num_connections
    for connection, marks in enumerate(pulses):
        xs = sorted(segment[0, 0] for segment in marks.get_segments())
        np.testing.assert_allclose(xs, np.sort(model.get_pulses(connection)))


def test_membrane_draws_v_threshold_spike_and_each_input(model, images):
    layer, neuron = 2, int(np.argmin(model.forward(images[0])[-1]))
    t = np.linspace(0.0, 3.0, 300)
    ax = splot.membrane(model, images[0], layer, neuron, t=t)
    trace = model.membrane_potential(images[0], layer, neuron, t)
    (v,) = by_gid(ax, "v")
    np.testing.assert_array_equal(v.get_xdata(), t)
    np.testing.assert_array_equal(v.get_ydata(), trace.v)
    (threshold,) = by_gid(ax, "threshold")
    assert threshold.get_ydata()[0] == model.fire_threshold
    assert math.isfinite(trace.spike_time)
    (spike,) = by_gid(ax, "spike")
    assert spike.get_xdata()[0] == trace.spike_time
    parts = by_gid(ax, "contribution")
    firing = np.flatnonzero(np.isfinite(trace.input_times))
    assert len(parts) == len(firing)
    for line, i in zip(parts, firing):
        np.testing.assert_array_equal(line.get_ydata(), trace.contributions[i])
    assert "fires" in ax.get_title()


def test_membrane_default_times_reach_past_the_spike(model, images):
    ax = splot.membrane(model, images[1], 2, 0, contributions=False)
    (v,) = by_gid(ax, "v")
    assert not by_gid(ax, "contribution")
    spike = model.forward(images[1])[-1][0]
    assert v.get_xdata()[0] == 0.0 and v.get_xdata()[-1] > spike


def test_reconstructions_pair_each_image_with_its_loss_and_label(model, images):
    shown, labels = images[:5], [3, 1, 4, 1, 5]
    figure = splot.reconstructions(model, shown, labels, columns=3)
    pictures = [ax for ax in figure.axes if ax.images]
    assert len(pictures) == 2 * len(shown)
    titles = [ax.get_title() for ax in pictures]
    outputs = model.reconstruct_images(shown)
    for i, image in enumerate(shown):
        assert f"#{i} label {labels[i]}" in titles
        assert f"loss {model.loss(image):.4f}" in titles  # the loss of the image alone
        original = next(ax for ax in pictures if ax.get_title() == f"#{i} label {labels[i]}")
        np.testing.assert_array_equal(original.images[0].get_array(), image / 255.0)
    below = [ax for ax in pictures if ax.get_title().startswith("loss")]
    for ax, output in zip(below, outputs):
        np.testing.assert_allclose(ax.images[0].get_array(), output)


def test_reconstructions_without_labels_and_bad_labels(model, images):
    titles = [ax.get_title() for ax in splot.reconstructions(model, images[:2]).axes]
    assert "#0" in titles and "#1" in titles
    with pytest.raises(spikeae.SpikeaeError, match="3 labels for 2 images"):
        splot.reconstructions(model, images[:2], [1, 2, 3])


@pytest.fixture(scope="module")
def result(images):
    with pytest.warns(RuntimeWarning):  # three epochs are too few to pass the mean image
        return spikeae.fit(images, train_size=48, validation_size=12, n_hidden=8, n_pulses=4,
                           epochs=3, seed=3, test_every_epoch=True, test_images=images[:10])


def test_learning_curves_plot_each_loss_per_epoch_and_the_best(result):
    ax = splot.learning_curves(result)
    history = result.history
    epochs = [m["epoch"] for m in history]
    assert epochs == [1, 2, 3]
    for gid, key in (("train", "train_loss"), ("validation", "validation_loss"),
                     ("test", "test_loss")):
        (line,) = by_gid(ax, gid)
        assert list(line.get_xdata()) == epochs
        assert list(line.get_ydata()) == [m[key] for m in history]
    (best,) = by_gid(ax, "best")
    assert best.get_xdata()[0] == result.best_epoch
    assert f"{result.test_loss:.4f}" in ax.get_title()


def test_learning_curves_take_a_history_and_refuse_an_empty_one(result):
    history = [{k: v for k, v in m.items() if k != "test_loss"} for m in result.history]
    ax = splot.learning_curves(history)
    assert not by_gid(ax, "test")
    best = min(history, key=lambda m: m["validation_loss"])["epoch"]
    assert by_gid(ax, "best")[0].get_xdata()[0] == best
    with pytest.raises(spikeae.SpikeaeError, match="no epochs"):
        splot.learning_curves([])


def test_interpolation_decodes_the_path_between_two_embeddings(model, images):
    steps = 5
    figure = splot.interpolation(model, images[0], images[1], steps)
    panels = [ax for ax in figure.axes if ax.images]
    assert len(panels) == steps + 2
    np.testing.assert_array_equal(panels[0].images[0].get_array(), images[0] / 255.0)
    np.testing.assert_array_equal(panels[-1].images[0].get_array(), images[1] / 255.0)
    a, b = model.encode(images[:2])
    path = splot.interpolate_embeddings(a, b, steps)
    finite = path[np.isfinite(path)]
    assert finite.size == path.size  # silent neurons get a time after every spike
    for weight, (row, panel) in enumerate(zip(path, panels[1:-1])):
        expected = model.decode_images(row).reshape(6, 6)
        np.testing.assert_array_equal(panel.images[0].get_array(), expected)
    assert panels[1].get_title() == "B weight 0.00" and panels[-2].get_title() == "B weight 1.00"
    with pytest.raises(spikeae.SpikeaeError, match="at least 2"):
        splot.interpolation(model, images[0], images[1], 1)


def test_interpolate_embeddings_is_linear_and_puts_never_after_every_spike():
    a = np.array([0.5, np.inf, 1.0])
    b = np.array([1.5, 1.0, np.inf])
    path = splot.interpolate_embeddings(a, b, 3)
    np.testing.assert_allclose(path, [[0.5, 2.5, 1.0], [1.0, 1.75, 1.75], [1.5, 1.0, 2.5]])


def test_plots_draw_into_given_axes(model, images):
    from matplotlib.figure import Figure

    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert splot.raster(model, images[0], ax=left) is left
    assert splot.membrane(model, images[0], 1, 0, ax=right) is right
    sub = Figure().subfigures(1, 2)
    assert splot.reconstructions(model, images[:2], figure=sub[0]) is sub[0]
    assert splot.interpolation(model, images[0], images[1], 3, figure=sub[1]) is sub[1]
