"""Every figure of the paper, by name; each can be redrawn on its own.

``draw(out, names)`` draws the named figures (all by default) from the results in
``out`` into ``out/figures``. The functions behind them (figures_results,
figures_models) take records or a Results object and a path, for use elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from . import figures_models as models
from . import figures_results as tables
from .figures_models import Results

FigureFunction = Callable[[Results, Path], List[Path]]


def _per_dataset(function, stem: str) -> FigureFunction:
    def draw(results: Results, folder: Path) -> List[Path]:
        return [function(results, dataset, folder / f"{stem}_{dataset}.png")
                for dataset in results.datasets()]
    return draw


FIGURES: Dict[str, FigureFunction] = {
    "fig3": lambda r, f: [tables.fig3_reconstruction_loss(r.records, f / "fig3_reconstruction_loss.png")],
    "fig4": _per_dataset(models.fig4_reconstructions, "fig4_reconstructions"),
    "fig5": _per_dataset(models.fig5_tsne, "fig5_tsne"),
    "fig6": lambda r, f: [models.fig6_interpolation(r, f / "fig6_interpolation.png")],
    "fig7": lambda r, f: [tables.fig7_svm_accuracy(r.records, f / "fig7_svm_accuracy.png")],
    "fig8": lambda r, f: [models.fig8_spike_times(r, f / "fig8_spike_times.png")],
    "fig9": lambda r, f: [models.fig9_membrane_potential(r, f / "fig9_membrane_potential.png")],
    "fig10": lambda r, f: [models.fig10_weights(r, f / "fig10_weights.png")],
    "fig11": lambda r, f: [tables.fig11_inverted_images(r.records, f / "fig11_inverted_images.png")],
}


def draw(results: Results, names: Optional[Sequence[str]] = None,
         report: Callable[[str], object] = print) -> List[Path]:
    """Draws the named figures (default all) into ``results.out / 'figures'``."""
    unknown = [name for name in names or [] if name not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figure {unknown[0]!r}: choose from {', '.join(FIGURES)}")
    folder = results.out / "figures"
    written: List[Path] = []
    for name in names or list(FIGURES):
        paths = FIGURES[name](results, folder)
        report(f"{name}: " + ", ".join(str(p) for p in paths))
        written += paths
    return written
