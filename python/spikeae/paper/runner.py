"""Runs the conditions of a scale, one folder each; a rerun skips finished ones.

A condition's folder holds its model, its per-epoch history, the embeddings of the
first ``scale.embedding_images`` test images and, written last (atomically),
``result.json``: a folder with result.json is finished.

A condition runs while its process holds the folder's lock (``.spikeae.lock``, the
lock of ``spikeae train``'s run folders, released by the kernel even when the process
is killed), so two processes never write one folder at once, whether they are two
runners on the same results folder or Dask workers (cluster.py).

A spiking network trains into the run folder ``training/`` inside the condition's
folder, whose checkpoint (``training/checkpoint.spikeae``, written after every epoch)
lets a condition interrupted by a killed process resume: a condition that finds no
result.json under the lock removes the other files a killed process left behind, keeps
the checkpoint and continues training from it (spikeae.fit with resume=True), bit for
bit as an uninterrupted run. The run folder is removed once the condition's own files
are written, before result.json. ANN baselines have no checkpoints: an interrupted one
starts afresh (they take minutes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import math
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import numpy as np

from .. import _core
from .._data import encode_images, load_dataset, noise_seed, target_times
from .._fit import fit
from . import embeddings, report
from .grid import Condition, Scale

RESULT_FILE = "result.json"
SCALE_FILE = "scale.json"
LOCK_FILE = ".spikeae.lock"  # the name src/io/run_folder.cc locks
TRAINING_FOLDER = "training"  # a spiking network's run folder, while the condition runs
CHECKPOINT_FILE = "checkpoint.spikeae"  # what spikeae.fit(out=..., resume=True) continues
LOCK_POLL_SECONDS = 1.0


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """What does not change between conditions: seed, threads, data location, output."""

    seed: int = 1
    threads: int = 0
    data_dir: Optional[str] = None
    verbose: bool = False
    print: Callable[[str], Any] = print


def write_json(path: Path, value: Any) -> None:
    """JSON written to a temp file and renamed: a reader never sees half a file."""
    text = json.dumps(value, indent=1, sort_keys=True, allow_nan=False) + "\n"
    _core.write_file_atomically(os.fspath(path), text.encode())


def finite_or_none(value: Optional[float]) -> Optional[float]:
    return None if value is None or not math.isfinite(value) else float(value)


def check_scale(out: Path, scale: Scale, options: RunOptions) -> None:
    """Records the scale in the results folder, refusing to mix two scales in one."""
    wanted = {"scale": dataclasses.asdict(scale), "seed": options.seed}
    wanted["scale"].pop("description")
    path = out / SCALE_FILE
    if path.exists():
        found = json.loads(path.read_text())
        if found != json.loads(json.dumps(wanted)):
            raise _core.SpikeaeError(
                f"{out} holds results of another scale or seed ({found['scale']['name']}, "
                f"seed {found['seed']}); choose another --out folder")
        return
    out.mkdir(parents=True, exist_ok=True)
    write_json(path, wanted)


class Progress:
    """Conditions done / total with an ETA from the mean time per kind so far."""

    def __init__(self, total: int, options: RunOptions) -> None:
        self.total, self.done, self.options = total, 0, options
        self.seconds: Dict[str, List[float]] = {}

    def finished(self, condition: Condition, seconds: float, remaining: List[Condition],
                 summary: str) -> None:
        self.done += 1
        self.seconds.setdefault(condition.kind, []).append(seconds)
        self.options.print(f"[{self.done}/{self.total}] {condition.label}: {summary} "
                           f"({seconds:.0f} s){self._eta(remaining)}")

    def _eta(self, remaining: List[Condition]) -> str:
        if not remaining:
            return ""
        every = [s for times in self.seconds.values() for s in times]
        overall = sum(every) / len(every)
        left = sum(np.mean(self.seconds.get(c.kind, [overall])) for c in remaining)
        return f"; about {_duration(left)} left"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@contextlib.contextmanager
def condition_lock(folder: Path) -> Iterator[None]:
    """Holds ``folder``'s exclusive lock (created with the folder), waiting while
    another process holds it. The kernel releases it when the holder exits or dies."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(LOCK_POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race)


def clear_unfinished(folder: Path) -> List[str]:
    """Removes what an interrupted run of the condition left in its folder (models,
    embeddings, temporary files), but the training run folder while it holds a
    checkpoint, which the condition resumes from (the run folder cleans up its own
    leftovers); only call it holding the lock, without result.json."""
    removed = []
    for path in sorted(folder.iterdir()):
        if path.name != LOCK_FILE and path.is_file():
            path.unlink()
            removed.append(path.name)
    training = folder / TRAINING_FOLDER
    if training.is_dir() and not (training / CHECKPOINT_FILE).exists():
        # Killed within its first epoch, or while being removed: nothing to resume,
        # and spikeae.fit refuses to resume a run folder without a checkpoint.
        shutil.rmtree(training)
        removed.append(TRAINING_FOLDER + "/")
    return removed


