"""Images in and spike times out: IDX files, MNIST / Fashion-MNIST, the split,
the encoding with its noise model, and small numeric helpers.

Images follow one rule wherever they enter the package (image_bytes): uint8 bytes
0..255, or floats in [0, 1] taken as brightness; spike times are never images.
Any array-like goes (numpy, ``__array__``, DLPack); colour images become grey by
the BT.601 luma (grey_channels).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _core

SpikeaeError = _core.SpikeaeError
PathLike = Union[str, "os.PathLike[str]"]

#: The time of a neuron that never fires.
NO_SPIKE = math.inf


class DatasetFiles(NamedTuple):
    """The four IDX files of a data set (each raw or gzip-compressed)."""

    train_images: Path
    train_labels: Path
    test_images: Path
    test_labels: Path


class _DataArrays(NamedTuple):
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


class Data(_DataArrays):
    """A data set's training and test images, (count, rows, cols) uint8, with labels.

    ``Data(train_images, train_labels, test_images, test_labels, name="arrays")``
    takes images by the package's rule (uint8 bytes, or floats in [0, 1] as
    brightness; (count, pixels) becomes (count, 1, pixels)) and labels as integers
    0..255 (None: zeros). It unpacks as the four arrays; ``name`` ("mnist" for
    load_dataset("mnist")) is what spikeae.fit(data) records as the model's data.

    Raises:
        SpikeaeError: images or labels outside the rule, label counts that differ
            from the image counts, or training and test images of different sizes.
    """

    def __new__(cls, train_images: Any, train_labels: Any, test_images: Any, test_labels: Any,
                name: str = "arrays") -> "Data":
        train = as_images(train_images, "training images")
        test = as_images(test_images, "test images")
        check_same_size(train, test)
        data = super().__new__(cls, train, as_labels(train_labels, len(train), "training labels"),
                               test, as_labels(test_labels, len(test), "test labels"))
        data._name = str(name)  # outside the tuple, so that Data still unpacks as four arrays
        return data

    @property
    def name(self) -> str:
        """The data set's name: "mnist", "fashion-mnist", or "arrays" for own images."""
        return self._name

    @classmethod
    def _make(cls, iterable: Any) -> "Data":
        return cls(*iterable)

    def _replace(self, **changes: Any) -> "Data":
        return Data(**{**self._asdict(), "name": self.name, **changes})

    def __getnewargs__(self):
        return (*self, self.name)

    def __repr__(self) -> str:
        return (f"<spikeae.Data {self.name}: "
                f"training {_describe_set(self.train_images, self.train_labels)}, "
                f"test {_describe_set(self.test_images, self.test_labels)}>")


def check_same_size(train: np.ndarray, test: np.ndarray) -> None:
    """Refuses test images of another size than the training images."""
    if train.shape[1:] != test.shape[1:]:
        raise SpikeaeError(f"training images are {train.shape[1]}x{train.shape[2]} but test "
                           f"images are {test.shape[1]}x{test.shape[2]}")


def _describe_set(images: np.ndarray, labels: np.ndarray) -> str:
    """E.g. "60000 images 28x28 uint8 (labels 0..9)"."""
    classes = f"labels {labels.min()}..{labels.max()}" if len(labels) else "no labels"
    return f"{len(images)} images {images.shape[1]}x{images.shape[2]} {images.dtype} ({classes})"


class Split(NamedTuple):
    """The training file divided as ``spikeae train`` divides it."""

    train_images: np.ndarray
    train_labels: np.ndarray
    validation_images: np.ndarray
    validation_labels: np.ndarray


class DataDescription(NamedTuple):
    """What a model was trained on: the data's name and the split (Model.dataset).

    ``str()`` gives the text the model file stores, e.g. "mnist (split shuffled
    54000/6000)", "<path of the training IDX file> (split sequential 1000/200)" or
    "arrays (split shuffled 2700/300)". Text of another form (older files, or set
    by hand) parses to name = the whole text and None for the other fields.
    """

    name: str
    split: Optional[str] = None            #: "shuffled" or "sequential"
    train_size: Optional[int] = None
    validation_size: Optional[int] = None

    @classmethod
    def parse(cls, text: str) -> "DataDescription":
        """The description of a model file's data text; never fails (see the class help)."""
        match = _DESCRIPTION.fullmatch(text)
        if match is None:
            return cls(text)
        name, split, train, validation = match.groups()
        return cls(name, split, int(train), int(validation))

    def __str__(self) -> str:
        if None in (self.split, self.train_size, self.validation_size):
            return self.name
        return f"{self.name} (split {self.split} {self.train_size}/{self.validation_size})"


