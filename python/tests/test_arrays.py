"""Arrays from the wider ecosystem: ``__array__`` and DLPack objects, channels-last
images, float brightness, optional labels."""

import numpy as np
import pytest

import spikeae


class ArrayOnly:
    """A tensor-like object numpy can read only through ``__array__``."""

    def __init__(self, array):
        self._array = np.asarray(array)

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)


class DLPackOnly:
    """A tensor-like object numpy can read only through DLPack (as a CPU torch tensor)."""

    def __init__(self, array, device=(1, 0)):
        self._array = np.ascontiguousarray(array)
        self._device = device

    def __dlpack__(self, stream=None):
        return self._array.__dlpack__()

    def __dlpack_device__(self):
        return self._device


def rgb_of(grey: np.ndarray) -> np.ndarray:
    """Grey uint8 images as RGB with the same value in every channel."""
    return np.repeat(grey[..., None], 3, axis=-1)


@pytest.mark.parametrize("wrap", [ArrayOnly, DLPackOnly], ids=["__array__", "__dlpack__"])
def test_tensor_like_images_and_labels_are_read_without_their_library(wrap, images):
    labels = np.arange(len(images), dtype=np.int64) % 10
    data = spikeae.Data(wrap(images), wrap(labels), wrap(images[:5] / 255.0), None)
    np.testing.assert_array_equal(data.train_images, images)
    np.testing.assert_array_equal(data.train_labels, labels)
    np.testing.assert_array_equal(data.test_images, images[:5])
    np.testing.assert_array_equal(data.test_labels, np.zeros(5))


@pytest.mark.parametrize("wrap", [ArrayOnly, DLPackOnly], ids=["__array__", "__dlpack__"])
def test_models_take_tensor_like_images(wrap, model, images):
    expected = model.forward(images[:4])
    for got, want in zip(model.forward(wrap(images[:4] / 255.0)), expected):
        np.testing.assert_array_equal(got, want)
    assert model.loss(wrap(images[:4])) == model.loss(images[:4])


def test_dlpack_objects_off_the_cpu_are_refused_with_the_fix(images):
    with pytest.raises(spikeae.SpikeaeError, match=r"not in main memory.*\.cpu\(\)"):
        spikeae.Data(DLPackOnly(images, device=(2, 0)), None, images, None)


def test_one_channel_images_are_squeezed(model, images):
    data = spikeae.Data(images[..., None], None, DLPackOnly(images[:3, ..., None]), None)
    np.testing.assert_array_equal(data.train_images, images)
    np.testing.assert_array_equal(data.test_images, images[:3])
    np.testing.assert_array_equal(model.reconstruct(images[:3, ..., None]),
                                  model.reconstruct(images[:3]))


def test_colour_images_become_grey_by_the_bt601_luma(model, images):
    np.testing.assert_array_equal(spikeae.Data(rgb_of(images), None, images, None).train_images,
                                  images)  # equal channels: the grey value itself
    colour = np.zeros((1, 6, 6, 4), dtype=np.uint8)
    colour[..., 0], colour[..., 1], colour[..., 2], colour[..., 3] = 200, 100, 50, 7
    grey = spikeae.Data(colour / 255.0, None, colour, None).train_images
    expected = round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)  # alpha (7) dropped
    np.testing.assert_array_equal(grey, np.full((1, 6, 6), expected, dtype=np.uint8))
    # The model applies the same rule to each channels-last image.
    assert model.loss(rgb_of(images[:4])) == model.loss(images[:4])
    np.testing.assert_array_equal(model.encode(colour[0]), model.encode(grey[0]))


@pytest.mark.parametrize("shape", [(2, 6, 6, 2), (2, 6, 6, 5), (2, 1, 6, 6), (2, 3, 6, 6)])
def test_other_channel_counts_are_refused_naming_the_rule(shape):
    with pytest.raises(spikeae.SpikeaeError,
                       match=r"only 1 \(grey\), 3 \(RGB\) or 4 \(RGBA\).*channel axis last"):
        spikeae.Data(np.zeros(shape, dtype=np.uint8), None, np.zeros((1, 6, 6)), None)


def test_models_refuse_other_channel_counts(model):
    with pytest.raises(spikeae.SpikeaeError, match=r"2 channels"):
        model.forward(np.zeros((6, 6, 2), dtype=np.uint8))


def test_float_images_outside_brightness_are_still_refused():
    with pytest.raises(spikeae.SpikeaeError, match=r"brightness in \[0, 1\]"):
        spikeae.Data(ArrayOnly(np.full((2, 6, 6, 3), 2.0)), None, np.zeros((1, 6, 6)), None)
