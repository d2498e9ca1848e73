"""spikeae.Model: options, parameters, files, and the batched forward pass."""

import copy
import inspect
import pickle
import threading
import time

import numpy as np
import pytest

import spikeae


def test_defaults_are_the_cli_defaults():
    defaults = spikeae.option_defaults()
    assert defaults["epochs"] == 20 and defaults["threads"] == 0
    assert defaults["gradient_shards"] == 2 and defaults["seed"] == 1
    assert defaults["inverted"] is True
    assert defaults["learning_rate"] == 0.001676 and defaults["n_hidden"] == 32
    signature = inspect.signature(spikeae.Model)
    for name, value in defaults.items():
        assert signature.parameters[name].default == value
    model = spikeae.Model()
    assert model.layer_sizes == (784, 32, 784) and model.n_pulses == 10
    assert model.parameter_count == (784 + 10) * 32 + (32 + 10) * 784 + 2 * 10
    config = model.config
    columns = {k: config[k] for k in spikeae.hyperparameter_names()}
    assert columns == spikeae.default_hyperparameters()


def test_options_apply_in_the_cli_order():
    preset = spikeae.paper_preset(0.4, 16, 32)
    model = spikeae.Model(preset=(0.4, 16, 32))
    assert model.hyperparameters == preset
    tuned = spikeae.Model(preset=(0.4, 16, 32), learning_rate="3e-3", n_hidden=8)
    assert tuned.config["learning_rate"] == 0.003
    assert tuned.config["latency_ae"] == preset["latency_ae"]  # kept from the preset
    assert tuned.layer_sizes == (784, 8, 784)
    deep = spikeae.Model(layer_sizes="784,64,12,64,784", n_hidden=12, inverted=False)
    assert deep.layer_sizes == (784, 64, 12, 64, 784) and not deep.inverted
    assert deep.embedding_layer == 2


def test_explicit_layer_sizes_are_the_architecture():
    assert spikeae.Model(layer_sizes=[784, 100, 784]).layer_sizes == (784, 100, 784)
    assert spikeae.Model(layer_sizes=[784, 64, 16, 64, 784]).layer_sizes == (784, 64, 16, 64, 784)
    assert spikeae.Model(layer_sizes=[36, 8, 36], input_size=36).layer_sizes == (36, 8, 36)
    with pytest.raises(spikeae.SpikeaeError, match=r"n_hidden = 12 conflicts with .*middle layer 16"):
        spikeae.Model(layer_sizes="784,64,16,64,784", n_hidden=12)
    with pytest.raises(spikeae.SpikeaeError, match="784 inputs but 783 outputs"):
        spikeae.Model(layer_sizes=[784, 128, 16, 128, 783])
    with pytest.raises(spikeae.SpikeaeError, match="100 inputs but the images have 784 pixels"):
        spikeae.Model(layer_sizes=[100, 32, 100], input_size=784)
    with pytest.raises(spikeae.SpikeaeError, match="the preset has n_hidden = 32"):
        spikeae.Model(preset=(0.4, 16, 32), layer_sizes=[784, 100, 784])
    small = spikeae.Model(input_size=36, n_hidden=8, seed=np.uint64(4), batch_size=np.int64(3))
    assert small.layer_sizes == (36, 8, 36) and small.seed == 4
    assert small.config["batch_size"] == 3


def test_bad_options_raise_with_the_cli_messages():
    with pytest.raises(spikeae.SpikeaeError,
                       match="invalid latency_ae: must be a finite number > 0"):
        spikeae.Model(latency_ae=-1)
    with pytest.raises(spikeae.SpikeaeError, match="expected an integer"):
        spikeae.Model(n_hidden=3.5)
    with pytest.raises(spikeae.SpikeaeError, match="noise_factor_ae"):
        spikeae.Model(noise_factor_ae=2)
    with pytest.raises(spikeae.SpikeaeError, match="gradient_shards"):
        spikeae.Model(gradient_shards=0)
    with pytest.raises(spikeae.SpikeaeError, match="no paper preset"):
        spikeae.Model(preset=(0.1, 1, 32))
    with pytest.raises(spikeae.SpikeaeError, match="preset file"):
        spikeae.Model(preset_file="/nonexistent/preset.tsv")
    with pytest.raises(TypeError, match="did you mean 'learning_rate'"):
        spikeae.Model(learningrate=1e-3)
    with pytest.raises(spikeae.SpikeaeError, match="seed"):
        spikeae.Model(seed=-1)
    assert issubclass(spikeae.SpikeaeError, ValueError)


