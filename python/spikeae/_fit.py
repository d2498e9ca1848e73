"""spikeae.fit: the protocol of ``spikeae train`` from Python."""

from __future__ import annotations

import inspect
import math
import os
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from . import _core
from ._model import Model
from ._options import check_names, keyword_parameters, option_defaults, option_docs, resolve
from ._protocol import (DATA_DOC, RAISES_DOC, SIGNAL_CHECK_SECONDS, RunResult, SpikeaeError,
                        epoch_callback, finish, result_fields, run_data)


@dataclass
class FitResult(RunResult):
    __doc__ = RunResult.__doc__ + """        mean_image_loss: the validation set's mean-image loss (what a network that
            outputs the average image reaches).
        plateau: the best validation loss is not clearly below mean_image_loss (within
            10% or above): the network reproduces little more than the average image.
        resumed_epoch: with resume=True, the epochs that the checkpoint of ``out`` had
            completed when this call continued it (0: it stopped within the first epoch);
            None when the run started afresh. The history holds those epochs too (their
            test_loss NaN: checkpoints keep no test losses).
    """
    model: Model
    final_model: Model
    mean_image_loss: float = math.nan
    plateau: bool = False
    resumed_epoch: Optional[int] = None


# fit's own keyword arguments (the model options follow them).
_FIT_DEFAULTS: Dict[str, Any] = dict(
    model=None, dataset="mnist", data_dir=None, test_size=0, train_size=None,
    validation_size=None, split="shuffled", out=None, overwrite=False, resume=False,
    test_every_epoch=False, on_epoch=None, on_progress=None, verbose=False)
_DATA_ARGUMENTS = ("dataset", "data_dir", "test_size", "train_size", "validation_size", "split")


def fit(train_images: Any = None, train_labels: Any = None, test_images: Any = None,
        test_labels: Any = None, **kwargs: Any) -> FitResult:
    """Trains a spiking autoencoder with the protocol and options of ``spikeae train``.

    The training images are split into training and validation images (seeded by
    ``seed``), each set gets the CLI's noise seed, and every epoch is validated; the
    network with the lowest validation loss is kept and tested. With the same data
    and options the result is the CLI's, bit for bit (the same model file).

    {data}

    Args:
        train_images, train_labels, test_images, test_labels: own data (see above),
            or a Data as train_images.
        model: continue training this Model instead of a new one (options left out
            keep the model's values; architecture and neuron cannot change).
        dataset: "mnist" or "fashion-mnist" (when no images are given).
        data_dir: where the named data sets are (default as the CLI).
        test_size: use only the first N test images (0: all).
        train_size, validation_size, split: the split ("shuffled" or "sequential";
            default sizes: see Split above).
        out: a folder to write model.spikeae, metrics.jsonl, reconstructions.png,
            hyperparameters.tsv, checkpoint.spikeae and report.html into, by the CLI's own
            code (None: write nothing). A folder that holds another run is refused (unless
            overwrite or resume), and one that another process is training into is refused.
        overwrite: replace the run that ``out`` holds (as the CLI's --overwrite).
        resume: continue the run in ``out`` from its checkpoint.spikeae (as the CLI's
            --resume), even one whose process was killed: the result and the files are
            those of an uninterrupted run, bit for bit. Give the same data (the
            checkpoint records its name and split). Only ``epochs`` (not fewer than
            the checkpoint has completed) and ``threads`` may change; other options
            given must have the checkpoint's values (left out, they keep them), and
            ``model`` cannot be given. on_epoch sees the epochs this call trains. A
            folder without a run starts it; a folder holding a run without a
            checkpoint is refused.
        test_every_epoch: also measure the test loss after every epoch.
        on_epoch: called as on_epoch(metrics, model) after every epoch, with the
            metrics dict (see FitResult.history) and a copy of the network at the end of
            the epoch; returning True stops training.
        on_progress: called a few times per second with a dict (epoch,
            examples_done, examples_total, seconds, mean_loss).
        verbose: print a line per epoch.
        **options: the model options of ``spikeae train`` (see below).

    Returns:
        FitResult.

    {raises}

    Options (keyword only):
{options}
    """
    check_names(kwargs, list(_FIT_DEFAULTS) + list(option_defaults()), "fit")
    args = {name: kwargs.pop(name, value) for name, value in _FIT_DEFAULTS.items()}
    start = args["model"]
    if start is not None and not isinstance(start, Model):
        raise TypeError(f"model must be a spikeae.Model, got {type(start).__name__}")
    resume = bool(args["resume"])
    if resume and args["out"] is None:
        raise SpikeaeError("resume=True continues the run of a folder: give it as out=")
    data = run_data(train_images, train_labels, test_images, test_labels,
                    **{name: args[name] for name in _DATA_ARGUMENTS})
    config = (resolve(kwargs, base=start._core.config) if start is not None
              else resolve(kwargs, input_size=data.pixels))
    # The options given, checked against a checkpoint when resuming (left out: kept).
    given = {name for name, value in kwargs.items() if value is not None}
    history: List[Dict[str, Any]] = []
    # A resumed run trains its checkpoint's epochs unless given: not known before it starts.
    epochs = None if resume and "epochs" not in given else config.as_dict()["epochs"]
    on_epoch = epoch_callback(history, epochs, args["verbose"], args["on_epoch"], Model._wrap)
    out = "" if args["out"] is None else os.fspath(args["out"])
    raw = _core.fit(config, None if start is None else start._core, data.training_file,
                    data.train_size, data.validation_size, data.shuffled, data.name, data.test,
                    out, bool(args["overwrite"]), resume, given, bool(args["test_every_epoch"]),
                    on_epoch, args["on_progress"], SIGNAL_CHECK_SECONDS)
    history[:0] = raw["earlier_history"]
    result = FitResult(Model._wrap(raw["best"]), Model._wrap(raw["final"]),
                       **result_fields(raw, history, data),
                       mean_image_loss=raw["mean_image_loss"], plateau=raw["plateau"],
                       resumed_epoch=raw["resumed_epoch"])
    if result.plateau:
        warnings.warn(raw["plateau_advice"], RuntimeWarning, stacklevel=2)
    if raw["report_problem"]:
        warnings.warn(f"no report written: {raw['report_problem']}", RuntimeWarning, stacklevel=2)
    return finish(result, raw["pending"], args["verbose"], interrupted_line=True)


fit.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
     for name in ("train_images", "train_labels", "test_images", "test_labels")]
    + keyword_parameters(_FIT_DEFAULTS) + keyword_parameters(option_defaults()))
fit.__doc__ = fit.__doc__.format(data=DATA_DOC, raises=RAISES_DOC, options=option_docs())