def resumable(folder: Path) -> bool:
    """Whether an interrupted run left a checkpoint that the condition resumes from."""
    return (folder / TRAINING_FOLDER / CHECKPOINT_FILE).exists()


def announce_leftovers(condition: Condition, removed: List[str], resuming: bool,
                       options: RunOptions) -> None:
    """Says what an interrupted run of the condition left: a checkpoint to resume from,
    and the files removed."""
    parts = ["resuming from the checkpoint of an interrupted run"] if resuming else []
    if removed:
        parts.append(("" if resuming else "starting afresh, ") +
                     f"removed what an interrupted run left ({', '.join(removed)})")
    if parts:
        options.print(f"{condition.label}: {'; '.join(parts)}")


def run_condition(condition: Condition, scale: Scale, data: Any, out: Path,
                  options: RunOptions) -> Optional[Dict[str, Any]]:
    """Runs one condition into its folder under the folder's lock and returns its
    record; None when the condition was already finished (by another process)."""
    folder = out / condition.folder
    with condition_lock(folder):
        if (folder / RESULT_FILE).exists():
            return None
        announce_leftovers(condition, clear_unfinished(folder), resumable(folder), options)
        start = time.monotonic()
        record = RUNNERS[condition.kind](condition, scale, data, folder, options)
        record.update(dataclasses.asdict(condition), scale=scale.name, seed=options.seed,
                      seconds=round(time.monotonic() - start, 2))
        # The checkpoint is not needed once the condition's files are written; removed
        # before result.json, so that a finished condition's folder holds no run folder.
        if (folder / TRAINING_FOLDER).exists():
            shutil.rmtree(folder / TRAINING_FOLDER)
        write_json(folder / RESULT_FILE, record)
        return record


def unfinished(conditions: List[Condition], out: Path) -> List[Condition]:
    """The conditions without a result.json in ``out``."""
    return [c for c in conditions if not (Path(out) / c.folder / RESULT_FILE).exists()]


def run(conditions: List[Condition], scale: Scale, out: Path, options: RunOptions) -> None:
    """Runs every condition without a result.json in ``out``, one after another."""
    out = Path(out)
    check_scale(out, scale, options)
    todo = unfinished(conditions, out)
    announce(conditions, todo, scale, out, options)
    progress = Progress(len(todo), options)
    data: Dict[str, Any] = {}
    mean_losses: Dict[str, float] = {}
    for index, condition in enumerate(todo):
        if condition.dataset not in data:
            loaded = load_dataset(condition.dataset, options.data_dir)
            data[condition.dataset] = loaded
            mean_losses[condition.dataset] = mean_image_loss(test_images(scale, loaded))
        record = run_condition(condition, scale, data[condition.dataset], out, options)
        if record is None:
            progress.finished(condition, 0.0, todo[index + 1:], "finished by another process")
            continue
        progress.finished(condition, record["seconds"], todo[index + 1:],
                          summary(record, mean_losses[condition.dataset]))


def announce(conditions: List[Condition], todo: List[Condition], scale: Scale, out: Path,
             options: RunOptions) -> None:
    """The first line of a run: how many conditions, how many already done."""
    options.print(f"{scale.name} scale: {len(conditions)} conditions, "
                  f"{len(conditions) - len(todo)} already done, {len(todo)} to run, in {out}")


def summary(record: Dict[str, Any], mean_image: float) -> str:
    """The progress line's results, with the report's flags (report.py) spelled out,
    so that a run on the plateau is visible while it runs."""
    parts = []
    if record.get("test_loss") is not None:
        parts.append(f"test loss {record['test_loss']:.5f}")
        if report.on_plateau(record["test_loss"], mean_image):
            parts[-1] += f" (plateau: not clearly below the mean-image loss {mean_image:.5f})"
    if record.get("svm_accuracy") is not None:
        parts.append(f"SVM accuracy {record['svm_accuracy']:.3f}")
        if report.at_chance(record["svm_accuracy"]):
            parts[-1] += " (chance level)"
    return ", ".join(parts)


def test_images(scale: Scale, data: Any) -> np.ndarray:
    """The images a scale tests on: the first test_size test images (all for 0)."""
    return data.test_images[:scale.test_size] if scale.test_size else data.test_images