def test_preset_file(tmp_path):
    row = spikeae.paper_preset(0.2, 4, 16)
    path = tmp_path / "row.tsv"
    path.write_text(spikeae.format_hyperparameter_table([row]))
    assert spikeae.Model(preset_file=path).hyperparameters == row
    path.write_text(spikeae.format_hyperparameter_table([row, row]))
    with pytest.raises(spikeae.SpikeaeError, match="exactly one row, found 2"):
        spikeae.Model(preset_file=str(path))


def test_weights_and_pulses(model):
    m = model.copy()
    w = m.get_weights(0)
    assert w.shape == (36 + 4, 8) and w.dtype == np.float64
    assert [x.shape for x in m.weights] == [(40, 8), (12, 36)]
    assert [p.shape for p in m.pulses] == [(4,), (4,)]
    np.testing.assert_allclose(m.get_pulses(1), [0.2, 0.4, 0.6, 0.8])
    with pytest.raises(ValueError, match="read-only"):
        m.weights[0][0, 0] = 1.0
    w[3, 5] = 0.25
    m.set_weights(0, w)
    assert m.get_weights(0)[3, 5] == 0.25
    assert model.get_weights(0)[3, 5] != 0.25  # the copy is independent
    m.pulses = [[0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 1.0, 1.5]]
    np.testing.assert_array_equal(m.get_pulses(1), [0.0, 0.5, 1.0, 1.5])
    with pytest.raises(spikeae.SpikeaeError, match=">= 0"):
        m.set_pulses(0, [0.1, -0.2, 0.3, 0.4])
    with pytest.raises(spikeae.SpikeaeError, match="40 rows"):
        m.set_weights(0, np.zeros((36, 8)))
    with pytest.raises(spikeae.SpikeaeError, match="finite"):
        m.set_weights(1, np.full((12, 36), np.nan))
    with pytest.raises(spikeae.SpikeaeError, match="connection 2 does not exist"):
        m.get_weights(2)
    before = m.get_weights(0)
    with pytest.raises(spikeae.SpikeaeError):
        m.weights = [np.ones((40, 8)), np.ones((3, 3))]
    np.testing.assert_array_equal(m.get_weights(0), before)  # all or nothing


def test_save_load_and_pickle(tmp_path, model):
    path = tmp_path / "m.spikeae"
    m = model.copy()
    m.dataset = "synthetic"
    m.epochs_trained = 3
    m.validation_loss = 0.5
    m.save(path)
    loaded = spikeae.Model.load(path)
    assert str(loaded.dataset) == "synthetic" and loaded.epochs_trained == 3
    assert loaded.validation_loss == 0.5 and loaded.config == m.config
    for a, b in zip(loaded.weights, m.weights):
        np.testing.assert_array_equal(a, b)
    loaded.save(tmp_path / "again.spikeae")
    assert (tmp_path / "again.spikeae").read_bytes() == path.read_bytes()
    clone = pickle.loads(pickle.dumps(m))
    assert clone.config == m.config and np.array_equal(clone.weights[1], m.weights[1])
    assert str(copy.deepcopy(m).dataset) == "synthetic"
    assert "36-8-36" in repr(m)


def test_model_file_errors_name_the_file(tmp_path, model):
    path = tmp_path / "broken.spikeae"
    model.save(path)
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(spikeae.SpikeaeError, match="broken.spikeae"):
        spikeae.Model.load(path)
    with pytest.raises(spikeae.SpikeaeError, match="missing.spikeae"):
        spikeae.Model.load(tmp_path / "missing.spikeae")


