"""spikeae.fit: callbacks, stopping, continuing, Ctrl-C, and errors."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import spikeae

SMALL = {"train_size": 48, "validation_size": 12, "n_hidden": 6, "n_pulses": 3,
         "learning_rate": 0.01}


def test_callbacks_receive_metrics_and_models(images):
    epochs, progress = [], []
    result = spikeae.fit(images[:60], test_images=images[:20], epochs=3, **SMALL,
                         on_epoch=lambda metrics, model: epochs.append((metrics, model)),
                         on_progress=progress.append)
    assert [m["epoch"] for m, _ in epochs] == [1, 2, 3]
    for metrics, model in epochs:
        assert set(metrics) == {"epoch", "train_loss", "validation_loss", "test_loss", "seconds",
                                "examples_per_second", "best"}
        assert isinstance(model, spikeae.Model) and model.layer_sizes == (36, 6, 36)
        assert model.epochs_trained == metrics["epoch"]
    assert progress and progress[-1]["examples_done"] == progress[-1]["examples_total"] == 48
    assert result.history == [m for m, _ in epochs]
    best = min(range(3), key=lambda i: result.history[i]["validation_loss"])
    assert result.best_epoch == best + 1
    assert result.best_validation_loss == result.history[best]["validation_loss"]
    assert result.model.validation_loss == result.best_validation_loss
    assert result.model.epochs_trained == result.best_epoch
    assert result.final_model.epochs_trained == 3 and not result.stopped
    # The model passed after the best epoch is the best model.
    np.testing.assert_array_equal(epochs[best][1].get_weights(0), result.model.get_weights(0))
    assert result.test_loss == result.model.loss(images[:20])
    assert result.model.config["threads"] == 0  # like the CLI's model files
    assert result.model.dataset == ("arrays", "shuffled", 48, 12)
    assert str(result.model.dataset) == "arrays (split shuffled 48/12)"


def test_on_epoch_returning_true_stops(images):
    result = spikeae.fit(images, epochs=5, **SMALL, on_epoch=lambda m, _: m["epoch"] == 2)
    assert len(result.history) == 2 and result.stopped


def test_exceptions_in_callbacks_stop_and_propagate(images):
    class Boom(Exception):
        pass

    def on_progress(progress):
        if progress["epoch"] == 2:
            raise Boom("from the callback")

    with pytest.raises(Boom, match="from the callback") as caught:
        spikeae.fit(images, epochs=4, batch_size=48, **SMALL, on_progress=on_progress)
    # The exception came at the end of epoch 2's only batch: epoch 2 completes.
    result = caught.value.fit_result
    assert result.stopped and result.best_epoch >= 1 and len(result.history) == 2
    assert "on_progress" in "".join(str(frame) for frame in caught.traceback)


def test_training_continues_from_a_model(images):
    first = spikeae.fit(images, epochs=2, **SMALL)
    more = spikeae.fit(images, model=first.final_model, epochs=1, learning_rate=0.005,
                       train_size=48, validation_size=12)
    assert more.model.epochs_trained == 3
    assert more.model.config["learning_rate"] == 0.005
    assert more.model.config["n_hidden"] == 6 and more.model.config["seed"] == 1
    with pytest.raises(spikeae.SpikeaeError, match="n_hidden cannot change"):
        spikeae.fit(images, model=first.model, epochs=1, n_hidden=7, **{
            k: v for k, v in SMALL.items() if k != "n_hidden"})
    with pytest.raises(spikeae.SpikeaeError, match="layer_sizes cannot be given"):
        spikeae.fit(images, model=first.model, layer_sizes=[36, 6, 36], train_size=48,
                    validation_size=12)


def test_same_options_give_the_same_model(images):
    a = spikeae.fit(images, epochs=2, seed=4, threads=1, **SMALL).model
    b = spikeae.fit(images, epochs=2, seed=4, threads=2, **SMALL).model
    assert a.__getstate__() == b.__getstate__()


def test_fit_errors(images):
    with pytest.raises(spikeae.SpikeaeError, match="fewer than train_size"):
        spikeae.fit(images, epochs=1, train_size=54000)
    with pytest.raises(TypeError, match="unexpected keyword argument 'epoch'"):
        spikeae.fit(images, epoch=1, **SMALL)
    with pytest.raises(spikeae.SpikeaeError, match="invalid batch_size"):
        spikeae.fit(images, batch_size=0, **SMALL)
    with pytest.raises(spikeae.SpikeaeError, match=r"brightness in \[0, 1\]"):
        spikeae.fit(images.astype(float), **SMALL)  # bytes as floats: not brightness
    with pytest.raises(spikeae.SpikeaeError, match="6x6 but test images are 4x9"):
        spikeae.fit(images, test_images=np.zeros((3, 4, 9), dtype=np.uint8), **SMALL)


CTRL_C_SCRIPT = textwrap.dedent("""
    import os, signal, threading, time, traceback
    import numpy as np
    import spikeae

    rng = np.random.default_rng(0)
    # Epochs long enough (about 0.3 s or more) that the Ctrl-C 0.02 s into epoch 2
    # cannot arrive after it ends.
    images = rng.integers(0, 256, size=(10000, 20, 20), dtype=np.uint8)
    started = time.monotonic()

    def on_epoch(metrics, model):
        # Ctrl-C from outside, while the engine is busy with epoch 2.
        threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT)).start()

    try:
        spikeae.fit(images, test_images=images[:50], train_size=9900, validation_size=100,
                    n_hidden=32, epochs=50, threads=1, on_epoch=on_epoch)
        print("not interrupted")
    except KeyboardInterrupt as interrupt:
        result = interrupt.fit_result
        frames = traceback.extract_tb(interrupt.__traceback__)
        print("interrupted", result.best_epoch, len(result.history), result.stopped,
              result.test_loss is not None, round(time.monotonic() - started, 1),
              ",".join(frame.name for frame in frames))
