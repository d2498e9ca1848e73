"""spikeae.fit: the protocol of ``spikeae train`` from Python."""

from __future__ import annotations

import inspect
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from . import _core
from ._data import Data, as_images, as_labels, load_dataset, load_idx, split_is_shuffled
from ._model import Model
from ._options import (RUN_DEFAULTS, check_names, keyword_parameters, option_defaults,
                       option_docs, resolve)

SpikeaeError = _core.SpikeaeError

# How often (seconds) the engine looks for Ctrl-C between batches.
_SIGNAL_CHECK_SECONDS = 0.05


@dataclass
class FitResult:
    """What a training run produced.

    Attributes:
        model: the network with the lowest validation loss (what ``spikeae train`` saves).
        final_model: the network after the last completed epoch.
        history: one dict per completed epoch: epoch, train_loss, validation_loss,
            seconds, examples_per_second, best, and test_loss (NaN unless
            test_every_epoch).
        best_epoch: the epoch of ``model`` (0: no epoch completed).
        best_validation_loss: its validation loss (NaN: no epoch completed).
        test_loss: the test loss of ``model`` (None without test images or epochs).
        stopped: training ended early (Ctrl-C, an exception in a callback, or
            on_epoch returning True).
        mean_image_loss: the validation set's mean-image loss (what a network that
            outputs the average image reaches).
        plateau: the best validation loss is not clearly below mean_image_loss (within
            10% or above): the network reproduces little more than the average image.
    """

    model: Model
    final_model: Model
    history: List[Dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    best_validation_loss: float = math.nan
    test_loss: Optional[float] = None
    stopped: bool = False
    mean_image_loss: float = math.nan
    plateau: bool = False


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _load_part(images: Any, labels: Any, what: str) -> Tuple[np.ndarray, np.ndarray]:
    """(images, labels) from IDX paths or arrays (images and labels by the package's rule)."""
    if _is_path(images):
        if labels is not None and not _is_path(labels):
            raise SpikeaeError(f"{what} images are a file, so their labels must be a file too")
        return load_idx(images, labels)
    array = as_images(images, f"{what} images")
    if _is_path(labels):
        raise SpikeaeError(f"{what} images are an array, so their labels must be an array too")
    return array, as_labels(labels, len(array), f"{what} labels")


def _data_object(train_images: Any, others_given: bool, dataset: str,
                 data_dir: Any) -> Optional[Data]:
    """The Data to train on: the one given, or the named data set when no images are
    given; None for images given as arrays or files."""
    if isinstance(train_images, Data):
        if others_given:
            raise SpikeaeError("a Data holds the test images and labels too: give it alone")
        return train_images
    if train_images is None:
        if others_given:
            raise SpikeaeError("give train_images with the other data arguments "
                               "(or none of them, to use the named dataset)")
        return load_dataset(dataset, data_dir)
    return None


def _load_data(train_images, train_labels, test_images, test_labels, dataset, data_dir,
               test_size):
    """(train images, train labels, test images or None, data name, own data?)."""
    others_given = any(part is not None for part in (train_labels, test_images, test_labels))
    data = _data_object(train_images, others_given, dataset, data_dir)
    if data is not None:
        train, labels, test = data.train_images, data.train_labels, data.test_images
        name = data.name
    else:
        train, labels = _load_part(train_images, train_labels, "training")
        test = None if test_images is None else _load_part(test_images, test_labels, "test")[0]
        name = os.fspath(train_images) if _is_path(train_images) else "arrays"
    if test is not None:
        if train.shape[1:] != test.shape[1:]:
            raise SpikeaeError(f"training images are {train.shape[1]}x{train.shape[2]} but test "
                               f"images are {test.shape[1]}x{test.shape[2]}")
        if test_size and 0 < int(test_size) < len(test):
            test = test[:int(test_size)]
    return train, labels, test, name, train_images is not None


# Own data without split sizes: a tenth of the images for validation, the rest for training.
_OWN_VALIDATION_FRACTION = 10


def _split_sizes(count: int, train_size: Optional[int], validation_size: Optional[int],
                 own: bool) -> Tuple[int, int]:
    """(train_size, validation_size): the CLI's 54000/6000 for a named data set; for own
    images validation_size defaults to a tenth of them (at least 1), train_size to the rest.
    Given sizes are kept (the split checks them)."""
    if not own:
        return (RUN_DEFAULTS["train_size"] if train_size is None else int(train_size),
                RUN_DEFAULTS["validation_size"] if validation_size is None
                else int(validation_size))
    if validation_size is None:
        validation_size = max(1, count // _OWN_VALIDATION_FRACTION)
    if train_size is None:
        train_size = count - int(validation_size)
        if train_size < 1:
            raise SpikeaeError(f"{count} training images leave none for training after "
                               f"validation_size = {validation_size}: give more images or a "
                               f"smaller validation_size")
    return int(train_size), int(validation_size)


def _print_epoch(metrics: Dict[str, Any], epochs: int) -> None:
    best = " *best*" if metrics["best"] else ""
    print(f"epoch {metrics['epoch']}/{epochs}: train loss {metrics['train_loss']:.5f}, "
          f"validation loss {metrics['validation_loss']:.5f}{best}  "
          f"({metrics['seconds']:.1f} s, {metrics['examples_per_second']:.0f} ex/s)", flush=True)


def _print_best(result: Any) -> None:
    """The last line of a verbose run (a FitResult or an AnnFitResult)."""
    if result.best_epoch == 0:
        return
    test_text = "" if result.test_loss is None else f", test loss {result.test_loss:.5f}"
    print(f"best epoch {result.best_epoch}: validation loss "
          f"{result.best_validation_loss:.5f}{test_text}", flush=True)


def fit(train_images: Any = None, train_labels: Any = None, test_images: Any = None,
        test_labels: Any = None, **kwargs: Any) -> FitResult:
    """Trains a spiking autoencoder with the protocol and options of ``spikeae train``.

    The training images are split into training and validation images (seeded by
    ``seed``), each set gets the CLI's noise seed, and every epoch is validated; the
    network with the lowest validation loss is kept and tested. With the same data
    and options the result is the CLI's, bit for bit (the same model file).

    Data (as the CLI's data options): the named ``dataset`` by default, or your own
    images: each of train_images / test_images is an IDX file path or an array
    (count, rows, cols) or (count, pixels) of uint8 bytes or floats in [0, 1]
    (brightness; other values are refused); labels are optional integers 0..255.
    Without test images there is no test loss. A ``spikeae.Data`` (what
    load_dataset returns) can be given alone as the first argument: its training
    and test images and labels, recorded under its name.

    Split: the CLI's 54,000/6,000 for the named data sets; for own images (arrays,
    IDX files or a Data) validation_size defaults to a tenth of the training images
    (at least 1) and train_size to the rest (for MNIST's 60,000 images that is the
    CLI's split). Given sizes win, and must fit the images.

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
            hyperparameters.tsv and checkpoint.spikeae into, by the CLI's own code (None:
            write nothing). A folder that holds another run is refused, and one that
            another process is training into is refused.
        overwrite: replace the run that ``out`` holds (as the CLI's --overwrite).
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

    Raises:
        KeyboardInterrupt: Ctrl-C stopped training between two batches; the run was
            finished as the CLI does (best model tested, files written) and the
            FitResult is attached as the exception's ``fit_result`` attribute.
        SpikeaeError: bad options or data (the CLI's messages).
        Any exception raised by a callback, after training stopped, with
            ``fit_result`` attached likewise.

    Options (keyword only):
{options}
    """
    defaults = _FIT_DEFAULTS
    check_names(kwargs, list(defaults) + list(option_defaults()), "fit")
    args = {name: kwargs.pop(name, value) for name, value in defaults.items()}
    options = kwargs
    start: Optional[Model] = args["model"]
    if start is not None and not isinstance(start, Model):
        raise TypeError(f"model must be a spikeae.Model, got {type(start).__name__}")
    # The labels are checked by the package's rule but not trained on.
    train, _, test, name, own = _load_data(train_images, train_labels, test_images, test_labels,
                                           args["dataset"], args["data_dir"], args["test_size"])
    pixels = train.shape[1] * train.shape[2]
    if start is not None:
        config = resolve(options, base=start._core.config)
    else:
        config = resolve(options, input_size=pixels)
    settings = config.as_dict()
    sizes = _split_sizes(len(train), args["train_size"], args["validation_size"], own)
    return _run(config, settings, start, train, sizes, test, name, args)


def _run(config, settings, start, train, sizes, test, name, args) -> FitResult:
    """The protocol of ``spikeae train`` in the engine, with Python callbacks around it."""
    user_on_epoch: Optional[Callable] = args["on_epoch"]
    history: List[Dict[str, Any]] = []

    def on_epoch(raw: Dict[str, Any], core: Any) -> Any:
        model = Model._wrap(core)
        metrics = {key: raw[key] for key in ("epoch", "train_loss", "validation_loss",
                                             "test_loss", "seconds", "examples_per_second",
                                             "best")}
        history.append(metrics)
        if args["verbose"]:
            _print_epoch(metrics, settings["epochs"])
        if user_on_epoch is not None:
            return user_on_epoch(dict(metrics), model)
        return None

    out = args["out"]
    raw = _core.fit(config, None if start is None else start._core, np.ascontiguousarray(train),
                    sizes[0], sizes[1], split_is_shuffled(args["split"]), name,
                    None if test is None else np.ascontiguousarray(test),
                    "" if out is None else os.fspath(out), bool(args["overwrite"]),
                    bool(args["test_every_epoch"]), on_epoch, args["on_progress"],
                    _SIGNAL_CHECK_SECONDS)
    pending = raw["pending"]
    tested = raw["best_epoch"] > 0 and test is not None and len(test) > 0
    result = FitResult(Model._wrap(raw["best"]), Model._wrap(raw["final"]), history,
                       raw["best_epoch"], raw["best_validation_loss"],
                       raw["test_loss"] if tested else None,
                       raw["stopped"] or pending is not None, raw["mean_image_loss"],
                       raw["plateau"])
    if args["verbose"]:
        _print_best(result)
    if result.plateau:
        warnings.warn(raw["plateau_advice"], RuntimeWarning, stacklevel=3)
    if pending is not None:
        if args["verbose"]:
            print("interrupted: keeping the best model of the epochs completed", flush=True)
        pending.fit_result = result
        raise pending
    return result


_FIT_DEFAULTS: Dict[str, Any] = {
    "model": None,
    "dataset": "mnist",
    "data_dir": None,
    "test_size": 0,
    "train_size": None,
    "validation_size": None,
    "split": "shuffled",
    "out": None,
    "overwrite": False,
    "test_every_epoch": False,
    "on_epoch": None,
    "on_progress": None,
    "verbose": False,
}


def _fit_signature() -> inspect.Signature:
    positional = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
                  for name in ("train_images", "train_labels", "test_images", "test_labels")]
    return inspect.Signature(positional + keyword_parameters(_FIT_DEFAULTS)
                             + keyword_parameters(option_defaults()))


fit.__signature__ = _fit_signature()  # type: ignore[attr-defined]
fit.__doc__ = fit.__doc__.replace("{options}", option_docs())
