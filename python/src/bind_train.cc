// Training from Python: the CLI's protocol with Python callbacks, the GIL released
// while the engine runs, and Ctrl-C (or an exception in a callback) ending the
// run cleanly between batches.
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "convert.h"
#include "run_control.h"
#include "spikeae/error.h"
#include "spikeae/run.h"
#include "spikeae/run_folder.h"

namespace spikeae::python {
namespace {

// What the callbacks share. Every py::object here is touched only with the GIL held.
struct RunState : RunControl {
  const py::object& on_epoch;
  const py::object& on_progress;
  TrainingConfig config;  // what is trained, threads 0 (a resumed run's: its checkpoint's)
  int epochs_before;      // of the model whose training continues
  std::optional<int> resumed_epoch;  // epochs the checkpoint of a resumed run had done
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

void call_on_epoch(RunState& run, const EpochMetrics& metrics, const Network& network,
                   double test_loss) {
  if (run.on_epoch.is_none()) return;
  // Called for every completed epoch, even after a stop was requested, so that the
  // Python side sees the whole history.
  py::gil_scoped_acquire acquire;
  try {
    const py::object model = py::cast(Model{SavedModel{
        network, run.config, run.epochs_before + metrics.epoch, metrics.validation_loss, ""}});
    // Returning True asks to stop after this epoch.
    if (run.on_epoch(metrics_to_dict(metrics, test_loss), model).is(py::bool_(true)))
      run.stop = true;
  } catch (const py::error_already_set& error) {
    run.remember(error);
  }
}

// Where a fit's data go: the training file (split by the protocol) and the test images.
struct FitData {
  const Bytes& training_file;
  std::size_t train_size, validation_size;
  bool shuffled;
  std::string name;
  std::optional<Bytes> test_images;
};

// The run folder of a fit ("" for none) and how to treat a run it holds.
struct FitFolder {
  std::string path;
  bool overwrite = false;
  bool resume = false;
  std::set<std::string> given;  // the options fit was given, checked against a checkpoint
};

// How a refused resume names spikeae.fit's keywords (the CLI names its flags).
const ResumeWording kKeywordWording{
    "resume=True", false, "epochs and threads",
    "leave the other options out, or start a new run in another out folder (or with "
    "overwrite=True)"};

RunFolderMode folder_mode(const FitFolder& folder) {
  if (folder.resume && folder.overwrite)
    throw Error("resume=True and overwrite=True cannot be combined");
  if (folder.resume) return RunFolderMode::kResume;
  return folder.overwrite ? RunFolderMode::kOverwrite : RunFolderMode::kNew;
}

RunSpec fit_spec(const TrainingConfig& config, const FitData& data, const FitFolder& folder,
                 bool test_every_epoch, RunState& run) {
  RunSpec spec;
  spec.config = config;
  spec.split = {data.train_size, data.validation_size, data.shuffled};
  spec.data_name = data.name;
  spec.folder = folder.path;
  spec.folder_mode = folder_mode(folder);
  spec.test_every_epoch = test_every_epoch;
  // Called (without the GIL) only when the folder's checkpoint is continued.
  spec.on_resume = [&config, &folder, &run](const Checkpoint& checkpoint) {
    const std::string path = (std::filesystem::path(folder.path) / kCheckpointFile).string();
    TrainingConfig continued =
        checked_resume_config(checkpoint, config, folder.given, kKeywordWording, path);
    run.config = continued;
    run.config.train.threads = 0;
    run.resumed_epoch = checkpoint.state.epoch;
    return continued;
  };
  return spec;
}

// The epochs a resumed run had done before, as fit's history shows them (the
// checkpoint keeps no test losses: NaN).
py::list earlier_history(const TrainResult& result, const RunState& run) {
  py::list earlier;
  if (!run.resumed_epoch) return earlier;
  for (const EpochMetrics& metrics : result.history) {
    if (metrics.epoch > *run.resumed_epoch) break;
    earlier.append(metrics_to_dict(metrics, std::numeric_limits<double>::quiet_NaN()));
  }
  return earlier;
}

py::dict outcome_to_dict(const RunOutcome& outcome, int before, const RunState& run) {
  const TrainingConfig& kept = run.config;
  const TrainResult& result = outcome.result;
  const RunSummary& summary = outcome.summary;
  py::dict out = run_result_dict(result.best_epoch, result.best_validation_loss, result.stopped,
                                 summary.test_loss, run);
  const double last_loss = result.history.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                  : result.history.back().validation_loss;
  out["best"] =
      Model{SavedModel{result.best_network, kept, before + result.best_epoch,
                       out["best_validation_loss"].cast<double>(), outcome.data_description}};
  out["final"] =
      Model{SavedModel{result.final_network, kept, before + static_cast<int>(result.history.size()),
                       last_loss, outcome.data_description}};
  out["resumed_epoch"] =
      run.resumed_epoch ? py::object(py::int_(*run.resumed_epoch)) : py::object(py::none());
  out["earlier_history"] = earlier_history(result, run);
  out["mean_image_loss"] = summary.mean_image_loss;
  out["plateau"] = summary.plateau;
  out["report_problem"] = outcome.report_problem;
  out["plateau_advice"] = summary.plateau ? mean_image_plateau_advice(result.best_validation_loss,
                                                                      summary.mean_image_loss)
                                          : std::string();
  return out;
}

// spikeae.fit: the protocol of spikeae train (run.h) with Python callbacks.
py::dict fit_from_python(const TrainingConfig& config, const std::optional<Model>& start,
                         const FitData& data, const FitFolder& folder, bool test_every_epoch,
                         const py::object& on_epoch, const py::object& on_progress,
                         double check_seconds) {
  // A checkpoint holds the network it continues, not the model a run started from.
  if (start && folder.resume)
    throw Error(
        "resume=True continues the network of the run folder's checkpoint: it "
        "cannot be combined with model=");
  RunData run_data = to_run_data(data.training_file, data.test_images);
  // The thread count does not change the result; models keep 0 like the CLI's files.
  TrainingConfig kept = config;
  kept.train.threads = 0;
  const int before = start ? start->saved.epochs_trained : 0;
  RunState run{{check_seconds}, on_epoch, on_progress, kept, before, std::nullopt};
  RunCallbacks callbacks;
  callbacks.stop_requested = [&run] { return run.stop_requested(); };
  callbacks.on_progress = [&run](const Progress& p) { call_on_progress(run, p); };
  callbacks.on_epoch = [&run](const EpochMetrics& m, const Network& n, double test_loss) {
    call_on_epoch(run, m, n, test_loss);
  };
  const RunSpec spec = fit_spec(config, data, folder, test_every_epoch, run);
  std::optional<RunOutcome> outcome;
  {
    py::gil_scoped_release release;
    outcome = run_training(spec, std::move(run_data), callbacks,
                           start ? std::optional<Network>(start->saved.network) : std::nullopt);
  }
  return outcome_to_dict(*outcome, before, run);
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
  m.def(
      "run_defaults",
      [] {
        const SplitOptions split;
        py::dict d;
        for (const OptionSpec& spec : option_table()) {
          if (spec.concern != "train" || spec.paper_column()) continue;
          d[py::str(std::string(spec.name))] = option_to_python(option_default(spec));
        }
        d["train_size"] = split.train_size;
        d["validation_size"] = split.validation_size;
        return d;
      },
      "Defaults of spikeae train and spikeae.fit outside the paper's table: the option "
      "table's training options and the split.");
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
  m.def(
      "fit",
      [](const TrainingConfig& config, const std::optional<Model>& start,
         const Bytes& training_file, std::size_t train_size, std::size_t validation_size,
         bool shuffled, const std::string& name, const std::optional<Bytes>& test_images,
         const std::string& folder, bool overwrite, bool resume, const std::set<std::string>& given,
         bool test_every_epoch, const py::object& on_epoch, const py::object& on_progress,
         double check_seconds) {
        const FitData data{training_file, train_size, validation_size, shuffled, name, test_images};
        const FitFolder run_folder{folder, overwrite, resume, given};
        return fit_from_python(config, start, data, run_folder, test_every_epoch, on_epoch,
                               on_progress, check_seconds);
      },
      py::arg("config"), py::arg("start"), py::arg("training_file"), py::arg("train_size"),
      py::arg("validation_size"), py::arg("shuffled"), py::arg("name"), py::arg("test_images"),
      py::arg("folder"), py::arg("overwrite"), py::arg("resume"), py::arg("given"),
      py::arg("test_every_epoch"), py::arg("on_epoch"), py::arg("on_progress"),
      py::arg("check_seconds"),
      "Runs spikeae train's protocol (or continues training `start`, or with `resume` the run "
      "in `folder` from its checkpoint, checking the option names `given` against it); "
      "returns a dict.");
}

}  // namespace spikeae::python
