"""Every figure of the paper, by name; each can be redrawn on its own.

``draw(results, names)`` draws the named figures (all by default) from a results
folder into its ``figures`` folder (or another). The functions behind them
(figures_results, figures_models) take records or a Results object and a path, for
use elsewhere. ``load_comparison`` reads another scale's results, which Figures 3, 7
and 11 draw faded behind the folder's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from .._core import SpikeaeError
from . import figures_models as models
from . import figures_results as tables
from . import runner
from .figures_models import Results
from .plotting import Comparison
from .report import records_from_csv

FigureFunction = Callable[[Results, Path], List[Path]]


def _per_dataset(function, stem: str) -> FigureFunction:
    def draw(results: Results, folder: Path) -> List[Path]:
        return [function(results, dataset, folder / f"{stem}_{dataset}.png")
                for dataset in results.datasets()]
    return draw


FIGURES: Dict[str, FigureFunction] = {
    "fig3": lambda r, f: [tables.fig3_reconstruction_loss(r.records, f / "fig3_reconstruction_loss.png",
                                                          compare=r.compare)],
    "fig4": _per_dataset(models.fig4_reconstructions, "fig4_reconstructions"),
    "fig5": _per_dataset(models.fig5_tsne, "fig5_tsne"),
    "fig6": lambda r, f: [models.fig6_interpolation(r, f / "fig6_interpolation.png")],
    "fig7": lambda r, f: [tables.fig7_svm_accuracy(r.records, f / "fig7_svm_accuracy.png",
                                                   compare=r.compare)],
    "fig8": lambda r, f: [models.fig8_spike_times(r, f / "fig8_spike_times.png")],
    "fig9": lambda r, f: [models.fig9_membrane_potential(r, f / "fig9_membrane_potential.png")],
    "fig10": lambda r, f: [models.fig10_weights(r, f / "fig10_weights.png")],
    "fig11": lambda r, f: [tables.fig11_inverted_images(r.records, f / "fig11_inverted_images.png",
                                                        compare=r.compare)],
}


def draw(results: Results, names: Optional[Sequence[str]] = None,
         report: Callable[[str], object] = print, folder: Optional[Path] = None) -> List[Path]:
    """Draws the named figures (default all) into ``folder`` (default
    ``results.out / 'figures'``)."""
    unknown = [name for name in names or [] if name not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figure {unknown[0]!r}: choose from {', '.join(FIGURES)}")
    folder = results.out / "figures" if folder is None else Path(folder)
    written: List[Path] = []
    for name in names or list(FIGURES):
        paths = FIGURES[name](results, folder)
        report(f"{name}: " + ", ".join(str(p) for p in paths))
        written += paths
    return written


def _records_at(path: Path) -> List[Dict[str, Any]]:
    """The records of a results folder (its result.json files, or else the results.csv
    the report wrote into it) or of a results.csv file."""
    if path.is_dir():
        records = runner.load_results(path)
        if records:
            return records
        if not (path / "results.csv").is_file():
            raise SpikeaeError(f"--compare {path}: the folder holds no {runner.RESULT_FILE} "
                               "files and no results.csv")
        path = path / "results.csv"
    try:
        records = records_from_csv(path.read_text(), str(path))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SpikeaeError(f"--compare {path}: {error}") from None
    if not records:
        raise SpikeaeError(f"--compare {path}: the table holds no results")
    return records


def _scale_name_at(path: Path) -> Optional[str]:
    """The scale recorded in the scale.json of a results folder, or of the folder
    holding a results.csv; None when there is none."""
    recorded = (path if path.is_dir() else path.parent) / runner.SCALE_FILE
    if not recorded.is_file():
        return None
    return json.loads(recorded.read_text())["scale"]["name"]


def load_comparison(path: Path, main_scale: str, scale: Optional[str] = None) -> Comparison:
    """Another scale's records (a results folder or a results.csv) to draw faded behind
    a figure's own, which are of ``main_scale``.

    ``scale`` names the other scale; by default it is read from the scale.json beside
    the records. A results.csv without one (e.g. a committed copy) needs it given, so
    that the faded series are never labelled with a guess.
    """
    path = Path(path)
    if not path.exists():
        raise SpikeaeError(f"--compare {path}: no such file or folder")
    records = _records_at(path)
    name = scale or _scale_name_at(path)
    if name is None:
        raise SpikeaeError(f"--compare {path}: no {runner.SCALE_FILE} says which scale these "
                           "results are; give it with --compare-scale")
    return Comparison(records, f"{name} scale", f"{main_scale} scale")
