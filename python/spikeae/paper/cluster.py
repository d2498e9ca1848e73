"""Runs the grid's conditions as tasks on a Dask cluster (docs/cluster.md).

    python3 -m spikeae.paper run --scale full --out /nfs/results --scheduler tcp://HOST:8786
    python3 -m spikeae.paper run --scale standard --out results/standard --local-workers 2

Each condition is one task, run by a worker process with the runner's own code
(runner.run_condition) into its folder of the results folder, which client and
workers must see at the same path (a shared filesystem). The folder's lock keeps two
processes out of one folder; a task whose worker dies is run again elsewhere, and
resumes a spiking network's training from the checkpoint of the condition's run
folder (runner.py; an ANN baseline starts afresh): training is deterministic for a
seed whatever the thread count, and resuming is bit for bit, so its result.json is the
same.
The client prints each condition as it finishes; the report is its own business.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .._core import SpikeaeError
from .._data import load_dataset
from . import runner
from .grid import Condition, Scale

CONNECT_TIMEOUT_SECONDS = 20
WORKER_WAIT_SECONDS = 120  # how long the client waits for a first worker (or any, later)
RETRIES = 2  # a task that raises is run again this often; worker deaths: the scheduler's
# distributed.scheduler.allowed-failures (3 by default), after which the task fails
POLL_SECONDS = 0.25  # how often the client looks for finished tasks

_ADDRESS = re.compile(r"^tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


def check_address(address: str) -> str:
    """A scheduler address ``tcp://HOST:PORT``; anything else is refused."""
    match = _ADDRESS.match(address)
    if not match or not 0 < int(match.group(2)) < 65536:
        raise SpikeaeError(f"invalid scheduler address {address!r}: expected tcp://HOST:PORT, "
                           f"e.g. tcp://10.0.0.5:8786")
    return address


def check_workers(count: int) -> int:
    """A number of local worker processes: at least one."""
    if count < 1:
        raise SpikeaeError(f"--local-workers must be at least 1, got {count}")
    return count


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise SpikeaeError(
            "running on a Dask cluster needs Dask's distributed package (Debian: apt-get "
            f"install python3-distributed; pip: pip install distributed): {error}") from None
    return distributed


def connect(address: str) -> Any:
    """A Client of the running scheduler at ``address``, with at least one worker.

    Raises:
        SpikeaeError: distributed is missing, the scheduler cannot be reached within
            CONNECT_TIMEOUT_SECONDS, or no worker joins within WORKER_WAIT_SECONDS.
    """
    distributed = _distributed()
    check_address(address)
    try:
        client = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_SECONDS}s",
                                    set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise SpikeaeError(f"cannot reach the Dask scheduler at {address} within "
                           f"{CONNECT_TIMEOUT_SECONDS} s ({error}); start it with "
                           f"`dask scheduler` (docs/cluster.md)") from None
    _wait_for_a_worker(client, address)
    return client


