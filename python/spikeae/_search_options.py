"""The options of one search worker (spikeae.search), with their defaults."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional

from ._core import SpikeaeError
from ._search_space import CONDITION_COLUMNS, SEARCH_SPACE

PRUNERS = ("median", "hyperband", "none")
SPLITS = ("shuffled", "sequential")

# The options that decide what a trial's loss means. Workers (and reruns) of one
# study must agree on them, or their trials would not be comparable; the first
# worker records them in the study.
PROTOCOL_FIELDS = ("dataset", "noise", "latency", "hidden", "epochs", "train_size",
                   "validation_size", "split", "seed", "fixed")


@dataclass
class SearchOptions:
    """Everything a search worker needs; field names match the command-line options.

    dataset, noise, latency, hidden: the condition (the paper's noise_factor_ae,
        latency_ae and n_hidden); fixed for every trial.
    trials: trials this worker runs (None: until stopped by total_trials or timeout).
    total_trials: the study's total budget, shared by all workers (None: no limit).
    timeout: seconds after which this worker starts no new trial (None: no limit).
    epochs, train_size, validation_size, split, seed, threads: each trial's training.
    out: folder of the default SQLite storage and of the exported results.
    study_name, storage: the Optuna study (defaults derived from the condition / out).
    sampler_seed: seed of the TPE sampler; give each worker its own (None: random).
    pruner: "median", "hyperband" or "none".
    fixed: hyperparameters held at a value instead of searched (name -> value).
    export: write the results into out when the worker ends.
    top: rows of the top-trials tables.
    """

    dataset: str = "mnist"
    data_dir: Optional[str] = None
    noise: float = 0.0
    latency: float = 1.0
    hidden: int = 32
    trials: Optional[int] = 20
    total_trials: Optional[int] = None
    timeout: Optional[float] = None
    epochs: int = 3
    train_size: int = 10000
    validation_size: int = 1000
    split: str = "shuffled"
    seed: int = 1
    threads: int = 0
    out: str = "runs/search"
    study_name: Optional[str] = None
    storage: Optional[str] = None
    sampler_seed: Optional[int] = None
    pruner: str = "median"
    fixed: Dict[str, Any] = field(default_factory=dict)
    export: bool = True
    top: int = 10
    verbose: bool = True

    def __post_init__(self) -> None:
        if self.pruner not in PRUNERS:
            raise SpikeaeError(f"unknown pruner {self.pruner!r}: use one of {', '.join(PRUNERS)}")
        if self.split not in SPLITS:
            raise SpikeaeError(f"unknown split {self.split!r}: use one of {', '.join(SPLITS)}")
        if self.epochs < 1:
            raise SpikeaeError(f"epochs must be at least 1, got {self.epochs}")
        for name in self.fixed:
            if name not in SEARCH_SPACE:
                hint = (" (it is set by the condition options)" if name in CONDITION_COLUMNS
                        else "")
                raise SpikeaeError(f"cannot fix {name!r}{hint}: fixable hyperparameters are "
                                   f"{', '.join(SEARCH_SPACE)}")

    @property
    def study(self) -> str:
        """The study name: given, or one per dataset and condition."""
        if self.study_name:
            return self.study_name
        return f"{self.dataset}-noise{self.noise:g}-latency{self.latency:g}-hidden{self.hidden}"

    @property
    def storage_url(self) -> str:
        """The storage URL: given, or a SQLite file in the out folder."""
        if self.storage:
            return self.storage
        return "sqlite:///" + os.path.abspath(os.path.join(self.out, "search.db"))

    def protocol(self) -> Dict[str, Any]:
        """The options every worker of the study must share (see PROTOCOL_FIELDS)."""
        values = asdict(self)
        return {name: values[name] for name in PROTOCOL_FIELDS}

    def condition(self) -> Dict[str, Any]:
        """The fixed columns of the paper's table, by column name."""
        return {"noise_factor_ae": float(self.noise), "latency_ae": float(self.latency),
                "n_hidden": int(self.hidden)}
