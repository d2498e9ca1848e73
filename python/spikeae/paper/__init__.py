"""Reproduces the paper's experiments: the grid of conditions, the ANN baselines,
the figures and the results table (docs/reproduction.md).

    python3 -m spikeae.paper --scale standard --out results/standard

runs every condition of the scale that is not finished yet, then draws every figure
and writes results.csv / results.md. The pieces are importable:

    from spikeae.paper import grid, runner, figures, report
"""

from . import grid, report
from .grid import SCALES, Condition, Scale, conditions

__all__ = ["SCALES", "Condition", "Scale", "conditions", "grid", "report"]
