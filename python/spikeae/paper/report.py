"""The results table: every condition's losses and SVM accuracy, as CSV and markdown.

Two flags mark results that say more about the training length than about the model
(docs/reproduction.md, "Flags"): ``plateau``, a network whose test loss is not clearly
below the mean-image loss (it answers about the same grey image for every input),
and ``svm_chance``, an SVM accuracy near chance level.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

from .. import _core

COLUMNS = ("dataset", "kind", "encoding", "encoder", "decoder", "noise", "latency", "hidden",
           "parameters", "test_loss", "best_validation_loss", "best_epoch", "svm_accuracy",
           "silent_hidden_fraction", "mean_image_loss", "plateau", "svm_chance", "seconds")

# A network whose test loss exceeds this fraction of the mean-image loss has not
# clearly left the plateau training starts on.
PLATEAU_FRACTION = 0.9
# Both data sets have ten classes; an accuracy below CHANCE_FACTOR x 1/10 is about
# what guessing the commonest class scores (with 200 scored images, one standard
# deviation of a guess is 0.02).
CLASSES = 10
CHANCE_FACTOR = 1.5
CHANCE_ACCURACY = CHANCE_FACTOR / CLASSES


def mean_image_losses(records: Iterable[Dict[str, Any]]) -> Dict[str, float]:
    """The mean-image loss of each data set, as its pixel-SVM conditions recorded it."""
    return {r["dataset"]: r["mean_image_loss"] for r in records
            if r["kind"] == "pixels" and r.get("mean_image_loss") is not None}


def on_plateau(test_loss: Optional[float], mean_image_loss: Optional[float]) -> Optional[bool]:
    """Whether a loss is not clearly below the mean-image loss (None: nothing to compare)."""
    if test_loss is None or mean_image_loss is None:
        return None
    return test_loss > PLATEAU_FRACTION * mean_image_loss


def at_chance(accuracy: Optional[float]) -> Optional[bool]:
    """Whether an SVM accuracy is about what guessing scores (None: no SVM)."""
    return None if accuracy is None else accuracy < CHANCE_ACCURACY


def _row(record: Dict[str, Any], mean_image_loss: Optional[float]) -> Dict[str, Any]:
    row = {key: record.get(key) for key in COLUMNS}
    row["encoding"] = "inverted" if record.get("inverted", True) else "plain"
    row["mean_image_loss"] = mean_image_loss
    row["plateau"] = on_plateau(record.get("test_loss"), mean_image_loss)
    row["svm_chance"] = at_chance(record.get("svm_accuracy"))
    if record["kind"] != "snn":
        row["latency"] = None
    if record["kind"] == "pixels":
        row["hidden"] = None
    return row


def _sort_key(row: Dict[str, Any]):
    kinds = {"snn": 0, "ann": 1, "pixels": 2}
    return (row["dataset"], kinds[row["kind"]], row["encoding"], row["encoder"] or "",
            row["decoder"] or "", row["latency"] or 0, row["hidden"] or 0, row["noise"])


def rows(records: Iterable[Dict[str, Any]],
         mean_losses: Optional[Mapping[str, float]] = None) -> List[Dict[str, Any]]:
    """One flat row per condition, sorted by data set, kind, then grid order.

    ``mean_losses``: the mean-image loss per data set (the plateau flag's reference);
    where it lacks a data set, the value the pixel conditions recorded is used.
    """
    records = list(records)
    losses = {**mean_image_losses(records), **(mean_losses or {})}
    return sorted((_row(record, losses.get(record["dataset"])) for record in records),
                  key=_sort_key)


def csv_text(table: List[Dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in table)
    return buffer.getvalue()


def _optional(convert):
    """A converter of a CSV cell that reads an empty cell as None."""
    return lambda text: None if text == "" else convert(text)


def _flag(text: str) -> bool:
    return text == "True"


# How each column of results.csv reads back into a record's field; rows() wrote
# empty cells for missing values and for the latency / hidden size of kinds without one.
CSV_FIELDS = {"noise": float, "latency": _optional(float), "hidden": _optional(int),
              "parameters": _optional(int), "test_loss": _optional(float),
              "best_validation_loss": _optional(float), "best_epoch": _optional(int),
              "svm_accuracy": _optional(float), "silent_hidden_fraction": _optional(float),
              "mean_image_loss": _optional(float), "plateau": _optional(_flag),
              "svm_chance": _optional(_flag), "seconds": _optional(float)}


def _record(row: Dict[str, str]) -> Dict[str, Any]:
    """A results.csv row as the record (result.json) it was written from, as far as the
    table holds it: the fields the figures select and plot by."""
    record: Dict[str, Any] = {key: CSV_FIELDS.get(key, str)(row[key]) for key in COLUMNS}
    record["inverted"] = record.pop("encoding") == "inverted"
    # result.json gives kinds without a latency or hidden size 0 there, not None.
    record["latency"] = record["latency"] or 0.0
    record["hidden"] = record["hidden"] or 0
    return record


def records_from_csv(text: str, source: str = "results.csv") -> List[Dict[str, Any]]:
    """The records a results.csv (as csv_text writes it) holds, for the figures.

    Raises ValueError, naming ``source``, when the text is not such a table."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{source} is not a results table written by the report: "
                         f"it lacks the column(s) {', '.join(missing)}")
    try:
        return [_record(row) for row in reader]
    except (TypeError, ValueError) as error:
        raise ValueError(f"{source}, line {reader.line_num}: {error}") from None


