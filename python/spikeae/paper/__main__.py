"""Command line of the reproduction: ``python3 -m spikeae.paper [STEP] --scale S --out DIR``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from .._console import program_name
from .._core import SpikeaeError
from .._data import load_dataset
from . import cluster, estimate, figures, grid, report, runner

EXAMPLES = """examples:
  python3 -m spikeae.paper --scale quick --out results/quick        # minutes: checks everything
  python3 -m spikeae.paper --scale standard --out results/standard  # the documented reproduction
  python3 -m spikeae.paper run --scale standard --out results/standard --datasets mnist
  python3 -m spikeae.paper run --scale full --out full --kinds snn --noises 0 --hiddens 32
  python3 -m spikeae.paper figures --out results/standard --only fig3,fig7
  python3 -m spikeae.paper figures --out results/full --compare results/standard
  python3 -m spikeae.paper report --out results/standard
  python3 -m spikeae.paper --scale full --estimate                  # hours, from short epochs
  python3 -m spikeae.paper run --scale full --out /nfs/results/full --scheduler tcp://node1:8786
  python3 -m spikeae.paper --scale standard --out results/standard --local-workers 2
"""


def parse(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=program_name("python3 -m spikeae.paper"), epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Runs the paper's experiments (spiking networks with the paper's presets, "
                    "ANN baselines, SVMs), draws its figures and writes the results table. "
                    "Finished conditions are skipped, and an interrupted spiking network resumes "
                    "from its checkpoint, so an interrupted run continues.")
    parser.add_argument("step", nargs="?", default="all", choices=("all", "run", "figures", "report"),
                        help="what to do (default: all = run, then figures and report)")
    parser.add_argument("--scale", choices=sorted(grid.SCALES), default=None,
                        help="quick | standard | full (required for run/all; figures and report "
                             "read it from the folder)")
    parser.add_argument("--out", type=Path, default=None,
                        help="results folder (required, except with --estimate)")
    parser.add_argument("--datasets", default=",".join(grid.DATASETS),
                        help="comma-separated (default: %(default)s)")
    parser.add_argument("--kinds", default="pixels,snn,ann",
                        help="which kinds of condition to run (default: %(default)s)")
    parser.add_argument("--noises", default=None,
                        help="run only these noise levels of the scale, e.g. 0,0.4 (default: all)")
    parser.add_argument("--latencies", default=None,
                        help="run only the spiking networks of these latencies, e.g. 1,16")
    parser.add_argument("--hiddens", default=None,
                        help="run only the networks of these hidden sizes, e.g. 32")
    parser.add_argument("--only", default=None, help="figures to draw, e.g. fig3,fig7 (default: all)")
    parser.add_argument("--compare", type=Path, default=None, metavar="RESULTS",
                        help="another scale's results folder or results.csv: Figures 3, 7 and "
                             "11 draw its series faded behind the --out folder's own")
    parser.add_argument("--compare-scale", choices=sorted(grid.SCALES), default=None,
                        help="the scale of the --compare results (default: read from the "
                             "scale.json beside them; needed for a results.csv without one)")
    parser.add_argument("--figures-dir", type=Path, default=None, metavar="DIR",
                        help="where the figures go (default: OUT/figures)")
    parser.add_argument("--seed", type=int, default=1, help="run seed (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=0, help="0: all cores (default)")
    parser.add_argument("--data-dir", default=None, help="where mnist/ and fashion-mnist/ are")
    parser.add_argument("--verbose", action="store_true", help="also print every epoch")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="run the conditions as tasks of this running Dask scheduler; the "
                            "results folder must be shared by every worker (docs/cluster.md)")
    where.add_argument("--local-workers", type=int, default=None, metavar="N",
                       help="run the conditions on a local Dask cluster of N worker processes "
                            "(--threads 0: the cores shared between them)")
    parser.add_argument("--estimate", action="store_true",
                        help="time one short epoch of each network of the scale and print the "
                             "grid's expected hours; runs nothing else")
    return parser.parse_args(argv)


def _split(text: str, valid, what: str) -> List[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    bad = [item for item in items if item not in valid]
    if bad or not items:
        raise SpikeaeError(f"invalid {what} {bad[0] if bad else text!r}: choose from "
                           f"{', '.join(valid)}")
    return items


def _scale_of(args: argparse.Namespace) -> grid.Scale:
    if args.scale is not None:
        return grid.SCALES[args.scale]
    recorded = args.out / runner.SCALE_FILE
    if not recorded.exists():
        raise SpikeaeError(f"{args.out} has no {runner.SCALE_FILE}: give --scale (and run first)")
    return grid.SCALES[json.loads(recorded.read_text())["scale"]["name"]]


def mean_image_losses(records, scale: grid.Scale, data_dir: Optional[str]) -> Dict[str, float]:
    """Each data set's mean-image loss on the scale's test images, computed afresh so
    that results folders written before the report flagged plateaus get it too."""
    losses = {}
    for dataset in sorted({r["dataset"] for r in records}):
        images = runner.test_images(scale, load_dataset(dataset, data_dir))
        losses[dataset] = runner.mean_image_loss(images)
    return losses


def _check(args: argparse.Namespace) -> None:
    """Refuses combinations that cannot work, before anything runs."""
    if (args.step in ("all", "run") or args.estimate) and args.scale is None:
        raise SpikeaeError("give --scale quick, standard or full")
    if args.out is None and not args.estimate:
        raise SpikeaeError("give --out, the results folder")
    drawing = {"--compare": args.compare, "--compare-scale": args.compare_scale,
               "--figures-dir": args.figures_dir}
    given = [flag for flag, value in drawing.items() if value is not None]
    if given and (args.step not in ("all", "figures") or args.estimate):
        raise SpikeaeError(f"{given[0]} applies to the figures: use it with the step "
                           "'figures' (or 'all')")
    if args.compare_scale is not None and args.compare is None:
        raise SpikeaeError("--compare-scale needs --compare")
    if args.local_workers is not None:
        cluster.check_workers(args.local_workers)
    if args.scheduler is not None:
        cluster.check_address(args.scheduler)


def _numbers(text: Optional[str], valid, what: str) -> Optional[List[float]]:
    """A filter's values, each one of the scale's; None (no filter) when not given."""
    if text is None:
        return None
    return [float(item) for item in _split(text, [f"{value:g}" for value in valid], what)]


def _selected(condition: grid.Condition, noises, latencies, hiddens) -> bool:
    """Whether a condition passes the --noises, --latencies and --hiddens filters
    (latencies apply to spiking networks, hidden sizes to networks)."""
    if noises is not None and condition.noise not in noises:
        return False
    if latencies is not None and condition.kind == "snn" and condition.latency not in latencies:
        return False
    return hiddens is None or condition.kind == "pixels" or condition.hidden in hiddens


def _todo(args: argparse.Namespace, scale: grid.Scale) -> List[grid.Condition]:
    datasets = _split(args.datasets, grid.DATASETS, "data set")
    kinds = _split(args.kinds, ("pixels", "snn", "ann"), "kind")
    noises = _numbers(args.noises, scale.noises, "noise level")
    latencies = _numbers(args.latencies, scale.latencies, "latency")
    hiddens = _numbers(args.hiddens, scale.hiddens, "hidden size")
    return [c for c in grid.conditions(scale, datasets)
            if c.kind in kinds and _selected(c, noises, latencies, hiddens)]


def print_estimate(args: argparse.Namespace, scale: grid.Scale) -> None:
    """--estimate: times the scale's networks here and prints the expected hours."""
    todo = _todo(args, scale)
    threads = estimate.resolved_threads(args.threads)
    if args.local_workers:
        threads = cluster.local_threads(args.threads, args.local_workers)
    measured = estimate.measure(todo, scale, threads, args.data_dir)
    rows = estimate.extrapolate(todo, scale, measured)
    print(estimate.format_estimate(rows, scale, threads, estimate.sample_sizes(scale),
                                   args.local_workers))


