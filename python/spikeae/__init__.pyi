# Type stubs of the public spikeae API (the runtime builds some signatures
# dynamically; these spell them out, with the same defaults as `spikeae train`).
# Images (_Images) are uint8 bytes 0..255 or floats in [0, 1] (brightness); spike
# times (_SpikeTimes) go only through arguments named for them.
import os
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

_PathLike = Union[str, os.PathLike[str]]
_Array = npt.ArrayLike
_Images = npt.ArrayLike
_SpikeTimes = npt.ArrayLike
_Labels = npt.ArrayLike
_Preset = Tuple[float, float, int]
_LayerSizes = Union[Sequence[int], str]

__version__: str
__all__: List[str]

HYPERPARAMETER_NAMES: Tuple[str, ...]
NO_SPIKE: float

class SpikeaeError(ValueError): ...

# -- options ------------------------------------------------------------------------

def hyperparameter_names() -> List[str]: ...
def default_hyperparameters() -> Dict[str, Any]: ...
def option_defaults() -> Dict[str, Any]: ...
def paper_presets() -> List[Dict[str, Any]]: ...
def paper_preset(noise: float, latency: float, hidden: int) -> Dict[str, Any]: ...
def format_hyperparameter_table(rows: Sequence[Dict[str, Any]]) -> str: ...
def parse_hyperparameter_table(text: str, source: str = "<text>") -> List[Dict[str, Any]]: ...

# -- data ---------------------------------------------------------------------------

class DatasetFiles(NamedTuple):
    train_images: Path
    train_labels: Path
    test_images: Path
    test_labels: Path

class Data(Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]):
    def __new__(cls, train_images: _Images, train_labels: Optional[_Labels],
                test_images: _Images, test_labels: Optional[_Labels],
                name: str = "arrays") -> Data: ...
    @property
    def train_images(self) -> np.ndarray: ...
    @property
    def train_labels(self) -> np.ndarray: ...
    @property
    def test_images(self) -> np.ndarray: ...
    @property
    def test_labels(self) -> np.ndarray: ...
    @property
    def name(self) -> str: ...

class Split(NamedTuple):
    train_images: np.ndarray
    train_labels: np.ndarray
    validation_images: np.ndarray
    validation_labels: np.ndarray

class DataDescription(NamedTuple):
    name: str
    split: Optional[str] = None
    train_size: Optional[int] = None
    validation_size: Optional[int] = None
    @classmethod
    def parse(cls, text: str) -> DataDescription: ...

def read_idx_images(path: _PathLike) -> np.ndarray: ...
def read_idx_labels(path: _PathLike) -> np.ndarray: ...
def load_idx(images: _PathLike,
             labels: Optional[_PathLike] = None) -> Tuple[np.ndarray, np.ndarray]: ...
def write_idx_images(path: _PathLike, images: _Images) -> None: ...
def write_idx_labels(path: _PathLike, labels: _Labels) -> None: ...
def known_datasets() -> List[str]: ...
def locate_dataset(name: str = "mnist", data_dir: Optional[_PathLike] = None) -> DatasetFiles: ...
def load_dataset(name: str = "mnist", data_dir: Optional[_PathLike] = None) -> Data: ...
def split_train_validation(images: _Images, labels: Optional[_Labels] = None, *,
                           train_size: int = 54000, validation_size: int = 6000,
                           split: str = "shuffled", seed: int = 1) -> Split: ...
def derive_seed(seed: int, stream: str, index: int = 0) -> int: ...
def noise_seed(seed: int, which: str = "test") -> int: ...
def encode_images(images: _Images, *, inverted: bool = True, noise_factor: float = 0.0,
                  noise_seed: int = 0, first_index: int = 0) -> np.ndarray: ...
def target_times(images: _Images, *, inverted: bool = True) -> np.ndarray: ...
def brightness(times: _Array, *, inverted: bool = True) -> np.ndarray: ...
def membrane_potential(t: _Array, input_times: _Array, weights: _Array,
                       decay_rate: float, neuron_kind: str = "alpha") -> np.ndarray: ...
def write_image_grid(path: _PathLike, tiles: _Array, *, padding: int = 2, scale: int = 2,
                     background: int = 128, row_labels: Optional[Sequence[str]] = None,
                     caption: str = "") -> None: ...

# -- models -------------------------------------------------------------------------

class MembraneTrace(NamedTuple):
    t: np.ndarray
    v: np.ndarray
    spike_time: float
    threshold: float
    input_times: np.ndarray
    weights: np.ndarray
    is_pulse: np.ndarray
    contributions: Optional[np.ndarray]

