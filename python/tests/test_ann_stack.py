"""The ANN baseline in the spiking network's shapes: architecture strings, layer
sizes with specs, training, files of stacks (and refusing damaged ones)."""

import json
import zipfile

import numpy as np
import pytest

import spikeae
from conftest import expect_ann_round_trip, make_images

ARCHITECTURE = "6x6,conv:2:4:2:1,dense:5"


def test_architecture_gives_a_mirrored_stack():
    model = spikeae.AnnModel(input_size=36, architecture=ARCHITECTURE)
    assert model.layer_sizes == [36, 18, 5, 18, 36]
    assert model.layers == "conv:1:6:6:2:4:2:1,dense,dense,tconv:2:3:3:1:4:2:1"
    assert model.hidden == 5
    assert [w.shape for w in model.weights] == [(2, 16), (18, 5), (5, 18), (1, 32)]
    assert [b.shape for b in model.biases] == [(2,), (5,), (18,), (1,)]
    assert model.parameter_count == 32 + 2 + 90 + 5 + 90 + 18 + 32 + 1
    images = make_images(4)
    hidden = model.encode(images)
    assert hidden.shape == (4, 5)
    np.testing.assert_array_equal(model.decode(hidden), model.reconstruct(images))


def test_layer_sizes_and_layers_agree_with_the_architecture():
    by_sizes = spikeae.AnnModel(input_size=36, layer_sizes=[36, 18, 5, 18, 36],
                                layers="conv:1:6:6:2:4:2:1,dense,dense,tconv:2:3:3:1:4:2:1")
    by_text = spikeae.AnnModel(input_size=36, architecture=ARCHITECTURE)
    for a, b in zip(by_sizes.weights, by_text.weights):
        np.testing.assert_array_equal(a, b)
    deep = spikeae.AnnModel(input_size=36, layer_sizes=[36, 12, 4, 12, 36])
    assert deep.layers == "dense" and len(deep.weights) == 4
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.AnnModel(input_size=36, architecture=ARCHITECTURE, layer_sizes=[36, 5, 36])


def test_plain_layer_sizes_are_the_input_hidden_input_model():
    plain = spikeae.AnnModel(input_size=36, layer_sizes=[36, 5, 36])
    classic = spikeae.AnnModel(input_size=36, hidden=5)
    assert plain.options == classic.options
    for a, b in zip(plain.weights, classic.weights):
        np.testing.assert_array_equal(a, b)


def test_fit_ann_trains_a_stack_the_same_for_any_thread_count():
    images = make_images(60)
    kwargs = dict(train_size=40, validation_size=20, architecture=ARCHITECTURE, epochs=3,
                  learning_rate=0.01)
    one = spikeae.fit_ann(images, threads=1, **kwargs)
    two = spikeae.fit_ann(images, threads=2, **kwargs)
    assert one.final_model.layer_sizes == [36, 18, 5, 18, 36]
    for a, b in zip(one.final_model.weights + one.final_model.biases,
                    two.final_model.weights + two.final_model.biases):
        np.testing.assert_array_equal(a, b)
    losses = [epoch["validation_loss"] for epoch in one.history]
    assert losses[-1] < losses[0]


def test_stack_save_load_round_trip(tmp_path):
    model = spikeae.AnnModel(input_size=36, architecture=ARCHITECTURE, encoder="tanh", seed=3)
    model.biases = [np.full(b.shape, 0.1 * (c + 1)) for c, b in enumerate(model.biases)]
    expect_ann_round_trip(model, tmp_path / "stack.npz")


def test_plain_models_keep_the_first_file_format(tmp_path):
    path = tmp_path / "plain.npz"
    spikeae.AnnModel(input_size=36, hidden=4).save(path)
    with np.load(path) as data:
        assert sorted(data.files) == ["b1", "b2", "options", "w1", "w2"]
        assert json.loads(str(data["options"]))["format"] == "spikeae-ann-1"


def rewrite(source, target, change):
    """Copies an .npz file, letting change(name, bytes) alter or drop (None) members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)


@pytest.mark.parametrize("damage", ["truncated", "missing array", "wrong shape", "bad sizes",
                                    "wrong format", "options not an object"])
def test_damaged_stack_files_are_refused(tmp_path, damage):
    path = tmp_path / "stack.npz"
    spikeae.AnnModel(input_size=36, architecture=ARCHITECTURE).save(path)
    bad = tmp_path / "bad.npz"
    if damage == "truncated":
        bad.write_bytes(path.read_bytes()[:-200])
    elif damage == "missing array":
        rewrite(path, bad, lambda name, data: None if name == "weights_2.npy" else data)
    elif damage == "wrong shape":
        spikeae.AnnModel(input_size=36, architecture="6x6,conv:3:4:2:1,dense:5").save(bad)
        with np.load(bad) as other:
            wrong = other["weights_0"]
        with np.load(path) as good:
            arrays = {name: good[name] for name in good.files}
        arrays["weights_0"] = wrong
        np.savez(bad, **arrays)
    else:
        with np.load(path) as good:
            arrays = {name: good[name] for name in good.files}
        meta = json.loads(str(arrays["options"]))
        if damage == "bad sizes":
            meta["layer_sizes"] = [36, 18, 5, 18, 30]
        elif damage == "wrong format":
            meta["format"] = "spikeae-ann-1"
        else:
            meta = [meta]
        arrays["options"] = np.array(json.dumps(meta))
        np.savez(bad, **arrays)
    with pytest.raises(spikeae.SpikeaeError, match="bad.npz"):
        spikeae.AnnModel.load(bad)


@pytest.mark.parametrize("options", [
    {"architecture": "6x6,conv:2:4:2:9,dense:5"}, {"architecture": "7x7,dense:5"},
    {"layer_sizes": [36, 5, 30]}, {"layer_sizes": [36, 18, 36], "layers": "conv:1:6:6:2:4:2:1"},
    {"layers": "dense,dense"},
])
def test_bad_shapes_raise(options):
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.AnnModel(input_size=36, **options)


def test_an_explicit_hidden_must_agree_with_the_stacks_middle_layer():
    stack = spikeae.AnnModel(input_size=36, architecture="6x6,conv:2:4:2:1,dense:5", hidden=5)
    assert stack.hidden == 5
    with pytest.raises(spikeae.SpikeaeError, match="hidden = 16 conflicts with the stack's middle "
                                                   "layer of 5 neurons"):
        spikeae.AnnModel(input_size=36, architecture="6x6,conv:2:4:2:1,dense:5", hidden=16)
    with pytest.raises(spikeae.SpikeaeError, match="hidden = 32 conflicts"):
        spikeae.AnnModel(input_size=36, layer_sizes=[36, 12, 36], hidden=32)
    assert spikeae.AnnModel(input_size=36).hidden == 32