def _embedding_record(times: np.ndarray, labels: np.ndarray, folder: Path) -> Dict[str, Any]:
    """Saves the embeddings and scores them with the SVM."""
    np.save(folder / "embeddings.npy", times)
    np.save(folder / "embedding_labels.npy", labels)
    return {"svm_accuracy": embeddings.svm_accuracy(times, labels),
            "silent_hidden_fraction": float(np.isinf(times).mean()),
            "svm_images": [len(times) // 2, len(times) // 2]}


def _history(metrics: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    keys = ("epoch", "train_loss", "validation_loss", "seconds")
    return [{key: finite_or_none(m[key]) if key != "epoch" else m[key] for key in keys}
            for m in metrics]


def _trained_record(result: Any, embedded: np.ndarray, labels: np.ndarray,
                    folder: Path) -> Dict[str, Any]:
    """The result of a trained network (SNN or ANN): losses, history, embedding scores."""
    record = {"test_loss": finite_or_none(result.test_loss),
              "best_validation_loss": finite_or_none(result.best_validation_loss),
              "best_epoch": result.best_epoch, "parameters": result.model.parameter_count,
              "history": _history(result.history)}
    record.update(_embedding_record(embedded, labels, folder))
    return record


def run_snn(condition: Condition, scale: Scale, data: Any, folder: Path,
            options: RunOptions) -> Dict[str, Any]:
    """Trains the spiking network with the paper's preset for the condition, in the run
    folder TRAINING_FOLDER, continuing the checkpoint an interrupted run left there."""
    result = fit(data.train_images, data.train_labels, test_images(scale, data), None,
                 preset=(condition.noise, condition.latency, condition.hidden),
                 epochs=scale.epochs, train_size=scale.train_size,
                 validation_size=scale.validation_size, seed=options.seed,
                 threads=options.threads, verbose=options.verbose,
                 out=folder / TRAINING_FOLDER, resume=True)
    if result.resumed_epoch is not None:
        options.print(f"{condition.label}: resumed training from its checkpoint after epoch "
                      f"{result.resumed_epoch} of {scale.epochs}")
    # The named data set with the split it was given, so eval finds the data by itself.
    result.model.dataset = result.model.dataset._replace(name=condition.dataset)
    result.model.save(folder / "model.spikeae")
    count = scale.embedding_images
    times = result.model.encode(data.test_images[:count], threads=options.threads)
    return _trained_record(result, times, data.test_labels[:count], folder)


def run_ann(condition: Condition, scale: Scale, data: Any, folder: Path,
            options: RunOptions) -> Dict[str, Any]:
    """Trains the ANN baseline with the same data, epochs and noise as the spiking one."""
    from .._ann import fit_ann

    result = fit_ann(data.train_images, data.train_labels, test_images(scale, data), None,
                     hidden=condition.hidden, encoder=condition.encoder,
                     decoder=condition.decoder, inverted=condition.inverted,
                     noise_factor=condition.noise, epochs=scale.epochs,
                     train_size=scale.train_size, validation_size=scale.validation_size,
                     seed=options.seed, threads=options.threads, verbose=options.verbose)
    result.model.save(folder / "model.npz")
    activations = result.model.encode(data.test_images[:scale.embedding_images])
    return _trained_record(result, activations, data.test_labels[:scale.embedding_images], folder)


def pixel_features(images: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """The noisy inputs the networks receive (inverted encoding; 1 where no spike)."""
    times = encode_images(images, inverted=True, noise_factor=noise,
                          noise_seed=noise_seed(seed, "test"))
    return np.where(np.isinf(times), 1.0, times)


def run_pixels(condition: Condition, scale: Scale, data: Any, folder: Path,
               options: RunOptions) -> Dict[str, Any]:
    """The SVM baseline on the (noisy) pixels themselves."""
    count = scale.embedding_images
    features = pixel_features(data.test_images[:count], condition.noise, options.seed)
    labels = data.test_labels[:count]
    return {"svm_accuracy": embeddings.svm_accuracy(features, labels),
            "svm_images": [count // 2, count // 2],
            "mean_image_loss": mean_image_loss(test_images(scale, data))}


def mean_image_loss(images: np.ndarray) -> float:
    """The loss of answering every image of a set with the set's per-pixel mean target.

    That is the mean over pixels of the variance of the clean target times. Training
    starts on a plateau at about this loss: a network still there outputs the same
    grey image whatever its input (docs/reproduction.md, "Flags"). The value is the
    same for both encodings: plain times are 1 - inverted ones, with equal variance.
    """
    flat = np.asarray(images).reshape(len(images), -1)
    return float(target_times(flat, inverted=True).var(axis=0).mean())


RUNNERS = {"snn": run_snn, "ann": run_ann, "pixels": run_pixels}


def load_results(out: Path) -> List[Dict[str, Any]]:
    """Every finished condition's result.json under ``out``, in folder order."""
    return [json.loads(path.read_text()) for path in sorted(Path(out).rglob(RESULT_FILE))]
