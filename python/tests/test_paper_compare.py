"""Figures 3, 7 and 11 with another scale's results drawn faded behind a folder's own
(``python3 -m spikeae.paper figures --compare``), and the figures that need models
when the folder holds only part of the grid."""

import json

import matplotlib.pyplot as plt
import pytest

import spikeae
from spikeae.paper import __main__ as cli
from spikeae.paper import figures, figures_models, figures_results, grid, report, runner
from spikeae.paper.plotting import COMPARISON_GID, FADED_ALPHA, Comparison
from test_paper import (assert_legends_readable_and_clear, png_size, run_paper,
                        synthetic_records, synthetic_results)

FIGURES = [figures_results.fig3_figure, figures_results.fig7_figure,
           lambda records, compare=None: figures_results.fig11_figure(records, compare=compare)]


def full_subset(records):
    """What a partly run full scale might hold: MNIST's h = 32 spiking networks at
    latency 1 and its gaussian-gaussian inverted ANN, with losses of their own."""
    chosen = [dict(r) for r in records if r["dataset"] == "mnist" and r["hidden"] == 32
              and (r["kind"] == "snn" and r["latency"] == 1.0 or r["encoder"] == "gaussian")]
    for record in chosen:
        record["test_loss"] /= 2
        record["svm_accuracy"] = 0.95
    return chosen


def standard_behind_full():
    standard = synthetic_records()
    return full_subset(standard), Comparison(standard, "standard scale", "full scale")


def faded_lines(figure):
    return [line for axis in figure.axes for line in axis.get_lines()
            if line.get_gid() == COMPARISON_GID]


def solid_lines(axis):
    return {line.get_label(): line for line in axis.get_lines()
            if line.get_gid() != COMPARISON_GID}


def points(line):
    return list(zip(line.get_xdata(), line.get_ydata()))


def mnist_axis(figure):
    return next(axis for axis in figure.axes if axis.get_title().startswith("MNIST"))


@pytest.mark.parametrize("draw", FIGURES)
def test_comparison_series_are_faded_thinner_behind_and_labelled(draw):
    full, compare = standard_behind_full()
    figure = draw(full, compare=compare)
    solid = solid_lines(mnist_axis(figure))
    faded = [line for line in mnist_axis(figure).get_lines() if line.get_gid() == COMPARISON_GID]
    assert faded
    for line in faded:
        assert line.get_label().endswith(" (standard scale)")
        partner = solid[line.get_label()[:-len(" (standard scale)")]]
        assert line.get_alpha() == FADED_ALPHA and partner.get_alpha() in (None, 1)
        assert line.get_linewidth() < partner.get_linewidth()
        assert line.get_zorder() < partner.get_zorder()
        assert line.get_color() == partner.get_color()
    # A series both scales hold: the solid line has the full scale's points, the faded
    # one the standard scale's.
    label = "SNN l=1, h=32" if draw is not FIGURES[2] else "snn l=1"
    value = "svm_accuracy" if draw is figures_results.fig7_figure else "test_loss"
    standard_points = sorted((r["noise"], r[value]) for r in compare.records
                             if r["dataset"] == "mnist" and r["kind"] == "snn"
                             and r["hidden"] == 32 and r["latency"] == 1.0)
    assert points(solid[label]) == sorted((r["noise"], r[value]) for r in full
                                          if r["kind"] == "snn")
    faded_by_label = {line.get_label(): line for line in faded}
    assert points(faded_by_label[f"{label} (standard scale)"]) == standard_points
    plt.close(figure)


@pytest.mark.parametrize("draw", FIGURES)
def test_the_legend_keys_solid_and_faded_without_repeating_the_series(draw):
    full, compare = standard_behind_full()
    figure = draw(full, compare=compare)
    legend = (figure.legends or [axis.get_legend() for axis in figure.axes
                                 if axis.get_legend()])[0]
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels[-2:] == ["full scale (solid)", "standard scale (faded)"]
    assert not [label for label in labels if label.endswith(" (standard scale)")]
    assert len(labels) == len(set(labels))
    assert_legends_readable_and_clear(figure)


@pytest.mark.parametrize("draw, rows", [(figures_results.fig3_figure, 3),
                                        (figures_results.fig7_figure, 2)])
def test_the_key_to_solid_and_faded_lies_in_one_legend_column(draw, rows):
    full, compare = standard_behind_full()
    figure = draw(full, compare=compare)
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    first = labels.index("full scale (solid)")
    assert first // rows == (first + 1) // rows, labels  # filled column by column
    plt.close(figure)


def test_a_series_the_full_scale_lacks_shows_only_faded():
    full, compare = standard_behind_full()
    figure = figures_results.fig3_figure(full, compare)
    axis = mnist_axis(figure)
    solid = solid_lines(axis)
    faded = {line.get_label(): line for line in axis.get_lines()
             if line.get_gid() == COMPARISON_GID}
    for label in ("SNN l=1, h=8", "SNN l=16, h=32", "ANN, h=8", "mean image"):
        assert points(solid[label]) == [], label  # kept, empty, for the legend
        assert len(points(faded[f"{label} (standard scale)"])) >= 1, label
    # Fashion-MNIST: no full-scale records at all, so only faded series, and the
    # panel's title says so.
    fashion = next(a for a in figure.axes if a.get_title().startswith("Fashion-MNIST"))
    assert fashion.get_title().endswith("(standard scale only)")
    assert all(points(line) == [] for line in solid_lines(fashion).values())
    assert len([line for line in fashion.get_lines() if line.get_gid() == COMPARISON_GID]) == 7
    assert not mnist_axis(figure).get_title().endswith("only)")
    plt.close(figure)


