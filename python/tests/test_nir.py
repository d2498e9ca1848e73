"""NIR export and import: every field read back with h5py, the round trip, and an
independent small-step simulation of the exported CubaLIF graph (docs/nir.md)."""

import h5py
import numpy as np
import pytest

import spikeae
from spikeae import SpikeaeError

DT = 1e-4  # the independent simulation's step, in spikeae's time unit


@pytest.fixture(scope="module")
def busy_model():
    """36-8-36 with 4 pulses and weights that make most neurons fire on the images."""
    model = spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, seed=5, decay_rate=0.9,
                          fire_threshold=0.6, latency_ae=1.25, noise_factor_ae=0.1)
    rng = np.random.default_rng(11)
    for c, (n_pre, n_post) in enumerate([(36, 8), (8, 36)]):
        weights = rng.normal(0.05, 0.6 if c == 0 else 0.8, size=(n_pre + 4, n_post))
        weights[n_pre:] = rng.normal(0.9, 0.4, size=(4, n_post))  # pulses drive every neuron
        model.set_weights(c, weights)
        model.set_pulses(c, np.sort(rng.uniform(0.0, 1.5, size=4)))
    return model


@pytest.fixture(scope="module")
def nir_path(busy_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("nir") / "model.nir"
    busy_model.to_nir(path)
    return path


def text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def test_every_field_reads_back_with_h5py(busy_model, nir_path):
    m = busy_model
    with h5py.File(nir_path, "r") as f:
        assert text(f["version"][()])
        graph = f["node"]
        assert text(graph["type"][()]) == "NIRGraph"
        nodes = graph["nodes"]
        edges = {(text(a), text(b)) for a, b in graph["edges"][()]}
        assert ("input", "linear1") in edges and ("lif2", "output") in edges
        assert len(edges) == 9
        assert list(nodes["input"]["shape"][()]) == [36]
        assert list(nodes["output"]["shape"][()]) == [36]
        tau = 1.0 / m.decay_rate
        for layer, (n_pre, n_post) in enumerate([(36, 8), (8, 36)], start=1):
            weights = m.get_weights(layer - 1)
            linear, pulse_linear = nodes[f"linear{layer}"], nodes[f"pulse_linear{layer}"]
            assert text(linear["type"][()]) == "Linear"
            np.testing.assert_array_equal(linear["weight"][()], weights[:n_pre].T)
            np.testing.assert_array_equal(pulse_linear["weight"][()], weights[n_pre:].T)
            pulses = nodes[f"pulses{layer}"]
            assert text(pulses["type"][()]) == "Input"
            assert list(pulses["shape"][()]) == [4]
            np.testing.assert_array_equal(pulses["metadata"]["spike_times"][()],
                                          m.get_pulses(layer - 1))
            lif = nodes[f"lif{layer}"]
            assert text(lif["type"][()]) == "CubaLIF"
            expected = {"tau_syn": tau, "tau_mem": tau, "r": 1.0 / m.decay_rate ** 2,
                        "v_leak": 0.0, "v_threshold": m.fire_threshold, "w_in": 1.0,
                        "v_reset": 0.0}
            for field, value in expected.items():
                np.testing.assert_array_equal(lif[field][()], np.full(n_post, value))
        meta = graph["metadata"]
        assert text(meta["producer"][()]) == "spikeae"
        assert text(meta["neuron_kind"][()]) == "alpha"
        assert meta["decay_rate"][()] == m.decay_rate
        assert meta["fire_threshold"][()] == m.fire_threshold
        assert meta["fire_at_most_once"][()] == 1
        assert list(meta["layer_sizes"][()]) == [36, 8, 36]
        assert meta["n_pulses"][()] == 4
        assert meta["output_latency"][()] == m.latency
        assert meta["noise_factor"][()] == m.noise_factor
        assert meta["encoding_inverted"][()] == int(m.inverted)
        assert int(text(meta["seed"][()])) == m.seed


def test_round_trip_gives_the_same_model(busy_model, nir_path, images):
    loaded = spikeae.Model.from_nir(nir_path)
    for c in range(2):
        np.testing.assert_array_equal(loaded.get_weights(c), busy_model.get_weights(c))
        np.testing.assert_array_equal(loaded.get_pulses(c), busy_model.get_pulses(c))
    assert (loaded.decay_rate, loaded.fire_threshold) == (busy_model.decay_rate,
                                                          busy_model.fire_threshold)
    for a, b in zip(loaded.forward(images[:5]), busy_model.forward(images[:5])):
        np.testing.assert_array_equal(a, b)


def test_bad_files_and_kinds_are_refused(tmp_path):
    with pytest.raises(SpikeaeError, match="no such file"):
        spikeae.Model.from_nir(tmp_path / "none.nir")
    (tmp_path / "text.nir").write_text("hello")
    with pytest.raises(SpikeaeError, match="not an HDF5 file"):
        spikeae.Model.from_nir(tmp_path / "text.nir")
    exponential = spikeae.Model(input_size=4, n_hidden=2, neuron_kind="exponential")
    with pytest.raises(SpikeaeError, match="exponential neuron kind"):
        exponential.to_nir(tmp_path / "exp.nir")


# --- the independent simulation -------------------------------------------------------


def read_graph(path):
    """Per CubaLIF node, in layer order: its parameters and (source, weight) inputs."""
    with h5py.File(path, "r") as f:
        graph = f["node"]
        nodes = {name: {key: value[()] for key, value in node.items()
                        if isinstance(value, h5py.Dataset)}
                 for name, node in graph["nodes"].items()}
        for name, node in graph["nodes"].items():
            if "metadata" in node:
                nodes[name]["spike_times"] = node["metadata"]["spike_times"][()]
        edges = [(text(a), text(b)) for a, b in graph["edges"][()]]
    incoming = {}
    for source, target in edges:
        incoming.setdefault(target, []).append(source)
    layers, current = [], "input"
    while True:  # follow input -> Linear -> CubaLIF -> Linear ... -> Output
        lif = next(t for s, t in edges if s == current and text(nodes[t]["type"]) == "Linear")
        lif = next(t for s, t in edges if s == lif)
        inputs = [(incoming[linear][0], nodes[linear]["weight"]) for linear in incoming[lif]]
        layers.append((lif, nodes[lif], inputs))
        current = lif
        if any(t == "output" for s, t in edges if s == lif):
            return nodes, layers


def propagators(tau_syn, tau_mem, r, delta):
    """Exact decay of a unit synaptic current over delta: (current factor, voltage gain)."""
    a = np.exp(-delta / tau_syn)
    if np.allclose(tau_syn, tau_mem):
        return a, r / tau_mem * delta * a
    b = np.exp(-delta / tau_mem)
    return a, r * tau_syn / (tau_syn - tau_mem) * (a - b)


def simulate(path, input_times, t_end):
    """First spike times of every CubaLIF layer, stepping the linear ODEs exactly by DT.

    Input spikes (and the spikes of earlier layers) enter at their own times inside a
    step; a crossing is placed by linear interpolation of v within its step. Each
    neuron fires at most once (the graph's fire_at_most_once).
    """
    nodes, layers = read_graph(path)
    batch = input_times.shape[0]
    times = {"input": input_times}
    for name, node in nodes.items():
        if "spike_times" in node:
            times[name] = np.broadcast_to(node["spike_times"], (batch, node["spike_times"].size))
    state = {}
    for name, node, _ in layers:
        assert np.all(node["tau_syn"] == node["tau_syn"][0])  # one input kernel per layer
        shape = (batch, node["v_threshold"].size)
        state[name] = [np.zeros(shape), np.zeros(shape)]
        times[name] = np.full(shape, np.inf)
    for k in range(int(np.ceil(t_end / DT))):
        t0, t1 = k * DT, (k + 1) * DT
        after = -np.inf if k == 0 else t0  # inputs at t = 0 enter in the first step
        for name, node, inputs in layers:
            current, v = state[name]
            a, gain = propagators(node["tau_syn"], node["tau_mem"], node["r"], DT)
            v_before = v
            v = v * np.exp(-DT / node["tau_mem"]) + gain * current
            current = current * a
            for source, weight in inputs:
                arrived = (times[source] > after) & (times[source] <= t1)
                if arrived.any():
                    delta = np.where(arrived, t1 - times[source], 0.0)
                    a_in, gain_in = propagators(node["tau_syn"][0], node["tau_mem"][0],
                                                node["r"][0], delta)
                    kick = node["w_in"] / node["tau_syn"]  # tau_syn dI/dt = w_in S
                    current = current + kick * ((arrived * a_in) @ weight.T)
                    v = v + kick * ((arrived * gain_in) @ weight.T)
            crossed = (v > node["v_threshold"]) & np.isinf(times[name])
            if crossed.any():
                fraction = (node["v_threshold"] - v_before) / (v - v_before)
                times[name] = np.where(crossed, t0 + np.clip(fraction, 0, 1) * DT, times[name])
            state[name] = [current, v]
    return [times[name] for name, _, _ in layers]


def test_independent_simulation_matches_the_forward_pass(busy_model, nir_path, images):
    layers = busy_model.forward(images[:6])
    finite = np.concatenate([layer[np.isfinite(layer)] for layer in layers[1:]])
    assert finite.size > 0.5 * sum(layer.size for layer in layers[1:])  # a busy network
    simulated = simulate(nir_path, layers[0], finite.max() + 0.05)
    worst = 0.0
    for expected, actual in zip(layers[1:], simulated):
        np.testing.assert_array_equal(np.isfinite(actual), np.isfinite(expected))
        both = np.isfinite(expected)
        worst = max(worst, float(np.max(np.abs(actual[both] - expected[both]), initial=0.0)))
    print(f"largest spike-time difference {worst:.3g} with dt {DT:g}")
    assert worst <= 2 * DT
