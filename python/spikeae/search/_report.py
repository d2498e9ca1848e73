"""The results of a search, as files: the best configuration as a preset file,
tables of the top trials (markdown and CSV), and history / importance plots."""

from __future__ import annotations

import csv
import io
import os
import warnings
from typing import Any, Dict, List, Optional

import optuna
from optuna.trial import FrozenTrial, TrialState

from .._core import SpikeaeError, write_file_atomically
from ._objective import FAIL_REASON
from ._space import SEARCH_SPACE

BEST_FILE = "best_hyperparameters.tsv"
TABLE_FILES = ("top_trials.md", "top_trials.csv")
HISTORY_PLOT = "history.png"
IMPORTANCE_PLOT = "importance.png"


def best_row(study: optuna.Study) -> Dict[str, Any]:
    """The best trial as a row of the paper's table: its condition and searched values."""
    completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not completed:
        raise SpikeaeError(f"study {study.study_name!r} has no completed trial yet: "
                           "run more trials (or fewer epochs, so the pruner keeps some)")
    condition = study.user_attrs.get("condition")
    if condition is None:
        raise SpikeaeError(f"study {study.study_name!r} was not made by spikeae.search "
                           "(it has no recorded condition)")
    fixed = study.user_attrs.get("protocol", {}).get("fixed", {})
    return {**condition, **study.best_trial.params, **fixed}


def write_best_preset(study: optuna.Study, path: str) -> Dict[str, Any]:
    """Writes the best configuration as a one-row table (`spikeae train --preset-file`)."""
    from .. import format_hyperparameter_table

    row = best_row(study)
    write_file_atomically(path, format_hyperparameter_table([row]).encode())
    return row


def _epochs_run(trial: FrozenTrial) -> int:
    return max(trial.intermediate_values, default=0)


def _table_rows(study: optuna.Study, top: int) -> List[Dict[str, Any]]:
    """The best `top` completed trials, then the pruned ones by value, then failures."""
    trials = study.get_trials(deepcopy=False)
    finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)
                and t.value is not None]
    finished.sort(key=lambda t: (t.state != TrialState.COMPLETE, t.value))
    rows = []
    for trial in finished[:top]:
        seconds = trial.duration.total_seconds() if trial.duration else float("nan")
        row = {"trial": trial.number, "state": trial.state.name,
               "validation_loss": f"{trial.value:.6g}", "epochs": _epochs_run(trial),
               "seconds": f"{seconds:.1f}"}
        row.update({name: _format(trial.params.get(name)) for name in SEARCH_SPACE})
        rows.append(row)
    return rows


def _format(value: Any) -> str:
    if value is None:
        return "(fixed)"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _markdown(study: optuna.Study, rows: List[Dict[str, Any]]) -> str:
    counts = {state.name: 0 for state in TrialState}
    for trial in study.get_trials(deepcopy=False):
        counts[trial.state.name] += 1
    summary = ", ".join(f"{count} {name.lower()}" for name, count in counts.items() if count)
    lines = [f"# Study `{study.study_name}`", "", f"Trials: {summary or 'none'}.", ""]
    if rows:
        header = list(rows[0])
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    failures = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
    if failures:
        lines += ["", "Failed trials:", ""]
        lines += [f"- trial {t.number}: {t.user_attrs.get(FAIL_REASON, 'no reason recorded')}"
                  for t in failures]
    return "\n".join(lines) + "\n"


def _csv(rows: List[Dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_tables(study: optuna.Study, folder: str, top: int) -> None:
    rows = _table_rows(study, top)
    markdown, comma_separated = (os.path.join(folder, name) for name in TABLE_FILES)
    write_file_atomically(markdown, _markdown(study, rows).encode())
    write_file_atomically(comma_separated, _csv(rows).encode())


def _save_plot(axes: Any, path: str) -> None:
    figure = axes.figure
    figure.set_size_inches(8, 5)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    import matplotlib.pyplot as plt

    plt.close(figure)
    write_file_atomically(path, buffer.getvalue())


def _history_axes(study: optuna.Study, plots: Any) -> Any:
    axes = plots.plot_optimization_history(study)
    axes.set_ylabel("best validation loss of the trial")
    axes.set_title(f"{study.study_name}: search history")
    # Losses of bad trials are orders of magnitude above good ones.
    values = [t.value for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
    if values and min(values) > 0:
        axes.set_yscale("log")
    return axes


def write_plots(study: optuna.Study, folder: str) -> Dict[str, Optional[str]]:
    """history.png always; importance.png with >= 2 completed trials. Returns, per
    plot, None when written or the reason it was left out."""
    # Files only, never a window: a worker may run without a display.
    os.environ.setdefault("MPLBACKEND", "Agg")
    from optuna.visualization import matplotlib as plots

    notes: Dict[str, Optional[str]] = {}
    with warnings.catch_warnings():
        # The matplotlib backend of optuna.visualization is marked experimental.
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        _save_plot(_history_axes(study, plots), os.path.join(folder, HISTORY_PLOT))
        notes[HISTORY_PLOT] = None
        completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(completed) < 2:
            notes[IMPORTANCE_PLOT] = (f"needs at least 2 completed trials, the study has "
                                      f"{len(completed)}")
        else:
            try:
                axes = plots.plot_param_importances(study)
                _save_plot(axes, os.path.join(folder, IMPORTANCE_PLOT))
                notes[IMPORTANCE_PLOT] = None
            except (RuntimeError, ValueError, ZeroDivisionError) as error:
                # e.g. all completed trials have the same loss: nothing to attribute.
                notes[IMPORTANCE_PLOT] = f"importance could not be computed: {error}"
    return notes


def export_results(study: optuna.Study, folder: str, top: int = 10) -> Dict[str, Any]:
    """Writes every result file into folder; returns {"files": [...], "notes": [...]}.

    The best preset needs one completed trial; without one, the tables and the
    history are still written and the reason is in notes.
    """
    os.makedirs(folder, exist_ok=True)
    files, notes = [], []
    try:
        write_best_preset(study, os.path.join(folder, BEST_FILE))
        files.append(BEST_FILE)
    except SpikeaeError as error:
        notes.append(f"{BEST_FILE} not written: {error}")
    write_tables(study, folder, top)
    files += list(TABLE_FILES)
    for name, reason in write_plots(study, folder).items():
        if reason is None:
            files.append(name)
        else:
            notes.append(f"{name} not written: {reason}")
    return {"files": [os.path.join(folder, name) for name in files], "notes": notes}
