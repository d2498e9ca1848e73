"""The command line of `python3 -m spikeae.search`: arguments to SearchOptions."""

from __future__ import annotations

import argparse
from typing import Any, Dict, List, Optional

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


def _add_condition(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("condition (fixed in every trial)")
    group.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"),
                       help="data set")
    group.add_argument("--data-dir", default=None,
                       help="folder of the data sets (default: as `spikeae train`)")
    group.add_argument("--noise", type=float, default=0.0, help="noise_factor_ae")
    group.add_argument("--latency", type=float, default=1.0, help="latency_ae")
    group.add_argument("--hidden", type=int, default=32, help="n_hidden")
    group.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                       help="hold a searched hyperparameter at VALUE (repeatable)")


def _add_budget(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("how long this worker runs")
    group.add_argument("--trials", type=int, default=20,
                       help="trials this worker runs (0: no limit)")
    group.add_argument("--total-trials", type=int, default=None,
                       help="stop every worker when the study holds this many trials")
    group.add_argument("--timeout", type=float, default=None,
                       help="seconds after which this worker starts no new trial")


def _add_training(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("training of each trial")
    group.add_argument("--epochs", type=int, default=3, help="epochs per trial")
    group.add_argument("--train-size", type=int, default=10000, help="training images")
    group.add_argument("--validation-size", type=int, default=1000, help="validation images")
    group.add_argument("--split", default="shuffled", choices=SPLITS,
                       help="how the validation images are taken from the training set")
    group.add_argument("--seed", type=int, default=1,
                       help="seed of weights, noise, split and shuffling (same in every trial)")
    group.add_argument("--threads", type=int, default=0, help="worker threads (0: all cores)")


def _add_study(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("study and results")
    group.add_argument("--out", default="runs/search",
                       help="folder of the results and of the default SQLite file")
    group.add_argument("--study", default=None,
                       help="study name (default: DATASET-noiseN-latencyL-hiddenH)")
    group.add_argument("--storage", default=None,
                       help="database URL (default: sqlite:///OUT/search.db), e.g. "
                            "postgresql+psycopg2://USER@HOST/DB")
    group.add_argument("--sampler-seed", type=int, default=None,
                       help="seed of the TPE sampler; give each worker its own (default: random)")
    group.add_argument("--pruner", default="median", choices=PRUNERS,
                       help="stops trials that do worse than the others after an epoch")
    group.add_argument("--top", type=int, default=10, help="rows of the top-trials tables")
    group.add_argument("--export", action="store_true",
                       help="run no trials: only write the results of the existing study")
    group.add_argument("--no-export", action="store_true",
                       help="write no results at the end (e.g. on all workers but one)")
    group.add_argument("--quiet", action="store_true", help="no per-trial log lines")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m spikeae.search", formatter_class=_HelpFormatter,
        description="Search the hyperparameters of a spiking autoencoder with Optuna: "
                    "minimise the validation loss for one dataset and condition.",
        epilog=_EXAMPLES.format(space=describe_search_space()))
    for add in (_add_condition, _add_budget, _add_training, _add_study):
        add(parser)
    return parser


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


def options_from_arguments(arguments: argparse.Namespace) -> SearchOptions:
    """The options; a SpikeaeError names the first invalid one (checked by SearchOptions)."""
    return SearchOptions(
        dataset=arguments.dataset, data_dir=arguments.data_dir, noise=arguments.noise,
        latency=arguments.latency, hidden=arguments.hidden,
        trials=worker_trials(arguments.trials), total_trials=arguments.total_trials,
        timeout=arguments.timeout, epochs=arguments.epochs, train_size=arguments.train_size,
        validation_size=arguments.validation_size, split=arguments.split, seed=arguments.seed,
        threads=arguments.threads, out=arguments.out, study_name=arguments.study,
        storage=arguments.storage, sampler_seed=arguments.sampler_seed,
        pruner=arguments.pruner, fixed=parse_fixed(arguments.fix),
        export=not arguments.no_export, top=arguments.top, verbose=not arguments.quiet)
