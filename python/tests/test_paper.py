"""The paper-reproduction package: grid, embeddings analyses, report, figures, and the
quick scale end to end on the real data sets (skipped without them)."""

import csv
import json
import os
import struct
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import spikeae
from conftest import require_dataset
from spikeae.paper import embeddings, figures_models, figures_results, grid, report, runner


def png_size(path):
    """(width, height) of a PNG file, checking its signature and header chunk."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_grid_sizes_and_unique_folders():
    standard = grid.conditions(grid.SCALES["standard"])
    kinds = [c.kind for c in standard]
    # per data set: 5 pixel SVMs, 5 x 2 x 3 spiking nets, 5 x 3 ANNs; MNIST adds 5 x 5
    # inverted-image ANNs (Figure 11).
    assert kinds.count("pixels") == 10 and kinds.count("snn") == 60
    assert kinds.count("ann") == 30 + 25
    full = grid.conditions(grid.SCALES["full"])
    assert sum(c.kind == "snn" for c in full) == 150
    for conditions in (standard, full):
        folders = [c.folder for c in conditions]
        assert len(set(folders)) == len(folders)


def test_no_spike_value_is_later_than_every_spike_and_finite():
    times = np.array([[0.2, np.inf], [1.5, 0.7]])
    value = embeddings.no_spike_value(times)
    assert value == pytest.approx(2.5)
    features = embeddings.as_features(times, value)
    assert np.all(np.isfinite(features)) and features[0, 1] == pytest.approx(2.5)
    assert embeddings.no_spike_value(np.full((2, 2), np.inf)) == 1.0


def test_svm_accuracy_on_separable_spike_codes():
    rng = np.random.default_rng(0)
    labels = np.tile([0, 1, 2], 100)
    times = rng.normal(0.5, 0.05, (300, 4))
    times[labels == 1, 0] = np.inf  # class 1: neuron 0 never fires
    times[labels == 2, 1] += 0.4
    assert embeddings.svm_accuracy(times, labels) > 0.95
    shuffled = rng.permutation(labels)
    assert embeddings.svm_accuracy(times, shuffled) < 0.6


def test_interpolation_hits_the_corners_and_is_convex():
    corners = np.array([[0.0, 1.0], [1.0, np.inf], [2.0, 0.5], [3.0, 0.0]])
    grid_points = embeddings.interpolate(corners, 5, 4.0)
    assert grid_points.shape == (5, 5, 2)
    np.testing.assert_allclose(grid_points[0, 0], [0.0, 1.0])
    np.testing.assert_allclose(grid_points[0, -1], [1.0, 4.0])  # never fired -> 4.0
    np.testing.assert_allclose(grid_points[-1, -1], [3.0, 0.0])
    weights = embeddings.interpolation_weights(5)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    assert weights.min() >= 0


def test_tsne_lays_out_clusters_and_refuses_identical_embeddings():
    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1], 40)
    points = rng.normal(0, 0.05, (80, 6)) + labels[:, None]
    layout = embeddings.tsne(points)
    assert layout.shape == (80, 2)
    centre = [layout[labels == k].mean(axis=0) for k in (0, 1)]
    spread = max(layout[labels == k].std(axis=0).max() for k in (0, 1))
    assert np.linalg.norm(centre[0] - centre[1]) > 2 * spread
    assert embeddings.tsne(np.full((50, 4), np.inf)) is None


def synthetic_records():
    """Records shaped like result.json files, with made-up numbers."""
    records = []
    for dataset in ("mnist", "fashion-mnist"):
        for noise in (0.0, 0.4, 0.8):
            records.append(dict(kind="pixels", dataset=dataset, noise=noise, latency=0.0,
                                hidden=0, encoder="", decoder="", inverted=True,
                                svm_accuracy=0.9 - noise / 2, svm_images=[100, 100],
                                mean_image_loss=0.0671))
            for hidden in (8, 32):
                for latency in (1.0, 16.0):
                    records.append(dict(kind="snn", dataset=dataset, noise=noise,
                                        latency=latency, hidden=hidden, encoder="", decoder="",
                                        inverted=True, test_loss=0.02 + noise / 10 - hidden / 1e3,
                                        svm_accuracy=0.8 - noise / 3, parameters=1000))
                records.append(dict(kind="ann", dataset=dataset, noise=noise, latency=0.0,
                                    hidden=hidden, encoder="relu", decoder="sigmoid",
                                    inverted=False, test_loss=0.03 + noise / 10,
                                    svm_accuracy=0.7, parameters=900))
            records.append(dict(kind="ann", dataset=dataset, noise=noise, latency=0.0, hidden=32,
                                encoder="gaussian", decoder="gaussian", inverted=True,
                                test_loss=0.05 + noise / 10, svm_accuracy=0.6, parameters=900))
    return records


@pytest.mark.parametrize("draw", [figures_results.fig3_reconstruction_loss,
                                  figures_results.fig7_svm_accuracy,
                                  figures_results.fig11_inverted_images])
def test_result_figures_from_synthetic_records(tmp_path, draw):
    path = draw(synthetic_records(), tmp_path / "figure.png")
    width, height = png_size(path)
    assert width > 300 and height > 200
    assert not list(tmp_path.glob("*.tmp"))  # written through a temp file


def test_report_tables_hold_every_condition():
    records = synthetic_records()
    table = report.rows(records)
    text = report.csv_text(table)
    lines = text.strip().split("\n")
    assert lines[0].split(",") == list(report.COLUMNS)
    assert len(lines) == 1 + len(records)
    markdown = report.markdown_text(table, "synthetic")
    assert "## mnist: test loss" in markdown and "SNN l=16" in markdown
    assert "ANN gaussian-gaussian (inverted)" in markdown
    assert f"{0.02 + 0.4 / 10 - 8 / 1e3:.5f}" in markdown
    assert "the per-pixel mean of the test targets): 0.06710" in markdown


def test_mean_image_loss_is_the_loss_of_the_average_answer():
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(50, 4, 4)).astype(np.uint8)
    targets = spikeae.target_times(images.reshape(50, -1))
    mean = targets.mean(axis=0)
    expected = np.mean([(target - mean) ** 2 for target in targets])
    loss = runner.mean_image_loss(images)
    assert loss == pytest.approx(expected, rel=1e-12)
    # The per-pixel mean is the best constant answer: any other scores worse.
    shifted = np.mean([(target - mean - 0.05) ** 2 for target in targets])
    assert loss < shifted
    assert runner.mean_image_loss(np.zeros((5, 4, 4), np.uint8)) == 0.0  # one image: no loss


def flagged_records():
    """One data set whose mean-image loss is 0.06: a trained network, one on the
    plateau, one that has not learned the latency, an ANN, and pixel SVMs."""
    common = dict(dataset="mnist", encoder="", decoder="", inverted=True)
    return [
        dict(common, kind="pixels", noise=0.0, latency=0.0, hidden=0, svm_accuracy=0.8,
             mean_image_loss=0.06),
        dict(common, kind="snn", noise=0.0, latency=1.0, hidden=32, test_loss=0.02,
             svm_accuracy=0.85),
        dict(common, kind="snn", noise=0.8, latency=1.0, hidden=32, test_loss=0.0595,
             svm_accuracy=0.09),
        dict(common, kind="snn", noise=0.0, latency=16.0, hidden=32, test_loss=230.0,
             svm_accuracy=0.2),
        dict(common, kind="ann", noise=0.0, latency=0.0, hidden=32, encoder="relu",
             decoder="sigmoid", inverted=False, test_loss=0.053, svm_accuracy=0.7),
    ]


def test_report_flags_the_mean_image_plateau_and_chance_accuracy():
    table = report.rows(flagged_records())
    by_loss = {row["test_loss"]: row for row in table if row["kind"] != "pixels"}
    # 0.9 x 0.06 = 0.054: 0.053 is (just) clearly below, 0.0595 is not, 230 far above.
    assert [by_loss[loss]["plateau"] for loss in (0.02, 0.053, 0.0595, 230.0)] == [
        False, False, True, True]
    assert all(row["mean_image_loss"] == 0.06 for row in table)
    pixels = next(row for row in table if row["kind"] == "pixels")
    assert pixels["plateau"] is None  # no network, nothing to flag
    assert [row["svm_chance"] for row in table if row["kind"] == "snn"] == [False, True, False]

    header, *lines = report.csv_text(table).strip().split("\n")
    assert "plateau" in header.split(",") and "svm_chance" in header.split(",")
    plateau_column = header.split(",").index("plateau")
    assert sorted(line.split(",")[plateau_column] for line in lines) == [
        "", "False", "False", "True", "True"]

    markdown = report.markdown_text(table, "synthetic")
    assert "| 32 | 0.8 | 0.05950 (plateau) | – | – |" in markdown
    assert "| 32 | 0 | 0.02000 | 230.00000 (plateau) | 0.05300 |" in markdown
    assert "0.090 (chance)" in markdown and "0.850 (chance)" not in markdown
    assert "2 of 4 trained networks did not clearly leave the mean-image plateau" in markdown
    assert "more epochs" in markdown and "learning rate" in markdown
    assert "1 of 5 SVM accuracies are at chance level" in markdown


def test_report_prefers_the_given_mean_image_loss_and_is_quiet_without_flags():
    records = flagged_records()
    # Against a larger reference (e.g. computed afresh) the 0.0595 network is trained.
    table = report.rows(records, {"mnist": 0.1})
    assert [row["plateau"] for row in table if row["kind"] == "snn"] == [False, False, True]
    trained = [r for r in records if r.get("test_loss", 0) < 0.03]
    markdown = report.markdown_text(report.rows(trained, {"mnist": 0.1}), "synthetic")
    assert "(plateau) |" not in markdown and "(chance) |" not in markdown  # no marked cell
    assert "did not clearly leave" not in markdown and "at chance level" not in markdown


def test_progress_line_spells_out_the_flags():
    stuck = runner.summary({"test_loss": 177.15, "svm_accuracy": 0.09}, 0.0624)
    assert "177.15000 (plateau: not clearly below the mean-image loss 0.06240)" in stuck
    assert "SVM accuracy 0.090 (chance level)" in stuck
    trained = runner.summary({"test_loss": 0.02, "svm_accuracy": 0.8}, 0.0624)
    assert trained == "test loss 0.02000, SVM accuracy 0.800"


def test_a_folder_refuses_another_scale(tmp_path):
    options = runner.RunOptions(print=lambda _: None)
    runner.check_scale(tmp_path, grid.SCALES["quick"], options)
    runner.check_scale(tmp_path, grid.SCALES["quick"], options)  # the same: fine
    with pytest.raises(spikeae.SpikeaeError, match="another scale"):
        runner.check_scale(tmp_path, grid.SCALES["standard"], options)


@pytest.fixture(scope="module")
def datasets_available():
    for name in grid.DATASETS:
        require_dataset(name)


EXPECTED_FIGURES = ["fig3_reconstruction_loss", "fig4_reconstructions_mnist",
                    "fig4_reconstructions_fashion-mnist", "fig5_tsne_mnist",
                    "fig5_tsne_fashion-mnist", "fig6_interpolation", "fig7_svm_accuracy",
                    "fig8_spike_times", "fig9_membrane_potential", "fig10_weights",
                    "fig11_inverted_images"]


def run_paper(*args):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "spikeae.paper", *args], capture_output=True,
                          text=True, timeout=1200, env=env)


def test_quick_scale_end_to_end(tmp_path, datasets_available):
    out = tmp_path / "quick"
    first = run_paper("--scale", "quick", "--out", str(out), "--threads", "2")
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    conditions = grid.conditions(grid.SCALES["quick"])
    records = runner.load_results(out)
    assert len(records) == len(conditions)
    for record in records:
        if record["kind"] != "pixels":
            assert record["test_loss"] is not None and np.isfinite(record["test_loss"])
            assert (out / grid.Condition(**{k: record[k] for k in (
                "kind", "dataset", "noise", "latency", "hidden", "encoder", "decoder",
                "inverted")}).folder / "embeddings.npy").exists()
        assert 0.0 <= record["svm_accuracy"] <= 1.0
    clean = [r for r in records if r["kind"] == "pixels" and r["noise"] == 0.0]
    assert all(r["svm_accuracy"] > 0.6 for r in clean)  # far above chance (0.1)
    csv_lines = (out / "results.csv").read_text().strip().split("\n")
    assert len(csv_lines) == 1 + len(conditions)
    # Every trained network is judged against its data set's mean-image loss.
    table = list(csv.DictReader(csv_lines))
    test_images = spikeae.load_dataset("mnist").test_images[:grid.SCALES["quick"].test_size]
    mnist_loss = runner.mean_image_loss(test_images)
    for row in table:
        assert row["plateau"] in (("",) if row["kind"] == "pixels" else ("True", "False"))
        if row["dataset"] == "mnist":
            assert float(row["mean_image_loss"]) == pytest.approx(mnist_loss)
        if row["kind"] != "pixels":
            stuck = float(row["test_loss"]) > 0.9 * float(row["mean_image_loss"])
            assert row["plateau"] == str(stuck)
    for name in EXPECTED_FIGURES:
        width, height = png_size(out / "figures" / f"{name}.png")
        assert width > 300 and height > 200, name
    assert f"[{len(conditions)}/{len(conditions)}]" in first.stdout

    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("result.json")}
    second = run_paper("run", "--scale", "quick", "--out", str(out))
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"{len(conditions)} already done, 0 to run" in second.stdout
    assert stamps == {p: p.stat().st_mtime_ns for p in out.rglob("result.json")}

    other = run_paper("run", "--scale", "standard", "--out", str(out))
    assert other.returncode == 2 and "another scale" in other.stderr


def synthetic_results(out):
    """A results folder of the quick scale's MNIST spiking conditions, holding untrained
    models and random embeddings, with synthetic 28x28 digits as the data set."""
    from spikeae.paper import figures

    scale = grid.SCALES["quick"]
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, size=(60, 28, 28)).astype(np.uint8)
    images[:, 10:18, 10:18] = 255  # every image has ink in the centre (Figure 9)
    labels = np.arange(60, dtype=np.uint8) % 10
    data = spikeae.Data(images, labels, images, labels)
    records = []
    for condition in grid.conditions(scale, ["mnist"]):
        if condition.kind != "snn":
            continue
        folder = out / condition.folder
        folder.mkdir(parents=True)
        spikeae.Model(n_hidden=condition.hidden, n_pulses=3, latency_ae=condition.latency,
                      seed=condition.hidden).save(folder / "model.spikeae")
        times = rng.uniform(0, 2, size=(60, condition.hidden))
        times[rng.random(times.shape) < 0.2] = np.inf
        np.save(folder / "embeddings.npy", times)
        np.save(folder / "embedding_labels.npy", labels)
        record = dict(vars(condition), test_loss=0.05, svm_accuracy=0.5)
        (folder / "result.json").write_text(json.dumps(record))
        records.append(record)
    return figures.Results(out, records, scale, lambda name: data)


def test_model_figures_from_synthetic_models(tmp_path):
    from spikeae.paper import figures

    results = synthetic_results(tmp_path)
    written = figures.draw(results, ["fig4", "fig5", "fig6", "fig8", "fig9", "fig10"],
                           report=lambda _: None)
    names = sorted(path.name for path in written)
    assert names == sorted(["fig4_reconstructions_mnist.png", "fig5_tsne_mnist.png",
                            "fig6_interpolation.png", "fig8_spike_times.png",
                            "fig9_membrane_potential.png", "fig10_weights.png"])
    for path in written:
        width, height = png_size(path)
        assert width > 300 and height > 200, path.name
    with pytest.raises(ValueError, match="unknown figure"):
        figures.draw(results, ["fig12"])



def legends_of(figure):
    return list(figure.legends) + [axis.get_legend() for axis in figure.axes
                                   if axis.get_legend() is not None]


def assert_legends_readable_and_clear(figure):
    """Every legend's text is at least 9 pt and the legend lies outside every panel."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legends = legends_of(figure)
    assert legends, "the figure has no legend"
    for legend in legends:
        assert min(text.get_fontsize() for text in legend.get_texts()) >= 9
        box = legend.get_window_extent(renderer)
        for axis in figure.axes:
            assert not box.overlaps(axis.get_window_extent(renderer)), legend
    plt.close(figure)


