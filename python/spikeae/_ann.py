"""spikeae.AnnModel and spikeae.fit_ann: the paper's dense (non-spiking) baseline.

An ``input - hidden - input`` autoencoder with biases, or any stack of dense,
local, conv and tconv layers the spiking network takes, whose inputs are the values
the spiking network encodes (the same noise, 1 where the spiking network has no
spike) and whose loss is the spiking model's reconstruction loss, so the two
losses are in the same units (docs/model.md section 7).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from . import _core
from ._model import CoreWrapper, _fit_batch, _fit_images, core_attribute, entry_of
from ._options import RUN_DEFAULTS
from ._protocol import (DATA_DOC, RAISES_DOC, SIGNAL_CHECK_SECONDS, RunResult, epoch_callback,
                        finish, result_fields, run_data)

SpikeaeError = _core.SpikeaeError

_FORMAT = "spikeae-ann-1"
_PARAMETERS = ("w1", "b1", "w2", "b2")
# A stack's file: its layer sizes and specs in the options, weights_<c> and biases_<c>.
_STACK_FORMAT = "spikeae-ann-2"
# Training options a model carries (fit_ann sets them; they are saved with it).
_TRAINING_DEFAULTS = {"learning_rate": 0.001, "batch_size": 7,
                      "epochs": RUN_DEFAULTS["epochs"], "threads": RUN_DEFAULTS["threads"],
                      "gradient_shards": RUN_DEFAULTS["gradient_shards"]}


def _core_model(input_size: int, hidden: Optional[int], encoder: str, decoder: str, inverted: bool,
                noise_factor: float, seed: int, architecture: Optional[str] = None,
                layer_sizes: Optional[List[int]] = None, layers: Optional[str] = None,
                **training: Any) -> Any:
    options = dict(_TRAINING_DEFAULTS, **training)
    shape = {"architecture": None if architecture is None else str(architecture),
             "layer_sizes": None if layer_sizes is None else [int(n) for n in layer_sizes],
             "layers": None if layers is None else str(layers)}
    # hidden given explicitly must agree with a stack's middle layer; left out, 32.
    shape["requested_hidden"] = None if hidden is None else int(hidden)
    hidden = 32 if hidden is None else hidden
    return _core.AnnModel(input_size=int(input_size), hidden=int(hidden), encoder=str(encoder),
                          decoder=str(decoder), inverted=bool(inverted),
                          noise_factor=float(noise_factor), seed=int(seed),
                          learning_rate=float(options["learning_rate"]),
                          batch_size=int(options["batch_size"]), epochs=int(options["epochs"]),
                          threads=int(options["threads"]),
                          gradient_shards=int(options["gradient_shards"]), **shape)


class AnnModel(CoreWrapper):
    """A dense autoencoder ``input_size - hidden - input_size`` with biases, or a stack.

    ``architecture`` (the spiking model's string, e.g. "28x28,conv:8:4:2:1,dense:32")
    or ``layer_sizes`` with ``layers`` (one spec per connection, e.g.
    "conv:1:28:28:8:4:2:1,dense,dense,tconv:8:14:14:1:4:2:1") give any stack of
    dense, local, conv and tconv layers; hidden layers use ``encoder``, the last
    ``decoder``, and ``hidden`` is then the size of the middle layer (given as well,
    it must agree; left out it is 32 for the input - hidden - input model).

    Activations by name: "relu", "sigmoid", "elu", "tanh", "gaussian" (exp(-z^2)).
    Images are (n, rows, cols) or (n, pixels) arrays (one image: no leading axis) of
    uint8 bytes or floats in [0, 1], as for spikeae.Model. The network's inputs are
    the values x = b (``inverted=False``) or x = 1 - b of the brightness
    b = byte / 255, with the spiking model's noise; the targets are the clean x.
    """

    __slots__ = ()

    def __init__(self, *, input_size: int = 784, hidden: Optional[int] = None,
                 encoder: str = "relu",
                 decoder: str = "sigmoid", inverted: bool = False, noise_factor: float = 0.0,
                 seed: int = 1, architecture: Optional[str] = None,
                 layer_sizes: Optional[List[int]] = None, layers: Optional[str] = None) -> None:
        self._core = _core_model(input_size, hidden, encoder, decoder, inverted, noise_factor,
                                 seed, architecture, layer_sizes, layers)

    def __repr__(self) -> str:
        shape = "-".join(str(n) for n in self.layer_sizes)
        if "layers" in self.options:
            shape += f" ({self.layers})"
        return (f"<spikeae.AnnModel {shape}, {self.encoder}/{self.decoder}, "
                f"{self.parameter_count} parameters>")

    # -- description -------------------------------------------------------------

    options = core_attribute(
        "options", "Every option, training ones included (learning_rate, batch_size, ...).")
    input_size = entry_of("options", "input_size",
                          "Pixels per image (inputs, and as many outputs).")
    hidden = entry_of("options", "hidden", "Hidden units.")
    encoder = entry_of("options", "encoder", "Activation of the hidden layer.")
    decoder = entry_of("options", "decoder", "Activation of the output layer.")
    inverted = entry_of("options", "inverted",
                        "Inputs are 1 - brightness (True) or brightness (False).")
    noise_factor = entry_of("options", "noise_factor", "The default noise of its inputs (the "
                            "spiking model's noise_factor_ae).")
    seed = entry_of("options", "seed", "The seed of its weights (and of its training run and "
                    "test-noise seed).")
    parameter_count = core_attribute("parameter_count", "Weights and biases, all layers.")

    @property
    def layer_sizes(self) -> List[int]:
        """Neurons per layer, input to output."""
        return list(self.options.get("layer_sizes",
                                     [self.input_size, self.hidden, self.input_size]))

    @property
    def layers(self) -> str:
        """The connections' specs ("dense" when all are dense)."""
        return self.options.get("layers", "dense")

    # -- parameters ----------------------------------------------------------------

    @property
    def weights(self) -> List[np.ndarray]:
        """Copies of [W1 (input_size, hidden), W2 (hidden, input_size)] (input-major).

        A stack's, one per connection: dense (n_pre, n_post) input-major, local
        (n_post, window), conv and tconv (C_out, C_in * K * K) (docs/model.md 2.1).
        """
        if self._core.is_stack:
            return self._stack_arrays("weights")
        return [self._core.get_parameter("w1"), self._core.get_parameter("w2")]

    @weights.setter
    def weights(self, matrices: Any) -> None:
        if self._core.is_stack:
            self._set_all(matrices, self._stack_setter("weights"), self._core.connection_count,
                          "weight matrices")
            return
        self._set_all(matrices, self._setter("w1", "w2"), 2, "weight matrices")

    @property
    def biases(self) -> List[np.ndarray]:
        """Copies of [b1 (hidden,), b2 (input_size,)]; a stack's one per connection
        (one per neuron, or per output channel for conv and tconv)."""
        if self._core.is_stack:
            return self._stack_arrays("biases")
        return [self._core.get_parameter("b1"), self._core.get_parameter("b2")]

    @biases.setter
    def biases(self, vectors: Any) -> None:
        if self._core.is_stack:
            self._set_all(vectors, self._stack_setter("biases"), self._core.connection_count,
                          "bias vectors")
            return
        self._set_all(vectors, self._setter("b1", "b2"), 2, "bias vectors")

    def _setter(self, *names: str):
        """set(i, value) for the parameter names[i]."""
        return lambda i, value: self._core.set_parameter(names[i], np.asarray(value, np.float64))

    def _stack_arrays(self, name: str) -> List[np.ndarray]:
        return [self._core.get_stack_parameter(name, c)
                for c in range(self._core.connection_count)]

    def _stack_setter(self, name: str):
        return lambda c, value: self._core.set_stack_parameter(name, c,
                                                               np.asarray(value, np.float64))

    # -- running -----------------------------------------------------------------

    def _flat_images(self, images: Any):
        flat, batch, _ = _fit_images(images, self.input_size)
        return np.ascontiguousarray(flat), batch

    def inputs(self, images: Any, *, noise_factor: Optional[float] = None,
               seed: Optional[int] = None, first_index: int = 0) -> np.ndarray:
        """The network's (noisy) inputs: float64 (n, input_size), values in [0, 1].

        Image i gets the noise of index first_index + i in the set with noise seed
        noise_seed(seed, "test") (seed: default the model's), exactly the values
        Model.encode_inputs gives the spiking network, with 1.0 for its "no spike".
        noise_factor: default the model's.
        """
        flat, batch = self._flat_images(images)
        noise, set_seed = self._test_noise(noise_factor, seed)
        values = _core.encode_values(flat, self.inverted, noise, set_seed, int(first_index))
        return values.reshape(batch + (self.input_size,))

    def targets(self, images: Any) -> np.ndarray:
        """The clean values x the loss compares with: float64 (n, input_size)."""
        flat, batch = self._flat_images(images)
        values = _core.encode_values(flat, self.inverted, 0.0, 0, 0)
        return values.reshape(batch + (self.input_size,))

    def encode(self, images: Any, *, noise_factor: Optional[float] = None,
               seed: Optional[int] = None) -> np.ndarray:
        """Hidden activations: float64 (n, hidden)."""
        values = self.inputs(images, noise_factor=noise_factor, seed=seed)
        flat = np.ascontiguousarray(values.reshape(-1, self.input_size))
        hidden = self._core.forward(flat)[0]
        return hidden.reshape(values.shape[:-1] + (self.hidden,))

    def decode(self, hidden: Any) -> np.ndarray:
        """Outputs from hidden activations (n, hidden): float64 (n, input_size)."""
        array = np.asarray(hidden)
        if array.dtype.kind not in "fiu":
            raise TypeError(f"hidden activations must be numbers, got dtype {array.dtype}")
        if array.ndim == 0 or array.shape[-1] != self.hidden:
            raise SpikeaeError(f"hidden activations must be (..., {self.hidden}), got shape "
                               f"{array.shape}")
        flat = np.ascontiguousarray(array.reshape(-1, self.hidden), dtype=np.float64)
        return self._core.decode(flat).reshape(array.shape[:-1] + (self.input_size,))

    def reconstruct(self, images: Any, *, noise_factor: Optional[float] = None,
                    seed: Optional[int] = None) -> np.ndarray:
        """Outputs for the (noisy) images: float64 (n, input_size), comparable with targets()."""
        values = self.inputs(images, noise_factor=noise_factor, seed=seed)
        flat = np.ascontiguousarray(values.reshape(-1, self.input_size))
        return self._core.forward(flat)[1].reshape(values.shape)

    def loss(self, images: Any, *, noise_factor: Optional[float] = None,
             seed: Optional[int] = None, per_example: bool = False):
        """Per-pixel mean squared error against the clean values, averaged over images
        (summed in order): the spiking model's loss, in the same units.

        Returns:
            float, or float64 (n,) per-example losses with per_example=True.
        """
        flat, batch = self._flat_images(images)
        noise, set_seed = self._test_noise(noise_factor, seed)
        losses, mean = self._core.losses(flat, noise, set_seed, self.options["threads"])
        return losses.reshape(batch) if per_example else mean

    # -- files ---------------------------------------------------------------------

    def save(self, path: Any) -> None:
        """Writes an .npz file (atomically: a temporary file, then a rename; the library's
        write_file_atomically)."""
        path = os.fspath(path)
        if self._core.is_stack:
            arrays = {f"{name}_{c}": array for name in ("weights", "biases")
                      for c, array in enumerate(self._stack_arrays(name))}
            meta = dict(self.options, format=_STACK_FORMAT)
        else:
            arrays = {name: self._core.get_parameter(name) for name in _PARAMETERS}
            meta = dict(self.options, format=_FORMAT)
        buffer = io.BytesIO()
        np.savez(buffer, options=np.array(json.dumps(meta)), **arrays)
        _core.write_file_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Any) -> "AnnModel":
        """Reads a file written by AnnModel.save.

        Raises:
            SpikeaeError: the file is missing, not such a file, or holds bad values.
        """
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["options"]))
                if not isinstance(meta, dict):
                    raise ValueError("its options are not a JSON object")
                names = _stored_names(meta, data.files)
                arrays = {name: np.array(data[name]) for name in names}
        except (OSError, KeyError, ValueError, TypeError, EOFError,
                zipfile.BadZipFile) as error:
            raise SpikeaeError(f"{path}: not a readable ANN model file ({error})") from error
        file_format = meta.pop("format", None)
        if file_format not in (_FORMAT, _STACK_FORMAT):
            raise SpikeaeError(f"{path}: not an ANN model file of format {_FORMAT} or "
                               f"{_STACK_FORMAT}")
        try:
            core = _core_model(**meta)
            if core.is_stack != (file_format == _STACK_FORMAT):
                raise SpikeaeError(f"format {file_format} does not fit its layer sizes")
            for name, array in arrays.items():
                if core.is_stack:
                    kind, c = name.rsplit("_", 1)
                    core.set_stack_parameter(kind, int(c), array)
                else:
                    core.set_parameter(name, array)
        except TypeError as error:
            raise SpikeaeError(f"{path}: bad ANN model options ({error})") from error
        except SpikeaeError as error:
            raise SpikeaeError(f"{path}: {error}") from error
        return cls._wrap(core)


