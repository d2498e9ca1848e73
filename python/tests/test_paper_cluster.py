"""The paper runner on a Dask cluster (spikeae.paper.cluster), the condition folders'
lock, and the time estimate (spikeae.paper.estimate).

The cluster test starts a real scheduler and two worker processes on 127.0.0.1, kills
one worker while it trains a spiking network that has a checkpoint, and checks that
the condition resumed from it and that every condition still finishes with the result
of a serial run, to the last bit."""

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import spikeae
from conftest import require_dataset
from spikeae.paper import estimate, grid, runner
from spikeae.paper.grid import Condition

SCALE = dataclasses.replace(grid.SCALES["quick"], train_size=4000, validation_size=400,
                            test_size=200, embedding_images=200, tsne_points=100)
CONDITIONS = [
    Condition("pixels", "mnist", 0.0),
    Condition("snn", "mnist", 0.0, 1.0, 8),
    Condition("snn", "mnist", 0.8, 1.0, 32),
    Condition("snn", "mnist", 0.0, 16.0, 8),
    Condition("snn", "mnist", 0.8, 16.0, 32),
    Condition("ann", "mnist", 0.8, hidden=8, encoder="relu", decoder="sigmoid", inverted=False),
    Condition("ann", "mnist", 0.0, hidden=32, encoder="gaussian", decoder="gaussian"),
]
TIMING_FIELDS = ("seconds",)  # wall times, in the record and in each history entry


@pytest.fixture(scope="module")
def mnist_available():
    require_dataset("mnist")


def without_timing(record):
    """A result.json's record without its wall times (the only fields that may differ)."""
    kept = {key: value for key, value in record.items() if key not in TIMING_FIELDS}
    kept["history"] = [{key: value for key, value in entry.items() if key not in TIMING_FIELDS}
                       for entry in record.get("history", [])]
    return kept


def ann_model(path):
    """An ANN model file's arrays as bytes, and its options but the thread count it was
    trained with (a zip file's entries also carry the time they were written)."""
    with np.load(path) as arrays:
        model = {name: arrays[name].tobytes() for name in arrays.files if name != "options"}
        options = json.loads(str(arrays["options"]))
    options.pop("threads")
    return model, options


def run_paper(*args, timeout=300):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "spikeae.paper", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


# --- the condition folders' lock ---------------------------------------------------


def test_a_condition_finished_while_waiting_for_the_lock_is_not_run_again(tmp_path):
    condition = CONDITIONS[1]
    folder = tmp_path / condition.folder
    holding, release = threading.Event(), threading.Event()

    def other_process():
        with runner.condition_lock(folder):
            holding.set()
            release.wait(10)
            runner.write_json(folder / runner.RESULT_FILE, {"finished": "elsewhere"})

    other = threading.Thread(target=other_process)
    other.start()
    assert holding.wait(10)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    # data=None: the condition must not run, so it needs no data.
    record = runner.run_condition(condition, SCALE, None, tmp_path,
                                  runner.RunOptions(print=lambda _: None))
    other.join()
    assert record is None and time.monotonic() - started >= 0.3  # it waited
    assert json.loads((folder / runner.RESULT_FILE).read_text()) == {"finished": "elsewhere"}


def test_an_interrupted_conditions_leftovers_are_removed(tmp_path):
    (tmp_path / "model.spikeae").write_bytes(b"half a model")
    (tmp_path / ".embeddings.npy.tmp-999999-1").write_bytes(b"x")
    (tmp_path / runner.LOCK_FILE).write_text("1\n")
    training = tmp_path / runner.TRAINING_FOLDER
    training.mkdir()
    (training / "metrics.jsonl").write_text("")  # killed before its first checkpoint
    assert runner.clear_unfinished(tmp_path) == [".embeddings.npy.tmp-999999-1", "model.spikeae",
                                                 "training/"]
    assert [path.name for path in tmp_path.iterdir()] == [runner.LOCK_FILE]
    assert not runner.resumable(tmp_path)


def test_an_interrupted_conditions_checkpoint_is_kept(tmp_path):
    (tmp_path / "embeddings.npy").write_bytes(b"half an array")
    training = tmp_path / runner.TRAINING_FOLDER
    training.mkdir()
    for name in (runner.CHECKPOINT_FILE, "metrics.jsonl", "model.spikeae"):
        (training / name).write_bytes(b"x")
    assert runner.clear_unfinished(tmp_path) == ["embeddings.npy"]
    assert sorted(path.name for path in training.iterdir()) == sorted(
        [runner.CHECKPOINT_FILE, "metrics.jsonl", "model.spikeae"])
    assert runner.resumable(tmp_path)


