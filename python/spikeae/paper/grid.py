"""The paper's grid of conditions, and the scales at which the runner covers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Tuple

DATASETS: Tuple[str, ...] = ("mnist", "fashion-mnist")
NOISES: Tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8)
LATENCIES: Tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0)
HIDDENS: Tuple[int, ...] = (8, 16, 32)

# The ANN the paper compares with on ordinary (non-inverted) images.
ANN_PAIR: Tuple[str, str] = ("relu", "sigmoid")
# Encoder-decoder activation pairs tried on inverted images (Figure 11, h = 32).
INVERTED_ANN_PAIRS: Tuple[Tuple[str, str], ...] = (
    ("relu", "sigmoid"), ("gaussian", "gaussian"), ("elu", "sigmoid"),
    ("tanh", "sigmoid"), ("sigmoid", "sigmoid"))
INVERTED_HIDDEN = 32


@dataclass(frozen=True)
class Scale:
    """How much of the grid to run and on how much data.

    train_size / validation_size come from the 60,000 training images (shuffled
    split, as ``spikeae train``); test_size 0 means all 10,000 test images.
    embedding_images test images are embedded per condition: the SVM trains on the
    first half and is scored on the second; t-SNE uses the first tsne_points.
    """

    name: str
    epochs: int
    train_size: int
    validation_size: int
    test_size: int
    noises: Tuple[float, ...]
    latencies: Tuple[float, ...]
    hiddens: Tuple[int, ...]
    embedding_images: int
    tsne_points: int
    description: str = field(default="", compare=False)


SCALES = {
    "quick": Scale("quick", epochs=2, train_size=1000, validation_size=200, test_size=400,
                   noises=(0.0, 0.8), latencies=(1.0, 16.0), hiddens=(8, 32),
                   embedding_images=400, tsne_points=200,
                   description="tiny subsets, 2 epochs: checks the pipeline in a few minutes"),
    "standard": Scale("standard", epochs=20, train_size=10000, validation_size=1000,
                      test_size=0, noises=NOISES, latencies=(1.0, 16.0), hiddens=HIDDENS,
                      embedding_images=4000, tsne_points=1000,
                      description="every noise level and hidden size at latencies 1 and 16, "
                                  "20 epochs on 10,000 training images"),
    "full": Scale("full", epochs=100, train_size=54000, validation_size=6000, test_size=0,
                  noises=NOISES, latencies=LATENCIES, hiddens=HIDDENS,
                  embedding_images=10000, tsne_points=2000,
                  description="the paper's protocol: 54k/6k/10k images, 100 epochs, all 75 "
                              "conditions"),
}


@dataclass(frozen=True)
class Condition:
    """One run of the grid: a spiking network, an ANN, or the raw-pixel SVM baseline."""

    kind: str  # "snn", "ann" or "pixels"
    dataset: str
    noise: float
    latency: float = 0.0  # snn only
    hidden: int = 0  # snn and ann
    encoder: str = ""  # ann only
    decoder: str = ""
    inverted: bool = True

    @property
    def folder(self) -> str:
        """The condition's folder, relative to the results folder."""
        noise = f"noise-{self.noise:g}"
        if self.kind == "snn":
            return f"{self.dataset}/snn/{noise}_latency-{self.latency:g}_hidden-{self.hidden}"
        if self.kind == "ann":
            encoding = "inverted" if self.inverted else "plain"
            return (f"{self.dataset}/ann-{encoding}-{self.encoder}-{self.decoder}/"
                    f"{noise}_hidden-{self.hidden}")
        return f"{self.dataset}/pixels/{noise}"

    @property
    def label(self) -> str:
        """A one-line description for progress output."""
        if self.kind == "snn":
            return (f"{self.dataset} snn noise {self.noise:g} latency {self.latency:g} "
                    f"hidden {self.hidden}")
        if self.kind == "ann":
            encoding = "inverted" if self.inverted else "plain"
            return (f"{self.dataset} ann {self.encoder}-{self.decoder} ({encoding}) "
                    f"noise {self.noise:g} hidden {self.hidden}")
        return f"{self.dataset} pixel SVM noise {self.noise:g}"


def conditions(scale: Scale, datasets=DATASETS) -> List[Condition]:
    """Every condition of a scale, cheapest kinds first within each data set.

    Per data set: raw-pixel SVMs, then the spiking networks of the grid, then the
    ReLU-sigmoid ANNs on plain images; on MNIST also the ANNs on inverted images
    (Figure 11: h = 32, every activation pair and noise level).
    """
    result: List[Condition] = []
    for dataset in datasets:
        result += [Condition("pixels", dataset, noise) for noise in scale.noises]
        result += [Condition("snn", dataset, noise, latency, hidden)
                    for latency in scale.latencies
                    for hidden in scale.hiddens
                    for noise in scale.noises]
        result += [Condition("ann", dataset, noise, hidden=hidden, encoder=ANN_PAIR[0],
                             decoder=ANN_PAIR[1], inverted=False)
                   for hidden in scale.hiddens for noise in scale.noises]
        if dataset == "mnist" and INVERTED_HIDDEN in scale.hiddens:
            result += [Condition("ann", dataset, noise, hidden=INVERTED_HIDDEN, encoder=encoder,
                                 decoder=decoder, inverted=True)
                       for encoder, decoder in INVERTED_ANN_PAIRS for noise in scale.noises]
    return result