# Numbers without leading zeros, so that str(DataDescription.parse(text)) == text always.
_DESCRIPTION = re.compile(r"(.*) \(split (shuffled|sequential) (0|[1-9][0-9]*)/(0|[1-9][0-9]*)\)",
                          re.DOTALL)


# -- the one rule for images and labels ------------------------------------------------
#
# Every function that takes images passes them through image_bytes, so an array means
# the same thing everywhere: bytes, or brightness in [0, 1]; never spike times.

_HOW_TO_PASS = ("pass images as uint8 bytes 0..255 (or integers in that range) or as floats "
                "in [0, 1] (brightness); spike times go through the spike_times= argument "
                "of Model.forward, encode, reconstruct, reconstruct_images, loss and "
                "membrane_potential")


def _refuse_images(what: str, problem: str) -> SpikeaeError:
    return SpikeaeError(f"{what}: {problem}; {_HOW_TO_PASS}")


def _value_range(array: np.ndarray) -> str:
    return f"from {array.min()} to {array.max()}" if array.size else "none"


def brightness_to_bytes(brightness: np.ndarray) -> np.ndarray:
    """Bytes of brightness values in [0, 1]: round(255 b), halves rounded up.

    The library encodes a byte as brightness byte / 255, so b = byte / 255 gives back
    that byte exactly (in float64 or float32); other values move to the nearest
    multiple of 1/255 (at most 1/510 away).
    """
    scaled = np.asarray(brightness, dtype=np.float64) * 255.0
    return np.floor(scaled + 0.5).astype(np.uint8)


# DLPack's device type of main memory (kDLCPU).
_DLPACK_CPU = 1


def as_array(values: Any, what: str = "images") -> np.ndarray:
    """A numpy array of anything array-like: numpy arrays, sequences, objects with
    ``__array__``, or objects with ``__dlpack__`` (torch, JAX, CuPy tensors...),
    read through numpy.from_dlpack without importing their library.

    Raises:
        SpikeaeError: a DLPack object that lives outside main memory (e.g. on a GPU),
            or one numpy cannot read.
    """
    if isinstance(values, np.ndarray) or not hasattr(values, "__dlpack__"):
        return np.asarray(values)
    device = getattr(values, "__dlpack_device__", lambda: (_DLPACK_CPU, 0))()
    if int(device[0]) != _DLPACK_CPU:
        raise SpikeaeError(f"{what} are on device {tuple(device)}, not in main memory; "
                           f"copy them there first (e.g. tensor.cpu())")
    try:
        return np.from_dlpack(values)
    except (BufferError, TypeError, RuntimeError) as error:
        if hasattr(values, "__array__"):  # e.g. a read-only or unusual dtype tensor
            return np.asarray(values)
        raise SpikeaeError(f"{what}: numpy cannot read this DLPack object ({error}); pass a "
                           f"numpy array instead") from error


def image_bytes(images: Any, what: str = "images") -> np.ndarray:
    """Images as a uint8 array of the same shape, by the package's one rule.

    Anything as_array reads is taken (numpy arrays, ``__array__`` or DLPack objects).
    uint8 arrays are taken as they are; other integer arrays must hold 0..255; float
    arrays must hold brightness in [0, 1] (converted by brightness_to_bytes).

    Raises:
        SpikeaeError: anything else (floats outside [0, 1] or NaN, integers outside
            0..255, bool, complex, object or text arrays), with how to pass images and
            spike times.
    """
    array = as_array(images, what)
    kind = array.dtype.kind
    if array.dtype == np.uint8:
        return array
    if kind in "iu":
        if array.size and (array.min() < 0 or array.max() > 255):
            raise _refuse_images(what, f"integer values must be bytes 0..255, got values "
                                       f"{_value_range(array)}")
        return array.astype(np.uint8)
    if kind == "f":
        if np.isnan(array).any():
            raise _refuse_images(what, "float values must be brightness in [0, 1], got NaN")
        if array.size and (array.min() < 0.0 or array.max() > 1.0):
            raise _refuse_images(what, f"float values must be brightness in [0, 1], got values "
                                       f"{_value_range(array)}")
        return brightness_to_bytes(array)
    raise _refuse_images(what, f"got an array of dtype {array.dtype}")