def test_forward_shapes_and_dtypes(model, images):
    layers = model.forward(images)
    assert [layer.shape for layer in layers] == [(60, 36), (60, 8), (60, 36)]
    assert all(layer.dtype == np.float64 for layer in layers)
    single = model.forward(images[7])  # one (rows, cols) image
    assert [layer.shape for layer in single] == [(36,), (8,), (36,)]
    for a, b in zip(single, layers):
        np.testing.assert_array_equal(a, b[7])
    flat = model.forward(images.reshape(60, 36))
    grid = model.forward(images.reshape(3, 20, 6, 6))
    assert grid[1].shape == (3, 20, 8)
    np.testing.assert_array_equal(grid[2].reshape(60, 36), layers[2])
    np.testing.assert_array_equal(flat[2], layers[2])
    # Spike times in, the same out (images are encoded as encode_inputs does).
    times = model.encode_inputs(images)
    np.testing.assert_array_equal(times, layers[0])
    np.testing.assert_array_equal(model.forward(spike_times=times)[2], layers[2])
    single_precision = model.forward(spike_times=times.astype(np.float32))
    np.testing.assert_array_equal(single_precision[0], times.astype(np.float32).astype(np.float64))
    assert model.forward(np.zeros((0, 36)))[2].shape == (0, 36)


def test_forward_does_not_depend_on_threads(images):
    model = spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, seed=3, noise_factor_ae=0.2)
    many = np.concatenate([images] * 3)
    one = model.forward(many, threads=1)
    two = model.forward(many, threads=2)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    assert model.loss(many, threads=1) == model.loss(many, threads=2)


def test_noise_defaults_follow_the_model(images):
    noisy = spikeae.Model(input_size=36, n_hidden=8, noise_factor_ae=0.3, seed=5)
    expected = spikeae.encode_images(images, noise_factor=0.3,
                                     noise_seed=spikeae.noise_seed(5, "test"))
    np.testing.assert_array_equal(noisy.encode_inputs(images), expected)
    clean = noisy.encode_inputs(images, noise_factor=0)
    np.testing.assert_array_equal(clean, spikeae.encode_images(images))
    other = noisy.encode_inputs(images, seed=6)
    assert not np.array_equal(other, expected)
    with pytest.raises(spikeae.SpikeaeError, match="inputs already"):
        noisy.forward(spike_times=expected, noise_factor=0.1)


def test_encode_decode_and_reconstruct(model, images):
    layers = model.forward(images)
    hidden = model.encode(images)
    np.testing.assert_array_equal(hidden, layers[1])
    np.testing.assert_array_equal(model.decode(hidden), layers[2])
    mix = 0.5 * (hidden[0] + hidden[1])  # interpolation in embedding space
    assert model.decode(mix).shape == (36,)
    recon = model.reconstruct(images)
    assert recon.shape == (60, 6, 6)
    out = layers[2].reshape(60, 6, 6)
    np.testing.assert_array_equal(recon, np.where(np.isinf(out), 1.0, out - model.latency))
    with pytest.raises(spikeae.SpikeaeError, match=r"\(\.\.\., 8\)"):
        model.decode(np.zeros((3, 7)))
    with pytest.raises(spikeae.SpikeaeError, match="floating point"):
        model.decode(np.zeros((3, 8), dtype=np.int64))


def test_loss_is_the_mean_of_the_per_example_losses(model, images):
    per = model.loss(images, per_example=True)
    assert per.shape == (60,) and per.dtype == np.float64
    recon = model.reconstruct(images).reshape(60, 36)
    targets = spikeae.target_times(images).reshape(60, 36)
    np.testing.assert_allclose(per, ((recon - targets) ** 2).mean(axis=1), rtol=1e-12)
    mean = model.loss(images)
    assert isinstance(mean, float)
    assert mean == pytest.approx(per.mean(), rel=1e-14)
    times = model.encode_inputs(images)
    assert model.loss(images, spike_times=times) == mean
    assert model.loss(images[3]) == per[3]


def test_input_errors(model, images):
    with pytest.raises(spikeae.SpikeaeError, match="do not fit a layer of 36"):
        model.forward(np.zeros((5, 35)))
    times = model.encode_inputs(images)
    times[2, 3] = np.nan
    with pytest.raises(spikeae.SpikeaeError, match="nan"):
        model.forward(spike_times=times)
    times[2, 3] = -np.inf
    with pytest.raises(spikeae.SpikeaeError, match="-inf"):
        model.forward(spike_times=times)
    with pytest.raises(spikeae.SpikeaeError, match="threads"):
        model.forward(images, threads=-1)
    with pytest.raises(spikeae.SpikeaeError, match="no images"):
        model.loss(np.zeros((0, 36), dtype=np.uint8))
    with pytest.raises(spikeae.SpikeaeError, match="spike_times="):
        model.loss(model.encode_inputs(images))  # spike times are not images


