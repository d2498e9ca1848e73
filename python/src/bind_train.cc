// Training from Python: the CLI's protocol with Python callbacks, the GIL released
// while the engine runs, and Ctrl-C (or an exception in a callback) ending the
// run cleanly between batches.
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "convert.h"
#include "run_control.h"
#include "spikeae/error.h"
#include "spikeae/memory_check.h"
#include "spikeae/random.h"
#include "spikeae/run_files.h"
#include "spikeae/run_folder.h"

namespace spikeae::python {
namespace {

// What the callbacks share. Every py::object here is touched only with the GIL held.
struct RunState : RunControl {
  const py::object& on_epoch;
  const py::object& on_progress;
  const TrainingConfig& config;
  int epochs_before;  // of the model whose training continues
};

py::dict progress_to_dict(const Progress& p) {
  py::dict d;
  d["epoch"] = p.epoch;
  d["examples_done"] = p.examples_done;
  d["examples_total"] = p.examples_total;
  d["seconds"] = p.seconds;
  d["mean_loss"] = p.mean_loss;
  return d;
}

void call_on_progress(RunState& run, const Progress& progress) {
  if (run.on_progress.is_none()) return;
  py::gil_scoped_acquire acquire;
  if (run.stop) return;
  try {
    run.on_progress(progress_to_dict(progress));
  } catch (const py::error_already_set& error) {
    run.remember(error);
  }
}

void call_on_epoch(RunState& run, const EpochMetrics& metrics, const Network& network) {
  if (run.on_epoch.is_none()) return;
  // Called for every completed epoch, even after a stop was requested, so that the
  // Python side sees the whole history.
  py::gil_scoped_acquire acquire;
  try {
    const py::object model = py::cast(Model{SavedModel{
        network, run.config, run.epochs_before + metrics.epoch, metrics.validation_loss, ""}});
    // Returning True asks to stop after this epoch.
    if (run.on_epoch(metrics_to_dict(metrics), model).is(py::bool_(true))) run.stop = true;
  } catch (const py::error_already_set& error) {
    run.remember(error);
  }
}

py::dict train_from_python(const TrainingConfig& config, const std::optional<Model>& start,
                           const Bytes& train_images, const Bytes& validation_images,
                           const py::object& on_epoch, const py::object& on_progress,
                           double check_seconds, const std::string& dataset) {
  validate(config);
  Dataset train_data = to_dataset(train_images, std::nullopt);
  Dataset validation_data = to_dataset(validation_images, std::nullopt);
  // The thread count does not change the result; models keep 0 like the CLI's files.
  TrainingConfig kept = config;
  kept.train.threads = 0;
  const int before = start ? start->saved.epochs_trained : 0;
  RunState run{{check_seconds}, on_epoch, on_progress, kept, before};
  TrainCallbacks callbacks;
  callbacks.stop_requested = [&run] { return run.stop_requested(); };
  callbacks.on_progress = [&run](const Progress& p) { call_on_progress(run, p); };
  callbacks.on_epoch = [&run](const EpochMetrics& m, const Network& n) {
    call_on_epoch(run, m, n);
  };
  TrainResult result;
  double mean_image = 0.0;
  {
    py::gil_scoped_release release;
    check_training_memory(config, train_data.size() + validation_data.size(),
                          train_data.pixels_per_image());
    const std::uint64_t seed = config.train.seed;
    const ExampleSet train_set = make_example_set(std::move(train_data), config.encoding,
                                                  derive_seed(seed, Stream::kTrainNoise));
    const ExampleSet validation_set = make_example_set(std::move(validation_data), config.encoding,
                                                       derive_seed(seed, Stream::kValidationNoise));
    mean_image = mean_image_loss(validation_set);
    Network network = start ? start->saved.network
                            : make_network(config.architecture, config.neuron, config.init, seed);
    result = train_network(std::move(network), config, train_set, validation_set, callbacks);
  }
  const double last_loss = result.history.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                  : result.history.back().validation_loss;
  const double best_loss = result.best_epoch > 0 ? result.best_validation_loss
                                                 : std::numeric_limits<double>::quiet_NaN();
  py::list history;
  for (const EpochMetrics& m : result.history) history.append(metrics_to_dict(m));
  py::dict out;
  out["best"] =
      Model{SavedModel{result.best_network, kept, before + result.best_epoch, best_loss, dataset}};
  out["final"] =
      Model{SavedModel{result.final_network, kept, before + static_cast<int>(result.history.size()),
                       last_loss, dataset}};
  out["best_epoch"] = result.best_epoch;
  out["best_validation_loss"] = best_loss;
  out["history"] = history;
  out["stopped"] = result.stopped;
  out["mean_image_loss"] = mean_image;
  out["plateau"] = result.best_epoch > 0 && on_mean_image_plateau(best_loss, mean_image);
  out["pending"] = run.pending;
  return out;
}

EpochMetrics metrics_from_dict(const py::dict& d) {
  EpochMetrics m;
  m.epoch = d["epoch"].cast<int>();
  m.train_loss = d["train_loss"].cast<double>();
  m.validation_loss = d["validation_loss"].cast<double>();
  m.seconds = d["seconds"].cast<double>();
  m.examples_per_second = d["examples_per_second"].cast<double>();
  m.best = d["best"].cast<bool>();
  return m;
}

// The run files of spikeae train, from a fit's best model and its test images.
void write_fit_files(const std::string& folder, const Model& best, const std::string& dataset,
                     const std::optional<Bytes>& test_images, const py::dict& summary,
                     MetricsLog& log) {
  RunSummary run;
  run.best_epoch = summary["best_epoch"].cast<int>();
  run.test_loss = summary["test_loss"].cast<double>();
  run.mean_image_loss = summary["mean_image_loss"].cast<double>();
  run.plateau = summary["plateau"].cast<bool>();
  SavedModel model = best.saved;
  model.dataset = dataset;
  std::optional<ExampleSet> test;
  if (test_images) {
    Dataset data = to_dataset(*test_images, std::nullopt);
    py::gil_scoped_release release;
    test = make_example_set(std::move(data), model.config.encoding,
                            derive_seed(model.config.train.seed, Stream::kTestNoise));
  }
  py::gil_scoped_release release;
  write_run_files(folder, std::move(model), test ? &*test : nullptr, run, log);
}

// A run folder held from Python: `close` (or the end of a `with` block) releases it.
struct PyRunFolder {
  std::unique_ptr<RunFolder> folder;
};

RunFolderMode folder_mode(const std::string& mode) {
  if (mode == "new") return RunFolderMode::kNew;
  if (mode == "overwrite") return RunFolderMode::kOverwrite;
  if (mode == "resume") return RunFolderMode::kResume;
  throw Error("unknown run folder mode \"" + mode + "\": expected new, overwrite or resume");
}

}  // namespace

void bind_train(py::module_& m) {
  py::class_<MetricsLog>(m, "MetricsLog", "metrics.jsonl of a run, rewritten atomically.")
      .def(py::init([](const std::string& path) {
             return MetricsLog(path, {});
           }),
           py::arg("path"))
      .def(
          "epoch",
          [](MetricsLog& log, const py::dict& metrics, double test_loss) {
            log.epoch(metrics_from_dict(metrics), test_loss);
          },
          py::arg("metrics"), py::arg("test_loss"));
  m.def("write_run_files", &write_fit_files, py::arg("folder"), py::arg("best"),
        py::arg("dataset"), py::arg("test_images"), py::arg("summary"), py::arg("log"),
        "Writes model.spikeae, reconstructions.png, hyperparameters.tsv and the log's last line.");
  py::class_<PyRunFolder>(m, "RunFolder",
                          "A run's output folder, locked while held (see docs/robustness.md).")
      .def(py::init([](const std::string& path, const std::string& mode) {
             return PyRunFolder{std::make_unique<RunFolder>(path, folder_mode(mode))};
           }),
           py::arg("path"), py::arg("mode"))
      .def("clear_earlier_run",
           [](PyRunFolder& f) {
             if (f.folder) f.folder->clear_earlier_run();
           })
      .def("close", [](PyRunFolder& f) { f.folder.reset(); });
  m.def("train", &train_from_python, py::arg("config"), py::arg("start"), py::arg("train_images"),
        py::arg("validation_images"), py::arg("on_epoch"), py::arg("on_progress"),
        py::arg("check_seconds"), py::arg("dataset"),
        "Trains (or continues training `start`) as spikeae train does; returns a dict.");
}

}  // namespace spikeae::python