#: ITU-R BT.601 luma weights of red, green and blue: how colour images become grey.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
_CHANNEL_COUNTS = (1, 3, 4)


def grey_channels(images: np.ndarray, what: str = "images") -> np.ndarray:
    """Channels-last uint8 images (..., rows, cols, channels) as grey (..., rows, cols).

    The channel rule: 1 channel is grey already; 3 (RGB) or 4 (RGBA, alpha dropped)
    become the BT.601 luma 0.299 R + 0.587 G + 0.114 B, rounded to the nearest byte.

    Raises:
        SpikeaeError: another channel count (e.g. channels-first arrays, which must
            move the channel axis last).
    """
    channels = images.shape[-1]
    if channels not in _CHANNEL_COUNTS:
        raise SpikeaeError(
            f"{what} of shape {images.shape} read as (..., rows, cols, channels) have "
            f"{channels} channels, but only 1 (grey), 3 (RGB) or 4 (RGBA) are taken; "
            f"channels-first arrays (count, channels, rows, cols) must move the channel "
            f"axis last, e.g. numpy.moveaxis(images, 1, -1) or tensor.permute(0, 2, 3, 1)")
    if channels == 1:
        return images[..., 0]
    luma = images[..., :3].astype(np.float64) @ np.array(LUMA_WEIGHTS)
    return np.floor(luma + 0.5).astype(np.uint8)


def as_images(images: Any, what: str = "images") -> np.ndarray:
    """A (count, rows, cols) C-contiguous uint8 array by image_bytes' rule.

    (count, pixels) becomes (count, 1, pixels); (count, rows, cols, channels) becomes
    grey by grey_channels' rule.
    """
    array = image_bytes(images, what)
    if array.ndim == 2:
        array = array[:, None, :]
    elif array.ndim == 4:
        array = grey_channels(array, what)
    if array.ndim != 3:
        raise SpikeaeError(f"{what} must be (count, rows, cols), (count, rows, cols, "
                           f"channels) or (count, pixels), got shape {array.shape}")
    return np.ascontiguousarray(array)


def as_labels(labels: Any, count: int, what: str = "labels") -> np.ndarray:
    """(count,) uint8 labels: zeros for None, else integers 0..255 (never wrapped).

    Raises:
        SpikeaeError: other dtypes, values outside 0..255, or another shape.
    """
    if labels is None:
        return np.zeros(count, dtype=np.uint8)
    array = as_array(labels, what)
    if array.dtype.kind not in "iu":
        raise SpikeaeError(f"{what} must be integers 0..255 (class numbers), got an array of "
                           f"dtype {array.dtype}; convert whole-number labels with "
                           f"labels.astype(np.uint8)")
    if array.size and (array.min() < 0 or array.max() > 255):
        raise SpikeaeError(f"{what} must be integers 0..255 (class numbers), got values "
                           f"{_value_range(array)}")
    if array.shape != (count,):
        raise SpikeaeError(f"{what} must have shape ({count},), got {array.shape}")
    return np.ascontiguousarray(array, dtype=np.uint8)


def read_idx_images(path: PathLike) -> np.ndarray:
    """Reads an IDX image file, raw or gzip-compressed (recognised by content).

    Args:
        path: the file.

    Returns:
        (count, rows, cols) uint8 array.

    Raises:
        SpikeaeError: the file is missing, not an IDX image file, truncated or corrupt
            (the message names the file and the defect).
    """
    return _core.read_idx_images(os.fspath(path))


def read_idx_labels(path: PathLike) -> np.ndarray:
    """Reads an IDX label file, raw or gzip-compressed.

    Returns:
        (count,) uint8 array.

    Raises:
        SpikeaeError: as read_idx_images.
    """
    return _core.read_idx_labels(os.fspath(path))


def load_idx(images: PathLike, labels: Optional[PathLike] = None):
    """Reads an image file and, when given, its label file (their counts must agree).

    Returns:
        (images, labels): (count, rows, cols) and (count,) uint8 arrays; labels are
        zeros when no label file is given.
    """
    if labels is None:
        array = read_idx_images(images)
        return array, np.zeros(len(array), dtype=np.uint8)
    return _core.load_idx_dataset(os.fspath(images), os.fspath(labels))