def test_activity(model, images):
    activity = model.activity(images)
    assert len(activity) == 2
    for layer in activity:
        assert set(layer) == {"input_events", "spiking_fraction", "causal_inputs"}
        assert 0.0 <= layer["spiking_fraction"] <= 1.0


def test_the_gil_is_released_while_the_engine_runs(model, images):
    many = np.tile(images, (500, 1, 1))  # 30,000 examples, a fraction of a second
    counter, stop = [0], threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=spin)
    thread.start()
    while counter[0] == 0:
        time.sleep(0.001)
    try:
        before = counter[0]
        started = time.perf_counter()
        model.forward(many, threads=1)
        seconds = time.perf_counter() - started
        during = counter[0] - before
    finally:
        stop.set()
        thread.join()
    # With the GIL held the other thread could not have counted at all.
    assert seconds < 0.02 or during > 1000, (seconds, during)


# -- one rule for images: uint8 bytes or [0, 1] brightness; spike times only by name -----

# Arrays that are neither bytes nor brightness, and what the refusal names.
AMBIGUOUS = {
    "bytes as floats": lambda x: x.astype(np.float64),
    "NaN": lambda x: np.where(x > 200, np.nan, x / 255.0),
    "above 1": lambda x: x / 255.0 + 0.5,
    "negative float": lambda x: x / 255.0 - 0.5,
    "int above 255": lambda x: x.astype(np.int32) + 100,
    "negative int": lambda x: x.astype(np.int16) - 1,
    "bool": lambda x: x > 128,
    "complex": lambda x: x / 255.0 + 0j,
    "object": lambda x: x.astype(object),
}


def test_float_brightness_gives_the_uint8_results(model, images, tmp_path):
    noisy = spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, seed=3, noise_factor_ae=0.3)
    for brightness in (images / 255.0, (images / 255.0).astype(np.float32)):
        for a, b in zip(noisy.forward(brightness), noisy.forward(images)):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(noisy.encode(brightness), noisy.encode(images))
        np.testing.assert_array_equal(noisy.encode_inputs(brightness), noisy.encode_inputs(images))
        np.testing.assert_array_equal(noisy.reconstruct(brightness), noisy.reconstruct(images))
        assert noisy.loss(brightness) == noisy.loss(images)
        assert noisy.activity(brightness) == noisy.activity(images)
        a = noisy.membrane_potential(brightness[4], 2, 5, [0.5, 1.5])
        b = noisy.membrane_potential(images[4], 2, 5, [0.5, 1.5])
        np.testing.assert_array_equal(a.v, b.v)
    ann = spikeae.AnnModel(input_size=36, hidden=4, noise_factor=0.3)
    assert ann.loss(images / 255.0) == ann.loss(images)
    # Integer arrays are bytes too.
    assert model.loss(images.astype(np.int64)) == model.loss(images)
    model.write_reconstructions(tmp_path / "bytes.png", images, count=4)
    model.write_reconstructions(tmp_path / "floats.png", images / 255.0, count=4)
    assert (tmp_path / "bytes.png").read_bytes() == (tmp_path / "floats.png").read_bytes()


def test_loss_inputs_are_images_and_spike_times_go_by_name(model, images):
    clean = model.loss(images)
    # The reported case: floats passed as inputs were taken as spike times (0.348).
    assert model.loss(images, inputs=images / 255.0) == clean
    assert model.loss(images / 255.0, inputs=images) == clean
    times = model.encode_inputs(images)
    assert model.loss(images, spike_times=times) == clean
    np.testing.assert_array_equal(model.encode(spike_times=times), model.encode(images))
    np.testing.assert_array_equal(model.reconstruct(spike_times=times.reshape(images.shape)),
                                  model.reconstruct(images))
    trace = model.membrane_potential(None, 1, 2, [1.0], spike_times=times[0])
    assert trace.v[0] == model.membrane_potential(images[0], 1, 2, [1.0]).v[0]
    with pytest.raises(spikeae.SpikeaeError, match="either images or spike_times"):
        model.forward(images, spike_times=times)
    with pytest.raises(spikeae.SpikeaeError, match="either images or spike_times"):
        model.encode()
    with pytest.raises(spikeae.SpikeaeError, match="either inputs or spike_times"):
        model.loss(images, images, spike_times=times)
    with pytest.raises(spikeae.SpikeaeError, match="floating point"):
        model.forward(spike_times=images)  # bytes are not spike times
    with pytest.raises(spikeae.SpikeaeError, match="floating point"):
        model.forward(spike_times=times > 0.5)