class Model:
    def __init__(self, *,
                 noise_factor_ae: float = 0.0,
                 latency_ae: float = 1.0,
                 batch_size: int = 7,
                 clip_derivative: float = 386.058227,
                 decay_rate: float = 0.172556,
                 fire_threshold: float = 0.834236,
                 learning_rate: float = 0.001676,
                 learning_rate_pulses: float = 0.001441,
                 n_hidden: int = 32,
                 n_pulses: int = 10,
                 nonpulse_weight_mean_multiplier: float = -7.038462,
                 penalty_no_spike: float = 6.250341,
                 pulse_weight_mean_multiplier: float = 4.213218,
                 preset: Optional[_Preset] = None,
                 preset_file: Optional[_PathLike] = None,
                 layer_sizes: Optional[_LayerSizes] = None,
                 inverted: bool = True,
                 neuron_kind: str = "alpha",
                 epochs: int = 20,
                 threads: int = 0,
                 gradient_shards: int = 2,
                 seed: int = 1,
                 input_size: Optional[int] = None) -> None: ...
    @classmethod
    def load(cls, path: _PathLike) -> Model: ...
    def save(self, path: _PathLike) -> None: ...
    def copy(self) -> Model: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    @property
    def hyperparameters(self) -> Dict[str, Any]: ...
    @property
    def layer_sizes(self) -> Tuple[int, ...]: ...
    @property
    def n_pulses(self) -> int: ...
    @property
    def n_inputs(self) -> int: ...
    @property
    def n_outputs(self) -> int: ...
    @property
    def num_connections(self) -> int: ...
    @property
    def parameter_count(self) -> int: ...
    @property
    def embedding_layer(self) -> int: ...
    @property
    def inverted(self) -> bool: ...
    @property
    def latency(self) -> float: ...
    @property
    def noise_factor(self) -> float: ...
    @property
    def decay_rate(self) -> float: ...
    @property
    def fire_threshold(self) -> float: ...
    @property
    def neuron_kind(self) -> str: ...
    @property
    def seed(self) -> int: ...
    epochs_trained: int
    validation_loss: float
    @property
    def dataset(self) -> DataDescription: ...
    @dataset.setter
    def dataset(self, value: Union[DataDescription, str]) -> None: ...
    weights: List[np.ndarray]
    pulses: List[np.ndarray]
    def get_weights(self, connection: int) -> np.ndarray: ...
    def set_weights(self, connection: int, weights: _Array) -> None: ...
    def get_pulses(self, connection: int) -> np.ndarray: ...
    def set_pulses(self, connection: int, pulses: _Array) -> None: ...
    def encode_inputs(self, images: _Images, *, noise_factor: Optional[float] = None,
                      seed: Optional[int] = None, first_index: int = 0) -> np.ndarray: ...
    def forward(self, images: Optional[_Images] = None, *,
                spike_times: Optional[_SpikeTimes] = None,
                noise_factor: Optional[float] = None, seed: Optional[int] = None,
                threads: Optional[int] = None) -> List[np.ndarray]: ...
    def encode(self, images: Optional[_Images] = None, *,
               spike_times: Optional[_SpikeTimes] = None, layer: Optional[int] = None,
               noise_factor: Optional[float] = None, seed: Optional[int] = None,
               threads: Optional[int] = None) -> np.ndarray: ...
    def decode(self, hidden: _SpikeTimes, *, layer: Optional[int] = None,
               threads: Optional[int] = None) -> np.ndarray: ...
    def decode_images(self, hidden: _SpikeTimes, *, layer: Optional[int] = None,
                      threads: Optional[int] = None) -> np.ndarray: ...
    def reconstruct(self, images: Optional[_Images] = None, *,
                    spike_times: Optional[_SpikeTimes] = None,
                    noise_factor: Optional[float] = None, seed: Optional[int] = None,
                    threads: Optional[int] = None) -> np.ndarray: ...
    def reconstruct_images(self, images: Optional[_Images] = None, *,
                           spike_times: Optional[_SpikeTimes] = None,
                           noise_factor: Optional[float] = None, seed: Optional[int] = None,
                           threads: Optional[int] = None) -> np.ndarray: ...
    def loss(self, images: _Images, inputs: Optional[_Images] = None, *,
             spike_times: Optional[_SpikeTimes] = None,
             noise_factor: Optional[float] = None, seed: Optional[int] = None,
             threads: Optional[int] = None, per_example: bool = False) -> Any: ...
    def membrane_potential(self, image: Optional[_Images], layer: int, neuron: int, t: _Array,
                           *, spike_times: Optional[_SpikeTimes] = None,
                           contributions: bool = True, noise_factor: Optional[float] = None,
                           seed: Optional[int] = None) -> MembraneTrace: ...
    def activity(self, images: _Images, *, noise_factor: Optional[float] = None,
                 seed: Optional[int] = None,
                 threads: Optional[int] = None) -> List[Dict[str, float]]: ...
    def write_reconstructions(self, path: _PathLike, images: _Images, *, count: int = 10,
                              indices: Optional[Sequence[int]] = None,
                              noise_factor: Optional[float] = None,
                              seed: Optional[int] = None) -> None: ...

# -- training -----------------------------------------------------------------------