def run_conditions(todo: List[grid.Condition], scale: grid.Scale, args: argparse.Namespace,
                   options: runner.RunOptions) -> None:
    """Runs the conditions here, on a local Dask cluster or on a running one."""
    if args.scheduler is None and args.local_workers is None:
        runner.run(todo, scale, args.out, options)
        return
    local = None
    if args.scheduler is not None:
        client = cluster.connect(args.scheduler)
    else:
        client, local = cluster.start_local(args.local_workers)
        options = dataclasses.replace(
            options, threads=cluster.local_threads(options.threads, args.local_workers))
    try:
        cluster.run(todo, scale, args.out, options, client)
    finally:
        client.close()
        if local is not None:
            local.close()


def comparison(args: argparse.Namespace, scale: grid.Scale) -> Optional[figures.Comparison]:
    """--compare's records; read before anything runs, so that a bad path is reported
    at once, not after the run."""
    if args.compare is None:
        return None
    return figures.load_comparison(args.compare, scale.name, args.compare_scale)


def draw_figures(args: argparse.Namespace, records, scale: grid.Scale,
                 compare: Optional[figures.Comparison]) -> None:
    """The figures step: the folder's figures, with ``compare`` faded behind Figures 3,
    7 and 11."""
    results = figures.Results(args.out, records, scale,
                              lambda name: load_dataset(name, args.data_dir), args.seed,
                              compare)
    only = _split(args.only, list(figures.FIGURES), "figure") if args.only else None
    figures.draw(results, only, folder=args.figures_dir)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    _check(args)
    scale = _scale_of(args)
    compare = comparison(args, scale)
    if args.estimate:
        print_estimate(args, scale)
        return 0
    options = runner.RunOptions(seed=args.seed, threads=args.threads, data_dir=args.data_dir,
                                verbose=args.verbose)
    if args.step in ("all", "run"):
        run_conditions(_todo(args, scale), scale, args, options)
    records = runner.load_results(args.out)
    if args.step in ("all", "report"):
        description = f"Scale: {scale.name} ({scale.description})."
        losses = mean_image_losses(records, scale, args.data_dir)
        for path in report.write_report(args.out, records, description, losses):
            print(f"wrote {path}")
    if args.step in ("all", "figures"):
        draw_figures(args, records, scale, compare)
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SpikeaeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted: finished conditions are kept; rerun the same command to continue",
              file=sys.stderr)
        sys.exit(130)