# --- command line ------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--local-workers", "0"], "--local-workers must be at least 1, got 0"),
    (["--local-workers", "-3"], "--local-workers must be at least 1, got -3"),
    (["--scheduler", "10.0.0.5:8786"], "invalid scheduler address '10.0.0.5:8786'"),
    (["--scheduler", "tcp://host:99999"], "invalid scheduler address"),
    (["--scheduler", "tcp://host:1", "--local-workers", "2"], "not allowed with argument"),
])
def test_bad_cluster_options_are_refused(tmp_path, args, message):
    result = run_paper("run", "--scale", "quick", "--out", str(tmp_path / "out"), *args,
                       timeout=60)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_without_distributed_the_cluster_options_say_what_to_install(monkeypatch):
    from spikeae.paper import cluster

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(spikeae.SpikeaeError, match="apt-get install python3-distributed"):
        cluster.connect("tcp://127.0.0.1:8786")
    with pytest.raises(spikeae.SpikeaeError, match="pip install distributed"):
        cluster.start_local(2)


def test_an_unreachable_scheduler_is_a_clear_error_not_a_hang(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from spikeae.paper import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_SECONDS", 2)
    import socket

    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(spikeae.SpikeaeError, match="cannot reach the Dask scheduler"):
        cluster.connect(f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 30


# --- a real cluster, one worker killed mid-condition -------------------------------


class LocalProcesses:
    """Scheduler and worker subprocesses, killed (and waited for) on close."""

    def __init__(self, folder):
        self.folder, self.processes, self.logs = folder, [], []

    def start(self, name, module, *args):
        log = open(self.folder / f"{name}.log", "w")
        self.logs.append(log)
        process = subprocess.Popen([sys.executable, "-m", module, *args], stdout=log,
                                   stderr=subprocess.STDOUT, env=dict(os.environ))
        self.processes.append(process)
        return process

    def log_tails(self):
        return "\n".join(f"--- {path.name}\n{path.read_text()[-1500:]}"
                         for path in sorted(self.folder.glob("*.log")))

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(timeout=30)
        for log in self.logs:
            log.close()


@pytest.fixture
def processes(tmp_path):
    folder = tmp_path / "processes"
    folder.mkdir()
    started = LocalProcesses(folder)
    try:
        yield started
    finally:
        started.close()


def start_scheduler(processes, folder):
    """A scheduler on a free port of 127.0.0.1; returns its address."""
    address_file = folder / "scheduler.json"
    scheduler = processes.start("scheduler", "distributed.cli.dask_scheduler", "--host",
                                "127.0.0.1", "--port", "0", "--no-dashboard",
                                "--scheduler-file", str(address_file))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and scheduler.poll() is None:
        if address_file.exists():
            try:
                return json.loads(address_file.read_text())["address"]
            except (ValueError, KeyError):
                pass  # being written
        time.sleep(0.1)
    pytest.fail("the scheduler did not start:\n" + processes.log_tails())


def held_locks(pids):
    """{inode: pid} of the flock locks that processes ``pids`` hold (/proc/locks)."""
    held = {}
    with open("/proc/locks") as table:
        for line in table:
            fields = line.split()
            if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
                continue  # a waiter, or another kind of lock
            if int(fields[4]) in pids:
                held[int(fields[5].split(":")[-1])] = int(fields[4])
    return held


def kill_a_worker_in_a_condition(out, workers, killed, stop):
    """Watches the condition folders' locks; SIGKILLs the first worker seen holding one
    whose spiking network has a checkpoint to resume from, and records (condition, pid)
    in ``killed``."""
    pids = {worker.pid for worker in workers}
    while not stop.is_set() and not killed:
        locks = {}
        for condition in CONDITIONS:
            path = out / condition.folder / runner.LOCK_FILE
            try:
                locks[os.stat(path).st_ino] = condition
            except FileNotFoundError:
                pass
        for inode, pid in held_locks(pids).items():
            if inode in locks and runner.resumable(out / locks[inode].folder):
                os.kill(pid, signal.SIGKILL)
                killed.append((locks[inode], pid))
                return
        time.sleep(0.01)


def test_a_cluster_with_a_killed_worker_gives_the_serial_results(tmp_path, mnist_available,
                                                                  processes):
    pytest.importorskip("distributed")
    from spikeae.paper import cluster

    serial_out, cluster_out = tmp_path / "serial", tmp_path / "cluster"
    # One thread here; on the workers (threads 0) the machine's cores: the results agree.
    runner.run(CONDITIONS, SCALE, serial_out, runner.RunOptions(threads=1, print=lambda _: None))

    address = start_scheduler(processes, tmp_path / "processes")
    workers = [processes.start(f"worker{index}", "distributed.cli.dask_worker", address,
                               "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name",
                               f"worker{index}", "--local-directory", str(tmp_path / "dask"),
                               "--death-timeout", "60")
               for index in range(2)]
    client = cluster.connect(address)
    try:
        client.wait_for_workers(2, timeout=60)
        # A folder as a killed process leaves it: a partial model, a temporary file and
        # a run folder killed before its first checkpoint.
        half = cluster_out / CONDITIONS[3].folder
        (half / runner.TRAINING_FOLDER).mkdir(parents=True)
        (half / runner.TRAINING_FOLDER / "metrics.jsonl").write_text("")
        (half / "model.spikeae").write_bytes(b"half a model")
        (half / ".result.json.tmp-999999-1").write_text("{")

        killed, stop, lines = [], threading.Event(), []
        killer = threading.Thread(target=kill_a_worker_in_a_condition,
                                  args=(cluster_out, workers, killed, stop))
        killer.start()
        try:
            cluster.run(CONDITIONS, SCALE, cluster_out,
                        runner.RunOptions(threads=0, print=lines.append), client)
        finally:
            stop.set()
            killer.join()
    finally:
        client.close()
    output = "\n".join(lines) + "\n" + processes.log_tails()
    assert killed, "no worker was seen running a condition:\n" + output
    condition, pid = killed[0]
    assert workers[[w.pid for w in workers].index(pid)].wait(timeout=10) == -signal.SIGKILL
    survivor = next(w for w in workers if w.pid != pid)
    # The killed condition ran again, to the end, on the other worker.
    lock = cluster_out / condition.folder / runner.LOCK_FILE
    assert int(lock.read_text()) == survivor.pid, output
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == len(CONDITIONS), output
    finished = next(line for line in progress if f"] {condition.label}: " in line)
    assert f"(worker worker{workers.index(survivor)}, " in finished, output
    assert f"[{len(CONDITIONS)}/{len(CONDITIONS)}]" in output
    # It resumed from the checkpoint the killed worker had written (epoch 1 or later),
    # as the survivor's log says, instead of training from the start.
    survivor_log = (tmp_path / "processes" / f"worker{workers.index(survivor)}.log").read_text()
    line = re.escape(condition.label) + r": resumed training from its checkpoint after epoch (\d+) "
    resumed = re.search(line, survivor_log)
    assert resumed and 1 <= int(resumed.group(1)) <= SCALE.epochs, output

    for each in CONDITIONS:
        serial, clustered = serial_out / each.folder, cluster_out / each.folder
        first = json.loads((serial / runner.RESULT_FILE).read_text())
        second = json.loads((clustered / runner.RESULT_FILE).read_text())
        assert without_timing(first) == without_timing(second), each.label
        for name in ("embeddings.npy", "model.spikeae"):
            if (serial / name).exists():
                assert (serial / name).read_bytes() == (clustered / name).read_bytes(), name
        if (serial / "model.npz").exists():
            assert ann_model(serial / "model.npz") == ann_model(clustered / "model.npz")
        assert sorted(p.name for p in clustered.iterdir()) == sorted(
            p.name for p in serial.iterdir())  # no leftovers


def test_local_workers_from_the_command_line(tmp_path, mnist_available):
    pytest.importorskip("distributed")
    out = tmp_path / "local"
    result = run_paper("run", "--scale", "quick", "--out", str(out), "--datasets", "mnist",
                       "--kinds", "pixels", "--local-workers", "2", timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "2 conditions, 0 already done, 2 to run" in result.stdout
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(progress) == 2 and all("SVM accuracy" in line and "(worker " in line
                                      for line in progress), result.stdout
    assert len(runner.load_results(out)) == 2


# --- the estimate ------------------------------------------------------------------


def test_the_estimate_is_positive_and_linear_in_epochs_and_images(mnist_available):
    conditions = [CONDITIONS[0], CONDITIONS[1], CONDITIONS[4], CONDITIONS[5]]
    scale = grid.SCALES["quick"]
    reports = []
    measured = estimate.measure(conditions, scale, threads=1, report=reports.append)
    assert len(measured) == 3  # two spiking networks and an ANN; the pixel SVM is not timed
    assert "one epoch of 1,000 training and 200 validation images" in reports[0]
    rows = estimate.extrapolate(conditions, scale, measured)
    assert [(row.kind, row.conditions) for row in rows] == [("pixels", 1), ("snn", 2), ("ann", 1)]
    assert rows[0].hours is None and all(row.hours > 0 for row in rows[1:])

    def hours(**changes):
        changed = dataclasses.replace(scale, **changes)
        return [row.hours for row in estimate.extrapolate(conditions, changed, measured)][1:]

    assert hours(epochs=6) == pytest.approx([3 * h for h in hours()], rel=1e-12)
    assert hours(train_size=5000, validation_size=1000) == pytest.approx(
        [5 * h for h in hours()], rel=1e-12)
    # The sample keeps the scale's proportion of validation images.
    assert estimate.sample_sizes(grid.SCALES["full"]) == (1000, 111)
    text = estimate.format_estimate(rows, scale, 1, estimate.sample_sizes(scale), workers=2)
    assert "Extrapolated linearly from one epoch of 1,000 + 200 images" in text
    assert "1 training thread per condition" in text and "On 2 such workers" in text


def test_the_estimate_from_the_command_line(mnist_available):
    result = run_paper("--scale", "quick", "--estimate", "--datasets", "mnist", "--kinds",
                       "snn", "--threads", "1", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Estimate for the quick scale: 2 epochs of 1,000 training + 200 validation" \
        in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("mnist"))
    assert row.split()[1:3] == ["snn", "8"] and float(row.split()[3]) > 0
    assert "8 networks take about" in result.stdout
