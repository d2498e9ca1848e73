"""spikeae.Model: a spiking autoencoder you can create, load, save, run and look into."""

from __future__ import annotations

import inspect
import math
import os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from . import _core
from ._data import (DataDescription, as_images, brightness, grey_channels, image_bytes,
                    noise_seed)
from ._options import check_names, keyword_parameters, option_defaults, option_docs, resolve

SpikeaeError = _core.SpikeaeError


class MembraneTrace(NamedTuple):
    """The membrane potential of one neuron for one example (Model.membrane_potential).

    Row i of ``input_times``, ``weights`` and ``contributions`` is input i of the
    neuron: the previous layer's neurons first, then the layer's pulses
    (``is_pulse``). ``v`` is the sum of the contributions; it ignores the neuron's
    own spike, so it goes on past ``threshold`` after ``spike_time``.
    """

    t: np.ndarray              #: (m,) the times asked for
    v: np.ndarray              #: (m,) V(t)
    spike_time: float          #: when the neuron fires (inf: never)
    threshold: float           #: fire_threshold
    input_times: np.ndarray    #: (fan_in,) spike times of its inputs (inf: silent)
    weights: np.ndarray        #: (fan_in,) their weights
    is_pulse: np.ndarray       #: (fan_in,) True for the pulse inputs
    contributions: Optional[np.ndarray]  #: (fan_in, m) each input's term of V(t), or None


def _spike_time_array(times: Any, what: str) -> np.ndarray:
    """Spike times as given (numpy.inf: no spike); they must be floating point."""
    array = np.asarray(times)
    if array.dtype.kind != "f":
        raise SpikeaeError(f"{what} must be floating point (numpy.inf: no spike), got dtype "
                           f"{array.dtype}; images go through the images argument instead")
    return array


def _fit_batch(array: np.ndarray, size: int, what: str) -> Tuple[np.ndarray, tuple, tuple]:
    """(flat (count, size) view, batch shape, trailing shape) of an array of examples.

    The trailing axes hold one example: (..., size) or (..., rows, cols) with
    rows * cols = size; the leading axes (none for a single example) are the batch.
    """
    if array.ndim >= 1 and array.shape[-1] == size:
        trailing = array.shape[-1:]
    elif array.ndim >= 2 and array.shape[-2] * array.shape[-1] == size:
        trailing = array.shape[-2:]
    else:
        raise SpikeaeError(
            f"{what} of shape {array.shape} do not fit a layer of {size} neurons: expected "
            f"(..., {size}) or (..., rows, cols) with rows * cols = {size}")
    batch = array.shape[:array.ndim - len(trailing)]
    return array.reshape((-1, size)), batch, trailing


def _fit_images(images: Any, size: int, what: str = "images") -> Tuple[np.ndarray, tuple, tuple]:
    """_fit_batch of images by the package's rule (image_bytes), where one example may
    also be channels-last (rows, cols, channels) with rows * cols = size: those become
    grey by grey_channels' rule."""
    array = image_bytes(images, what)
    fits = (array.ndim >= 1 and array.shape[-1] == size) or \
        (array.ndim >= 2 and array.shape[-2] * array.shape[-1] == size)
    if not fits and array.ndim >= 3 and array.shape[-3] * array.shape[-2] == size:
        array = grey_channels(array, what)
    return _fit_batch(array, size, what)


def core_attribute(name: str, doc: str, settable: Optional[type] = None) -> property:
    """A property showing the engine object's attribute ``name``; assignable, through
    the type ``settable``, when that is given."""
    setter = None
    if settable is not None:
        def setter(self: Any, value: Any) -> None:
            setattr(self._core, name, settable(value))
    return property(lambda self: getattr(self._core, name), setter, doc=doc)


def entry_of(mapping: str, key: str, doc: str) -> property:
    """A read-only property showing ``self.<mapping>[key]``: one of the model's options."""
    return property(lambda self: getattr(self, mapping)[key], doc=doc)


