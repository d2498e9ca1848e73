"""The command line of `python3 -m spikeae.search`: arguments to SearchOptions."""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any, Dict, List, Optional

from .._console import program_name
from .._core import SpikeaeError
from ._options import PRUNERS, SPLITS, SearchOptions
from ._space import SEARCH_SPACE, describe_search_space

_EXAMPLES = """\
searched hyperparameters (the paper's ranges, widened a little):
{space}

examples:
  # 50 trials of 4 epochs on 10,000 MNIST images, results in runs/search/
  python3 -m spikeae.search --trials 50 --epochs 4 --out runs/search

  # the same study again: 20 more trials (same --out, or the same --storage)
  python3 -m spikeae.search --trials 20 --epochs 4 --out runs/search

  # Fashion-MNIST, noise 0.4, latency 16, 16 hidden neurons, batch size held at 10
  python3 -m spikeae.search --dataset fashion-mnist --noise 0.4 --latency 16 \\
      --hidden 16 --fix batch_size=10

  # one of many workers on many machines: 200 trials in all, shared in PostgreSQL
  python3 -m spikeae.search --storage postgresql+psycopg2://search@dbhost/spikeae \\
      --total-trials 200 --trials 0 --sampler-seed 3

  # only write the results of an existing study (best preset, tables, plots)
  python3 -m spikeae.search --export --out runs/search

The best configuration is written as OUT/best_hyperparameters.tsv, which
`spikeae train --preset-file` and spikeae.Model(preset_file=...) read.
See docs/search.md.
"""


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults in --help (where there is one to show), and the examples kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False or action.default == []:
            return action.help or ""
        return super()._get_help_string(action)


# Every option's default is the SearchOptions field's, so the two cannot drift apart.
_DEFAULTS = {option.name: option.default for option in fields(SearchOptions)}


def _add(group: Any, name: str, help: str, **settings: Any) -> None:
    """--name (dashes for underscores) for the SearchOptions field ``name``, with the
    field's default, parsed as the default's type unless ``type`` is given."""
    default = _DEFAULTS[name]
    if default is not None:
        settings.setdefault("type", type(default))
    group.add_argument("--" + name.replace("_", "-"), default=default, help=help, **settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("python3 -m spikeae.search"), formatter_class=_HelpFormatter,
        description="Search the hyperparameters of a spiking autoencoder with Optuna: "
                    "minimise the validation loss for one dataset and condition.",
        epilog=_EXAMPLES.format(space=describe_search_space()))
    group = parser.add_argument_group("condition (fixed in every trial)")
    _add(group, "dataset", "data set", choices=("mnist", "fashion-mnist"))
    _add(group, "data_dir", "folder of the data sets (default: as `spikeae train`)")
    _add(group, "noise", "noise_factor_ae")
    _add(group, "latency", "latency_ae")
    _add(group, "hidden", "n_hidden")
    group.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                       help="hold a searched hyperparameter at VALUE (repeatable)")
    group = parser.add_argument_group("how long this worker runs")
    _add(group, "trials", "trials this worker runs (0: no limit)")
    _add(group, "total_trials", "stop every worker when the study holds this many trials",
         type=int)
    _add(group, "timeout", "seconds after which this worker starts no new trial", type=float)
    group = parser.add_argument_group("training of each trial")
    _add(group, "epochs", "epochs per trial")
    _add(group, "train_size", "training images")
    _add(group, "validation_size", "validation images")
    _add(group, "split", "how the validation images are taken from the training set",
         choices=SPLITS)
    _add(group, "seed", "seed of weights, noise, split and shuffling (same in every trial)")
    _add(group, "threads", "worker threads (0: all cores)")
    _add_study(parser.add_argument_group("study and results"))
    return parser


def _add_study(group: Any) -> None:
    _add(group, "out", "folder of the results and of the default SQLite file")
    group.add_argument("--study", default=None,
                       help="study name (default: DATASET-noiseN-latencyL-hiddenH)")
    _add(group, "storage", "database URL (default: sqlite:///OUT/search.db), e.g. "
                           "postgresql+psycopg2://USER@HOST/DB")
    _add(group, "sampler_seed", "seed of the TPE sampler; give each worker its own (default: "
                                "random)", type=int)
    _add(group, "pruner", "stops trials that do worse than the others after an epoch",
         choices=PRUNERS)
    _add(group, "top", "rows of the top-trials tables")
    group.add_argument("--export", action="store_true",
                       help="run no trials: only write the results of the existing study")
    group.add_argument("--no-export", action="store_true",
                       help="write no results at the end (e.g. on all workers but one)")
    group.add_argument("--quiet", action="store_true", help="no per-trial log lines")


def parse_arguments(argv: Optional[List[str]] = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def parse_fixed(assignments: List[str]) -> Dict[str, Any]:
    """["batch_size=10", ...] -> {"batch_size": 10, ...}, typed by the search space."""
    fixed: Dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        if not equals or name not in SEARCH_SPACE:
            raise SpikeaeError(f"invalid --fix {assignment!r}: expected NAME=VALUE with NAME one "
                               f"of {', '.join(SEARCH_SPACE)}")
        if name in fixed:
            raise SpikeaeError(f"invalid --fix {assignment!r}: {name} is already fixed "
                               f"(at {fixed[name]!r}); give each name once")
        kind = int if SEARCH_SPACE[name].kind == "int" else float
        try:
            fixed[name] = kind(text)
        except ValueError:
            raise SpikeaeError(f"invalid --fix {assignment!r}: {text!r} is not "
                               f"{'an integer' if kind is int else 'a number'}") from None
    return fixed


def worker_trials(trials: int) -> Optional[int]:
    """--trials as SearchOptions.trials: 0 means no limit (None there)."""
    if trials < 0:
        raise SpikeaeError(f"invalid --trials: must be an integer >= 0 (0: no limit), "
                           f"got {trials}")
    return trials or None


# The options whose command-line value differs from the field's (or whose name does).
_CONVERTED = ("trials", "study_name", "fixed", "export", "verbose")


def options_from_arguments(arguments: argparse.Namespace) -> SearchOptions:
    """The options; a SpikeaeError names the first invalid one (checked by SearchOptions)."""
    return SearchOptions(
        **{name: getattr(arguments, name) for name in _DEFAULTS if name not in _CONVERTED},
        trials=worker_trials(arguments.trials), study_name=arguments.study,
        fixed=parse_fixed(arguments.fix), export=not arguments.no_export,
        verbose=not arguments.quiet)
