"""The results table: every condition's losses and SVM accuracy, as CSV and markdown."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from .. import _core

COLUMNS = ("dataset", "kind", "encoding", "encoder", "decoder", "noise", "latency", "hidden",
           "parameters", "test_loss", "best_validation_loss", "best_epoch", "svm_accuracy",
           "silent_hidden_fraction", "mean_image_loss", "seconds")


def _row(record: Dict[str, Any]) -> Dict[str, Any]:
    row = {key: record.get(key) for key in COLUMNS}
    row["encoding"] = "inverted" if record.get("inverted", True) else "plain"
    if record["kind"] != "snn":
        row["latency"] = None
    if record["kind"] == "pixels":
        row["hidden"] = None
    return row


def _sort_key(row: Dict[str, Any]):
    kinds = {"snn": 0, "ann": 1, "pixels": 2}
    return (row["dataset"], kinds[row["kind"]], row["encoding"], row["encoder"] or "",
            row["decoder"] or "", row["latency"] or 0, row["hidden"] or 0, row["noise"])


def rows(records: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One flat row per condition, sorted by data set, kind, then grid order."""
    return sorted((_row(record) for record in records), key=_sort_key)


def csv_text(table: List[Dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in table)
    return buffer.getvalue()


def _number(value: Optional[float], digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pivot(table: List[Dict[str, Any]], dataset: str, value: str, digits: int) -> List[str]:
    """Rows (hidden, noise) x columns (model variants) of one value."""
    wanted = [r for r in table if r["dataset"] == dataset and r[value] is not None
              and r["hidden"] is not None]
    columns: List[str] = []
    cells: Dict[tuple, Dict[str, float]] = {}
    for r in wanted:
        if r["kind"] == "snn":
            column = f"SNN l={r['latency']:g}"
        else:
            column = f"ANN {r['encoder']}-{r['decoder']} ({r['encoding']})"
        if column not in columns:
            columns.append(column)
        cells.setdefault((r["hidden"], r["noise"]), {})[column] = r[value]
    if not cells:
        return []
    lines = ["| h | noise | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for (hidden, noise), row in sorted(cells.items()):
        values = " | ".join(_number(row.get(c), digits) for c in columns)
        lines.append(f"| {hidden} | {noise:g} | {values} |")
    return lines


def _pixel_lines(table: List[Dict[str, Any]], dataset: str) -> List[str]:
    pixels = [r for r in table if r["dataset"] == dataset and r["kind"] == "pixels"]
    if not pixels:
        return []
    return (["| noise | SVM accuracy on pixels |", "|---|---|"]
            + [f"| {r['noise']:g} | {_number(r['svm_accuracy'], 3)} |" for r in pixels]
            + ["", "Test loss of always answering the mean training image: "
               f"{_number(pixels[0].get('mean_image_loss'), 5)} (a network at this value has "
               "learned nothing of its input)."])


def markdown_text(table: List[Dict[str, Any]], scale_description: str) -> str:
    lines = ["# Reproduction results", "", scale_description, "",
             "Test loss: per-pixel mean squared error against the clean image (spike-time "
             "units; the ANN's outputs are in the same units). SVM accuracy: RBF-kernel SVM "
             "on the embeddings of the first half of the embedded test images, scored on "
             "the second half.", ""]
    for dataset in sorted({r["dataset"] for r in table}):
        for title, value, digits in (("test loss", "test_loss", 5),
                                     ("SVM accuracy on embeddings", "svm_accuracy", 3)):
            pivot = _pivot(table, dataset, value, digits)
            if pivot:
                lines += [f"## {dataset}: {title}", ""] + pivot + [""]
        pixel = _pixel_lines(table, dataset)
        if pixel:
            lines += [f"## {dataset}: SVM on the (noisy) input pixels", ""] + pixel + [""]
    return "\n".join(lines)


def write_report(out: Path, records: List[Dict[str, Any]], scale_description: str) -> List[str]:
    """Writes results.csv and results.md into ``out``; returns their paths."""
    table = rows(records)
    paths = [os.path.join(out, "results.csv"), os.path.join(out, "results.md")]
    _core.write_file_atomically(paths[0], csv_text(table).encode())
    _core.write_file_atomically(paths[1], markdown_text(table, scale_description).encode())
    return paths