""")


def test_ctrl_c_stops_cleanly_and_keeps_the_best_model():
    env = dict(os.environ)
    completed = subprocess.run([sys.executable, "-c", CTRL_C_SCRIPT], capture_output=True,
                               text=True, timeout=120, env=env)
    assert completed.returncode == 0, completed.stderr
    words = completed.stdout.split()
    # Stopped during epoch 2 by the engine's check between batches (not inside a
    # callback), with epoch 1's model kept and tested.
    assert words[:5] == ["interrupted", "1", "1", "True", "True"], completed.stdout
    assert "on_epoch" not in words[6], completed.stdout


def test_own_images_are_split_by_default(images):
    # A tenth of the images validates, the rest trains (not the CLI's 54000/6000).
    result = spikeae.fit(images, epochs=1, n_hidden=6, n_pulses=3)
    assert result.model.dataset == ("arrays", "shuffled", 54, 6)
    assert spikeae.fit(images[:5], epochs=1, n_hidden=6).model.dataset[2:] == (4, 1)
    # Explicit sizes win, and are checked.
    given = spikeae.fit(images, epochs=1, n_hidden=6, validation_size=20)
    assert given.model.dataset[2:] == (40, 20)
    with pytest.raises(spikeae.SpikeaeError, match="fewer than train_size"):
        spikeae.fit(images, epochs=1, train_size=58)  # + the default 6 validation images
    with pytest.raises(spikeae.SpikeaeError, match="leave none for training"):
        spikeae.fit(images[:1], epochs=1)
    ann = spikeae.fit_ann(images, epochs=1, hidden=4)
    assert ann.best_epoch == 1


def test_a_named_data_set_keeps_the_cli_split(images, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for prefix in ("train", "t10k"):
        spikeae.write_idx_images(folder / f"{prefix}-images-idx3-ubyte", images)
        spikeae.write_idx_labels(folder / f"{prefix}-labels-idx1-ubyte",
                                 np.zeros(60, dtype=np.uint8))
    cli_split = r"train_size \+ validation_size = (54000 \+ 6000|60000)"
    with pytest.raises(spikeae.SpikeaeError, match=cli_split):
        spikeae.fit(dataset="mnist", data_dir=tmp_path, epochs=1)
    # The same images as a Data are own images: split 54/6.
    data = spikeae.load_dataset("mnist", tmp_path)
    assert data.name == "mnist"
    result = spikeae.fit(data, epochs=1, n_hidden=6)
    assert str(result.model.dataset) == "mnist (split shuffled 54/6)"


def test_fit_takes_a_data_object(images, idx_files):
    data = spikeae.Data(images, np.arange(60) % 10, images[:20], None, name="bars")
    result = spikeae.fit(data, epochs=1, **SMALL)
    assert str(result.model.dataset) == "bars (split shuffled 48/12)"
    assert result.test_loss == result.model.loss(images[:20])
    same = spikeae.fit(images, test_images=images[:20], epochs=1, **SMALL)
    assert same.model.get_weights(0).tobytes() == result.model.get_weights(0).tobytes()
    with pytest.raises(spikeae.SpikeaeError, match="give it alone"):
        spikeae.fit(data, test_images=images)
    # Own IDX files are split like arrays.
    files = spikeae.fit(idx_files["train_images"], epochs=1, n_hidden=6)
    assert files.model.dataset == (idx_files["train_images"], "shuffled", 135, 15)


def test_fit_takes_brightness_floats_as_their_bytes(images):
    floats = spikeae.fit(images / 255.0, epochs=1, **SMALL).model
    assert floats.__getstate__() == spikeae.fit(images, epochs=1, **SMALL).model.__getstate__()


def test_out_folder_holds_one_run(images, tmp_path):
    out = tmp_path / "run"
    spikeae.fit(images, epochs=1, n_hidden=6, n_pulses=3, out=out)
    model = (out / "model.spikeae").read_bytes()
    metrics = (out / "metrics.jsonl").read_text()
    with pytest.raises(spikeae.SpikeaeError, match="already holds a run"):
        spikeae.fit(images, epochs=1, n_hidden=6, n_pulses=3, seed=5, out=out)
    assert (out / "model.spikeae").read_bytes() == model
    assert (out / "metrics.jsonl").read_text() == metrics
    spikeae.fit(images, epochs=1, n_hidden=6, n_pulses=3, seed=5, out=out, overwrite=True)
    assert spikeae.Model.load(out / "model.spikeae").seed == 5
    last = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])
    assert set(last) == {"test_loss", "best_epoch", "mean_image_loss", "plateau"}


def test_a_folder_in_use_is_refused(images, tmp_path):
    out = tmp_path / "busy"
    holder = spikeae._core.RunFolder(str(out), "new")  # as a running fit holds it
    try:
        with pytest.raises(spikeae.SpikeaeError, match="in use by another spikeae run"):
            spikeae.fit(images, epochs=1, n_hidden=6, out=out)
    finally:
        holder.close()
    spikeae.fit(images, epochs=1, n_hidden=6, out=out)


def test_no_validation_images_is_refused(images):
    with pytest.raises(spikeae.SpikeaeError, match="validation_size must be at least 1"):
        spikeae.fit(images, epochs=1, n_hidden=6, validation_size=0)


def test_plateau_is_reported(images):
    with pytest.warns(RuntimeWarning, match="mean-image loss"):
        result = spikeae.fit(images, epochs=1, n_hidden=6, learning_rate=0,
                             learning_rate_pulses=0)
    assert result.plateau and result.mean_image_loss > 0


@pytest.mark.filterwarnings("ignore:the best validation loss:RuntimeWarning")
def test_a_run_folder_gets_the_report_page_with_the_test_images(images, tmp_path):
    out = tmp_path / "reported"
    result = spikeae.fit(images[:50], None, images[50:], None, epochs=2, n_hidden=6, n_pulses=3,
                         out=out)
    page = (out / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    # The run protocol measured the test images it was given (10 here), not a data set's.
    assert "arrays test images" in page and "Over the first 10 test images" in page
    assert f"{result.history[-1]['validation_loss']:.5f}"[:6] in page


KILLED_AFTER_EPOCH_2 = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import spikeae

    def on_epoch(metrics, model):
        if metrics["epoch"] == 2:  # the checkpoint of epoch 2 is saved before this call
            os.kill(os.getpid(), signal.SIGKILL)

    spikeae.fit(np.load(sys.argv[1]), epochs=3, out=sys.argv[2], on_epoch=on_epoch,
                **{SMALL!r})
""").replace("{SMALL!r}", repr(SMALL))


