"""How long a scale's grid takes, extrapolated from one short epoch of each kind.

    python3 -m spikeae.paper --scale full --estimate

trains every distinct network of the grid for three epochs on a sample of
SAMPLE_EXAMPLES training images (and validation images in the scale's proportion),
times the faster of the second and third epochs (training and validation: the
first warms up, and the faster one is the less disturbed by other processes), and
scales it to the scale's images and epochs. A spiking network's cost depends on its
preset (latency, batch size, pulses) and hidden size, so each spiking condition is
timed; an ANN's on its hidden size and activations, so each distinct ANN is timed
once per data set.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from .._data import load_dataset
from .._fit import fit
from .grid import Condition, Scale

SAMPLE_EXAMPLES = 1000
TIMED_EPOCHS = 3  # the first epoch warms up; the faster of the others is timed


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One timed epoch: its wall time and the images it trained and validated on."""

    seconds: float
    train_examples: int
    validation_examples: int

    def hours(self, scale: Scale) -> float:
        """The extrapolated training time of a condition of ``scale``."""
        per_example = self.seconds / (self.train_examples + self.validation_examples)
        return per_example * (scale.train_size + scale.validation_size) * scale.epochs / 3600


@dataclasses.dataclass(frozen=True)
class Row:
    """The estimate of one data set's conditions of one kind."""

    dataset: str
    kind: str
    conditions: int
    hours: Optional[float]  # None: not estimated (pixel SVMs)


def cost_key(condition: Condition) -> Tuple[Any, ...]:
    """What a condition's training cost depends on: two conditions with one key cost
    the same (an ANN's cost does not depend on the noise)."""
    if condition.kind == "snn":
        return ("snn", condition.dataset, condition.noise, condition.latency, condition.hidden)
    return ("ann", condition.dataset, condition.hidden, condition.encoder, condition.decoder,
            condition.inverted)


def sample_sizes(scale: Scale) -> Tuple[int, int]:
    """(training, validation) images of a timed epoch: up to SAMPLE_EXAMPLES, and
    validation images in the scale's proportion."""
    train = min(SAMPLE_EXAMPLES, scale.train_size)
    validation = max(1, round(train * scale.validation_size / scale.train_size))
    return train, validation


def _timed_fit(condition: Condition, data: Any, train: int, validation: int,
               threads: int) -> float:
    """The wall time of an epoch of the condition's network: the fastest but the first."""
    from .._ann import fit_ann

    stamps: List[float] = []
    common = dict(epochs=TIMED_EPOCHS, train_size=train, validation_size=validation, seed=1,
                  threads=threads, on_epoch=lambda metrics, model: stamps.append(time.monotonic()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # plateau warnings of a short run
        if condition.kind == "snn":
            fit(data.train_images, data.train_labels, None, None,
                preset=(condition.noise, condition.latency, condition.hidden), **common)
        else:
            fit_ann(data.train_images, data.train_labels, None, None, hidden=condition.hidden,
                    encoder=condition.encoder, decoder=condition.decoder,
                    inverted=condition.inverted, noise_factor=condition.noise, **common)
    return min(later - earlier for earlier, later in zip(stamps, stamps[1:]))


def measure(conditions: Iterable[Condition], scale: Scale, threads: int,
            data_dir: Optional[str] = None,
            report: Callable[[str], Any] = print) -> Dict[Tuple[Any, ...], Measurement]:
    """Times one epoch of every distinct network among ``conditions`` (pixel SVMs are
    not timed); returns the measurements by cost_key."""
    train, validation = sample_sizes(scale)
    measured: Dict[Tuple[Any, ...], Measurement] = {}
    data: Dict[str, Any] = {}
    for condition in conditions:
        key = cost_key(condition) if condition.kind != "pixels" else None
        if key is None or key in measured:
            continue
        if condition.dataset not in data:
            data[condition.dataset] = load_dataset(condition.dataset, data_dir)
        seconds = _timed_fit(condition, data[condition.dataset], train, validation, threads)
        measured[key] = Measurement(seconds, train, validation)
    report(f"timed {len(measured)} networks: one epoch of {train:,} training and "
           f"{validation:,} validation images each")
    return measured


def extrapolate(conditions: Iterable[Condition], scale: Scale,
                measured: Dict[Tuple[Any, ...], Measurement]) -> List[Row]:
    """Each data set's and kind's conditions and hours at ``scale`` (in grid order)."""
    counts: Dict[Tuple[str, str], int] = {}
    hours: Dict[Tuple[str, str], float] = {}
    for condition in conditions:
        group = (condition.dataset, condition.kind)
        counts[group] = counts.get(group, 0) + 1
        if condition.kind != "pixels":
            hours[group] = hours.get(group, 0.0) + measured[cost_key(condition)].hours(scale)
    return [Row(dataset, kind, count, hours.get((dataset, kind)))
            for (dataset, kind), count in counts.items()]


def resolved_threads(threads: int) -> int:
    """The threads a run uses: those given, or (0) every core this process may use."""
    return threads if threads > 0 else len(os.sched_getaffinity(0))


def _hours(hours: float) -> str:
    """Hours with a precision that suits them (quick scales take seconds)."""
    return f"{hours:.1f}" if hours >= 10 else f"{hours:.2f}" if hours >= 0.1 else f"{hours:.4f}"


def format_estimate(rows: List[Row], scale: Scale, threads: int, sample: Tuple[int, int],
                    workers: Optional[int] = None) -> str:
    """The estimate as printed: a table per data set and kind, then the total."""
    total = sum(row.hours or 0.0 for row in rows)
    networks = sum(row.conditions for row in rows if row.hours is not None)
    lines = [
        f"Estimate for the {scale.name} scale: {scale.epochs} epochs of {scale.train_size:,} "
        f"training + {scale.validation_size:,} validation images per network, "
        f"{threads} training thread{'s' if threads != 1 else ''} per condition.",
        f"Extrapolated linearly from one epoch of {sample[0]:,} + {sample[1]:,} images of each "
        "distinct network on this machine (the faster of its second and third epochs; a trained "
        "network may spike more or less). Not included: each condition's test pass, embeddings and "
        "SVM, and the pixel SVMs.",
        "",
        f"{'data set':<15}{'kind':<8}{'conditions':>11}{'hours':>10}",
    ]
    for row in rows:
        hours = f"{_hours(row.hours):>10}" if row.hours is not None else f"{'(SVMs)':>10}"
        lines.append(f"{row.dataset:<15}{row.kind:<8}{row.conditions:>11}{hours}")
    lines.append(f"{'total':<23}{sum(row.conditions for row in rows):>11}{_hours(total):>10}")
    lines.append("")
    lines.append(f"{networks} networks take about {_hours(total)} hours one after another with "
                 f"{threads} thread{'s' if threads != 1 else ''}.")
    if workers:
        lines.append(f"On {workers} such workers, one condition each at a time, about "
                     f"{_hours(total / workers)} hours (if the conditions spread evenly).")
    return "\n".join(lines)
