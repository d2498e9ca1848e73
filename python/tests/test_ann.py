"""The dense (ANN) baseline: shapes, loss, training, agreement with the spiking
model's inputs, files and errors."""

import numpy as np
import pytest

import spikeae
from conftest import expect_ann_round_trip, make_images



def test_shapes_and_parameters():
    model = spikeae.AnnModel(input_size=36, hidden=5, encoder="tanh", decoder="gaussian")
    images = make_images(7)
    assert model.parameter_count == 36 * 5 + 5 + 5 * 36 + 36
    assert [w.shape for w in model.weights] == [(36, 5), (5, 36)]
    assert [b.shape for b in model.biases] == [(5,), (36,)]
    assert model.inputs(images).shape == (7, 36)
    assert model.targets(images.reshape(7, 36)).shape == (7, 36)
    hidden = model.encode(images)
    assert hidden.shape == (7, 5)
    assert model.decode(hidden).shape == (7, 36)
    np.testing.assert_array_equal(model.decode(hidden), model.reconstruct(images))
    assert (model.encoder, model.decoder, model.hidden, model.input_size) == ("tanh", "gaussian",
                                                                               5, 36)


def test_forward_matches_numpy():
    model = spikeae.AnnModel(input_size=36, hidden=4, encoder="elu", decoder="sigmoid", seed=5)
    model.biases = [np.linspace(-1, 1, 4), np.linspace(-0.5, 0.5, 36)]
    images = make_images(9)
    x = model.inputs(images)
    w1, w2 = model.weights
    b1, b2 = model.biases
    z = x @ w1 + b1
    h = np.where(z > 0, z, np.expm1(z))
    out = 1 / (1 + np.exp(-(h @ w2 + b2)))
    np.testing.assert_allclose(model.reconstruct(images), out, rtol=1e-12, atol=1e-14)
    expected = ((out - model.targets(images)) ** 2).mean(axis=1)
    np.testing.assert_allclose(model.loss(images, per_example=True), expected, rtol=1e-12)


def test_loss_is_the_mean_of_the_per_example_losses():
    model = spikeae.AnnModel(input_size=36, hidden=6, noise_factor=0.3)
    images = make_images(20)
    per_example = model.loss(images, per_example=True)
    assert per_example.shape == (20,)
    assert model.loss(images) == pytest.approx(per_example.mean(), rel=1e-15)


@pytest.mark.parametrize("inverted", [False, True])
def test_noisy_inputs_are_the_spiking_models_values(inverted):
    images = make_images(12)
    ann = spikeae.AnnModel(input_size=36, hidden=4, inverted=inverted, noise_factor=0.4, seed=9)
    snn = spikeae.Model(input_size=36, n_hidden=4, inverted=inverted, noise_factor_ae=0.4,
                        seed=9)
    times = snn.encode_inputs(images, first_index=3)
    values = ann.inputs(images, first_index=3)
    assert np.isinf(times).any()
    np.testing.assert_array_equal(values, np.where(np.isinf(times), 1.0, times))
    clean = spikeae.target_times(images.reshape(12, 36), inverted=inverted)
    np.testing.assert_array_equal(ann.targets(images), clean)
    # Another seed gives other noise.
    assert not np.array_equal(ann.inputs(images, seed=10), ann.inputs(images))


def test_fit_lowers_the_loss_on_mnist(mnist):
    images = mnist.train_images[:500]
    test = mnist.test_images[:200]
    seen = []
    result = spikeae.fit_ann(images, None, test, None, train_size=400, validation_size=100,
                             epochs=3, hidden=16, seed=2,
                             on_epoch=lambda metrics, model: seen.append(metrics["epoch"]))
    untrained = spikeae.AnnModel(hidden=16, seed=2)
    assert seen == [1, 2, 3]
    assert [m["epoch"] for m in result.history] == [1, 2, 3]
    assert set(result.history[0]) >= {"epoch", "train_loss", "validation_loss", "seconds"}
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.test_loss < 0.7 * untrained.loss(test)
    assert result.test_loss == result.model.loss(test)
    best = result.history[result.best_epoch - 1]
    assert best["validation_loss"] == result.best_validation_loss
    assert not result.stopped


def test_fit_is_deterministic_across_threads_and_stops_on_request():
    images = make_images(60)
    kwargs = dict(train_size=40, validation_size=20, hidden=6, epochs=2, noise_factor=0.2)
    one = spikeae.fit_ann(images, threads=1, **kwargs)
    two = spikeae.fit_ann(images, threads=2, **kwargs)
    for a, b in zip(one.final_model.weights + one.final_model.biases,
                    two.final_model.weights + two.final_model.biases):
        np.testing.assert_array_equal(a, b)
    stopped = spikeae.fit_ann(images, on_epoch=lambda metrics, model: True, **kwargs)
    assert stopped.stopped and len(stopped.history) == 1 and stopped.test_loss is None


def test_save_load_round_trip(tmp_path):
    model = spikeae.AnnModel(input_size=36, hidden=3, encoder="gaussian", decoder="gaussian",
                             inverted=True, noise_factor=0.2, seed=4)
    model.biases = [np.array([0.1, -0.2, 0.3]), np.full(36, 0.05)]
    expect_ann_round_trip(model, tmp_path / "ann.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip file")
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.AnnModel.load(tmp_path / "bad.npz")
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.AnnModel.load(tmp_path / "missing.npz")


@pytest.mark.parametrize("options", [
    {"hidden": 0}, {"encoder": "softplus"}, {"decoder": "linear"}, {"noise_factor": 1.5},
    {"noise_factor": float("nan")}, {"input_size": 0},
])
def test_bad_model_options_raise(options):
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.AnnModel(**options)


@pytest.mark.parametrize("options", [
    {"learning_rate": 0.0}, {"learning_rate": float("nan")}, {"batch_size": 0},
    {"gradient_shards": 0}, {"threads": -1}, {"epochs": -1}, {"split": "random"},
    {"train_size": 100},
])
def test_bad_fit_options_raise(options):
    kwargs = dict(train_size=40, validation_size=20, epochs=1)
    kwargs.update(options)
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.fit_ann(make_images(60), **kwargs)


def test_bad_parameters_raise():
    model = spikeae.AnnModel(input_size=36, hidden=3)
    with pytest.raises(spikeae.SpikeaeError):
        model.weights = [np.zeros((3, 36)), np.zeros((3, 36))]
    with pytest.raises(spikeae.SpikeaeError):
        model.biases = [np.array([np.nan, 0, 0]), np.zeros(36)]
    np.testing.assert_array_equal(model.biases[0], np.zeros(3))  # unchanged
    with pytest.raises(spikeae.SpikeaeError):
        model.decode(np.zeros((2, 4)))
    with pytest.raises(spikeae.SpikeaeError):
        model.loss(make_images(2, rows=5, cols=5))