def metrics_without_times(folder):
    """metrics.jsonl's lines without their wall times."""
    lines = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    return [{key: value for key, value in line.items()
             if key not in ("seconds", "examples_per_second")} for line in lines]


@pytest.mark.filterwarnings("ignore:the best validation loss:RuntimeWarning")
def test_a_killed_run_resumes_to_the_uninterrupted_runs_files(images, tmp_path):
    np.save(tmp_path / "images.npy", images)
    killed = tmp_path / "killed"
    completed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_EPOCH_2, str(tmp_path / "images.npy"), str(killed)],
        capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert completed.returncode == -9, completed.stderr
    assert (killed / "checkpoint.spikeae").exists() and not (killed / "model.spikeae").exists()

    straight = spikeae.fit(images, epochs=3, **SMALL, out=tmp_path / "straight")
    # Options left out keep the checkpoint's; the data arguments must describe the same data,
    # and epochs and threads may change.
    resumed = spikeae.fit(images, train_size=48, validation_size=12, epochs=3, threads=2,
                          out=killed, resume=True)
    assert resumed.resumed_epoch == 2 and straight.resumed_epoch is None
    assert (killed / "model.spikeae").read_bytes() == \
        (tmp_path / "straight" / "model.spikeae").read_bytes()
    assert metrics_without_times(killed) == metrics_without_times(tmp_path / "straight")
    assert resumed.model.__getstate__() == straight.model.__getstate__()
    assert resumed.final_model.__getstate__() == straight.final_model.__getstate__()
    assert [m["epoch"] for m in resumed.history] == [1, 2, 3]
    assert [m["validation_loss"] for m in resumed.history] == \
        [m["validation_loss"] for m in straight.history]
    assert resumed.model.config["learning_rate"] == SMALL["learning_rate"]  # the checkpoint's
    assert (resumed.best_epoch, resumed.test_loss) == (straight.best_epoch, straight.test_loss)


