"""Hyperparameter search for spikeae with Optuna: one worker on a laptop, or many
workers on many machines sharing one study in a database.

Each trial trains a network with spikeae.fit on a subset (train_size /
validation_size) for a few epochs and returns its best validation loss; the
pruner stops trials whose loss after an epoch is worse than the median of the
others. The condition (dataset, noise, latency, hidden size) is fixed; the ten
other columns of the paper's table are searched (SEARCH_SPACE).

From Python::

    import spikeae.search as search
    study = search.run_search(noise=0.0, latency=1.0, hidden=32, trials=50, epochs=4)
    print(study.best_value, study.best_params)
    search.export_results(study, "runs/search")   # run_search does this by default

From the shell (see ``python3 -m spikeae.search --help`` and docs/search.md)::

    python3 -m spikeae.search --trials 50 --epochs 4 --out runs/search
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Any, Optional

import optuna
from optuna.trial import TrialState

from .._core import SpikeaeError
from ._budget import TrialBudget
from ._objective import FAIL_REASON, TRIAL_FAILURES, WORKER, NonFiniteLoss, Objective
from ._options import SearchOptions
from ._report import BEST_FILE, export_results, write_best_preset
from ._space import SEARCH_SPACE, ParameterRange, describe_search_space
from ._storage import open_storage, parse_url, shown, sqlite_path, storage_errors

__all__ = [
    "BEST_FILE",
    "FAIL_REASON",
    "NonFiniteLoss",
    "ParameterRange",
    "SEARCH_SPACE",
    "SearchOptions",
    "WORKER",
    "describe_search_space",
    "export_results",
    "load_study",
    "main",
    "open_study",
    "run_search",
    "summarize",
    "write_best_preset",
]

# Seconds between a worker's "still alive" marks, and how long without one before
# another worker marks its running trial as failed (a worker killed by SIGKILL or
# a power cut would otherwise leave a trial RUNNING forever).
HEARTBEAT_SECONDS = 60
GRACE_SECONDS = 180


def _storage(url: str) -> optuna.storages.RDBStorage:
    return open_storage(url, heartbeat_interval=HEARTBEAT_SECONDS, grace_period=GRACE_SECONDS)


def _pruner(options: SearchOptions) -> optuna.pruners.BasePruner:
    if options.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=options.epochs)
    if options.pruner == "none":
        return optuna.pruners.NopPruner()
    # Five trials to compare with before any pruning; after that a trial may be
    # stopped from its first epoch on (steps are epochs, counted from 1): with a
    # few epochs per trial, most of the time saved is in the first ones.
    return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0)


def _check_protocol(study: optuna.Study, options: SearchOptions) -> None:
    """Records the options that define the trials' losses, or checks a rerun's."""
    wanted = options.protocol()
    recorded = study.user_attrs.get("protocol")
    if recorded is None:
        study.set_user_attr("protocol", wanted)
        study.set_user_attr("condition", options.condition())
        return
    differing = [f"{name} {recorded.get(name)!r} (now {wanted[name]!r})" for name in wanted
                 if recorded.get(name) != wanted[name]]
    if differing:
        raise SpikeaeError(f"study {study.study_name!r} was run with other options: "
                           f"{', '.join(differing)}; give the same options to continue it, "
                           "or another --study name to start a new one")


def open_study(options: Optional[SearchOptions] = None, **kwargs: Any) -> optuna.Study:
    """Creates the study, or loads it if it exists (a rerun or another worker).

    Raises:
        SpikeaeError: an invalid option, a storage that cannot be opened, or an
            existing study that was run with other protocol options.
    """
    options = options or SearchOptions(**kwargs)
    options.validate()  # again: the fields may have changed since construction
    url = options.storage_url
    storage = _storage(url)
    with storage_errors(url):
        study = optuna.create_study(
            study_name=options.study, storage=storage,
            sampler=optuna.samplers.TPESampler(seed=options.sampler_seed),
            pruner=_pruner(options), direction="minimize", load_if_exists=True)
        _check_protocol(study, options)
    return study


def load_study(options: Optional[SearchOptions] = None, **kwargs: Any) -> optuna.Study:
    """An existing study (to export or inspect it), without running trials.

    Raises:
        SpikeaeError: the storage cannot be opened, or holds no study of that name (the
            message lists those it holds).
    """
    options = options or SearchOptions(**kwargs)
    url = options.storage_url
    parse_url(url)
    database = sqlite_path(url)
    if database and not os.path.exists(database):
        raise SpikeaeError(f"no search database at {database} (give the --out or --storage "
                           "of the search)")
    storage = _storage(url)
    with storage_errors(url):
        names = [summary.study_name for summary in optuna.get_all_study_summaries(storage)]
        if options.study not in names:
            raise SpikeaeError(f"no study {options.study!r} in {shown(url)}; it holds "
                               f"{', '.join(names) or 'none'} (give --study, or the condition "
                               "options the search ran with)")
        return optuna.load_study(study_name=options.study, storage=storage)


def run_search(options: Optional[SearchOptions] = None, **kwargs: Any) -> optuna.Study:
    """Runs one worker: options.trials trials (or until options.total_trials trials
    are in the study, or options.timeout), then exports the results into options.out.

    Keyword arguments are SearchOptions fields. Every option, the data set and the
    storage are checked before the study is created or changed. Trials that fail (a
    SpikeaeError for an invalid sampled combination, a NaN loss) are recorded as
    FAIL with the reason in the user attribute "fail_reason"; the search goes on.

    Raises:
        SpikeaeError: an invalid option (the condition, a fixed value, a count), a
            missing data set, or a storage that cannot be opened; nothing was run.
        KeyboardInterrupt: Ctrl-C; the running trial is recorded as FAIL and the
            study can be continued by running the same search again.
    """
    options = options or SearchOptions(**kwargs)
    options.validate()
    _configure_logging(options.verbose)
    # Loads the data and checks the split sizes against it, before the study exists.
    objective = Objective(options)
    study = open_study(options)
    _run_trials(study, options, objective)
    if options.export:
        _report(export_results(study, options.out, options.top), options.verbose)
    return study


def _run_trials(study: optuna.Study, options: SearchOptions, objective: Objective) -> None:
    budget = None
    if options.total_trials is not None:
        budget = TrialBudget(options.total_trials, options.storage_url, options.study)
    try:
        if budget is not None:
            objective.on_trial_start = budget.release
            if not budget.start(study):
                return  # the study already holds its total
        with warnings.catch_warnings():
            # The heartbeat's stale-trial check is marked experimental; it is relied on
            # only to clean up after killed workers.
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            study.optimize(objective, n_trials=options.trials, timeout=options.timeout,
                           catch=TRIAL_FAILURES, callbacks=[budget] if budget else None,
                           gc_after_trial=False)
    finally:
        if budget is not None:
            budget.close()


def summarize(study: optuna.Study) -> str:
    """A few lines: trials by state, the best loss and its hyperparameters."""
    counts = {state: len(study.get_trials(deepcopy=False, states=(state,)))
              for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL,
                            TrialState.RUNNING)}
    lines = [f"study {study.study_name}: " + ", ".join(
        f"{count} {state.name.lower()}" for state, count in counts.items())]
    if counts[TrialState.COMPLETE]:
        best = study.best_trial
        lines.append(f"best: trial {best.number}, validation loss {best.value:.5f}")
        lines += [f"  {name} = {value:g}" for name, value in best.params.items()]
    return "\n".join(lines)


def _report(exported: dict, verbose: bool) -> None:
    if not verbose:
        return
    for path in exported["files"]:
        print(f"wrote {path}")
    for note in exported["notes"]:
        print(f"note: {note}")


def _configure_logging(verbose: bool) -> None:
    # Optuna's INFO lines ("Trial 3 finished with value ...") are the progress log.
    optuna.logging.set_verbosity(logging.INFO if verbose else logging.WARNING)


def _plain_log_lines() -> None:
    """Log lines without colour codes when stderr is a file (a worker's log)."""
    if sys.stderr.isatty():
        return
    optuna.logging.disable_default_handler()
    optuna.logging.enable_propagation()
    logging.basicConfig(format="[%(levelname).1s %(asctime)s] %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")


def main(argv: Optional[list] = None) -> int:
    """The command line; returns the exit status."""
    from ._cli import options_from_arguments, parse_arguments

    arguments = parse_arguments(argv)
    _plain_log_lines()
    try:
        options = options_from_arguments(arguments)
        if arguments.export:
            study = load_study(options)
            _report(export_results(study, options.out, options.top), True)
        else:
            study = run_search(options)
        print(summarize(study))
    except SpikeaeError as error:
        # Refused input: one line and status 1, as `spikeae` does (docs/robustness.md).
        print(f"spikeae.search: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("spikeae.search: interrupted; the running trial was recorded as failed and the "
              "study is intact: run the same command again to continue it", file=sys.stderr)
        return 130
    return 0