class CoreWrapper:
    """What Model and AnnModel share: the engine's object in ``_core``, copies of it,
    all-or-nothing updates, and the noise of test images."""

    __slots__ = ("_core",)

    @classmethod
    def _wrap(cls, core: Any) -> Any:
        wrapper = cls.__new__(cls)
        wrapper._core = core
        return wrapper

    def copy(self) -> Any:
        """An independent copy."""
        return self._wrap(type(self._core)(self._core))

    def __copy__(self) -> Any:
        return self.copy()

    def __deepcopy__(self, memo: Dict[int, Any]) -> Any:
        return self.copy()

    def _set_all(self, values: Sequence[Any], setter, count: int, what: str) -> None:
        """setter(i, values[i]) for each of the ``count`` values, or none of them."""
        values = list(values)
        if len(values) != count:
            raise SpikeaeError(f"expected {count} {what}, got {len(values)}")
        backup = type(self._core)(self._core)
        try:
            for index, value in enumerate(values):
                setter(index, value)
        except Exception:
            self._core = backup
            raise

    def _test_noise(self, noise_factor: Optional[float], seed: Optional[int]):
        """(noise factor, noise seed) of images, as the CLI's test set: the model's
        noise_factor and seed unless given."""
        noise = self.noise_factor if noise_factor is None else float(noise_factor)
        return noise, noise_seed(self.seed if seed is None else int(seed), "test")


