"""Figures 8-10 (spike times, membrane potential, weights) for any two trained
MNIST models with h = 32 and noise 0, e.g. trained longer than a scale does:

    spikeae train --preset 0 1 32 --epochs 20 --out runs/full20-l1
    spikeae train --preset 0 16 32 --epochs 20 --out runs/full20-l16
    PYTHONPATH=build/python /usr/bin/python3 python/examples/latency_figures.py \
        runs/full20-l1/model.spikeae runs/full20-l16/model.spikeae --out runs/latency-figures

It lays the two models out as a results folder and draws with spikeae.paper.figures.
"""

import argparse
import json
import shutil
from pathlib import Path

import numpy as np

import spikeae
from spikeae.paper import figures, grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("short", type=Path, help="model file with the short latency")
    parser.add_argument("long", type=Path, help="model file with the long latency")
    parser.add_argument("--out", type=Path, required=True, help="folder for the figures")
    args = parser.parse_args()
    records = []
    for path in (args.short, args.long):
        model = spikeae.Model.load(path)
        condition = grid.Condition("snn", "mnist", 0.0, model.latency, model.layer_sizes[1])
        folder = args.out / condition.folder
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / "model.spikeae")
        (folder / "result.json").write_text(json.dumps(vars(condition)))
        records.append(vars(condition))
        encoder, decoder = model.get_weights(0), model.get_weights(1)
        inputs, hidden = model.layer_sizes[0], model.layer_sizes[1]
        print(f"l={model.latency:g}: negative regular weights: encoder "
              f"{np.mean(encoder[:inputs] < 0):.0%}, decoder {np.mean(decoder[:hidden] < 0):.0%}; "
              f"negative pulse weights: encoder {np.mean(encoder[inputs:] < 0):.0%}, decoder "
              f"{np.mean(decoder[hidden:] < 0):.0%}; decoder pulses at {np.round(model.pulses[1], 2)}")
    results = figures.Results(args.out, records, grid.SCALES["full"], spikeae.load_dataset)
    figures.draw(results, ["fig8", "fig9", "fig10"])


if __name__ == "__main__":
    main()
