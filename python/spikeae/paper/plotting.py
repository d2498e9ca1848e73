"""What every figure shares: matplotlib set up for files, atomic PNG writing,
picking conditions out of the results, and drawing another scale's results faded
behind a figure's own."""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import matplotlib

matplotlib.use("Agg")  # figures go to files; no display needed
import matplotlib.pyplot as plt  # noqa: E402

from .. import _core  # noqa: E402

HIDDEN_COLOURS = {8: "tab:blue", 16: "tab:orange", 32: "tab:green"}
# Legend text size of every figure: smaller text is hard to read in the saved PNGs.
LEGEND_FONTSIZE = 9
DATASET_TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
# A comparison's series lie behind the figure's own, faded and thinner, so that the
# figure's own points stand out and a series it lacks still shows, as the other
# scale's. The faded artists carry this gid, which keeps them out of the legends.
FADED_ALPHA = 0.35
FADED_WIDTH = 0.5  # a faded line's width and marker size, as a fraction of the solid one's
COMPARISON_GID = "comparison"


@dataclass(frozen=True)
class Comparison:
    """Another scale's records, drawn faded behind a figure's own records."""

    records: List[Dict[str, Any]]
    label: str  # what the faded series are, e.g. "standard scale"
    main_label: str  # what the figure's own series are, e.g. "full scale"


def colour(hidden: int) -> str:
    return HIDDEN_COLOURS.get(hidden, "tab:gray")


def title(dataset: str) -> str:
    return DATASET_TITLES.get(dataset, dataset)


def save(figure: Any, path: Path) -> Path:
    """Writes a PNG atomically (the library's temp file and rename), then closes the figure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    finally:
        plt.close(figure)
    _core.write_file_atomically(os.fspath(path), buffer.getvalue())
    return path


def faded(style: Dict[str, Any]) -> Dict[str, Any]:
    """A series style turned into its comparison's: faded, thinner, behind the solid lines."""
    width = style.get("linewidth", plt.rcParams["lines.linewidth"])
    size = style.get("markersize", plt.rcParams["lines.markersize"])
    return {**style, "alpha": FADED_ALPHA, "linewidth": width * FADED_WIDTH,
            "markersize": size * FADED_WIDTH, "zorder": 1.5, "gid": COMPARISON_GID}


def _key(compare: Optional[Comparison]) -> List[tuple]:
    """Legend entries that say which lines are which scale's: solid and faded grey
    (none without a comparison)."""
    if compare is None:
        return []
    solid = plt.Line2D([], [], color="dimgray", linewidth=1.5)
    behind = plt.Line2D([], [], **faded({"color": "dimgray", "linewidth": 1.5}))
    return [(solid, f"{compare.main_label} (solid)"), (behind, f"{compare.label} (faded)")]


def _series_entries(axis: Any) -> List[tuple]:
    """(handle, label) of the panel's series without the faded ones: the solid entry
    of a series stands for both."""
    return [(handle, label) for handle, label in zip(*axis.get_legend_handles_labels())
            if handle.get_gid() != COMPARISON_GID]


def _blank_entries(count: int, key: int, rows: int) -> List[tuple]:
    """Empty entries that move the key to the top of a new legend column when it
    would otherwise be split between two columns of ``rows`` entries."""
    used = count % rows
    if key == 0 or used == 0 or used + key <= rows:
        return []
    return [(plt.Line2D([], [], linestyle="none"), "")] * (rows - used)


def _handles_and_labels(entries: List[tuple]) -> tuple:
    """(handles, labels) lists for legend(), empty lists when there are no entries
    (legend() without them would collect every labelled artist, faded ones too)."""
    return [handle for handle, _ in entries], [label for _, label in entries]


def legend_below(figure: Any, axis: Any, rows: int, compare: Optional[Comparison] = None) -> Any:
    """One legend for all panels, under them, so that it covers no line.

    The entries are taken from ``axis`` (every panel draws the same series) and fill
    the legend column by column, ``rows`` to a column; with a comparison, the key to
    solid and faded lines comes last, in one column.
    """
    rows = max(1, rows)
    series, key = _series_entries(axis), _key(compare)
    entries = series + _blank_entries(len(series), len(key), rows) + key
    columns = max(1, math.ceil(len(entries) / rows))
    return figure.legend(*_handles_and_labels(entries), loc="upper center",
                         bbox_to_anchor=(0.5, 0.0), ncol=columns, fontsize=LEGEND_FONTSIZE, frameon=False)


def legend_under(axis: Any, columns: int, compare: Optional[Comparison] = None) -> Any:
    """The panel's legend under its x-axis label, so that it covers none of its lines."""
    entries = _series_entries(axis) + _key(compare)
    return axis.legend(*_handles_and_labels(entries), loc="upper center",
                       bbox_to_anchor=(0.5, -0.16), ncol=columns, fontsize=LEGEND_FONTSIZE, frameon=False)


def select(records: Iterable[Dict[str, Any]], **match: Any) -> List[Dict[str, Any]]:
    """Records whose fields equal every keyword (floats compared as numbers)."""
    return [r for r in records if all(r.get(key) == value for key, value in match.items())]


def by_noise(records: Iterable[Dict[str, Any]], value: str):
    """(noises, values) of records sorted by noise, leaving out missing values."""
    pairs = sorted((r["noise"], r[value]) for r in records if r.get(value) is not None)
    return [p[0] for p in pairs], [p[1] for p in pairs]


def plot_by_noise(axis: Any, records: List[Dict[str, Any]], match: Dict[str, Any], value: str,
                  label: str, style: Dict[str, Any], compare: Optional[Comparison] = None) -> None:
    """One series against noise: the records' own points, solid (an empty line where
    there are none, so that the legend still shows the series), and the comparison's
    points of the same series faded behind them."""
    axis.plot(*by_noise(select(records, **match), value), label=label, **style)
    if compare is None:
        return
    found = select(compare.records, **match)
    if found:
        axis.plot(*by_noise(found, value), label=f"{label} ({compare.label})", **faded(style))


def plot_level(axis: Any, level: Optional[float], compare_level: Optional[float], label: str,
               style: Dict[str, Any], compare: Optional[Comparison] = None) -> None:
    """A horizontal reference line (e.g. the mean-image loss): solid where the records
    give it, faded where the comparison does; where only the comparison gives it, an
    empty solid line keeps its legend entry."""
    if level is not None:
        axis.axhline(level, label=label, **style)
    elif compare is not None and compare_level is not None:
        axis.plot([], [], label=label, **style)
    if compare is not None and compare_level is not None:
        axis.axhline(compare_level, label=f"{label} ({compare.label})", **faded(style))


def datasets_in(records: Iterable[Dict[str, Any]]) -> List[str]:
    order = list(DATASET_TITLES)
    found = {r["dataset"] for r in records}
    return sorted(found, key=lambda d: (order.index(d) if d in order else len(order), d))


def no_data(axis: Any, text: str = "no results for this panel", fontsize: float = 10) -> Any:
    """Says in the middle of a panel why it is empty; returns the text."""
    return axis.text(0.5, 0.5, text, ha="center", va="center", transform=axis.transAxes,
                     color="gray", fontsize=fontsize)


def snn_latencies(records: Iterable[Dict[str, Any]]) -> List[float]:
    """The latencies of the spiking conditions in the records, ascending."""
    return sorted({r["latency"] for r in records if r["kind"] == "snn"})


def shortest_and_longest(latencies: List[float]) -> List[float]:
    """The latencies a short-vs-long figure compares (one if only one was run)."""
    return latencies[:1] + latencies[-1:] if len(latencies) > 1 else latencies
