"""Writes tour.ipynb (unexecuted) from the cells below, so the notebook's source
is reviewed as Python. Run: /usr/bin/python3 python/examples/make_tour.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", """# A tour of spikeae

Train a spiking autoencoder with temporal coding on MNIST, look inside it (spike
times, membrane potentials, reconstructions, the embedding), and export it to NIR.
Every neuron fires at most once; information is in *when* it fires. Runs in well
under a minute on two cores."""),
    ("code", """import numpy as np
import matplotlib
import spikeae
from spikeae import plot

%matplotlib inline
print("spikeae", spikeae.__version__)"""),
    ("md", """## Data

`load_dataset` finds MNIST where `scripts/setup.sh` put it (or `SPIKEAE_DATA_DIR`).
Any array of images works as well: uint8 or floats in [0, 1], `(N, H, W)` or
`(N, H, W, C)`, and tensors through `__array__` or DLPack."""),
    ("code", """data = spikeae.load_dataset("mnist")
train_images, train_labels = data.train_images[:20000], data.train_labels[:20000]
test_images, test_labels = data.test_images[:1000], data.test_labels[:1000]
train_images.shape, test_images.shape"""),
    ("md", """## Train

The paper's README network (784-32-784, 10 pulses per layer), with the CLI's
protocol: a tenth of the images for validation, the best-validation network kept
and tested. The same call with the same options gives the CLI's model, bit for bit."""),
    ("code", """result = spikeae.fit(train_images, train_labels, test_images, test_labels,
                     epochs=3, seed=1, verbose=True)
model = result.model
# A trained network, not just the average image: CI runs this notebook.
assert result.test_loss < 0.8 * result.mean_image_loss, (result.test_loss, result.mean_image_loss)
model"""),
    ("md", """Single-panel plots return their matplotlib Axes (grids return a Figure);
`.figure` shows the picture in a notebook."""),
    ("code", """plot.learning_curves(result).figure"""),
    ("md", """## Look inside

Reconstructions with each image's own loss, the spike raster of one image
(input, hidden and output layers, pulses as grey marks), and the membrane
potential of one output neuron with every input's contribution."""),
    ("code", """plot.reconstructions(model, test_images[:8], test_labels[:8])"""),
    ("code", """from matplotlib.figure import Figure

ax = Figure(figsize=(8, 9)).subplots()  # 1,600 neurons: a shorter picture than the default
plot.raster(model, test_images[0], ax=ax).figure"""),
    ("code", """layers = model.forward(test_images[:1])
output_times = layers[-1][0]
neuron = int(np.argmin(output_times))  # the output neuron that fires first
plot.membrane(model, test_images[0], layer=2, neuron=neuron).figure"""),
    ("md", """The embedding is the hidden layer's spike times. Decoding points on the line
between two embeddings morphs one digit into another."""),
    ("code", """first_three = int(np.flatnonzero(test_labels == 3)[0])
first_eight = int(np.flatnonzero(test_labels == 8)[0])
plot.interpolation(model, test_images[first_three], test_images[first_eight], steps=6)"""),
    ("md", """## Export to NIR

The alpha-kernel neuron is exactly a current-based LIF neuron with equal synaptic
and membrane time constants, so the network becomes a NIR graph of `CubaLIF` and
`Linear` nodes; pulses are an input population with fixed spike times, and what NIR
cannot say (fire at most once, the encoding, the latency) is in its metadata."""),
    ("code", """import h5py, tempfile, os

path = os.path.join(tempfile.mkdtemp(), "tour.nir")
model.to_nir(path)
with h5py.File(path, "r") as nir:
    nodes = nir["node/nodes"]
    for name in sorted(nodes):
        print(f"{name:14s} {nodes[name]['type'][()].decode()}")"""),
    ("code", """again = spikeae.Model.from_nir(path)
same_weights = all(np.array_equal(a, b) for a, b in zip(again.weights, model.weights))
same_outputs = np.array_equal(again.forward(test_images[:16])[-1],
                              model.forward(test_images[:16])[-1])
print("weights identical after the round trip:", same_weights)
print("same output spike times:", same_outputs)
assert same_weights and same_outputs"""),
]


def main() -> None:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                      for kind, text in CELLS]
    out = Path(__file__).with_name("tour.ipynb")
    nbformat.write(notebook, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
