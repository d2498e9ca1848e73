"""The membrane potential V(t) against the spike times of the forward pass."""

import numpy as np
import pytest

import spikeae


@pytest.fixture(scope="module")
def trained(images):
    """A 36-8-36 model after a few epochs (spiking patterns of a real run)."""
    result = spikeae.fit(images, train_size=48, validation_size=12,
                         n_hidden=8, n_pulses=4, epochs=3, seed=2, learning_rate=0.01)
    return result.model


def check_neuron(model, example, layer, neuron):
    """Asserts V(spike) = theta, V < theta before; returns whether the neuron fired."""
    theta = model.fire_threshold
    probe = model.membrane_potential(example, layer, neuron, [0.0])
    spike = probe.spike_time
    last_input = np.max(probe.input_times[np.isfinite(probe.input_times)])
    if np.isinf(spike):
        # Silent: V stays below theta until well after the last input has decayed.
        grid = np.linspace(0.0, last_input + 40.0 / model.decay_rate, 4000)
        assert model.membrane_potential(example, layer, neuron, grid).v.max() < theta
        return False
    at = model.membrane_potential(example, layer, neuron, [spike, spike - 1e-7])
    assert abs(at.v[0] - theta) < 1e-9, (layer, neuron, at.v[0] - theta)
    assert at.v[1] < theta
    before = np.linspace(0.0, spike, 3000, endpoint=False)
    assert model.membrane_potential(example, layer, neuron, before).v.max() < theta
    return True


@pytest.mark.parametrize("which", ["untrained", "trained"])
def test_potential_reaches_threshold_exactly_at_the_spike(which, model, trained, images):
    network = model if which == "untrained" else trained
    fired = silent = 0
    for example in images[:4]:
        for layer in (1, 2):
            for neuron in range(network.layer_sizes[layer]):
                if check_neuron(network, example, layer, neuron):
                    fired += 1
                else:
                    silent += 1
    assert fired > 20  # the check is not vacuous


def test_exponential_neuron_potential_reaches_threshold_at_the_spike(images):
    """membrane_potential follows the model's neuron kind (docs/model.md section 1.4)."""
    model = spikeae.fit(images, train_size=48, validation_size=12, n_hidden=8, n_pulses=4,
                        epochs=2, seed=2, learning_rate=0.01, decay_rate=1.0,
                        fire_threshold=0.5, neuron_kind="exponential").model
    assert model.neuron_kind == "exponential" and model.config["neuron_kind"] == "exponential"
    fired = 0
    for example in images[:3]:
        for layer in (1, 2):
            for neuron in range(model.layer_sizes[layer]):
                fired += check_neuron(model, example, layer, neuron)
    assert fired > 20
    trace = model.membrane_potential(images[0], 2, 3, [0.5, 1.0, 2.0])
    direct = spikeae.membrane_potential([0.5, 1.0, 2.0], trace.input_times, trace.weights,
                                        model.decay_rate, neuron_kind="exponential")
    np.testing.assert_array_equal(direct, trace.v)
    with pytest.raises(spikeae.SpikeaeError, match="must be alpha or exponential"):
        spikeae.Model(neuron_kind="lif")


def test_trace_parts_agree_with_the_forward_pass(trained, images):
    grid = np.linspace(0.0, 4.0, 401)
    layers = trained.forward(images[5])
    trace = trained.membrane_potential(images[5], 2, 7, grid)
    assert trace.v.shape == (401,) and trace.contributions.shape == (8 + 4, 401)
    np.testing.assert_array_equal(trace.t, grid)
    np.testing.assert_allclose(trace.contributions.sum(axis=0), trace.v, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(trace.input_times[:8], layers[1])
    np.testing.assert_array_equal(trace.input_times[8:], trained.get_pulses(1))
    np.testing.assert_array_equal(trace.weights, trained.get_weights(1)[:, 7])
    assert list(trace.is_pulse) == [False] * 8 + [True] * 4
    assert trace.spike_time == layers[2][7]
    assert trace.threshold == trained.fire_threshold
    direct = spikeae.membrane_potential(grid, trace.input_times, trace.weights,
                                        trained.decay_rate)
    np.testing.assert_array_equal(direct, trace.v)
    # Inputs after the spike do not matter for it; before an input arrives its term is 0.
    first = np.argmin(trace.input_times)
    assert np.all(trace.contributions[first][grid <= trace.input_times[first]] == 0.0)
    # The first layer's inputs are the encoded pixels.
    first_layer = trained.membrane_potential(images[5], 1, 0, grid, contributions=False)
    assert first_layer.contributions is None
    np.testing.assert_array_equal(first_layer.input_times[:36], layers[0])


def test_membrane_errors(trained, images):
    with pytest.raises(spikeae.SpikeaeError, match="give 1 to 2"):
        trained.membrane_potential(images[0], 0, 0, [0.0])
    with pytest.raises(spikeae.SpikeaeError, match="neurons 0 to 7"):
        trained.membrane_potential(images[0], 1, 8, [0.0])
    with pytest.raises(spikeae.SpikeaeError, match="one example"):
        trained.membrane_potential(images[:2], 1, 0, [0.0])