@pytest.mark.filterwarnings("ignore:the best validation loss:RuntimeWarning")
def test_resume_refuses_what_would_change_the_run(images, tmp_path):
    out = tmp_path / "stopped"
    spikeae.fit(images, epochs=3, **SMALL, out=out, on_epoch=lambda m, _: m["epoch"] == 1)
    checkpoint = (out / "checkpoint.spikeae").read_bytes()
    changed = dict(SMALL, learning_rate=0.02, n_pulses=4)
    with pytest.raises(spikeae.SpikeaeError) as refused:
        spikeae.fit(images, epochs=3, **changed, out=out, resume=True)
    assert str(refused.value) == (
        f"resume=True continues the run of {out / 'checkpoint.spikeae'} as it was started, but "
        "learning_rate 0.02 (checkpoint: 0.01), n_pulses 4 (checkpoint: 3): only epochs and "
        "threads can change; leave the other options out, or start a new run in another out "
        "folder (or with overwrite=True)")
    with pytest.raises(spikeae.SpikeaeError, match="epochs 0 is fewer than the 1 epochs"):
        spikeae.fit(images, epochs=0, **SMALL, out=out, resume=True)
    with pytest.raises(spikeae.SpikeaeError, match="was made on arrays .split shuffled 48/12."):
        spikeae.fit(images, epochs=3, out=out, resume=True)  # another split
    with pytest.raises(spikeae.SpikeaeError, match="cannot be combined with model="):
        spikeae.fit(images, model=spikeae.Model(input_size=36, n_hidden=6), out=out,
                    resume=True)
    with pytest.raises(spikeae.SpikeaeError, match="cannot be combined"):
        spikeae.fit(images, **SMALL, out=out, resume=True, overwrite=True)
    with pytest.raises(spikeae.SpikeaeError, match="give it as out="):
        spikeae.fit(images, **SMALL, resume=True)
    assert (out / "checkpoint.spikeae").read_bytes() == checkpoint  # nothing was touched

    resumed = spikeae.fit(images, **SMALL, out=out, resume=True)  # the checkpoint's 3 epochs
    assert resumed.resumed_epoch == 1 and [m["epoch"] for m in resumed.history] == [1, 2, 3]
    assert np.isnan(resumed.history[0]["test_loss"])  # checkpoints keep no test losses
    (out / "checkpoint.spikeae").unlink()
    with pytest.raises(spikeae.SpikeaeError, match="holds a run without a checkpoint"):
        spikeae.fit(images, **SMALL, out=out, resume=True)
    # A folder without a run starts one.
    fresh = spikeae.fit(images, epochs=1, **SMALL, out=tmp_path / "new", resume=True)
    assert fresh.resumed_epoch is None and (tmp_path / "new" / "model.spikeae").exists()