@pytest.mark.parametrize("kind", sorted(AMBIGUOUS))
def test_ambiguous_images_are_refused_everywhere(kind, model, images, tmp_path):
    bad = AMBIGUOUS[kind](images)
    calls = {
        "forward": lambda: model.forward(bad),
        "encode": lambda: model.encode(bad),
        "encode_inputs": lambda: model.encode_inputs(bad),
        "reconstruct": lambda: model.reconstruct(bad),
        "reconstruct_images": lambda: model.reconstruct_images(bad),
        "loss": lambda: model.loss(bad),
        "loss inputs": lambda: model.loss(images, inputs=bad),
        "activity": lambda: model.activity(bad),
        "membrane_potential": lambda: model.membrane_potential(bad[0], 1, 0, [0.0]),
        "write_reconstructions": lambda: model.write_reconstructions(tmp_path / "x.png", bad),
        "encode_images": lambda: spikeae.encode_images(bad),
        "target_times": lambda: spikeae.target_times(bad),
        "write_idx_images": lambda: spikeae.write_idx_images(tmp_path / "x.idx", bad),
        "split_train_validation": lambda: spikeae.split_train_validation(
            bad, train_size=10, validation_size=5),
        "Data": lambda: spikeae.Data(bad, None, images, None),
        "AnnModel.loss": lambda: spikeae.AnnModel(input_size=36, hidden=4).loss(bad),
    }
    for name, call in calls.items():
        with pytest.raises(spikeae.SpikeaeError) as refused:
            call()
        message = str(refused.value)
        assert "uint8" in message and "[0, 1]" in message, (name, message)
        assert "spike_times=" in message, (name, message)


@pytest.fixture(scope="module")
def trained(images):
    """A 36-8-36 model after a few epochs, whose outputs spike after the latency."""
    return spikeae.fit(images, train_size=48, validation_size=12, n_hidden=8, n_pulses=4,
                       epochs=3, seed=2, learning_rate=0.01).model


def test_decode_images_are_the_pictures_of_decode(trained, images):
    model = trained
    hidden = model.encode(images)
    output = model.decode(hidden)
    pictures = model.decode_images(hidden)
    assert pictures.shape == (60, 36) and pictures.dtype == np.float64
    assert pictures.min() >= 0.0 and pictures.max() <= 1.0
    # Inverted encoding: a pixel spiking at x has brightness 1 - x, x = output - latency.
    spiking = np.isfinite(output) & (output >= model.latency) & (output <= model.latency + 1)
    assert spiking.sum() > 100
    np.testing.assert_allclose(pictures[spiking], 1.0 - (output[spiking] - model.latency),
                               rtol=0, atol=1e-15)
    reconstructed = model.reconstruct_images(images)
    assert reconstructed.shape == images.shape
    np.testing.assert_array_equal(reconstructed.reshape(60, 36), pictures)
    # A silent output is "no spike", x = 1: a blank pixel (inverted), white otherwise.
    for inverted, blank in ((True, 0.0), (False, 1.0)):
        silent = spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, inverted=inverted)
        silent.set_weights(1, np.full((8 + 4, 36), -10.0))
        assert np.all(np.isinf(silent.decode(silent.encode(images))))
        assert np.all(silent.decode_images(silent.encode(images)) == blank)
    # The pictures are images: they go back in, as their nearest bytes.
    nearest = np.floor(reconstructed * 255 + 0.5).astype(np.uint8)
    assert model.loss(images, inputs=reconstructed) == model.loss(images, inputs=nearest)


