"""Embeddings as classifier features, and the analyses run on them (SVM, t-SNE).

A spiking embedding is the hidden layer's spike times. A hidden neuron that never
fires for an image has no time (numpy.inf); as a feature it takes the value
``1 +`` the latest finite hidden spike time among the images the classifier is
fitted on. That keeps the order of the code ("never" is later than any spike), is
finite, and uses nothing of the images it is scored on (docs/reproduction.md).
ANN embeddings (hidden activations) are finite already and pass through unchanged.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np


def no_spike_value(fit_times: np.ndarray) -> float:
    """The feature value of "never fired": 1 + the latest finite time in ``fit_times``."""
    finite = fit_times[np.isfinite(fit_times)]
    return 1.0 + (float(finite.max()) if finite.size else 0.0)


def as_features(times: np.ndarray, no_spike: float) -> np.ndarray:
    """Spike times (or activations) with numpy.inf replaced by ``no_spike``."""
    return np.where(np.isinf(times), no_spike, times)


def split_halves(count: int) -> Tuple[slice, slice]:
    """The SVM's fitting and scoring parts of ``count`` embedded test images."""
    half = count // 2
    return slice(0, half), slice(half, 2 * half)


def svm_accuracy(embeddings: np.ndarray, labels: np.ndarray) -> float:
    """Accuracy of an RBF-kernel SVM fitted on the first half, scored on the second.

    Features are standardised (fitted on the first half) so that the kernel width
    ("scale") means the same for spike times, activations and pixels.
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    fit_part, score_part = split_halves(len(embeddings))
    no_spike = no_spike_value(embeddings[fit_part])
    features = as_features(embeddings, no_spike)
    classifier = make_pipeline(StandardScaler(), SVC(kernel="rbf", gamma="scale"))
    classifier.fit(features[fit_part], labels[fit_part])
    return float(classifier.score(features[score_part], labels[score_part]))


def tsne(embeddings: np.ndarray, seed: int = 1) -> Optional[np.ndarray]:
    """2-D t-SNE of embeddings: PCA initialisation, perplexity 20 (the paper's settings).

    None when every embedding is the same (e.g. no hidden neuron ever fired): there
    is nothing to lay out, and scikit-learn's PCA start divides by zero there.
    """
    from sklearn.manifold import TSNE

    features = as_features(embeddings, no_spike_value(embeddings))
    if len(features) < 3 or np.ptp(features, axis=0).max() == 0:
        return None
    perplexity = min(20.0, max(2.0, (len(features) - 1) / 3.0))  # sklearn needs < n
    return TSNE(n_components=2, init="pca", perplexity=perplexity, learning_rate="auto",
                random_state=seed).fit_transform(features)


def interpolation_weights(steps: int) -> np.ndarray:
    """Bilinear weights (steps, steps, 4) of four corners: top-left, top-right,
    bottom-left, bottom-right."""
    s = np.linspace(0.0, 1.0, steps)
    rows, cols = np.meshgrid(s, s, indexing="ij")
    return np.stack([(1 - rows) * (1 - cols), (1 - rows) * cols, rows * (1 - cols),
                     rows * cols], axis=-1)


def interpolate(corners: np.ndarray, steps: int, no_spike: float) -> np.ndarray:
    """Bilinear interpolation between four points (4, d), as (steps, steps, d).

    Spike times are interpolated as features (never-fired -> ``no_spike``), so a
    grid point between a firing and a silent neuron fires late.
    """
    return interpolation_weights(steps) @ as_features(corners, no_spike)
