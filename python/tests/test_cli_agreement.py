"""Python and the spikeae program agree: same training run, same files, same losses."""

import json
import re
import subprocess

import numpy as np
import pytest

import spikeae

OPTIONS = {"n_hidden": 8, "n_pulses": 4, "epochs": 3, "seed": 3, "noise_factor_ae": 0.2,
           "learning_rate": 0.004, "train_size": 120, "validation_size": 30}


def run(cli, *args):
    completed = subprocess.run([cli, *map(str, args)], capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return completed.stdout


def data_flags(files):
    return ["--train-images", files["train_images"], "--train-labels", files["train_labels"],
            "--test-images", files["test_images"], "--test-labels", files["test_labels"]]


def read_metrics(path):
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        record.pop("seconds", None)
        record.pop("examples_per_second", None)
    return records


@pytest.fixture(scope="module")
def runs(cli, idx_files, tmp_path_factory):
    """The same run by the CLI (2 threads) and by spikeae.fit (1 thread)."""
    cli_out = tmp_path_factory.mktemp("cli_run")
    py_out = tmp_path_factory.mktemp("py_run")
    flags = []
    for name, value in OPTIONS.items():
        flag = name if name in spikeae.hyperparameter_names() else name.replace("_", "-")
        flags += [f"--{flag}", value]
    stdout = run(cli, "train", *data_flags(idx_files), *flags, "--threads", 2,
                 "--test-every-epoch", "--out", cli_out)
    result = spikeae.fit(idx_files["train_images"], idx_files["train_labels"],
                         idx_files["test_images"], idx_files["test_labels"], threads=1,
                         test_every_epoch=True, out=py_out, **OPTIONS)
    return {"cli": cli_out, "py": py_out, "stdout": stdout, "result": result}


def test_training_writes_identical_files(runs):
    for name in ("model.spikeae", "hyperparameters.tsv", "reconstructions.png"):
        assert (runs["py"] / name).read_bytes() == (runs["cli"] / name).read_bytes(), name
    assert read_metrics(runs["py"] / "metrics.jsonl") == read_metrics(runs["cli"] / "metrics.jsonl")


def test_reported_losses_agree(runs):
    result = runs["result"]
    match = re.search(r"best epoch (\d+): validation loss ([0-9.]+), test loss ([0-9.]+)",
                      runs["stdout"])
    assert match, runs["stdout"]
    assert result.best_epoch == int(match.group(1))
    assert f"{result.best_validation_loss:.5f}" == match.group(2)
    assert f"{result.test_loss:.5f}" == match.group(3)
    assert len(result.history) == OPTIONS["epochs"]
    assert all(np.isfinite(epoch["test_loss"]) for epoch in result.history)


@pytest.mark.parametrize("noise, seed", [(None, None), (0.5, 9), (0.0, None)])
def test_eval_agrees_with_model_loss(cli, runs, idx_files, noise, seed):
    model_path = runs["cli"] / "model.spikeae"
    args = ["eval", model_path, *data_flags(idx_files), "--threads", 1]
    if noise is not None:
        args += ["--noise", noise]
    if seed is not None:
        args += ["--seed", seed]
    match = re.search(r"test loss ([0-9.]+) on (\d+) images", run(cli, *args))
    model = spikeae.Model.load(model_path)
    test = spikeae.read_idx_images(idx_files["test_images"])
    loss = model.loss(test, noise_factor=noise, seed=seed)
    assert int(match.group(2)) == len(test)
    assert f"{loss:.6f}" == match.group(1)
    if noise is None and seed is None:
        assert loss == runs["result"].test_loss  # the value train reported, to the bit


def test_embed_agrees_with_encode(cli, runs, idx_files, tmp_path):
    model_path = runs["cli"] / "model.spikeae"
    out = tmp_path / "emb.npy"
    run(cli, "embed", model_path, *data_flags(idx_files), "-o", out)
    model = spikeae.Model.load(model_path)
    test = spikeae.read_idx_images(idx_files["test_images"])
    np.testing.assert_array_equal(np.load(out), model.encode(test))
    np.testing.assert_array_equal(np.load(tmp_path / "emb_labels.npy"),
                                  spikeae.read_idx_labels(idx_files["test_labels"]))


def test_reconstruct_picture_agrees(cli, runs, idx_files, tmp_path):
    model_path = runs["cli"] / "model.spikeae"
    run(cli, "reconstruct", model_path, *data_flags(idx_files), "--indices", 3, 1, 4,
        "--noise", 0.3, "-o", tmp_path / "cli.png")
    model = spikeae.Model.load(model_path)
    test = spikeae.read_idx_images(idx_files["test_images"])
    model.write_reconstructions(tmp_path / "py.png", test, indices=[3, 1, 4], noise_factor=0.3)
    assert (tmp_path / "py.png").read_bytes() == (tmp_path / "cli.png").read_bytes()


def test_python_model_files_load_in_the_cli(cli, idx_files, tmp_path):
    model = spikeae.Model(input_size=36, n_hidden=5, n_pulses=3, seed=8)
    model.save(tmp_path / "fresh.spikeae")
    match = re.search(r"test loss ([0-9.]+)",
                      run(cli, "eval", tmp_path / "fresh.spikeae", *data_flags(idx_files)))
    test = spikeae.read_idx_images(idx_files["test_images"])
    assert f"{model.loss(test):.6f}" == match.group(1)


@pytest.mark.filterwarnings("ignore:the best validation loss:RuntimeWarning")
def test_local_layers_train_alike_from_the_cli_and_python(cli, idx_files, tmp_path):
    # Milder inhibition than the paper's initial weights, so 3 small epochs learn.
    options = dict(OPTIONS, layers="local:24,local:6", nonpulse_weight_mean_multiplier=-1.0)
    cli_out, py_out = tmp_path / "cli", tmp_path / "py"
    flags = []
    for name, value in options.items():
        flag = name if name in spikeae.hyperparameter_names() else name.replace("_", "-")
        flags += [f"--{flag}", value]
    run(cli, "train", *data_flags(idx_files), *flags, "--threads", 2, "--out", cli_out)
    result = spikeae.fit(idx_files["train_images"], idx_files["train_labels"],
                         idx_files["test_images"], idx_files["test_labels"], threads=1,
                         out=py_out, **options)
    assert (py_out / "model.spikeae").read_bytes() == (cli_out / "model.spikeae").read_bytes()
    assert result.model.layers == "local:24,local:6"
    losses = [epoch["validation_loss"] for epoch in result.history]
    assert losses[-1] < 0.5 * losses[0], losses