class Model(CoreWrapper):
    """A spiking autoencoder: layer sizes, pulse times, weights and every option.

    Create one with the options of ``spikeae train`` (keyword arguments named as
    the CLI's options, same defaults)::

        model = spikeae.Model(n_hidden=16, learning_rate=3e-3)
        model = spikeae.Model(preset=(0.2, 1, 32))
        model = spikeae.Model(layer_sizes=[784, 128, 32, 128, 784])
        model = spikeae.Model(input_size=36, n_hidden=8)   # 6x6 images: 36-8-36

    or load one with ``Model.load(path)``; ``spikeae.fit`` trains them.

    The methods that run the network take images (the first argument) or input
    spike times (the ``spike_times=`` argument, float, numpy.inf: no spike). Images
    are uint8 bytes 0..255 (other integer arrays must hold 0..255) or floats in
    [0, 1], the brightness (stored as the byte round(255 b), so x and x / 255 give
    the same results); anything else is refused with SpikeaeError. Images are
    encoded with the model's encoding and, unless told otherwise, the model's
    training noise with the CLI's test-set noise seed, as ``spikeae eval`` does.
    One example is (pixels,), (rows, cols) or channels-last (rows, cols, channels)
    with 1, 3 or 4 channels (made grey: the BT.601 luma, alpha dropped); a batch adds
    leading axes. Arrays may be numpy arrays or anything with ``__array__`` or
    ``__dlpack__`` (e.g. CPU torch tensors).

    Options (keyword only):
{options}
        input_size (default None): pixels per image; sets the first and last layer
            (as the training data do in the CLI)
    """

    __slots__ = ()

    def __init__(self, **options: Any) -> None:
        input_size = options.pop("input_size", None)
        check_names(options, option_defaults(), "Model")
        self._core = _core.Model(resolve(options, input_size=input_size))

    # -- construction, files ---------------------------------------------------------

    @classmethod
    def load(cls, path: Any) -> "Model":
        """Reads a model file written by ``spikeae train`` or Model.save.

        Raises:
            SpikeaeError: the file is missing, not a model file, of another format
                version, truncated, corrupt (checksum) or holds bad values.
        """
        return cls._wrap(_core.Model.load(os.fspath(path)))

    def save(self, path: Any) -> None:
        """Writes the model file (atomically), readable by the CLI and Model.load."""
        self._core.save(os.fspath(path))

    def __getstate__(self) -> bytes:
        return self._core.to_bytes()

    def __setstate__(self, state: bytes) -> None:
        self._core = _core.Model.from_bytes(state, "<pickled model>")

    def __reduce__(self):
        return (_model_from_bytes, (self._core.to_bytes(),))

    def __repr__(self) -> str:
        sizes = "-".join(str(size) for size in self.layer_sizes)
        if self.layers != "dense":
            sizes += f" ({self.layers})"
        trained = (f", {self.epochs_trained} epochs trained" if self.epochs_trained else "")
        loss = self.validation_loss
        validation = "" if math.isnan(loss) else f", validation loss {loss:.5f}"
        return (f"<spikeae.Model {sizes}, {self.n_pulses} pulses per layer, "
                f"{self.parameter_count} parameters{trained}{validation}>")

    # -- description -------------------------------------------------------------

    @property
    def config(self) -> Dict[str, Any]:
        """Every option as a flat dict: the 13 paper columns, layer_sizes, inverted,
        neuron_kind, epochs, threads, gradient_shards, seed, and Adam's beta1, beta2, epsilon."""
        return self._core.config.as_dict()

    @property
    def hyperparameters(self) -> Dict[str, Any]:
        """The 13 paper columns (a row as in hyperparameters.tsv)."""
        config = self.config
        return {name: config[name] for name in _core.hyperparameter_names()}

    @property
    def layer_sizes(self) -> Tuple[int, ...]:
        """Neurons per layer, input first, e.g. (784, 32, 784)."""
        return tuple(self._core.layer_sizes)

    n_pulses = core_attribute("n_pulses", "Pulses feeding each non-input layer.")
    n_inputs = property(lambda self: self.layer_sizes[0], doc="Input neurons (pixels).")
    n_outputs = property(lambda self: self.layer_sizes[-1], doc="Output neurons.")
    num_connections = property(lambda self: len(self.layer_sizes) - 1,
                               doc="Weight matrices: connection c joins layer c to layer c + 1.")
    parameter_count = core_attribute("parameter_count", "Weights plus pulse times.")

    @property
    def embedding_layer(self) -> int:
        """The narrowest hidden layer (the first if several), as ``spikeae embed`` picks."""
        sizes = self.layer_sizes
        if len(sizes) < 3:
            raise SpikeaeError("the network has no hidden layer")
        hidden = sizes[1:-1]
        return 1 + hidden.index(min(hidden))

    inverted = entry_of("config", "inverted", "The input encoding: brightness b spikes at "
                        "1 - b (True) or b (False).")
    latency = entry_of("config", "latency_ae",
                       "latency_ae: output k should spike at latency + target time k.")
    noise_factor = entry_of("config", "noise_factor_ae", "noise_factor_ae the model was trained "
                            "with (the default noise of its inputs).")
    decay_rate = core_attribute("decay_rate", "tau, the synaptic decay rate.")
    fire_threshold = core_attribute("fire_threshold", "theta, the firing threshold.")
    neuron_kind = core_attribute(
        "neuron_kind", "'alpha' or 'exponential': the membrane potential's kernel "
        "(docs/model.md 1.4).")
    layers = core_attribute("layers", "'dense', or one spec per connection, e.g. "
                            "'local:12,dense' (docs/model.md 2.1).")
    seed = entry_of("config", "seed",
                    "The seed of the model's weights (and of its training run).")
    epochs_trained = core_attribute(
        "epochs_trained", "The epoch this model comes from (0: untrained). Stored in the "
        "model file.", settable=int)
    validation_loss = core_attribute(
        "validation_loss", "Its validation loss (NaN: not measured). Stored in the model file.",
        settable=float)

    @property
    def dataset(self) -> DataDescription:
        """Its training data: DataDescription(name, split, train_size, validation_size).

        The model file stores ``str()`` of it, e.g. "mnist (split shuffled 54000/6000)";
        text of another form gives name = the text and None for the rest. Assign a
        DataDescription or a text; the text is stored unchanged.
        """
        return DataDescription.parse(self._core.dataset)

    @dataset.setter
    def dataset(self, value: Any) -> None:
        if not isinstance(value, (str, DataDescription)):
            raise SpikeaeError(f"dataset must be a DataDescription or a str, got "
                               f"{type(value).__name__}")
        self._core.dataset = str(value)

    # -- parameters ----------------------------------------------------------------

    def get_weights(self, connection: int) -> np.ndarray:
        """A copy of the weights from layer ``connection`` to layer ``connection + 1``.

        Returns:
            A dense connection: (fan_in, n_post) float64: row ``pre`` holds the weights
            of input ``pre`` to every neuron of the next layer; the first
            ``layer_sizes[connection]`` rows are the previous layer's neurons, the last
            ``n_pulses`` rows the pulses. A local connection (``layers="local:W,..."``):
            (n_post, W + n_pulses): row ``post`` holds that neuron's weights, from the
            W neurons of its window, then from the pulses. A convolution
            (``conv:C_in:H:W:C_out:K:S:P``) or transposed convolution (``tconv:...``):
            (C_out, C_in*K*K + n_pulses): row ``o`` holds output channel o's kernel,
            tap (i, ky, kx) at (i*K + ky)*K + kx, then its pulse weights
            (docs/model.md section 2.1).
        """
        return self._core.get_weights(int(connection))

    def set_weights(self, connection: int, weights: Any) -> None:
        """Replaces one weight matrix; the shape of get_weights, finite values."""
        self._core.set_weights(int(connection), np.asarray(weights, dtype=np.float64))

    def get_pulses(self, connection: int) -> np.ndarray:
        """A copy of the pulse times feeding layer ``connection + 1``, shape (n_pulses,)."""
        return self._core.get_pulses(int(connection))

    def set_pulses(self, connection: int, pulses: Any) -> None:
        """Replaces the pulse times feeding layer ``connection + 1`` (finite, >= 0)."""
        self._core.set_pulses(int(connection), np.asarray(pulses, dtype=np.float64))

    @property
    def weights(self) -> List[np.ndarray]:
        """All weight matrices (read-only copies; assign the list, or use set_weights)."""
        return [_read_only(self.get_weights(c)) for c in range(self.num_connections)]

    @weights.setter
    def weights(self, matrices: Sequence[Any]) -> None:
        self._set_all(matrices, self.set_weights, self.num_connections, "weight matrices")

    @property
    def pulses(self) -> List[np.ndarray]:
        """All pulse times (read-only copies; assign the list, or use set_pulses)."""
        return [_read_only(self.get_pulses(c)) for c in range(self.num_connections)]

    @pulses.setter
    def pulses(self, values: Sequence[Any]) -> None:
        self._set_all(values, self.set_pulses, self.num_connections, "pulse arrays")

    # -- running -----------------------------------------------------------------

    def encode_inputs(self, images: Any, *, noise_factor: Optional[float] = None,
                      seed: Optional[int] = None, first_index: int = 0) -> np.ndarray:
        """Input spike times of images, as the CLI encodes its test images.

        Args:
            images: (pixels,) / (rows, cols) for one image, with leading batch axes for
                more; uint8 bytes or floats in [0, 1] (see the class help).
            noise_factor: the noise; default the model's noise_factor_ae (0: clean).
            seed: the run seed of the noise; default the model's seed. Image i gets the
                noise of index first_index + i in the set with seed noise_seed(seed, "test").
            first_index: see seed.

        Returns:
            float64 (..., n_inputs), numpy.inf for silent pixels.
        """
        flat, batch, _ = _fit_images(images, self.n_inputs)
        times = self._encode(flat, noise_factor, seed, first_index)
        return times.reshape(batch + (self.n_inputs,))

    def _encode(self, flat: np.ndarray, noise_factor: Optional[float], seed: Optional[int],
                first_index: int = 0) -> np.ndarray:
        noise, set_seed = self._test_noise(noise_factor, seed)
        return _core.encode_images(np.ascontiguousarray(flat), self.inverted, noise, set_seed,
                                   int(first_index))

    def _inputs(self, images: Any, spike_times: Any, noise_factor: Optional[float],
                seed: Optional[int], images_name: str = "images"):
        """(flat float64 input times, batch shape, trailing shape) of images or spike times;
        images_name is the caller's name for its images argument, for the messages."""
        if (images is None) == (spike_times is None):
            raise SpikeaeError(f"give either {images_name} or spike_times= (input spike "
                               f"times), not both or neither")
        if images is not None:
            flat, batch, trailing = _fit_images(images, self.n_inputs, images_name)
            return self._encode(flat, noise_factor, seed), batch, trailing
        if noise_factor is not None or seed is not None:
            raise SpikeaeError("noise_factor and seed apply to images; spike_times are the "
                               "network's inputs already")
        array = _spike_time_array(spike_times, "spike_times")
        flat, batch, trailing = _fit_batch(array, self.n_inputs, "spike_times")
        return np.ascontiguousarray(flat, dtype=np.float64), batch, trailing

    def _pixel_times(self, output: np.ndarray) -> np.ndarray:
        """Output spike times as pixel times: minus latency_ae, 1 (no spike) when silent."""
        return np.where(np.isinf(output), 1.0, output - self.latency)

    def forward(self, images: Any = None, *, spike_times: Any = None,
                noise_factor: Optional[float] = None, seed: Optional[int] = None,
                threads: Optional[int] = None) -> List[np.ndarray]:
        """Spike times of every layer.

        Args:
            images: one image or a batch, uint8 bytes or floats in [0, 1] (see the
                class help).
            spike_times: instead of images, the input spike times (float, numpy.inf:
                no spike), (..., n_inputs) or (..., rows, cols).
            noise_factor, seed: the noise of images (see encode_inputs).
            threads: worker threads (default the model's; 0: all cores).

        Returns:
            list indexed like layer_sizes: element l is (..., layer_sizes[l]) float64
            spike times (numpy.inf: no spike); element 0 is the input times.
        """
        times, batch, _ = self._inputs(images, spike_times, noise_factor, seed)
        layers = self._core.forward(times, 0, True, threads)
        shaped = [times] + layers
        return [layer.reshape(batch + (layer.shape[1],)) for layer in shaped]

    def encode(self, images: Any = None, *, spike_times: Any = None,
               layer: Optional[int] = None, noise_factor: Optional[float] = None,
               seed: Optional[int] = None, threads: Optional[int] = None) -> np.ndarray:
        """Hidden spike times (the embedding), as ``spikeae embed``.

        Args:
            images, spike_times: the inputs, as forward.
            layer: the hidden layer (index into layer_sizes); default embedding_layer.
            noise_factor, seed, threads: as forward.

        Returns:
            float64 (..., layer_sizes[layer]), numpy.inf for neurons that never fire.
        """
        layer = self.embedding_layer if layer is None else self._check_layer(layer)
        return self.forward(images, spike_times=spike_times, noise_factor=noise_factor,
                            seed=seed, threads=threads)[layer]

    def decode(self, hidden: Any, *, layer: Optional[int] = None,
               threads: Optional[int] = None) -> np.ndarray:
        """Output spike times from spike times of a hidden layer (e.g. interpolated embeddings).

        The times include the latency: output k aims at latency_ae + the target time of
        pixel k. decode_images gives the pictures.

        Args:
            hidden: float spike times (..., layer_sizes[layer]) (numpy.inf: no spike).
            layer: the layer they belong to; default embedding_layer.
            threads: as forward.

        Returns:
            float64 (..., n_outputs) output spike times.
        """
        layer = self.embedding_layer if layer is None else self._check_layer(layer)
        array = _spike_time_array(hidden, "hidden spike times")
        size = self.layer_sizes[layer]
        if array.ndim == 0 or array.shape[-1] != size:
            raise SpikeaeError(f"spike times of layer {layer} must be (..., {size}), "
                               f"got shape {array.shape}")
        flat = np.ascontiguousarray(array.reshape(-1, size), dtype=np.float64)
        out = self._core.forward(flat, layer, False, threads)[0]
        return out.reshape(array.shape[:-1] + (self.n_outputs,))

    def decode_images(self, hidden: Any, *, layer: Optional[int] = None,
                      threads: Optional[int] = None) -> np.ndarray:
        """The pictures decode() describes: brightness in [0, 1] per output pixel.

        Output time o becomes the pixel time o - latency_ae (1 when silent), then
        brightness 1 - x (inverted encoding) or x, clamped to [0, 1]; the result is a
        valid image for every method that takes images.

        Args:
            hidden, layer, threads: as decode.

        Returns:
            float64 (..., n_outputs); reshape to (..., rows, cols) to show.
        """
        output = self.decode(hidden, layer=layer, threads=threads)
        return brightness(self._pixel_times(output), inverted=self.inverted)

    def reconstruct(self, images: Any = None, *, spike_times: Any = None,
                    noise_factor: Optional[float] = None, seed: Optional[int] = None,
                    threads: Optional[int] = None) -> np.ndarray:
        """Reconstructed pixel times: output time minus latency_ae, 1 for a silent output.

        These are what the loss compares with the clean times (reconstruct_images gives
        the pictures). Shaped like the inputs, so (n, 28, 28) images give (n, 28, 28).

        Args:
            images, spike_times, noise_factor, seed, threads: as forward.
        """
        times, batch, trailing = self._inputs(images, spike_times, noise_factor, seed)
        out = self._core.forward(times, 0, False, threads)[0]
        decoded = self._pixel_times(out)
        if self.n_outputs != self.n_inputs:
            return decoded.reshape(batch + (self.n_outputs,))
        return decoded.reshape(batch + trailing)

    def reconstruct_images(self, images: Any = None, *, spike_times: Any = None,
                           noise_factor: Optional[float] = None, seed: Optional[int] = None,
                           threads: Optional[int] = None) -> np.ndarray:
        """Reconstructed pictures: float64 brightness in [0, 1], shaped as reconstruct().

        The brightness of reconstruct()'s pixel times (as decode_images), so
        ``model.reconstruct_images(x)`` can be shown or fed back as images.

        Args:
            images, spike_times, noise_factor, seed, threads: as forward.
        """
        times = self.reconstruct(images, spike_times=spike_times, noise_factor=noise_factor,
                                 seed=seed, threads=threads)
        return brightness(times, inverted=self.inverted)

    def loss(self, images: Any, inputs: Any = None, *, spike_times: Any = None,
             noise_factor: Optional[float] = None, seed: Optional[int] = None,
             threads: Optional[int] = None, per_example: bool = False):
        """Reconstruction loss against the clean images, as ``spikeae eval`` reports it.

        Per example: mean over pixels of (o - x)^2, o = output time - latency_ae (1 if
        silent), x the clean pixel time (1 for a silent pixel); the mean over examples
        is summed in order, the same value as the CLI to the last bit.

        Args:
            images: the clean targets, uint8 bytes or floats in [0, 1] (see the class
                help); also the inputs unless ``inputs`` or ``spike_times`` is given.
            inputs: other images to feed instead (e.g. damaged copies), same batch shape.
            spike_times: input spike times to feed instead (same batch shape).
            noise_factor, seed: the noise of the fed images (see encode_inputs).
            threads: as forward.
            per_example: return every example's loss instead of the mean.

        Returns:
            float mean loss, or float64 array of per-example losses shaped like the batch.
        """
        flat, batch, _ = _fit_images(images, self.n_inputs)
        given = None
        if inputs is not None or spike_times is not None:
            given, given_batch, _ = self._inputs(inputs, spike_times, noise_factor, seed,
                                                 "inputs")
            if given_batch != batch:
                raise SpikeaeError(f"the inputs have batch shape {given_batch} but the images "
                                   f"{batch}")
        noise, set_seed = self._test_noise(noise_factor, seed)
        losses, mean = self._core.losses(np.ascontiguousarray(flat), given, noise, set_seed,
                                         threads)
        return losses.reshape(batch) if per_example else mean

    def membrane_potential(self, image: Any, layer: int, neuron: int, t: Any, *,
                           spike_times: Any = None, contributions: bool = True,
                           noise_factor: Optional[float] = None,
                           seed: Optional[int] = None) -> MembraneTrace:
        """V(t) of one neuron for one example, over the times ``t``.

        V(t) = sum over inputs i with t_i < t of w_i (t - t_i) exp(-decay_rate (t - t_i)),
        the inputs being the previous layer's spikes (as the forward pass computed them)
        and the layer's pulses. The neuron fires when V first reaches fire_threshold:
        V(spike_time) equals the threshold to rounding, and V < threshold before.

        Args:
            image: one image, uint8 bytes or floats in [0, 1] (see the class help); None
                when ``spike_times`` are given.
            layer: 1 .. len(layer_sizes) - 1 (the output layer is the last).
            neuron: index in that layer.
            t: times (1-D).
            spike_times: instead of an image, one example's input spike times.
            contributions: also return each input's term of V(t).
            noise_factor, seed: the noise of the image (see encode_inputs).
        """
        times, batch, _ = self._inputs(image, spike_times, noise_factor, seed, "image")
        if batch != ():
            raise SpikeaeError(
                f"membrane_potential takes one example, got a batch of shape {batch}")
        grid = np.ascontiguousarray(np.asarray(t, dtype=np.float64).ravel())
        v, spike, input_times, weights, parts = self._core.membrane(
            times[0], int(layer), int(neuron), grid, bool(contributions))
        is_pulse = np.arange(len(input_times)) >= len(input_times) - self.n_pulses
        return MembraneTrace(grid, v, spike, self.fire_threshold, input_times, weights, is_pulse,
                             parts)

    def activity(self, images: Any, *, noise_factor: Optional[float] = None,
                 seed: Optional[int] = None,
                 threads: Optional[int] = None) -> List[Dict[str, float]]:
        """How busy each layer is on these images (means over the images).

        Args:
            images: uint8 bytes or floats in [0, 1] (see the class help).
            noise_factor, seed, threads: as forward.

        Returns:
            one dict per connection c (into layer c + 1): input_events (spiking inputs
            including pulses per example), spiking_fraction (neurons that fired),
            causal_inputs (inputs before the spike, per neuron that fired).
        """
        flat, _, _ = _fit_images(images, self.n_inputs)
        noise, set_seed = self._test_noise(noise_factor, seed)
        return self._core.activity(np.ascontiguousarray(flat[:, None, :]), noise, set_seed,
                                   threads)

    def write_reconstructions(self, path: Any, images: Any, *, count: int = 10,
                              indices: Optional[Sequence[int]] = None,
                              noise_factor: Optional[float] = None,
                              seed: Optional[int] = None) -> None:
        """The CLI's reconstruction picture (PNG): clean inputs, noisy inputs and
        reconstructions in three rows, one column per image, as ``spikeae reconstruct``.

        Args:
            path: PNG file to write.
            images: (count, rows, cols) images (a test set), uint8 bytes or floats in
                [0, 1]; the noise of image i is that of index i in the set, as in the CLI.
            count: show the first ``count`` images, unless ``indices`` are given.
            indices: which images to show.
            noise_factor, seed: as encode_inputs.
        """
        array = as_images(images)
        if indices is None:
            indices = range(min(int(count), len(array)))
        indices = [int(i) for i in indices]
        if not indices:
            raise SpikeaeError("no images to show")
        for i in indices:
            if not 0 <= i < len(array):
                raise SpikeaeError(f"image {i} is out of range (the set has {len(array)} images)")
        pixels = array.shape[1] * array.shape[2]
        if pixels != self.n_inputs:
            raise SpikeaeError(f"images have {pixels} pixels but the network has "
                               f"{self.n_inputs} inputs")
        noise, set_seed = self._test_noise(noise_factor, seed)
        # The engine draws the picture, so it is byte for byte the CLI's.
        self._core.write_reconstructions(os.fspath(path), np.ascontiguousarray(array), indices,
                                         noise, set_seed)

    def _check_layer(self, layer: int) -> int:
        layer = int(layer)
        if not 0 <= layer < len(self.layer_sizes) - 1:
            raise SpikeaeError(f"layer {layer} is not an input or hidden layer: give 0 to "
                               f"{len(self.layer_sizes) - 2}")
        return layer

    # -- NIR graphs (docs/nir.md) ------------------------------------------------------

    def to_nir(self, path: Any) -> None:
        """Writes the model as a NIR graph of CubaLIF neurons (HDF5, atomically).

        Raises:
            SpikeaeError: the exponential neuron kind (NIR has no exact node for it).
        """
        _core.save_nir(self._core, os.fspath(path))

    @classmethod
    def from_nir(cls, path: Any) -> "Model":
        """Reads a NIR graph that to_nir or ``spikeae export`` wrote (as dense layers).

        Raises:
            SpikeaeError: the file is missing, not HDF5, damaged, or not such a graph.
        """
        return cls._wrap(_core.load_nir(os.fspath(path)))


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _model_from_bytes(data: bytes) -> Model:
    return Model._wrap(_core.Model.from_bytes(data, "<pickled model>"))


def _model_signature() -> inspect.Signature:
    parameters = keyword_parameters(option_defaults())
    parameters.append(inspect.Parameter("input_size", inspect.Parameter.KEYWORD_ONLY,
                                        default=None))
    return inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)]
                             + parameters, return_annotation=None)


Model.__init__.__signature__ = _model_signature()  # type: ignore[attr-defined]
Model.__doc__ = Model.__doc__.replace("{options}", option_docs())
