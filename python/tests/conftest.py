"""Shared fixtures: tiny synthetic image sets (as arrays and IDX files) and the CLI.

CTest runs this suite with PYTHONPATH pointing at build/python, SPIKEAE_CLI at
the spikeae program and SPIKEAE_SOURCE_DIR at the source tree.
"""

import os
from pathlib import Path

import numpy as np
import pytest

import spikeae

SOURCE_DIR = Path(os.environ.get("SPIKEAE_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def require_dataset(name: str) -> None:
    """Skips the calling test (or fixture) when a data set's files are missing."""
    try:
        spikeae.locate_dataset(name)
    except spikeae.SpikeaeError as error:
        pytest.skip(f"{name} is not available (scripts/fetch_data.sh fetches it): "
                    f"{str(error).splitlines()[0]}")


def expect_ann_round_trip(model, path: Path) -> None:
    """Saves an AnnModel, loads it back and checks options, parameters and loss."""
    model.save(path)
    loaded = spikeae.AnnModel.load(path)
    assert loaded.options == model.options
    for a, b in zip(loaded.weights + loaded.biases, model.weights + model.biases):
        np.testing.assert_array_equal(a, b)
    images = make_images(5)
    assert loaded.loss(images) == model.loss(images)


@pytest.fixture(scope="session")
def mnist() -> spikeae.Data:
    """MNIST as load_dataset gives it; the test is skipped without it."""
    require_dataset("mnist")
    return spikeae.load_dataset("mnist")


def make_images(count: int, rows: int = 6, cols: int = 6, seed: int = 0) -> np.ndarray:
    """Dark images with one bright bar (horizontal or vertical) and a little speckle."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, rows, cols), dtype=np.uint8)
    for image in images:
        if rng.random() < 0.5:
            image[rng.integers(rows), :] = rng.integers(150, 256)
        else:
            image[:, rng.integers(cols)] = rng.integers(150, 256)
        speckle = rng.random((rows, cols)) < 0.1
        image[speckle] = rng.integers(0, 256, size=int(speckle.sum()))
    return images


@pytest.fixture(scope="session")
def images() -> np.ndarray:
    """60 synthetic 6x6 uint8 images."""
    return make_images(60)


@pytest.fixture(scope="session")
def model() -> spikeae.Model:
    """An untrained 36-8-36 model with 4 pulses (seed 3)."""
    return spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, seed=3)


@pytest.fixture(scope="session")
def idx_files(tmp_path_factory):
    """Synthetic train (150 images) and test (40 images) IDX files with labels."""
    folder = tmp_path_factory.mktemp("idx")
    train, test = make_images(150, seed=1), make_images(40, seed=2)
    files = {
        "train_images": folder / "train-images.idx",
        "train_labels": folder / "train-labels.idx",
        "test_images": folder / "test-images.idx",
        "test_labels": folder / "test-labels.idx",
    }
    spikeae.write_idx_images(files["train_images"], train)
    spikeae.write_idx_labels(files["train_labels"], np.arange(150, dtype=np.uint8) % 10)
    spikeae.write_idx_images(files["test_images"], test)
    spikeae.write_idx_labels(files["test_labels"], np.arange(40, dtype=np.uint8) % 10)
    return {key: str(path) for key, path in files.items()}


@pytest.fixture(scope="session")
def cli() -> str:
    """Path of the spikeae program (skips when it was not built)."""
    path = os.environ.get("SPIKEAE_CLI", str(SOURCE_DIR / "build" / "apps" / "spikeae" / "spikeae"))
    if not os.access(path, os.X_OK):
        pytest.skip(f"the spikeae program is not built at {path}")
    return path
