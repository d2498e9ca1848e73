"""spikeae.search: tiny searches on real MNIST (SQLite, and PostgreSQL with two
worker processes), resuming, failed trials, and the exported preset file; and
the refusals of bad options and storages, before any study exists.

Skipped when data/mnist is absent; the PostgreSQL test also when no PostgreSQL
server binaries are installed.
"""

import json
import math
import os
import socket
import subprocess
import sys

import pytest

import spikeae
from conftest import require_dataset

optuna = pytest.importorskip("optuna")
search = pytest.importorskip("spikeae.search")
from optuna.trial import TrialState  # noqa: E402

from spikeae.search._cli import options_from_arguments, parse_arguments  # noqa: E402
from spikeae.search._objective import epoch_reporter  # noqa: E402

from postgres_server import postgres_server  # noqa: E402,F401  (a fixture)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)

# A trial here: 300 training and 100 validation images, 2 epochs, one thread.
TINY = dict(train_size=300, validation_size=100, epochs=2, threads=1, seed=1)


@pytest.fixture(scope="module", autouse=True)
def mnist_files():
    require_dataset("mnist")


def tiny_options(tmp_path, **changes):
    settings = dict(TINY, out=str(tmp_path / "search"), sampler_seed=1, verbose=False)
    settings.update(changes)
    return search.SearchOptions(**settings)


def states(study):
    return [trial.state for trial in study.get_trials(deepcopy=False)]


def read_best_validation_loss(metrics_path):
    records = [json.loads(line) for line in open(metrics_path, encoding="utf-8")]
    return min(r["validation_loss"] for r in records if "validation_loss" in r)


def test_search_completes_resumes_and_exports_a_loadable_preset(tmp_path, cli):
    study = search.run_search(tiny_options(tmp_path, trials=4))
    assert len(study.trials) == 4 and all(state in FINISHED for state in states(study))
    # The same study again: trials are added, not started over.
    study = search.run_search(tiny_options(tmp_path, trials=2))
    assert [trial.number for trial in study.trials] == list(range(6))
    # A total budget counts the trials already there.
    study = search.run_search(tiny_options(tmp_path, trials=None, total_trials=7))
    assert len(study.trials) == 7

    out = tmp_path / "search"
    for name in ("history.png", "importance.png"):
        data = (out / name).read_bytes()
        assert data[:8] == PNG_SIGNATURE and len(data) > 1000, name
    assert "| trial | state | validation_loss |" in (out / "top_trials.md").read_text()
    assert (out / "top_trials.csv").read_text().startswith("trial,state,validation_loss,")

    preset = out / search.BEST_FILE
    rows = spikeae.parse_hyperparameter_table(preset.read_text(), str(preset))
    assert len(rows) == 1
    best = study.best_trial
    assert rows[0]["n_hidden"] == 32 and rows[0]["latency_ae"] == 1.0
    assert rows[0]["learning_rate"] == pytest.approx(best.params["learning_rate"])
    assert spikeae.Model(preset_file=str(preset)).config["learning_rate"] == pytest.approx(
        best.params["learning_rate"])
    # The CLI trains the exported configuration and gets the trial's loss back.
    run = tmp_path / "cli_run"
    subprocess.run([cli, "train", "--preset-file", str(preset), "--train-size", "300",
                    "--validation-size", "100", "--epochs", "2", "--threads", "1",
                    "--seed", "1", "--test-size", "10", "--out", str(run)],
                   check=True, capture_output=True, timeout=120)
    if best.state == TrialState.COMPLETE:
        assert read_best_validation_loss(run / "metrics.jsonl") == pytest.approx(best.value,
                                                                                 rel=1e-9)


def test_search_space_covers_the_papers_tuned_rows():
    for row in spikeae.paper_presets():
        for name, space in search.SEARCH_SPACE.items():
            assert space.low <= row[name] <= space.high, (name, row[name])


def test_rerun_with_other_protocol_is_refused(tmp_path):
    search.run_search(tiny_options(tmp_path, trials=1, export=False))
    with pytest.raises(spikeae.SpikeaeError, match="epochs 2 .now 3."):
        search.run_search(tiny_options(tmp_path, trials=1, epochs=3))


def test_export_with_one_completed_trial_leaves_out_importance(tmp_path):
    study = search.run_search(tiny_options(tmp_path, trials=1, export=False))
    exported = search.export_results(study, str(tmp_path / "one"))
    assert (tmp_path / "one" / "history.png").read_bytes()[:8] == PNG_SIGNATURE
    assert not (tmp_path / "one" / "importance.png").exists()
    assert any("importance.png not written: needs at least 2" in note
               for note in exported["notes"])


