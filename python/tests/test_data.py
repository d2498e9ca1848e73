"""Data functions: IDX files, encoding, split, seeds (shapes, dtypes, errors)."""

import gzip
import pickle

import numpy as np
import pytest

import spikeae


def test_idx_round_trip(tmp_path, images):
    path = tmp_path / "images.idx"
    spikeae.write_idx_images(path, images)
    back = spikeae.read_idx_images(path)
    assert back.dtype == np.uint8 and back.shape == (60, 6, 6)
    np.testing.assert_array_equal(back, images)
    labels = np.arange(60, dtype=np.uint8)
    spikeae.write_idx_labels(tmp_path / "labels.idx", labels)
    read = spikeae.read_idx_labels(tmp_path / "labels.idx")
    assert read.dtype == np.uint8 and read.shape == (60,)
    both = spikeae.load_idx(str(path), tmp_path / "labels.idx")
    np.testing.assert_array_equal(both[0], images)
    np.testing.assert_array_equal(both[1], labels)


def test_gzip_idx_is_read_by_content(tmp_path, images):
    raw = tmp_path / "raw.idx"
    spikeae.write_idx_images(raw, images)
    packed = tmp_path / "packed.bin"
    packed.write_bytes(gzip.compress(raw.read_bytes()))
    np.testing.assert_array_equal(spikeae.read_idx_images(packed), images)


def test_idx_errors_name_the_file(tmp_path, images):
    missing = tmp_path / "nothing.idx"
    with pytest.raises(spikeae.SpikeaeError, match="nothing.idx"):
        spikeae.read_idx_images(missing)
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05")  # a label header
    with pytest.raises(spikeae.SpikeaeError, match="bad.idx"):
        spikeae.read_idx_images(bad)
    spikeae.write_idx_images(tmp_path / "i.idx", images)
    spikeae.write_idx_labels(tmp_path / "l.idx", np.zeros(3, dtype=np.uint8))
    with pytest.raises(spikeae.SpikeaeError):
        spikeae.load_idx(tmp_path / "i.idx", tmp_path / "l.idx")  # counts differ
    with pytest.raises(spikeae.SpikeaeError, match=r"\[0, 1\]"):
        spikeae.write_idx_images(tmp_path / "f.idx", images.astype(np.float64))  # 0..255


def test_encode_images_shapes_and_values(images):
    times = spikeae.encode_images(images)
    assert times.dtype == np.float64 and times.shape == (60, 36)
    flat = images.reshape(60, 36)
    # Inverted: x = 1 - b/255, silent (x = 1) as inf.
    expected = 1.0 - flat / 255.0
    expected[flat == 0] = np.inf
    np.testing.assert_array_equal(times, expected)
    plain = spikeae.encode_images(flat, inverted=False)
    assert np.all(np.isinf(plain[flat == 255]))
    np.testing.assert_array_equal(plain[flat < 255], flat[flat < 255] / 255.0)
    one = spikeae.encode_images(flat[4])
    assert one.shape == (36,)
    np.testing.assert_array_equal(one, times[4])


def test_encode_noise_is_seeded_per_image(images):
    a = spikeae.encode_images(images, noise_factor=0.3, noise_seed=11)
    b = spikeae.encode_images(images, noise_factor=0.3, noise_seed=11)
    c = spikeae.encode_images(images, noise_factor=0.3, noise_seed=12)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    finite = a[np.isfinite(a)]
    assert finite.min() >= 0.0 and finite.max() < 1.0
    tail = spikeae.encode_images(images[10:], noise_factor=0.3, noise_seed=11, first_index=10)
    np.testing.assert_array_equal(tail, a[10:])
    with pytest.raises(spikeae.SpikeaeError, match="noise_factor"):
        spikeae.encode_images(images, noise_factor=1.5)
    with pytest.raises(spikeae.SpikeaeError, match="0..255"):
        spikeae.encode_images(images.astype(np.int64) + 1)


def test_target_times_and_brightness(images):
    targets = spikeae.target_times(images)
    assert targets.shape == images.shape and targets.dtype == np.float64
    assert np.all(targets[images == 0] == 1.0)
    np.testing.assert_allclose(spikeae.brightness(targets), images / 255.0, atol=1e-12)
    np.testing.assert_allclose(spikeae.brightness(targets, inverted=False), targets)
    assert spikeae.brightness(np.inf) == 0.0


def test_split_matches_the_documented_protocol(images):
    labels = np.arange(60, dtype=np.uint8)
    seq = spikeae.split_train_validation(images, labels, train_size=40, validation_size=15,
                                         split="sequential")
    assert seq.train_images.shape == (40, 6, 6) and seq.validation_images.shape == (15, 6, 6)
    np.testing.assert_array_equal(seq.train_labels, labels[:40])
    np.testing.assert_array_equal(seq.validation_labels, labels[40:55])
    a = spikeae.split_train_validation(images, labels, train_size=40, validation_size=15, seed=4)
    b = spikeae.split_train_validation(images, labels, train_size=40, validation_size=15, seed=4)
    np.testing.assert_array_equal(a.train_labels, b.train_labels)
    assert len(set(a.train_labels) & set(a.validation_labels)) == 0
    np.testing.assert_array_equal(a.train_images, images[a.train_labels])
    with pytest.raises(spikeae.SpikeaeError, match="fewer than"):
        spikeae.split_train_validation(images, train_size=60, validation_size=1)
    with pytest.raises(spikeae.SpikeaeError, match="split"):
        spikeae.split_train_validation(images, train_size=6, validation_size=1, split="random")


