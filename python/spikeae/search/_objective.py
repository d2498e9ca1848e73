"""One search trial: sample hyperparameters, train with spikeae.fit, return the
best validation loss; report every epoch so that the pruner can stop bad trials."""

from __future__ import annotations

import math
import os
import socket
from typing import Any, Callable, Dict, Optional

import optuna

from .._core import SpikeaeError
from .._data import load_dataset, split_train_validation
from .._fit import fit
from ._options import SearchOptions
from ._space import suggest_hyperparameters

# The user attribute that holds why a trial failed (shown in the exported tables).
FAIL_REASON = "fail_reason"
WORKER = "worker"


class NonFiniteLoss(ArithmeticError):
    """The network's validation loss became NaN or infinite: the trial has no usable value."""


# Failures that belong to one trial (a bad combination of hyperparameters): the
# study records the trial as FAIL and goes on. Anything else is a bug and stops
# the worker (the trial is still recorded as FAIL first).
TRIAL_FAILURES = (SpikeaeError, NonFiniteLoss)


def _describe(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "interrupted (Ctrl-C) before the trial finished"
    text = str(error).strip() or "(no message)"
    return f"{type(error).__name__}: {text}"


class Objective:
    """The function study.optimize calls once per trial.

    The training images are loaded once per worker; every trial splits them the
    same way (options.seed), so trials differ only in their hyperparameters.
    on_trial_start runs first in every trial (the shared budget uses it).

    Raises:
        SpikeaeError: the data set is missing, or holds fewer images than
            train_size + validation_size.
    """

    def __init__(self, options: SearchOptions,
                 on_trial_start: Optional[Callable[[], None]] = None) -> None:
        self.options = options
        self.on_trial_start = on_trial_start
        data = load_dataset(options.dataset, options.data_dir)
        self.train_images, self.train_labels = data.train_images, data.train_labels
        # Split once here, as every trial will: sizes the data set cannot provide are
        # refused now, by the library, instead of failing every trial.
        split_train_validation(self.train_images, None, train_size=options.train_size,
                               validation_size=options.validation_size, split=options.split,
                               seed=options.seed)

    def __call__(self, trial: optuna.Trial) -> float:
        if self.on_trial_start is not None:
            self.on_trial_start()
        # Which machine and process ran the trial: for the logs of many-worker searches.
        trial.set_user_attr(WORKER, f"{socket.gethostname()}:{os.getpid()}")
        hyperparameters = self.hyperparameters(trial)
        try:
            result = self._train(trial, hyperparameters)
        except optuna.TrialPruned:
            raise
        except BaseException as error:
            trial.set_user_attr(FAIL_REASON, _describe(error))
            raise
        loss = result.best_validation_loss
        if not math.isfinite(loss):
            message = f"no finite validation loss after {len(result.history)} epoch(s)"
            trial.set_user_attr(FAIL_REASON, f"NonFiniteLoss: {message}")
            raise NonFiniteLoss(message)
        trial.set_user_attr("best_epoch", result.best_epoch)
        return loss

    def hyperparameters(self, trial: optuna.Trial) -> Dict[str, Any]:
        """The sampled values and the fixed ones."""
        return suggest_hyperparameters(trial, self.options.fixed)

    def _train(self, trial: optuna.Trial, hyperparameters: Dict[str, Any]) -> Any:
        options = self.options
        return fit(self.train_images, self.train_labels, train_size=options.train_size,
                   validation_size=options.validation_size, split=options.split,
                   on_epoch=epoch_reporter(trial, options.epochs), **options.fit_options(),
                   **hyperparameters)


def epoch_reporter(trial: optuna.Trial, epochs: int) -> Callable[[Dict[str, Any], Any], None]:
    """An on_epoch callback for spikeae.fit that reports the best validation loss so
    far (the value the trial would return if it ended now) and prunes, except after
    the last epoch: then there is no time left to save, and the trial is complete.

    Exceptions raised here stop training after the epoch; spikeae.fit re-raises them.
    """
    best = math.inf

    def on_epoch(metrics: Dict[str, Any], model: Any) -> None:
        nonlocal best
        epoch, loss = metrics["epoch"], metrics["validation_loss"]
        if not math.isfinite(loss):
            raise NonFiniteLoss(f"validation loss {loss} after epoch {epoch}")
        best = min(best, loss)
        trial.report(best, epoch)
        if epoch < epochs and trial.should_prune():
            raise optuna.TrialPruned(f"pruned after epoch {epoch} "
                                     f"(best validation loss {best:.5f})")

    return on_epoch
