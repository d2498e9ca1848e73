"""spikeae: spiking autoencoders with temporal coding, trained with exact spike-time gradients.

The Python face of the spikeae C++ library and CLI. Everything runs in the
library (threads, the GIL released); arrays go in and out as numpy arrays, with
``numpy.inf`` for "no spike".

Images, wherever they go in, are uint8 bytes 0..255 or floats in [0, 1] (the
brightness; x and x / 255 give the same results); anything else is refused with
SpikeaeError. Any array-like goes: numpy arrays, objects with ``__array__`` or
``__dlpack__`` (CPU torch tensors, without importing torch); (count, rows, cols,
channels) images with 1, 3 or 4 channels become grey (BT.601 luma, alpha dropped).
Spike times go in only through arguments named for them (``spike_times=``,
``Model.decode(hidden)``).

Data::

    data = spikeae.load_dataset("mnist")                 # or read_idx_images(path)
    times = spikeae.encode_images(data.test_images[:5], noise_factor=0.2, noise_seed=7)

Models (options named and defaulted as the ``spikeae train`` flags)::

    model = spikeae.Model(n_hidden=16, learning_rate=3e-3)
    model = spikeae.Model.load("runs/default/model.spikeae")
    layers = model.forward(data.test_images[:100])        # spike times of every layer
    hidden = model.encode(images); out = model.decode(hidden)   # output spike times
    pictures = model.decode_images(hidden)                # brightness in [0, 1]
    model.forward(spike_times=times)                      # spike times in, named
    model.loss(data.test_images)                          # as `spikeae eval`
    trace = model.membrane_potential(image, layer=1, neuron=3, t=np.linspace(0, 3, 500))

Plots (matplotlib, imported only by ``import spikeae.plot``)::

    import spikeae.plot
    spikeae.plot.raster(model, image); spikeae.plot.learning_curves(result)
    model.to_nir("model.nir"); model = spikeae.Model.from_nir("model.nir")   # NIR graphs

Training (the protocol of ``spikeae train``; Ctrl-C stops cleanly)::

    result = spikeae.fit(train_size=10000, validation_size=1000, epochs=5,
                         on_epoch=lambda metrics, model: print(metrics))
    result = spikeae.fit(my_images, my_labels, test_images, test_labels)   # split 90/10
    result.model.save("model.spikeae")
    result.model.dataset                                  # DataDescription(name, split, ...)

Errors of the library arrive as ``spikeae.SpikeaeError`` (a ValueError) with the
library's message.
"""

try:
    from . import _core
except ImportError as error:  # pragma: no cover - depends on how the package is found
    raise ImportError(
        "spikeae's extension module (_core) is missing: build it with "
        "`ninja -C build spikeae_python` (or scripts/build.sh) and put build/python on "
        f"PYTHONPATH, not the source folder python/ ({error})") from error

from ._core import SpikeaeError

SpikeaeError.__module__ = __name__  # shown as spikeae.SpikeaeError
from ._data import (
    NO_SPIKE,
    Data,
    DataDescription,
    DatasetFiles,
    Split,
    brightness,
    derive_seed,
    encode_images,
    known_datasets,
    load_dataset,
    load_idx,
    locate_dataset,
    membrane_potential,
    noise_seed,
    read_idx_images,
    read_idx_labels,
    split_train_validation,
    target_times,
    write_idx_images,
    write_idx_labels,
    write_image_grid,
)
from ._ann import AnnFitResult, AnnModel, fit_ann
from ._fit import FitResult, fit
from ._model import MembraneTrace, Model
from ._options import HYPERPARAMETER_NAMES, default_hyperparameters, option_defaults

__version__: str = _core.__version__

__all__ = [
    "AnnFitResult",
    "AnnModel",
    "HYPERPARAMETER_NAMES",
    "NO_SPIKE",
    "Data",
    "DataDescription",
    "DatasetFiles",
    "FitResult",
    "MembraneTrace",
    "Model",
    "SpikeaeError",
    "Split",
    "brightness",
    "default_hyperparameters",
    "derive_seed",
    "encode_images",
    "fit",
    "fit_ann",
    "format_hyperparameter_table",
    "hyperparameter_names",
    "known_datasets",
    "load_dataset",
    "load_idx",
    "locate_dataset",
    "membrane_potential",
    "noise_seed",
    "option_defaults",
    "paper_preset",
    "paper_presets",
    "parse_hyperparameter_table",
    "read_idx_images",
    "read_idx_labels",
    "split_train_validation",
    "target_times",
    "write_idx_images",
    "write_idx_labels",
    "write_image_grid",
]


def hyperparameter_names() -> list:
    """The 13 columns of the paper's hyperparameter table, in its order."""
    return list(HYPERPARAMETER_NAMES)


def paper_presets() -> list:
    """The paper's 75 tuned rows (dicts by column name), compiled into the library."""
    return _core.paper_presets()


def paper_preset(noise: float, latency: float, hidden: int) -> dict:
    """The paper's tuned row for (noise_factor_ae, latency_ae, n_hidden).

    ``Model(preset=(noise, latency, hidden))`` uses it.

    Raises:
        SpikeaeError: no such row (the message lists the valid values).
    """
    return _core.paper_preset(float(noise), float(latency), int(hidden))


def format_hyperparameter_table(rows) -> str:
    """Rows (dicts by column name; columns left out take the defaults) as the
    tab-separated table that ``--preset-file`` reads and ``hyperparameters.tsv`` holds."""
    return _core.format_hyperparameter_table([dict(row) for row in rows])


def parse_hyperparameter_table(text: str, source: str = "<text>") -> list:
    """Rows of a tab-separated table whose header holds all 13 column names.

    Raises:
        SpikeaeError: naming ``source``, the line and the problem.
    """
    return _core.parse_hyperparameter_table(text, source)


# Public submodules, listed by dir() once imported.
_PUBLIC_SUBMODULES = ("search", "paper")


def __dir__() -> list:
    """The public API only: the private modules the imports leave behind stay hidden."""
    loaded = [name for name in _PUBLIC_SUBMODULES if name in globals()]
    return sorted(set(__all__) | {"__version__", "__all__", "__doc__", "__file__", "__name__",
                                  "__path__"} | set(loaded))