@pytest.mark.parametrize("draw", FIGURES)
def test_without_a_comparison_nothing_is_faded(draw):
    figure = draw(synthetic_records())
    assert faded_lines(figure) == []
    texts = [t.get_text() for legend in figure.legends + [a.get_legend() for a in figure.axes]
             if legend is not None for t in legend.get_texts()]
    assert not [text for text in texts if "scale" in text]
    plt.close(figure)


def test_a_results_csv_reads_back_as_the_records_it_was_written_from():
    records = synthetic_records()
    text = report.csv_text(report.rows(records))
    back = report.records_from_csv(text)
    assert report.csv_text(report.rows(back)) == text
    snn = next(r for r in back if r["kind"] == "snn")
    assert snn["hidden"] in (8, 32) and isinstance(snn["latency"], float)
    pixels = next(r for r in back if r["kind"] == "pixels")
    assert (pixels["hidden"], pixels["latency"], pixels["inverted"]) == (0, 0.0, True)
    assert {r["inverted"] for r in back if r["kind"] == "ann"} == {True, False}
    with pytest.raises(ValueError, match="lacks the column"):
        report.records_from_csv("dataset,kind\nmnist,snn\n", "x.csv")
    with pytest.raises(ValueError, match="x.csv, line 2"):
        report.records_from_csv(text.replace(",0.0,1.0,8,", ",zero,1.0,8,", 1), "x.csv")


def results_folder(path, scale="full", records=()):
    """A results folder holding scale.json and the given records' result.json files."""
    path.mkdir(parents=True, exist_ok=True)
    runner.check_scale(path, grid.SCALES[scale], runner.RunOptions(print=lambda _: None))
    for record in records:
        condition = grid.Condition(**{key: record[key] for key in (
            "kind", "dataset", "noise", "latency", "hidden", "encoder", "decoder", "inverted")})
        (path / condition.folder).mkdir(parents=True)
        (path / condition.folder / "result.json").write_text(json.dumps(record))
    return path


def test_comparison_scale_comes_from_scale_json_or_must_be_given(tmp_path):
    standard = results_folder(tmp_path / "standard", "standard", synthetic_records()[:4])
    assert figures.load_comparison(standard, "full").label == "standard scale"
    csv_file = tmp_path / "results.csv"
    csv_file.write_text(report.csv_text(report.rows(synthetic_records())))
    with pytest.raises(spikeae.SpikeaeError, match="--compare-scale"):
        figures.load_comparison(csv_file, "full")
    given = figures.load_comparison(csv_file, "full", "quick")
    assert (given.label, given.main_label) == ("quick scale", "full scale")
    assert len(given.records) == len(synthetic_records())


@pytest.mark.parametrize("target, message", [
    ("missing", "no such file or folder"),
    ("empty", "holds no result.json files and no results.csv"),
    ("notes.csv", "not a results table"),
])
def test_bad_compare_paths_are_refused_clearly(tmp_path, target, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.csv").write_text("name,value\na,1\n")
    with pytest.raises(spikeae.SpikeaeError, match=message):
        figures.load_comparison(tmp_path / target, "full", "standard")


def test_the_cli_draws_with_a_comparison_and_exits_non_zero_on_a_bad_one(tmp_path):
    full, _ = standard_behind_full()
    out = results_folder(tmp_path / "full", "full", full)
    standard = tmp_path / "results.csv"
    standard.write_text(report.csv_text(report.rows(synthetic_records())))
    drawn = tmp_path / "drawn"
    ok = run_paper("figures", "--out", str(out), "--only", "fig3,fig7,fig11", "--compare",
                   str(standard), "--compare-scale", "standard", "--figures-dir", str(drawn))
    assert ok.returncode == 0, ok.stderr[-2000:]
    for name in ("fig3_reconstruction_loss", "fig7_svm_accuracy", "fig11_inverted_images"):
        width, height = png_size(drawn / f"{name}.png")
        assert width > 300 and height > 200
    assert not (out / "figures").exists()  # --figures-dir: nothing written into --out

    bad = run_paper("figures", "--out", str(out), "--compare", str(tmp_path / "nowhere"))
    assert bad.returncode != 0
    assert f"error: --compare {tmp_path / 'nowhere'}: no such file or folder" in bad.stderr
    assert not (out / "figures").exists()


def test_figure_options_are_refused_outside_the_figures_step(tmp_path):
    out = str(tmp_path)
    for argv, message in ((["run", "--scale", "full", "--compare", out], "--compare applies"),
                          (["report", "--figures-dir", out], "--figures-dir applies"),
                          (["figures", "--compare-scale", "standard"], "needs --compare")):
        with pytest.raises(spikeae.SpikeaeError, match=message):
            cli.main(argv + ["--out", out])


def test_model_figures_name_the_network_a_partial_folder_lacks(tmp_path):
    results = synthetic_results(tmp_path)
    long = grid.Condition("snn", "mnist", 0.0, 16.0, 32).folder
    (tmp_path / long / "result.json").unlink()
    for figure in (figures_models.fig8_figure(results, images=20),
                   figures_models.fig9_figure(results)):
        texts = [text.get_text() for axis in figure.axes for text in axis.texts]
        assert "not in the results:\nMNIST SNN h=32, l=16, η=0" in texts
        plt.close(figure)
    short = grid.Condition("snn", "mnist", 0.8, 1.0, 32).folder
    (tmp_path / short / "result.json").unlink()
    figure_path = figures_models.fig4_reconstructions(results, "mnist", tmp_path / "fig4.png")
    assert png_size(figure_path)[0] > 300
