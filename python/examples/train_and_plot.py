#!/usr/bin/env python3
"""Trains a small spiking autoencoder on MNIST and plots what it does.

From the repository root, after scripts/setup.sh and scripts/build.sh:

    PYTHONPATH=build/python /usr/bin/python3 python/examples/train_and_plot.py

trains 784-32-784 on 20,000 images for 3 epochs (about 20 s on 2 cores) and
writes train_and_plot.png: test digits and their reconstructions, the learning
curve, and the membrane potential of one output neuron crossing the threshold at
its spike time. Options: --help.
"""

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spikeae  # noqa: E402

SHOWN = 8  # test images in the picture


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist", choices=spikeae.known_datasets())
    parser.add_argument("--train-size", type=int, default=20000)
    parser.add_argument("--validation-size", type=int, default=500)
    parser.add_argument("--test-size", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n-hidden", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default="train_and_plot.png")
    return parser.parse_args(argv)


def plot_digits(figure, grid, model, test):
    """Row 1: clean test digits; row 2: the reconstructions."""
    reconstructed = model.reconstruct_images(test[:SHOWN])
    for column in range(SHOWN):
        for row, picture in enumerate((test[column] / 255.0, reconstructed[column])):
            axes = figure.add_subplot(grid[row, column])
            axes.imshow(picture, cmap="gray", vmin=0.0, vmax=1.0)
            axes.set_xticks([])
            axes.set_yticks([])
            if column == 0:
                axes.set_ylabel(("input", "output")[row])


def plot_learning_curve(axes, result):
    epochs = [m["epoch"] for m in result.history]
    axes.plot(epochs, [m["train_loss"] for m in result.history], "o-", label="training")
    axes.plot(epochs, [m["validation_loss"] for m in result.history], "s-", label="validation")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (per-pixel MSE)")
    axes.set_title(f"test loss {result.test_loss:.4f}")
    axes.legend()


def plot_membrane(axes, model, image):
    """V(t) of the earliest-firing output neuron, with its largest input terms."""
    outputs = model.forward(image)[-1]
    neuron = int(np.argmin(outputs))
    layer = len(model.layer_sizes) - 1
    spike = outputs[neuron]
    end = (spike if np.isfinite(spike) else model.latency + 1.0) + 1.5
    trace = model.membrane_potential(image, layer, neuron, np.linspace(0.0, end, 800))
    axes.plot(trace.t, trace.v, color="black", label="V(t)")
    strongest = np.argsort(-np.abs(trace.contributions).max(axis=1))[:3]
    for i in strongest:
        kind = "pulse" if trace.is_pulse[i] else "hidden neuron"
        axes.plot(trace.t, trace.contributions[i], lw=0.8, label=f"{kind} input {i}")
    axes.axhline(trace.threshold, color="red", ls="--", lw=0.8, label="threshold")
    if np.isfinite(spike):
        axes.axvline(spike, color="gray", ls=":", lw=0.8, label=f"spike at {spike:.3f}")
    axes.set_xlabel("time")
    axes.set_title(f"output neuron {neuron} (pixel {divmod(neuron, image.shape[-1])})")
    axes.legend(fontsize=7)


def main(argv=None):
    args = parse_arguments(argv)
    data = spikeae.load_dataset(args.dataset)
    train = data.train_images[:args.train_size + args.validation_size]
    test = data.test_images[:args.test_size]
    result = spikeae.fit(train, test_images=test, train_size=args.train_size,
                         validation_size=args.validation_size, epochs=args.epochs,
                         n_hidden=args.n_hidden, seed=args.seed, verbose=True)
    model = result.model

    figure = plt.figure(figsize=(12, 7), constrained_layout=True)
    grid = figure.add_gridspec(4, SHOWN)
    plot_digits(figure, grid, model, test)
    plot_learning_curve(figure.add_subplot(grid[2:, :SHOWN // 2]), result)
    plot_membrane(figure.add_subplot(grid[2:, SHOWN // 2:]), model, test[0])
    sizes = "-".join(map(str, model.layer_sizes))
    figure.suptitle(f"spikeae {sizes} on {args.dataset}: {args.train_size} training images, "
                    f"{args.epochs} epochs")
    figure.savefig(args.output, dpi=100)
    plt.close(figure)
    print(f"wrote {args.output}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