def _stored_names(meta: Dict[str, Any], files: List[str]) -> List[str]:
    """The arrays a file of this format must hold; KeyError names a missing one."""
    if meta.get("format") != _STACK_FORMAT:
        names = list(_PARAMETERS)
    else:
        sizes = meta.get("layer_sizes")
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError("a stack's options need its layer_sizes")
        names = [f"{name}_{c}" for name in ("weights", "biases") for c in range(len(sizes) - 1)]
    for name in names:
        if name not in files:
            raise KeyError(f"no array {name}")
    return names


@dataclass
class AnnFitResult(RunResult):
    __doc__ = RunResult.__doc__.replace("What a training run produced",
                                        "What fit_ann produced (as spikeae.FitResult)")
    model: AnnModel
    final_model: AnnModel


def fit_ann(train_images: Any = None, train_labels: Any = None, test_images: Any = None,
            test_labels: Any = None, *, dataset: str = "mnist", data_dir: Any = None,
            train_size: Optional[int] = None, validation_size: Optional[int] = None,
            split: str = "shuffled", test_size: int = 0, hidden: Optional[int] = None,
            architecture: Optional[str] = None, layer_sizes: Optional[List[int]] = None,
            layers: Optional[str] = None, encoder: str = "relu",
            decoder: str = "sigmoid", inverted: bool = False, noise_factor: float = 0.0,
            epochs: int = RUN_DEFAULTS["epochs"], batch_size: int = 7,
            learning_rate: float = 0.001, threads: int = RUN_DEFAULTS["threads"],
            gradient_shards: int = RUN_DEFAULTS["gradient_shards"],
            seed: int = RUN_DEFAULTS["seed"],
            on_epoch: Optional[Callable[[Dict[str, Any], AnnModel], Any]] = None,
            verbose: bool = False) -> AnnFitResult:
    """Trains the dense baseline with the protocol of spikeae.fit.

    The library's run protocol, as for the spiking model: the same data arguments,
    split (seeded by ``seed``), per-set noise seeds, per-epoch shuffle and
    best-validation model, tested on the test images; Adam with its betas and
    TensorFlow's eps (1e-7, outside the square root; docs/model.md).
    ``on_epoch(metrics, model)`` is called after every epoch with a copy of the
    model; returning True stops training. It writes no files (AnnModel.save does).
    ``architecture`` or ``layer_sizes`` (with ``layers``) give a stack as for
    spikeae.AnnModel (the spiking model's strings); otherwise ``input - hidden - input``.

    {data}

    {raises}
    """
    data = run_data(train_images, train_labels, test_images, test_labels, dataset=dataset,
                    data_dir=data_dir, test_size=test_size, train_size=train_size,
                    validation_size=validation_size, split=split)
    start = _core_model(data.pixels, hidden, encoder, decoder, inverted, noise_factor, seed,
                        architecture, layer_sizes, layers, learning_rate=learning_rate, batch_size=batch_size, epochs=epochs,
                        threads=threads, gradient_shards=gradient_shards)
    history: List[Dict[str, Any]] = []
    raw = _core.fit_ann(start, data.training_file, data.train_size, data.validation_size,
                        data.shuffled, data.test,
                        epoch_callback(history, epochs, verbose, on_epoch, AnnModel._wrap),
                        SIGNAL_CHECK_SECONDS)
    result = AnnFitResult(AnnModel._wrap(raw["best"]), AnnModel._wrap(raw["final"]),
                          **result_fields(raw, history, data))
    return finish(result, raw["pending"], verbose)


fit_ann.__doc__ = fit_ann.__doc__.format(data=DATA_DOC, raises=RAISES_DOC)