@pytest.mark.filterwarnings("ignore:Fixed parameter 'fire_threshold'")
def test_failed_trial_is_recorded_with_its_reason_and_the_search_goes_on(tmp_path):
    options = tiny_options(tmp_path, trials=3, pruner="hyperband")
    study = search.open_study(options)
    # An invalid value, outside the search space, for the first trial.
    study.enqueue_trial({"fire_threshold": -0.5})
    study = search.run_search(options)
    trials = study.trials
    assert trials[0].state == TrialState.FAIL
    assert "fire_threshold" in trials[0].user_attrs[search.FAIL_REASON]
    assert [trial.state for trial in trials[1:]] == [TrialState.COMPLETE] * 2
    assert "fire_threshold" in (tmp_path / "search" / "top_trials.md").read_text()


def test_non_finite_loss_fails_the_trial():
    trial = optuna.create_study().ask()
    with pytest.raises(search.NonFiniteLoss, match="after epoch 2"):
        epoch_reporter(trial, 3)({"epoch": 2, "validation_loss": math.nan}, None)


class PruneEverything(optuna.pruners.BasePruner):
    def prune(self, study, trial):
        return True


def test_trials_are_pruned_after_any_epoch_but_the_last():
    report = epoch_reporter(optuna.create_study(pruner=PruneEverything()).ask(), 2)
    with pytest.raises(optuna.TrialPruned, match="after epoch 1"):
        report({"epoch": 1, "validation_loss": 0.5}, None)
    report({"epoch": 2, "validation_loss": 0.4}, None)


def test_ctrl_c_fails_the_running_trial_and_leaves_the_study_usable(tmp_path, monkeypatch):
    import spikeae.search._objective as objective

    def interrupted_fit(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(objective, "fit", interrupted_fit)
        with pytest.raises(KeyboardInterrupt):
            search.run_search(tiny_options(tmp_path, trials=2))
    study = search.run_search(tiny_options(tmp_path, trials=1))
    assert states(study) == [TrialState.FAIL, TrialState.COMPLETE]
    assert "interrupted" in study.trials[0].user_attrs[search.FAIL_REASON]


def start_worker(storage, index, tmp_path):
    command = [sys.executable, "-m", "spikeae.search", "--storage", storage,
               "--study", "shared", "--total-trials", "8", "--trials", "0",
               "--train-size", "1000", "--validation-size", "100", "--epochs", "2",
               "--threads", "1", "--fix", "batch_size=20", "--sampler-seed", str(index),
               "--no-export", "--quiet", "--out", str(tmp_path / f"worker{index}")]
    log = open(tmp_path / f"worker{index}.log", "w")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ)


def test_two_workers_share_one_postgresql_study_and_its_budget(postgres_server, tmp_path):
    workers = [start_worker(postgres_server, index, tmp_path) for index in (1, 2)]
    try:
        codes = [worker.wait(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in (1, 2)]
    assert codes == [0, 0], logs
    study = optuna.load_study(study_name="shared", storage=postgres_server)
    trials = study.get_trials(deepcopy=False)
    assert sorted(trial.number for trial in trials) == list(range(8))
    assert all(trial.state in FINISHED for trial in trials)
    workers_seen = {trial.user_attrs[search.WORKER] for trial in trials}
    assert len(workers_seen) == 2, workers_seen
    # --fix batch_size=20: not sampled, and in the exported preset.
    assert all("batch_size" not in trial.params for trial in trials)
    if any(trial.state == TrialState.COMPLETE for trial in trials):
        assert search.write_best_preset(study, str(tmp_path / "best.tsv"))["batch_size"] == 20


# Refusals: each runs the command line in a process of its own, as a user would.
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(spikeae.__file__)))