def write_idx_images(path: PathLike, images: Any) -> None:
    """Writes images as a raw IDX file, replacing ``path`` atomically.

    Args:
        path: the file to write.
        images: (count, rows, cols) images, uint8 or floats in [0, 1] (see image_bytes);
            (count, pixels) is written as 1 x pixels.
    """
    _core.write_idx_images(os.fspath(path), as_images(images))


def write_idx_labels(path: PathLike, labels: Any) -> None:
    """Writes (count,) labels, integers 0..255, as a raw IDX file, replacing ``path``
    atomically."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise SpikeaeError(f"labels must be a (count,) array, got shape {array.shape}")
    _core.write_idx_labels(os.fspath(path), as_labels(array, len(array)))


def known_datasets() -> list:
    """Names accepted by locate_dataset and load_dataset: 'mnist', 'fashion-mnist'."""
    return list(_core.known_dataset_names())


def locate_dataset(name: str = "mnist", data_dir: Optional[PathLike] = None) -> DatasetFiles:
    """Finds a named data set's four IDX files, as the CLI does.

    The data dir is ``data_dir`` when given, else ``$SPIKEAE_DATA_DIR``, else
    ``./data`` when it holds the set, else the source tree's ``data/``.

    Raises:
        SpikeaeError: unknown name, or the set is missing (the message lists every
            place searched and the command that fetches the set).
    """
    files = _core.locate_dataset(name, None if data_dir is None else os.fspath(data_dir))
    return DatasetFiles(**{key: Path(value) for key, value in files.items()})


def load_dataset(name: str = "mnist", data_dir: Optional[PathLike] = None) -> Data:
    """Loads MNIST or Fashion-MNIST (found as by locate_dataset).

    Returns:
        Data(train_images, train_labels, test_images, test_labels) named ``name``:
        images are (count, 28, 28) uint8, labels (count,) uint8.
    """
    files = locate_dataset(name, data_dir)
    return Data(*_core.load_dataset_files(*(os.fspath(path) for path in files)), name=name)


_RUN_DEFAULTS = _core.run_defaults()


def split_is_shuffled(split: Any) -> bool:
    """True for "shuffled", False for "sequential"; anything else is refused."""
    if split not in ("shuffled", "sequential"):
        raise SpikeaeError(f'invalid split "{split}": must be "shuffled" or "sequential"')
    return split == "shuffled"


def split_train_validation(images: Any, labels: Any = None, *,
                           train_size: int = _RUN_DEFAULTS["train_size"],
                           validation_size: int = _RUN_DEFAULTS["validation_size"],
                           split: str = "shuffled",
                           seed: int = _RUN_DEFAULTS["seed"]) -> Split:
    """Divides a training file into training and validation images, as ``spikeae train``.

    Args:
        images: (count, rows, cols) or (count, pixels) images, uint8 or floats in
            [0, 1] (see image_bytes).
        labels: (count,) labels, integers 0..255, or None (zeros).
        train_size: images for training.
        validation_size: images for validation.
        split: "shuffled" (a permutation drawn from ``seed``) or "sequential" (the
            first train_size images, then the next validation_size).
        seed: the run's seed (the split uses its own stream of it).

    Returns:
        Split(train_images, train_labels, validation_images, validation_labels);
        images come back as (count, rows, cols) (1 x pixels for flat input).

    Raises:
        SpikeaeError: fewer images than train_size + validation_size.
    """
    array = as_images(images)
    return Split(*_core.split_train_validation(array, as_labels(labels, len(array)),
                                               int(train_size), int(validation_size),
                                               split_is_shuffled(split), int(seed)))


def derive_seed(seed: int, stream: str, index: int = 0) -> int:
    """The seed of one random stream of a run (splitmix64 of seed, stream, index).

    Args:
        seed: the run's seed.
        stream: "weights", "train_noise", "validation_noise", "test_noise", "split",
            "shuffle" or "image_noise".
        index: the stream's index (the epoch for "shuffle", the image for "image_noise").
    """
    return _core.derive_seed(int(seed), stream, int(index))


def noise_seed(seed: int, which: str = "test") -> int:
    """The noise seed the CLI gives a set: ``derive_seed(seed, which + '_noise')``.

    ``spikeae train`` encodes its training, validation and test sets with
    ``which`` = "train", "validation", "test"; ``eval``, ``reconstruct`` and ``embed``
    use "test".
    """
    if which not in ("train", "validation", "test"):
        raise SpikeaeError(f'invalid set "{which}": must be "train", "validation" or "test"')
    return derive_seed(seed, which + "_noise")


def encode_images(images: Any, *, inverted: bool = True, noise_factor: float = 0.0,
                  noise_seed: int = 0, first_index: int = 0) -> np.ndarray:
    """Spike times of images, with the paper's noise model.

    A pixel of brightness b = byte / 255 spikes at x = 1 - b (inverted) or x = b.
    With noise, x' = clamp(x + noise_factor * r, 0, 1), r ~ N(1, 1) (inverted) or
    N(0, 1), drawn from (noise_seed, image index). x' = 1 means no spike (inf).

    Args:
        images: (count, rows, cols) or (count, pixels) images, or one image as
            (pixels,): uint8 bytes or floats in [0, 1] (see image_bytes).
        inverted: the encoding.
        noise_factor: eta in [0, 1]; 0 for clean inputs.
        noise_seed: the seed of the set (see noise_seed()).
        first_index: the index of images[0] in its set (image i's noise depends on
            first_index + i), so a set can be encoded in parts.

    Returns:
        float64 array (count, pixels) (or (pixels,)), numpy.inf for silent pixels.
    """
    array = np.asarray(images)
    single = array.ndim == 1
    batch = as_images(array[None] if single else array)
    flat = np.ascontiguousarray(batch.reshape(len(batch), -1))
    times = _core.encode_images(flat, bool(inverted), float(noise_factor), int(noise_seed),
                                int(first_index))
    return times[0] if single else times


def target_times(images: Any, *, inverted: bool = True) -> np.ndarray:
    """Clean spike times of pixels, 1 for silent ones: the reconstruction targets.

    Args:
        images: any shape, uint8 bytes or floats in [0, 1] (see image_bytes).

    Returns:
        float64 array shaped like ``images``.
    """
    array = image_bytes(images)
    return _core.target_times(np.ascontiguousarray(array), bool(inverted))


def brightness(times: Any, *, inverted: bool = True) -> np.ndarray:
    """Spike times (1 or inf = silent) back to brightness in [0, 1], for display.

    Times are clamped to [0, 1]; inverted: 1 - x, else x (as the CLI's pictures).
    """
    clamped = np.clip(np.asarray(times, dtype=np.float64), 0.0, 1.0)
    return 1.0 - clamped if inverted else clamped


def membrane_potential(t: Any, input_times: Any, weights: Any, decay_rate: float,
                       neuron_kind: str = "alpha") -> np.ndarray:
    """V(t) of a neuron with these inputs, ignoring its own spike: the direct definition.

    alpha: sum over inputs i with t_i < t of w_i (t - t_i) exp(-decay_rate (t - t_i))
    (docs/model.md section 1); exponential: w_i (1 - exp(-decay_rate (t - t_i)))
    (section 1.4).

    Args:
        t: times (any shape).
        input_times: (n,) input spike times, inf for silent inputs.
        weights: (n,) weights.
        decay_rate: tau.
        neuron_kind: 'alpha' or 'exponential'.

    Returns:
        float64 array shaped like ``t``.
    """
    return _core.membrane_potential(np.asarray(t, dtype=np.float64),
                                    np.asarray(input_times, dtype=np.float64).ravel(),
                                    np.asarray(weights, dtype=np.float64).ravel(),
                                    float(decay_rate), str(neuron_kind))


def write_image_grid(path: PathLike, tiles: Any, *, padding: int = 2, scale: int = 2,
                     background: int = 128, row_labels: Optional[Sequence[str]] = None,
                     caption: str = "") -> None:
    """Writes a PNG grid of grayscale tiles, as the CLI's pictures.

    Args:
        path: the PNG file (replaced atomically).
        tiles: (grid_rows, grid_cols, rows, cols) values in [0, 1] (black..white;
            clamped; NaN is drawn as background).
        padding: background pixels between tiles.
        scale: each pixel drawn as scale x scale.
        background: gray level 0..255 of the padding.
        row_labels: one short label per grid row, drawn left of it (a 5x7 pixel font:
            lower-case letters, digits and . , : - ( ) / =).
        caption: a line of text above the grid, in the same font.
    """
    _core.write_image_grid(os.fspath(path), np.asarray(tiles, dtype=np.float32), int(padding),
                           int(scale), int(background), list(row_labels or []), str(caption))
