"""The hyperparameter search space of spikeae.search, in one table.

Each range covers every value of the paper's 75 tuned rows (the min and max
over the table are in the comments), widened a little and rounded. Quantities
that span orders of magnitude, or act as multiplicative factors, are sampled
on a log scale; the signed weight-mean multipliers are sampled linearly.
"""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

import optuna


class ParameterRange(NamedTuple):
    """One searched hyperparameter: its kind ("int" or "float"), bounds and scale."""

    kind: str
    low: float
    high: float
    log: bool


# name: range                                                    paper's min .. max
SEARCH_SPACE: Dict[str, ParameterRange] = {
    "batch_size": ParameterRange("int", 1, 160, True),                # 1 .. 146
    "clip_derivative": ParameterRange("float", 5.0, 1200.0, True),    # 6.96 .. 997
    "decay_rate": ParameterRange("float", 0.08, 2.5, True),           # 0.100 .. 1.99
    "fire_threshold": ParameterRange("float", 0.1, 1.6, False),       # 0.163 .. 1.45
    "learning_rate": ParameterRange("float", 5e-5, 0.05, True),       # 8.1e-5 .. 0.0435
    "learning_rate_pulses": ParameterRange("float", 1e-4, 0.25, True),  # 1.2e-4 .. 0.197
    "n_pulses": ParameterRange("int", 4, 12, False),                  # 5 .. 10
    "nonpulse_weight_mean_multiplier": ParameterRange("float", -10.0, 10.0, False),  # -9.23 .. 8.92
    "penalty_no_spike": ParameterRange("float", 0.5, 150.0, True),    # 0.965 .. 99.2
    "pulse_weight_mean_multiplier": ParameterRange("float", -10.0, 10.0, False),  # -9.81 .. 9.99
}

# The columns of the paper's table that are not searched: they define the
# condition (noise_factor_ae, latency_ae, n_hidden) and come from the options.
CONDITION_COLUMNS = ("noise_factor_ae", "latency_ae", "n_hidden")


def suggest_hyperparameters(trial: optuna.Trial,
                            fixed: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Draws one value per searched hyperparameter from the trial's sampler; names
    in `fixed` take its value instead and are not sampled (nor recorded as params)."""
    values: Dict[str, Any] = dict(fixed or {})
    for name, space in SEARCH_SPACE.items():
        if name in values:
            continue
        if space.kind == "int":
            values[name] = trial.suggest_int(name, int(space.low), int(space.high), log=space.log)
        else:
            values[name] = trial.suggest_float(name, space.low, space.high, log=space.log)
    return values


def describe_search_space() -> str:
    """The table as text, one line per hyperparameter (for --help and logs)."""
    lines = []
    for name, space in SEARCH_SPACE.items():
        scale = "log" if space.log else "linear"
        lines.append(f"  {name:33s} {space.kind:5s} [{space.low:g}, {space.high:g}] {scale}")
    return "\n".join(lines)