def run_search_cli(tmp_path, *arguments):
    """python3 -m spikeae.search with results in tmp_path/out (never trained here)."""
    path = os.pathsep.join(filter(None, [PACKAGE_PARENT, os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "spikeae.search", "--out", str(tmp_path / "out"),
               "--trials", "1", "--quiet", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=path))


def refusal_line(completed):
    """The one stderr line of a refused run (status 1, nothing on stdout, no traceback)."""
    lines = completed.stderr.splitlines()
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1, completed.stderr
    assert len(lines) == 1 and lines[0].startswith("spikeae.search: error: "), completed.stderr
    assert completed.stdout == ""
    return lines[0]


@pytest.mark.parametrize("arguments, expected", [
    (["--hidden", "0"], "hidden 0 refused: invalid n_hidden"),
    (["--noise", "2"], "noise 2.0 refused: invalid noise_factor_ae: must be a number in [0, 1]"),
    (["--noise", "nan"], "noise nan refused"),
    (["--latency", "-1"], "latency -1.0 refused: invalid latency_ae"),
    (["--fix", "batch_size=0"], "fixed batch_size=0 refused: invalid batch_size"),
    (["--fix", "learning_rate=nan"], "fixed learning_rate=nan refused"),
    (["--fix", "decay_rate=inf"], "fixed decay_rate=inf refused"),
    (["--fix", "fire_threshold=-0.5"], "fixed fire_threshold=-0.5 refused"),
    (["--fix", "n_hidden=8"], "invalid --fix 'n_hidden=8'"),
    (["--fix", "batch_size=2", "--fix", "batch_size=3"], "batch_size is already fixed"),
    (["--trials", "-1"], "invalid --trials: must be an integer >= 0 (0: no limit), got -1"),
    (["--total-trials", "0"], "invalid total_trials: must be an integer >= 1, got 0"),
    (["--timeout", "0"], "invalid timeout: must be a finite number of seconds > 0"),
    (["--timeout", "inf"], "invalid timeout"),
    (["--epochs", "0"], "invalid epochs"),
    (["--epochs", "99999999999"], "invalid epochs"),
    (["--train-size", "0"], "invalid train_size"),
    (["--validation-size", "-5"], "invalid validation_size"),
    (["--threads", "-1"], "invalid threads"),
    (["--seed", "-1"], "invalid seed"),
    (["--sampler-seed", "4294967296"], "invalid sampler_seed"),
    (["--top", "0"], "invalid top"),
    (["--train-size", "60000"], "60000 images, fewer than train_size + validation_size"),
])
def test_invalid_option_is_refused_in_one_line_before_a_study_exists(tmp_path, arguments,
                                                                      expected):
    line = refusal_line(run_search_cli(tmp_path, *arguments))
    assert expected in line
    assert not (tmp_path / "out").exists()  # no folder, no database, no lock file


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (just released by the system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("storage, expected", [
    ("foo", "invalid storage URL 'foo': not a database URL; give one such as sqlite:///"),
    ("sqlite:/", "invalid storage URL 'sqlite:/': not a database URL"),
    ("postgresql://::", "invalid storage URL 'postgresql://::': not a database URL (its port"),
    ("postgresql+nodriver://127.0.0.1/db", "SQLAlchemy knows no database 'postgresql+nodriver'"),
])
def test_invalid_storage_url_is_refused_in_one_line(tmp_path, storage, expected):
    assert expected in refusal_line(run_search_cli(tmp_path, "--storage", storage))


def test_postgresql_without_server_is_refused_in_one_line_without_the_password(tmp_path):
    url = f"postgresql+psycopg2://search:secret@127.0.0.1:{closed_port()}/spikeae"
    line = refusal_line(run_search_cli(tmp_path, "--storage", url))
    assert "cannot use the search storage postgresql+psycopg2://search:***@127.0.0.1:" in line
    assert "Connection refused; check that the database server is running" in line
    assert "secret" not in line


def test_sqlite_storage_that_is_a_folder_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    line = refusal_line(run_search_cli(tmp_path, "--storage", f"sqlite:///{folder}"))
    assert f"SQLite storage {folder} is a folder, not a database file" in line
    assert f"--storage sqlite:///{folder / 'search.db'}" in line
    assert list(folder.iterdir()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["runs"]  # no lock file


def test_sqlite_storage_that_is_another_file_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    line = refusal_line(run_search_cli(tmp_path, "--storage", f"sqlite:///{notes}"))
    assert f"SQLite storage {notes} is not a SQLite database" in line
    assert notes.read_text() == "not a database\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_sqlite_storage_below_a_file_is_refused(tmp_path):
    (tmp_path / "afile").write_text("")
    line = refusal_line(run_search_cli(tmp_path, "--out", str(tmp_path / "afile" / "search")))
    assert f"cannot create its folder: {tmp_path / 'afile'} is a file, not a folder" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_sqlite_storage_in_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        line = refusal_line(run_search_cli(tmp_path, "--storage",
                                           f"sqlite:///{folder / 'search.db'}"))
    finally:
        folder.chmod(0o700)
    assert f"the folder {folder} is not writable by this user" in line
    assert list(folder.iterdir()) == []


def test_python_api_refuses_before_creating_the_study(tmp_path):
    with pytest.raises(spikeae.SpikeaeError, match="fixed batch_size=0 refused"):
        tiny_options(tmp_path, fixed={"batch_size": 0})
    with pytest.raises(spikeae.SpikeaeError, match="invalid trials: .* got 0; leave it out"):
        tiny_options(tmp_path, trials=0)
    options = tiny_options(tmp_path)
    options.hidden = 0  # changed after the checks of the constructor: checked again
    with pytest.raises(spikeae.SpikeaeError, match="hidden 0 refused"):
        search.run_search(options)
    with pytest.raises(spikeae.SpikeaeError, match="invalid storage URL 'foo'"):
        search.open_study(tiny_options(tmp_path, storage="foo"))
    assert not (tmp_path / "search").exists()


def test_trials_0_on_the_command_line_means_no_limit():
    assert options_from_arguments(parse_arguments(["--trials", "0"])).trials is None
    assert options_from_arguments(parse_arguments(["--trials", "7"])).trials == 7