def test_fig3_has_a_log_loss_axis_and_a_marker_per_model():
    figure = figures_results.fig3_figure(synthetic_records())
    panels = [axis for axis in figure.axes if axis.get_title()]
    assert len(panels) == 2 and all(axis.get_yscale() == "log" for axis in panels)
    markers = {}
    for line in panels[0].get_lines():
        model = line.get_label().split(",")[0]  # "SNN l=1", "SNN l=16", "ANN"
        markers.setdefault(model, set()).add(line.get_marker())
    models = ["SNN l=1", "SNN l=16", "ANN"]
    assert set(markers) >= set(models)
    assert all(len(markers[model]) == 1 for model in models)  # one marker per model
    assert len({next(iter(markers[model])) for model in models}) == 3  # all different
    legend_labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "SNN l=16, h=32" in legend_labels and "mean image" in legend_labels
    # The synthetic losses span less than a decade: in-between ticks must be labelled.
    figure.canvas.draw()
    for axis in panels:
        low, high = axis.get_ylim()
        labelled = [tick for tick in axis.yaxis.get_majorticklabels() +
                    axis.yaxis.get_minorticklabels()
                    if tick.get_text() and low <= tick.get_position()[1] <= high]
        assert len(labelled) >= 3, [tick.get_text() for tick in labelled]
    assert_legends_readable_and_clear(figure)


