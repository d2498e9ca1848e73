"""What spikeae.fit and spikeae.fit_ann share around the library's run protocol:
the data arguments, the result's common attributes, the epoch callback and the
end of a run (the verbose lines, Ctrl-C)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from . import _core
from ._data import (Data, as_images, as_labels, check_same_size, load_dataset, load_idx,
                    split_is_shuffled)
from ._options import RUN_DEFAULTS

SpikeaeError = _core.SpikeaeError

# How often (seconds) the engine looks for Ctrl-C between batches.
SIGNAL_CHECK_SECONDS = 0.05
# Own data without split sizes: a tenth of the images for validation, the rest for training.
_OWN_VALIDATION_FRACTION = 10

DATA_DOC = """Data (as the CLI's data options): the named ``dataset`` by default, or your own
    images: each of train_images / test_images is an IDX file path or an array
    (count, rows, cols) or (count, pixels) of uint8 bytes or floats in [0, 1]
    (brightness; other values are refused); labels are optional integers 0..255.
    Without test images there is no test loss. A ``spikeae.Data`` (what
    load_dataset returns) can be given alone as the first argument: its training
    and test images and labels, recorded under its name.

    Split: the CLI's 54,000/6,000 for the named data sets; for own images (arrays,
    IDX files or a Data) validation_size defaults to a tenth of the training images
    (at least 1) and train_size to the rest (for MNIST's 60,000 images that is the
    CLI's split). Given sizes win, and must fit the images."""

RAISES_DOC = """Raises:
        KeyboardInterrupt: Ctrl-C stopped training between two batches; the run was
            finished as the CLI does (best model tested; fit writes its files) and
            the result is attached as the exception's ``fit_result`` attribute.
        SpikeaeError: bad options or data (the CLI's messages).
        Any exception raised by a callback, after training stopped, with
            ``fit_result`` attached likewise."""


@dataclass
class RunResult:
    """What a training run produced.

    Attributes:
        model: the model with the lowest validation loss (the one ``spikeae train`` saves).
        final_model: the model after the last completed epoch.
        history: one dict per completed epoch: epoch, train_loss, validation_loss,
            seconds, examples_per_second, best (and for spikeae.fit test_loss, NaN
            unless test_every_epoch).
        best_epoch: the epoch of ``model`` (0: no epoch completed).
        best_validation_loss: its validation loss (NaN: no epoch completed).
        test_loss: the test loss of ``model`` (None without test images or epochs).
        stopped: training ended early (Ctrl-C, an exception in a callback, or
            on_epoch returning True).
    """

    model: Any
    final_model: Any
    history: List[Dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    best_validation_loss: float = math.nan
    test_loss: Optional[float] = None
    stopped: bool = False


class RunData(NamedTuple):
    """The data arguments resolved: what the library's run protocol takes."""

    training_file: np.ndarray  # (count, rows, cols) uint8, split by the library
    test: Optional[np.ndarray]
    name: str
    train_size: int
    validation_size: int
    shuffled: bool

    @property
    def pixels(self) -> int:
        return self.training_file.shape[1] * self.training_file.shape[2]


def run_data(train_images: Any, train_labels: Any, test_images: Any, test_labels: Any, *,
             dataset: str, data_dir: Any, test_size: int, train_size: Optional[int],
             validation_size: Optional[int], split: str) -> RunData:
    """The data arguments of fit and fit_ann (see DATA_DOC), checked."""
    shuffled = split_is_shuffled(split)
    # The labels are checked by the package's rule but not trained on.
    train, _, test, name = _load_data(train_images, train_labels, test_images, test_labels,
                                      dataset, data_dir, test_size)
    sizes = _split_sizes(len(train), train_size, validation_size, train_images is not None)
    return RunData(train, test, name, *sizes, shuffled)


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
    """(train images, train labels, test images or None, data name)."""
    others_given = any(part is not None for part in (train_labels, test_images, test_labels))
    data = _data_object(train_images, others_given, dataset, data_dir)
    if data is not None:
        train, labels, test, name = (data.train_images, data.train_labels, data.test_images,
                                     data.name)
    else:
        train, labels = _load_part(train_images, train_labels, "training")
        test = None if test_images is None else _load_part(test_images, test_labels, "test")[0]
        name = os.fspath(train_images) if _is_path(train_images) else "arrays"
    if test is not None:
        check_same_size(train, test)
        if test_size and 0 < int(test_size) < len(test):
            test = test[:int(test_size)]
    return (np.ascontiguousarray(train), labels,
            None if test is None else np.ascontiguousarray(test), name)


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


def epoch_callback(history: List[Dict[str, Any]], epochs: Optional[int], verbose: bool,
                   on_epoch: Optional[Callable], wrap: Callable[[Any], Any]) -> Callable:
    """The engine's per-epoch call: records the metrics, prints them when verbose (with
    the run's epochs, unless None: not known) and passes them on to the user's on_epoch
    with the model wrapped."""
    of_epochs = "" if epochs is None else f"/{epochs}"

    def called(metrics: Dict[str, Any], core: Any) -> Any:
        history.append(dict(metrics))
        if verbose:
            best = " *best*" if metrics["best"] else ""
            print(f"epoch {metrics['epoch']}{of_epochs}: train loss {metrics['train_loss']:.5f}, "
                  f"validation loss {metrics['validation_loss']:.5f}{best}  "
                  f"({metrics['seconds']:.1f} s, {metrics['examples_per_second']:.0f} ex/s)",
                  flush=True)
        return None if on_epoch is None else on_epoch(dict(metrics), wrap(core))

    return called


def result_fields(raw: Dict[str, Any], history: List[Dict[str, Any]],
                  data: RunData) -> Dict[str, Any]:
    """RunResult's attributes after the models, from what the library returned."""
    tested = raw["best_epoch"] > 0 and data.test is not None and len(data.test) > 0
    return dict(history=history, best_epoch=raw["best_epoch"],
                best_validation_loss=raw["best_validation_loss"],
                test_loss=raw["test_loss"] if tested else None,
                stopped=raw["stopped"] or raw["pending"] is not None)


def finish(result: RunResult, pending: Optional[BaseException], verbose: bool,
           interrupted_line: bool = False) -> RunResult:
    """Prints the best epoch when verbose; re-raises what stopped the run (Ctrl-C or a
    callback's exception) with the result attached as ``fit_result``."""
    if verbose and result.best_epoch > 0:
        test_text = "" if result.test_loss is None else f", test loss {result.test_loss:.5f}"
        print(f"best epoch {result.best_epoch}: validation loss "
              f"{result.best_validation_loss:.5f}{test_text}", flush=True)
    if pending is None:
        return result
    if verbose and interrupted_line:
        print("interrupted: keeping the best model of the epochs completed", flush=True)
    pending.fit_result = result
    raise pending