def test_seeds():
    assert spikeae.noise_seed(5, "test") == spikeae.derive_seed(5, "test_noise")
    assert spikeae.derive_seed(5, "shuffle", 1) != spikeae.derive_seed(5, "shuffle", 2)
    assert 0 <= spikeae.derive_seed(2**64 - 1, "weights") < 2**64
    with pytest.raises(spikeae.SpikeaeError, match="stream"):
        spikeae.derive_seed(1, "nonsense")


def test_named_datasets(tmp_path):
    assert spikeae.known_datasets() == ["mnist", "fashion-mnist"]
    with pytest.raises(spikeae.SpikeaeError, match="unknown|mnist"):
        spikeae.locate_dataset("cifar", tmp_path)
    with pytest.raises(spikeae.SpikeaeError, match=str(tmp_path)):
        spikeae.locate_dataset("mnist", tmp_path)  # an explicit dir is authoritative


def test_presets_and_tables():
    names = spikeae.hyperparameter_names()
    assert len(names) == 13 and names[0] == "noise_factor_ae"
    rows = spikeae.paper_presets()
    assert len(rows) == 75
    row = spikeae.paper_preset(0.2, 1, 32)
    assert row["noise_factor_ae"] == 0.2 and row["n_hidden"] == 32
    with pytest.raises(spikeae.SpikeaeError, match="valid noise"):
        spikeae.paper_preset(0.33, 1, 32)
    table = spikeae.format_hyperparameter_table([row])
    assert spikeae.parse_hyperparameter_table(table) == [row]
    with pytest.raises(spikeae.SpikeaeError, match="mytable"):
        spikeae.parse_hyperparameter_table("nonsense\t1\n", "mytable")


def test_brightness_floats_are_the_bytes_they_stand_for(images, tmp_path):
    every_byte = np.arange(256, dtype=np.uint8).reshape(1, 256)
    for dtype in (np.float64, np.float32, np.float16):
        brightness = (every_byte / 255.0).astype(dtype)
        np.testing.assert_array_equal(spikeae.encode_images(brightness),
                                      spikeae.encode_images(every_byte))
    # Other values go to the nearest byte, halves up: 127.5 -> 128.
    between = spikeae.encode_images(np.array([[0.5, 0.501, 0.499, 1.0, 0.0]]))
    np.testing.assert_array_equal(between, spikeae.encode_images(
        np.array([[128, 128, 127, 255, 0]], dtype=np.uint8)))
    np.testing.assert_array_equal(spikeae.target_times(images / 255.0),
                                  spikeae.target_times(images))
    spikeae.write_idx_images(tmp_path / "f.idx", images / 255.0)
    np.testing.assert_array_equal(spikeae.read_idx_images(tmp_path / "f.idx"), images)
    split = spikeae.split_train_validation(images / 255.0, train_size=40, validation_size=15)
    np.testing.assert_array_equal(
        split.train_images,
        spikeae.split_train_validation(images, train_size=40, validation_size=15).train_images)


@pytest.mark.parametrize("labels", [[300] * 60, [-1] * 60, [2.5] * 60, [True] * 60],
                         ids=["300", "-1", "2.5", "bool"])
def test_labels_outside_bytes_are_refused_not_wrapped(labels, images, tmp_path):
    calls = {
        "split_train_validation": lambda: spikeae.split_train_validation(
            images, labels, train_size=40, validation_size=15),
        "write_idx_labels": lambda: spikeae.write_idx_labels(tmp_path / "l.idx", labels),
        "Data": lambda: spikeae.Data(images, labels, images, None),
        "fit": lambda: spikeae.fit(images, labels, epochs=1),
    }
    for name, call in calls.items():
        with pytest.raises(spikeae.SpikeaeError, match=r"integers 0\.\.255"):
            call()
    # Labels of any integer type within 0..255 are fine.
    wide = np.arange(60, dtype=np.int64) * 4
    split = spikeae.split_train_validation(images, wide, train_size=59, validation_size=1,
                                           split="sequential")
    np.testing.assert_array_equal(split.train_labels, wide[:59])


def test_data_checks_its_arrays_and_prints_a_summary(images):
    data = spikeae.Data(images / 255.0, np.arange(60) % 10, images[:20], None)
    assert data.train_images.dtype == np.uint8
    np.testing.assert_array_equal(data.train_images, images)
    assert data.train_labels.dtype == np.uint8 and data.test_labels.shape == (20,)
    train_images, train_labels, test_images, test_labels = data  # still four arrays
    assert data.name == "arrays"
    text = repr(data)
    assert text == ("<spikeae.Data arrays: training 60 images 6x6 uint8 (labels 0..9), "
                    "test 20 images 6x6 uint8 (labels 0..0)>")
    named = spikeae.Data(*data, name="bars")
    assert named.name == "bars" and repr(named).startswith("<spikeae.Data bars:")
    assert named._replace(test_images=images[:3], test_labels=None).name == "bars"
    assert pickle.loads(pickle.dumps(named)).name == "bars"
    with pytest.raises(spikeae.SpikeaeError, match=r"shape \(60,\)"):
        spikeae.Data(images, np.zeros(59, dtype=np.uint8), images, None)
    with pytest.raises(spikeae.SpikeaeError, match="6x6 but test images are 4x9"):
        spikeae.Data(images, None, np.zeros((3, 4, 9), dtype=np.uint8), None)
