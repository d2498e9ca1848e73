"""The options of one search worker (spikeae.search), with their defaults."""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional

from .._core import SpikeaeError
from .._options import _integer, resolve
from ._space import CONDITION_COLUMNS, SEARCH_SPACE

PRUNERS = ("median", "hyperband", "none")
SPLITS = ("shuffled", "sequential")

# The options that decide what a trial's loss means. Workers (and reruns) of one
# study must agree on them, or their trials would not be comparable; the first
# worker records them in the study.
PROTOCOL_FIELDS = ("dataset", "noise", "latency", "hidden", "epochs", "train_size",
                   "validation_size", "split", "seed", "fixed")

# The options every trial passes to spikeae.fit, by the name fit knows them by.
_FIT_NAMES = {"noise": "noise_factor_ae", "latency": "latency_ae", "hidden": "n_hidden",
              "epochs": "epochs", "threads": "threads", "seed": "seed"}

_INT32_MAX = (1 << 31) - 1
# numpy's legacy generator, which Optuna's TPE sampler seeds, takes 32-bit seeds.
_SAMPLER_SEED_MAX = (1 << 32) - 1


@dataclass
class SearchOptions:
    """Everything a search worker needs; field names match the command-line options.

    dataset, noise, latency, hidden: the condition (the paper's noise_factor_ae,
        latency_ae and n_hidden); fixed for every trial.
    trials: trials this worker runs, at least 1 (None: until stopped by total_trials
        or timeout).
    total_trials: the study's total budget, shared by all workers, at least 1 (None:
        no limit).
    timeout: seconds after which this worker starts no new trial (None: no limit).
    epochs, train_size, validation_size, split, seed, threads: each trial's training.
    out: folder of the default SQLite storage and of the exported results.
    study_name, storage: the Optuna study (defaults derived from the condition / out).
    sampler_seed: seed of the TPE sampler; give each worker its own (None: random).
    pruner: "median", "hyperband" or "none".
    fixed: hyperparameters held at a value instead of searched (name -> value).

    Every field is checked on construction and again when a search starts (the
    condition and the fixed values by spikeae's own option checks); a SpikeaeError
    names the one at fault.
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
        self.validate()

    def validate(self) -> None:
        """Checks every option, so that bad input stops the search before a study is
        created instead of failing every trial.

        Raises:
            SpikeaeError: naming the option and what it accepts.
        """
        if self.pruner not in PRUNERS:
            raise SpikeaeError(f"unknown pruner {self.pruner!r}: use one of {', '.join(PRUNERS)}")
        if self.split not in SPLITS:
            raise SpikeaeError(f"unknown split {self.split!r}: use one of {', '.join(SPLITS)}")
        self._check_budget()
        self._check_sizes()
        self._check_fixed_names()
        self._check_with_library()

    def _check_budget(self) -> None:
        # Optuna runs no trial at all for n_trials <= 0, and says nothing.
        _check_limit("trials", self.trials)
        _check_limit("total_trials", self.total_trials)
        if self.timeout is not None:
            _check_seconds("timeout", self.timeout)

    def _check_sizes(self) -> None:
        # A trial reports to the pruner after each epoch, so it needs one (fit accepts 0).
        _integer("epochs", self.epochs, 1, _INT32_MAX)
        # Checked against the data set by the split, before the study exists (Objective).
        _integer("train_size", self.train_size, 1, _INT32_MAX)
        _integer("validation_size", self.validation_size, 1, _INT32_MAX)
        _integer("top", self.top, 1)
        if self.sampler_seed is not None:
            _integer("sampler_seed", self.sampler_seed, 0, _SAMPLER_SEED_MAX)

    def _check_fixed_names(self) -> None:
        for name in self.fixed:
            if name not in SEARCH_SPACE:
                hint = (" (it is set by the condition options)" if name in CONDITION_COLUMNS
                        else "")
                raise SpikeaeError(f"cannot fix {name!r}{hint}: fixable hyperparameters are "
                                   f"{', '.join(SEARCH_SPACE)}")

    def _check_with_library(self) -> None:
        """Resolves what every trial gives spikeae.fit, option by option (so that the
        message names the one at fault), then all together, as spikeae.fit will."""
        given = self.fit_options()
        for option, name in _FIT_NAMES.items():
            # The library's message names fit's option; name ours when it differs.
            source = f"{option} {given[name]!r}" if option != name else None
            _resolve_or_blame({name: given[name]}, source)
        for name, value in self.fixed.items():
            _resolve_or_blame({name: value}, f"fixed {name}={value!r}")
        _resolve_or_blame({**given, **self.fixed}, "the condition with the fixed values")

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

    def fit_options(self) -> Dict[str, Any]:
        """What every trial passes to spikeae.fit besides the data, by fit's names."""
        return {name: getattr(self, option) for option, name in _FIT_NAMES.items()}

    def condition(self) -> Dict[str, Any]:
        """The fixed columns of the paper's table, by column name."""
        return {"noise_factor_ae": float(self.noise), "latency_ae": float(self.latency),
                "n_hidden": int(self.hidden)}


def _check_limit(name: str, value: Any) -> None:
    """None (no limit) or an integer >= 1."""
    if value is None:
        return
    try:
        _integer(name, value, 1)
    except SpikeaeError as error:
        raise SpikeaeError(f"{error}; leave it out (None) for no limit") from None


def _check_seconds(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpikeaeError(f"invalid {name}: must be a number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise SpikeaeError(f"invalid {name}: must be a finite number of seconds > 0 (None: "
                           f"no limit), got {value!r}")


def _resolve_or_blame(options: Dict[str, Any], source: Optional[str]) -> None:
    """Runs the options through spikeae's own resolution (that of spikeae.Model and
    spikeae.fit); its refusal is re-raised naming `source`, the search option at fault."""
    try:
        resolve(options)
    except SpikeaeError as error:
        if source is None:
            raise
        raise SpikeaeError(f"{source} refused: {error}") from None
