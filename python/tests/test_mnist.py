"""The one test on real MNIST: the example script on a few hundred images.

Skipped when data/mnist is absent.
"""

import importlib.util

import numpy as np
import pytest

import spikeae
from conftest import SOURCE_DIR

EXAMPLE = SOURCE_DIR / "python" / "examples" / "train_and_plot.py"



def test_example_trains_on_mnist_and_plots(mnist, tmp_path):
    pytest.importorskip("matplotlib")
    assert mnist.train_images.shape == (60000, 28, 28) and mnist.train_images.dtype == np.uint8
    assert mnist.test_images.shape == (10000, 28, 28)
    assert mnist.train_labels.shape == (60000,) and mnist.train_labels.max() == 9
    spec = importlib.util.spec_from_file_location("train_and_plot", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    output = tmp_path / "example.png"
    result = example.main(["--train-size", "300", "--validation-size", "100", "--test-size",
                           "100", "--epochs", "1", "--seed", "2", "--output", str(output)])
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    untrained = spikeae.Model(seed=2)
    test = mnist.test_images[:100]
    assert result.model.layer_sizes == (784, 32, 784)
    assert result.test_loss == result.model.loss(test)
    assert result.test_loss < 0.5 * untrained.loss(test)
    layers = result.model.forward(test[:10])
    assert [layer.shape for layer in layers] == [(10, 784), (10, 32), (10, 784)]
    assert np.isfinite(layers[2]).mean() > 0.5  # most outputs spike