class FitResult:
    model: Model
    final_model: Model
    history: List[Dict[str, Any]]
    best_epoch: int
    best_validation_loss: float
    test_loss: Optional[float]
    stopped: bool

def fit(train_images: Optional[Union[_PathLike, _Images, Data]] = None,
        train_labels: Optional[Union[_PathLike, _Labels]] = None,
        test_images: Optional[Union[_PathLike, _Images]] = None,
        test_labels: Optional[Union[_PathLike, _Labels]] = None, *,
        model: Optional[Model] = None,
        dataset: str = "mnist",
        data_dir: Optional[_PathLike] = None,
        test_size: int = 0,
        train_size: Optional[int] = None,
        validation_size: Optional[int] = None,
        split: str = "shuffled",
        out: Optional[_PathLike] = None,
        overwrite: bool = False,
        test_every_epoch: bool = False,
        on_epoch: Optional[Callable[[Dict[str, Any], Model], Any]] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
        verbose: bool = False,
        noise_factor_ae: float = 0.0,
        latency_ae: float = 1.0,
        batch_size: int = 7,
        clip_derivative: float = 386.058227,
        decay_rate: float = 0.172556,
        fire_threshold: float = 0.834236,
        learning_rate: float = 0.001676,
        learning_rate_pulses: float = 0.001441,
        n_hidden: int = 32,
        n_pulses: int = 10,
        nonpulse_weight_mean_multiplier: float = -7.038462,
        penalty_no_spike: float = 6.250341,
        pulse_weight_mean_multiplier: float = 4.213218,
        preset: Optional[_Preset] = None,
        preset_file: Optional[_PathLike] = None,
        layer_sizes: Optional[_LayerSizes] = None,
        inverted: bool = True,
        neuron_kind: str = "alpha",
        epochs: int = 20,
        threads: int = 0,
        gradient_shards: int = 2,
        seed: int = 1) -> FitResult: ...

# -- the dense (ANN) baseline ---------------------------------------------------------

class AnnModel:
    def __init__(self, *, input_size: int = 784, hidden: int = 32, encoder: str = "relu",
                 decoder: str = "sigmoid", inverted: bool = False, noise_factor: float = 0.0,
                 seed: int = 1) -> None: ...
    @classmethod
    def load(cls, path: _PathLike) -> AnnModel: ...
    def save(self, path: _PathLike) -> None: ...
    def copy(self) -> AnnModel: ...
    @property
    def options(self) -> Dict[str, Any]: ...
    @property
    def input_size(self) -> int: ...
    @property
    def hidden(self) -> int: ...
    @property
    def encoder(self) -> str: ...
    @property
    def decoder(self) -> str: ...
    @property
    def inverted(self) -> bool: ...
    @property
    def noise_factor(self) -> float: ...
    @property
    def seed(self) -> int: ...
    @property
    def parameter_count(self) -> int: ...
    weights: List[np.ndarray]
    biases: List[np.ndarray]
    def inputs(self, images: _Images, *, noise_factor: Optional[float] = None,
               seed: Optional[int] = None, first_index: int = 0) -> np.ndarray: ...
    def targets(self, images: _Images) -> np.ndarray: ...
    def encode(self, images: _Images, *, noise_factor: Optional[float] = None,
               seed: Optional[int] = None) -> np.ndarray: ...
    def decode(self, hidden: _Array) -> np.ndarray: ...
    def reconstruct(self, images: _Images, *, noise_factor: Optional[float] = None,
                    seed: Optional[int] = None) -> np.ndarray: ...
    def loss(self, images: _Images, *, noise_factor: Optional[float] = None,
             seed: Optional[int] = None, per_example: bool = False) -> Any: ...

class AnnFitResult:
    model: AnnModel
    final_model: AnnModel
    history: List[Dict[str, Any]]
    best_epoch: int
    best_validation_loss: float
    test_loss: Optional[float]
    stopped: bool

def fit_ann(train_images: Optional[Union[_PathLike, _Images, Data]] = None,
            train_labels: Optional[Union[_PathLike, _Labels]] = None,
            test_images: Optional[Union[_PathLike, _Images]] = None,
            test_labels: Optional[Union[_PathLike, _Labels]] = None, *,
            dataset: str = "mnist",
            data_dir: Optional[_PathLike] = None,
            train_size: Optional[int] = None,
            validation_size: Optional[int] = None,
            split: str = "shuffled",
            test_size: int = 0,
            hidden: int = 32,
            encoder: str = "relu",
            decoder: str = "sigmoid",
            inverted: bool = False,
            noise_factor: float = 0.0,
            epochs: int = 20,
            batch_size: int = 7,
            learning_rate: float = 0.001,
            threads: int = 0,
            gradient_shards: int = 2,
            seed: int = 1,
            on_epoch: Optional[Callable[[Dict[str, Any], AnnModel], Any]] = None,
            verbose: bool = False) -> AnnFitResult: ...