def test_fig7_legend_is_readable_and_outside_the_panels():
    figure = figures_results.fig7_figure(synthetic_records())
    legend_labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "noisy pixels" in legend_labels and "chance (1/10)" in legend_labels
    assert_legends_readable_and_clear(figure)


def test_fig11_legend_is_readable_and_outside_the_panel():
    assert_legends_readable_and_clear(figures_results.fig11_figure(synthetic_records()))


def test_fig5_names_every_row_and_column_and_fits_its_empty_panel_text(tmp_path):
    results = synthetic_results(tmp_path)
    silent = tmp_path / grid.Condition("snn", "mnist", 0.0, 1.0, 8).folder / "embeddings.npy"
    np.save(silent, np.full((60, 8), np.inf))  # the top-left panel: no hidden spikes
    figure = figures_models.fig5_figure(results, "mnist")
    scale = grid.SCALES["quick"]
    panels = np.array(figure.axes[:len(scale.hiddens) * len(scale.noises)]).reshape(
        len(scale.hiddens), len(scale.noises))
    assert [axis.get_title() for axis in panels[0]] == [f"η = {n:g}" for n in scale.noises]
    assert [axis.get_ylabel() for axis in panels[:, 0]] == [f"h = {h}" for h in scale.hiddens]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    corner = panels[0][0]
    texts = [text for text in corner.texts if "no hidden spikes" in text.get_text()]
    assert len(texts) == 1
    inner, outer = texts[0].get_window_extent(renderer), corner.get_window_extent(renderer)
    assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1  # the text fits the panel
    assert outer.y0 <= inner.y0 and inner.y1 <= outer.y1
    plt.close(figure)