def _number(value: Optional[float], digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# The markdown tables' cell markers, keyed by the row's flag column.
MARKERS = {"plateau": "(plateau)", "svm_chance": "(chance)"}


def _cell(row: Dict[str, Any], value: str, flag: str, digits: int) -> str:
    text = _number(row[value], digits)
    return f"{text} {MARKERS[flag]}" if row[flag] else text


def _pivot(table: List[Dict[str, Any]], dataset: str, value: str, flag: str,
           digits: int) -> List[str]:
    """Rows (hidden, noise) x columns (model variants) of one value, flagged cells marked."""
    wanted = [r for r in table if r["dataset"] == dataset and r[value] is not None
              and r["hidden"] is not None]
    columns: List[str] = []
    cells: Dict[tuple, Dict[str, str]] = {}
    for r in wanted:
        if r["kind"] == "snn":
            column = f"SNN l={r['latency']:g}"
        else:
            column = f"ANN {r['encoder']}-{r['decoder']} ({r['encoding']})"
        if column not in columns:
            columns.append(column)
        cells.setdefault((r["hidden"], r["noise"]), {})[column] = _cell(r, value, flag, digits)
    if not cells:
        return []
    lines = ["| h | noise | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for (hidden, noise), row in sorted(cells.items()):
        values = " | ".join(row.get(c, "–") for c in columns)
        lines.append(f"| {hidden} | {noise:g} | {values} |")
    return lines


def _pixel_lines(table: List[Dict[str, Any]], dataset: str) -> List[str]:
    pixels = [r for r in table if r["dataset"] == dataset and r["kind"] == "pixels"]
    if not pixels:
        return []
    return (["| noise | SVM accuracy on pixels |", "|---|---|"]
            + [f"| {r['noise']:g} | {_cell(r, 'svm_accuracy', 'svm_chance', 3)} |"
               for r in pixels])


def _mean_image_line(table: List[Dict[str, Any]], dataset: str) -> List[str]:
    loss = next((r["mean_image_loss"] for r in table
                 if r["dataset"] == dataset and r["mean_image_loss"] is not None), None)
    if loss is None:
        return []
    return [f"Mean-image loss (every output the per-pixel mean of the test targets): "
            f"{_number(loss, 5)}; a network above {PLATEAU_FRACTION:g} x that, "
            f"{_number(PLATEAU_FRACTION * loss, 5)}, is marked (plateau).", ""]


def _count(table: List[Dict[str, Any]], flag: str) -> str:
    flagged = sum(1 for r in table if r[flag])
    judged = sum(1 for r in table if r[flag] is not None)
    return f"{flagged} of {judged}"


def flag_note(table: List[Dict[str, Any]]) -> List[str]:
    """What the two markers mean and what usually helps; empty when nothing is flagged."""
    lines: List[str] = []
    if any(r["plateau"] for r in table):
        lines += [
            f"**(plateau): {_count(table, 'plateau')} trained networks did not clearly "
            f"leave the mean-image plateau** (test loss above {PLATEAU_FRACTION:g} x the "
            "loss of answering every image with the per-pixel mean of the test images). "
            "Such a network outputs about the same grey blob for every input, so its "
            "loss, reconstructions, embeddings and SVM accuracy say nothing about the "
            "model, only that training stopped too early. A loss far above the mean-image "
            "loss (e.g. hundreds at latency 16) means the outputs do not even spike near "
            "the latency yet. What usually helps: more epochs or more training images "
            "(the `full` scale is the paper's protocol), or a larger learning rate; the "
            "paper's presets were tuned for 100 epochs of 54,000 images.", ""]
    if any(r["svm_chance"] for r in table):
        lines += [
            f"**(chance): {_count(table, 'svm_chance')} SVM accuracies are at chance "
            f"level** (below {CHANCE_ACCURACY:g}, {CHANCE_FACTOR:g} x the 1/{CLASSES} of "
            "guessing): the embeddings carry no class information, usually because the "
            "network is on the plateau or its hidden neurons never fire.", ""]
    return lines


def markdown_text(table: List[Dict[str, Any]], scale_description: str) -> str:
    lines = ["# Reproduction results", "", scale_description, "",
             "Test loss: per-pixel mean squared error against the clean image (spike-time "
             "units; the ANN's outputs are in the same units). SVM accuracy: RBF-kernel SVM "
             "on the embeddings of the first half of the embedded test images, scored on "
             "the second half.", ""] + flag_note(table)
    for dataset in sorted({r["dataset"] for r in table}):
        for title, value, flag, digits in (("test loss", "test_loss", "plateau", 5),
                                           ("SVM accuracy on embeddings", "svm_accuracy",
                                            "svm_chance", 3)):
            pivot = _pivot(table, dataset, value, flag, digits)
            if pivot:
                lines += [f"## {dataset}: {title}", ""] + pivot + [""]
                if value == "test_loss":
                    lines += _mean_image_line(table, dataset)
        pixel = _pixel_lines(table, dataset)
        if pixel:
            lines += [f"## {dataset}: SVM on the (noisy) input pixels", ""] + pixel + [""]
    return "\n".join(lines)


def write_report(out: Path, records: List[Dict[str, Any]], scale_description: str,
                 mean_losses: Optional[Mapping[str, float]] = None) -> List[str]:
    """Writes results.csv and results.md into ``out``; returns their paths.

    ``mean_losses``: as for rows().
    """
    table = rows(records, mean_losses)
    paths = [os.path.join(out, "results.csv"), os.path.join(out, "results.md")]
    _core.write_file_atomically(paths[0], csv_text(table).encode())
    _core.write_file_atomically(paths[1], markdown_text(table, scale_description).encode())
    return paths
