"""What every figure shares: matplotlib set up for files, atomic PNG writing, and
picking conditions out of the results."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List

import matplotlib

matplotlib.use("Agg")  # figures go to files; no display needed
import matplotlib.pyplot as plt  # noqa: E402

from .. import _core  # noqa: E402

HIDDEN_COLOURS = {8: "tab:blue", 16: "tab:orange", 32: "tab:green"}
# Legend text size of every figure: smaller text is hard to read in the saved PNGs.
LEGEND_FONTSIZE = 9
DATASET_TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}


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


def legend_below(figure: Any, axis: Any, rows: int) -> Any:
    """One legend for all panels, under them, so that it covers no line.

    The entries are taken from ``axis`` (every panel draws the same series) and fill
    the legend column by column, ``rows`` to a column.
    """
    handles, labels = axis.get_legend_handles_labels()
    columns = max(1, math.ceil(len(handles) / max(1, rows)))
    return figure.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                         ncol=columns, fontsize=LEGEND_FONTSIZE, frameon=False)


def legend_under(axis: Any, columns: int) -> Any:
    """The panel's legend under its x-axis label, so that it covers none of its lines."""
    return axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=columns,
                       fontsize=LEGEND_FONTSIZE, frameon=False)


def select(records: Iterable[Dict[str, Any]], **match: Any) -> List[Dict[str, Any]]:
    """Records whose fields equal every keyword (floats compared as numbers)."""
    return [r for r in records if all(r.get(key) == value for key, value in match.items())]


def by_noise(records: Iterable[Dict[str, Any]], value: str):
    """(noises, values) of records sorted by noise, leaving out missing values."""
    pairs = sorted((r["noise"], r[value]) for r in records if r.get(value) is not None)
    return [p[0] for p in pairs], [p[1] for p in pairs]


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
