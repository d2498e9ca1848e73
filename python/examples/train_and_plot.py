#!/usr/bin/env python3
"""Trains a small spiking autoencoder on MNIST and plots what it does.

From the repository root, after scripts/setup.sh and scripts/build.sh:

    PYTHONPATH=build/python /usr/bin/python3 python/examples/train_and_plot.py

trains 784-32-784 on 20,000 images for 3 epochs (about 20 s on 2 cores) and
writes train_and_plot.png with spikeae.plot: test digits and their reconstructions
with their losses, the learning curves, and the membrane potential of one output
neuron (with its inputs' terms) crossing the threshold at its spike time.
Options: --help.
"""

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spikeae  # noqa: E402
import spikeae.plot  # noqa: E402

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


def earliest_output(model, image):
    """The output neuron that fires first: its V(t) crosses the threshold in view."""
    return int(np.argmin(model.forward(image)[-1]))


def main(argv=None):
    args = parse_arguments(argv)
    data = spikeae.load_dataset(args.dataset)
    train = data.train_images[:args.train_size + args.validation_size]
    test = data.test_images[:args.test_size]
    result = spikeae.fit(train, test_images=test, train_size=args.train_size,
                         validation_size=args.validation_size, epochs=args.epochs,
                         n_hidden=args.n_hidden, seed=args.seed, verbose=True)
    model = result.model

    figure = plt.figure(figsize=(12, 7), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[1, 1])
    spikeae.plot.reconstructions(model, test[:SHOWN], data.test_labels[:SHOWN], columns=SHOWN,
                                 figure=top)
    left, right = bottom.subplots(1, 2)
    spikeae.plot.learning_curves(result, ax=left)
    output_layer = len(model.layer_sizes) - 1
    spikeae.plot.membrane(model, test[0], output_layer, earliest_output(model, test[0]), ax=right)
    sizes = "-".join(map(str, model.layer_sizes))
    figure.suptitle(f"spikeae {sizes} on {args.dataset}: {args.train_size} training images, "
                    f"{args.epochs} epochs")
    figure.savefig(args.output, dpi=100)
    plt.close(figure)
    print(f"wrote {args.output}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