def test_fig8_and_fig9_legends_are_readable_and_outside_the_panels(tmp_path):
    results = synthetic_results(tmp_path)
    assert_legends_readable_and_clear(figures_models.fig8_figure(results, images=20))
    assert_legends_readable_and_clear(figures_models.fig9_figure(results))
    assert figures_models._spike_share(0.001) == "<1%"
    assert figures_models._spike_share(0.0) == "0%" and figures_models._spike_share(0.5) == "50%"


def test_condition_filters_select_a_subset_of_the_scale():
    from spikeae.paper import __main__ as cli

    def todo(*argv):
        return cli._todo(cli.parse(["run", "--scale", "full", "--out", "x", *argv]),
                         grid.SCALES["full"])

    chosen = todo("--datasets", "mnist", "--kinds", "snn", "--noises", "0",
                  "--latencies", "1,16", "--hiddens", "32")
    assert [(c.noise, c.latency, c.hidden) for c in chosen] == [(0.0, 1.0, 32), (0.0, 16.0, 32)]
    # Latencies select spiking networks only; hidden sizes every network, not the pixel SVM.
    mixed = todo("--datasets", "mnist", "--noises", "0.4", "--latencies", "1", "--hiddens", "8")
    assert {c.kind for c in mixed} == {"pixels", "snn", "ann"}
    assert all(c.noise == 0.4 for c in mixed)
    assert all(c.hidden == 8 for c in mixed if c.kind != "pixels")
    assert len(todo()) == len(grid.conditions(grid.SCALES["full"]))
    with pytest.raises(spikeae.SpikeaeError, match="invalid latency '3'"):
        todo("--latencies", "3")