def test_dataset_is_a_structured_description(tmp_path, model):
    m = model.copy()
    m.dataset = "mnist (split shuffled 54000/6000)"
    assert m.dataset == spikeae.DataDescription("mnist", "shuffled", 54000, 6000)
    assert m.dataset.name == "mnist" and m.dataset.validation_size == 6000
    m.dataset = spikeae.DataDescription("/data/train-images.idx", "sequential", 1000, 200)
    assert str(m.dataset) == "/data/train-images.idx (split sequential 1000/200)"
    for old in ("synthetic", "mnist (split random 1/2)", "x (split shuffled 01/2)", ""):
        m.dataset = old
        assert m.dataset == (old, None, None, None) and str(m.dataset) == old
    # The text is stored as it was: the file round-trips bit for bit.
    m.dataset = "arrays (split shuffled 2700/300)"
    m.save(tmp_path / "a.spikeae")
    loaded = spikeae.Model.load(tmp_path / "a.spikeae")
    assert loaded.dataset == ("arrays", "shuffled", 2700, 300)
    loaded.save(tmp_path / "b.spikeae")
    assert (tmp_path / "a.spikeae").read_bytes() == (tmp_path / "b.spikeae").read_bytes()
    with pytest.raises(spikeae.SpikeaeError, match="DataDescription or a str"):
        m.dataset = 3


def test_local_layers_have_their_own_weight_shapes(tmp_path, images):
    m = spikeae.Model(input_size=36, n_hidden=8, n_pulses=4, layers="local:12,local:3", seed=3)
    assert m.layers == "local:12,local:3"
    # Each neuron's row: its window of the layer below, then the pulses.
    assert [w.shape for w in m.weights] == [(8, 12 + 4), (36, 3 + 4)]
    assert m.parameter_count == 8 * 16 + 36 * 7 + 2 * 4
    w = m.get_weights(1)
    w[5, 2] = 0.125
    m.set_weights(1, w)
    assert m.get_weights(1)[5, 2] == 0.125
    with pytest.raises(spikeae.SpikeaeError, match=r"36 rows \(one per neuron, local:3\)"):
        m.set_weights(1, np.zeros((7, 7)))
    path = tmp_path / "local.spikeae"
    m.save(path)
    loaded = spikeae.Model.load(path)
    assert loaded.layers == m.layers
    np.testing.assert_array_equal(loaded.forward(images[:5])[-1], m.forward(images[:5])[-1])
    with pytest.raises(spikeae.SpikeaeError, match="window must be 1 to 8 neurons"):
        spikeae.Model(input_size=36, n_hidden=8, layers="dense,local:9")
    with pytest.raises(spikeae.SpikeaeError, match='invalid layer spec "conv:3"'):
        spikeae.Model(input_size=36, layers="conv:3")
    with pytest.raises(spikeae.SpikeaeError, match="expected text"):
        spikeae.Model(input_size=36, layers=3)


def test_an_architecture_string_builds_the_mirrored_convolutional_stack(tmp_path, images):
    m = spikeae.Model(input_size=36, architecture="6x6,conv:2:4:2:1,dense:5", n_pulses=2, seed=3)
    assert m.layer_sizes == (36, 18, 5, 18, 36)
    assert m.layers == "conv:1:6:6:2:4:2:1,dense,dense,tconv:2:3:3:1:4:2:1"
    assert m.config["architecture"] == "6x6,conv:2:4:2:1,dense:5"
    # A kernel per output channel: (C_out, C_in*K*K + pulses).
    assert m.weights[0].shape == (2, 16 + 2)
    assert m.weights[3].shape == (1, 2 * 16 + 2)
    path = tmp_path / "conv.spikeae"
    m.save(path)
    loaded = spikeae.Model.load(path)
    assert loaded.config["architecture"] == m.config["architecture"]
    np.testing.assert_array_equal(loaded.forward(images[:4])[-1], m.forward(images[:4])[-1])
    with pytest.raises(spikeae.SpikeaeError, match="conflicts with layer_sizes 36-8-36"):
        spikeae.Model(input_size=36, architecture="6x6,conv:2:4:2:1,dense:5",
                      layer_sizes=[36, 8, 36])
    with pytest.raises(spikeae.SpikeaeError, match="no transposed convolution"):
        spikeae.Model(input_size=36, architecture="6x6,conv:2:3:2:1,dense:5")
    with pytest.raises(spikeae.SpikeaeError, match="but the images have 36 pixels"):
        spikeae.Model(input_size=36, architecture="7x7,conv:2:3:1:1,dense:5")