def _wait_for_a_worker(client: Any, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except (TimeoutError, OSError):
        client.close()
        raise SpikeaeError(f"no worker joined the scheduler at {address} within "
                           f"{WORKER_WAIT_SECONDS} s; start workers with `dask worker "
                           f"{address} --nthreads 1` (docs/cluster.md)") from None


def start_local(workers: int) -> Tuple[Any, Any]:
    """A LocalCluster of ``workers`` worker processes, one task at a time each, and a
    Client of it. Close the client, then the cluster."""
    distributed = _distributed()
    check_workers(workers)
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    return distributed.Client(cluster, set_as_default=False), cluster


def local_threads(requested: int, workers: int) -> int:
    """Training threads per condition on a local cluster: those asked for, or (0) this
    machine's cores shared between the worker processes."""
    return requested if requested > 0 else max(1, len(os.sched_getaffinity(0)) // workers)


def task_key(out: Path, condition: Condition, seed: int) -> str:
    """The task's Dask key: the same condition of the same results folder and seed gets
    the same key, so the scheduler runs it once even for two clients."""
    digest = hashlib.sha1(f"{out}\n{condition.folder}\n{seed}".encode()).hexdigest()[:12]
    return f"spikeae-paper {condition.folder} {digest}"


_DATA: Dict[Tuple[str, Optional[str]], Any] = {}  # a worker's loaded data sets
_MEAN_LOSSES: Dict[Tuple[str, Optional[str], int], float] = {}


def _worker_threads(requested: int) -> int:
    """A task's training threads: those asked for, or (0) the worker machine's cores
    shared between the worker's task slots."""
    if requested > 0:
        return requested
    from distributed import get_worker

    worker = get_worker()
    state = getattr(worker, "state", worker)  # Worker.nthreads moved to Worker.state
    slots = max(1, int(getattr(state, "nthreads", 1) or 1))
    return max(1, len(os.sched_getaffinity(0)) // slots)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        worker = get_worker()
        return str(worker.name) if worker.name != worker.address else worker.address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def run_task(condition: Condition, scale: Scale, out: str,
             options: runner.RunOptions) -> Dict[str, Any]:
    """A worker's task: runs one condition (runner.run_condition) and returns
    {"record", "summary", "worker", "seconds"}; record is None when another process
    had finished the condition."""
    started = time.monotonic()
    folder = Path(out)
    if not (folder / runner.SCALE_FILE).exists():
        raise SpikeaeError(f"{folder} has no {runner.SCALE_FILE} on worker {_worker_name()}: "
                           "the results folder must be on a filesystem that the client and "
                           "every worker share, at the same path")
    key = (condition.dataset, options.data_dir)
    if key not in _DATA:
        _DATA[key] = load_dataset(condition.dataset, options.data_dir)
    data = _DATA[key]
    loss_key = key + (scale.test_size,)
    if loss_key not in _MEAN_LOSSES:
        _MEAN_LOSSES[loss_key] = runner.mean_image_loss(runner.test_images(scale, data))
    options = dataclasses.replace(options, threads=_worker_threads(options.threads))
    record = runner.run_condition(condition, scale, data, folder, options)
    return {"record": record, "worker": _worker_name(),
            "summary": None if record is None else runner.summary(record, _MEAN_LOSSES[loss_key]),
            "seconds": time.monotonic() - started}


def run(conditions: List[Condition], scale: Scale, out: Path, options: runner.RunOptions,
        client: Any) -> None:
    """Runs every condition without a result.json in ``out`` as a task of ``client``'s
    cluster, printing each as it finishes.

    Raises:
        SpikeaeError: some conditions failed (the others are finished and kept), or the
            cluster lost every worker for WORKER_WAIT_SECONDS.
    """
    out = Path(out).resolve()
    runner.check_scale(out, scale, options)
    todo = runner.unfinished(conditions, out)
    runner.announce(conditions, todo, scale, out, options)
    # Workers print to their own log, flushed at once: a log redirected to a file is
    # block-buffered, and a killed worker would lose its last lines.
    sent = dataclasses.replace(options, print=functools.partial(print, flush=True))
    futures = {client.submit(run_task, condition, scale, str(out), sent, retries=RETRIES,
                             key=task_key(out, condition, options.seed), pure=False): condition
               for condition in todo}
    failed = _collect(futures, client, len(todo), options)
    if failed:
        raise SpikeaeError(f"{len(failed)} of {len(todo)} conditions failed ({', '.join(failed)}); "
                           "the others are finished: rerun the same command to retry them")


def _collect(futures: Dict[Any, Condition], client: Any, total: int,
             options: runner.RunOptions) -> List[str]:
    """Waits for the tasks, printing each as it finishes; returns the failed labels."""
    pending, done, failed = list(futures), 0, []
    without_workers, started = None, time.monotonic()
    while pending:
        time.sleep(POLL_SECONDS)
        finished = [future for future in pending if future.done()]
        pending = [future for future in pending if not future.done()]
        for future in finished:
            done += 1
            condition = futures[future]
            line = _finished_line(future, condition)
            if line is None:
                failed.append(condition.label)
                line = f"{condition.label}: FAILED: {_failure(future)}"
            since = runner._duration(time.monotonic() - started)
            options.print(f"[{done}/{total}] {line}; {since} since the start")
        without_workers = _check_workers(client, without_workers, bool(pending))
    return failed


def _finished_line(future: Any, condition: Condition) -> Optional[str]:
    """The progress line of a finished task; None when it failed."""
    if future.status != "finished":
        return None
    result = future.result()
    where = f"worker {result['worker']}, {result['seconds']:.0f} s"
    if result["record"] is None:
        return f"{condition.label}: finished by another process ({where})"
    return f"{condition.label}: {result['summary']} ({where})"


def _failure(future: Any) -> str:
    """Why a task failed, in one line."""
    if future.status == "cancelled":
        return "cancelled"
    error = future.exception()
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def _check_workers(client: Any, since: Optional[float], waiting: bool) -> Optional[float]:
    """Raises when tasks have waited WORKER_WAIT_SECONDS without any worker; returns
    when the cluster was first seen without workers (None: it has some)."""
    if not waiting or client.scheduler_info().get("workers"):
        return None
    now = time.monotonic()
    if since is not None and now - since > WORKER_WAIT_SECONDS:
        raise SpikeaeError(f"the cluster has had no worker for {WORKER_WAIT_SECONDS} s; "
                           "finished conditions are kept: start workers, then rerun")
    return now if since is None else since
