// One training run, data in and files out: the protocol of `spikeae train` and
// spikeae.fit (split, noise streams, run folder, checkpoints and resume, the
// metrics log, testing the best model, the run's files). Front ends resolve their
// options and load their data, then call run_training with their callbacks.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "spikeae/checkpoint.h"
#include "spikeae/config.h"
#include "spikeae/dataset.h"
#include "spikeae/metrics_log.h"
#include "spikeae/run_folder.h"
#include "spikeae/trainer.h"

namespace spikeae {

struct RunSpec {
  TrainingConfig config;         // of a new run (a resumed one continues its checkpoint's)
  SplitOptions split;            // of the training file into training and validation images
  std::string data_name;         // names the data in the model file ("mnist", a path, "arrays")
  std::filesystem::path folder;  // the run folder; empty: write no files
  RunFolderMode folder_mode = RunFolderMode::kNew;
  bool test_every_epoch = false;  // also test after every epoch (a learning curve)
  // Where the test images came from, for report.html (empty: "<data_name> test images").
  std::string test_name;
  // With kResume and a checkpoint: the config to continue with, from the checkpoint's
  // (front ends apply what may change and refuse what may not, by throwing Error).
  std::function<TrainingConfig(const Checkpoint&)> on_resume;
};

struct RunData {
  Dataset training_file;  // split by RunSpec::split
  Dataset test;           // may be empty: no test loss, no picture
};

// What a run starts with, for a header line.
struct RunStart {
  const TrainingConfig& config;
  const ExampleSet& train;
  const ExampleSet& validation;
  const ExampleSet& test;
  const Network& network;
  int resumed_epoch = 0;             // epochs done by the checkpoint (0: a new run)
  std::size_t resumed_position = 0;  // examples done in the next epoch
  std::size_t stale_files_removed = 0;
};

struct RunCallbacks {
  std::function<void(const RunStart&)> on_start;
  std::function<void(const Progress&)> on_progress;
  // After every epoch; test_loss is NaN unless RunSpec::test_every_epoch.
  std::function<void(const EpochMetrics&, const Network&, double test_loss)> on_epoch;
  std::function<bool()> stop_requested;  // checked between batches
};

struct RunOutcome {
  TrainingConfig config;         // what was trained (the checkpoint's when resumed)
  std::string data_description;  // as stored in the model file
  TrainResult result;
  RunSummary summary;  // best epoch, test loss, mean-image plateau
  // Why report.html could not be written ("" when it was, or when nothing was to be):
  // the run's own files are safe by then, so this is a warning for the front end.
  std::string report_problem;
};

// Options a resumed run may change without changing the epochs already trained:
// the training length (more epochs) and the thread count.
bool may_change_on_resume(std::string_view option);

// The config a resumed run continues with: the checkpoint's, with `asked`'s thread
// count, and its epochs when `epochs_given`. Throws Error naming `checkpoint_name`
// when that is fewer epochs than the checkpoint completed.
TrainingConfig continued_config(const Checkpoint& checkpoint, const TrainingConfig& asked,
                                bool epochs_given, const std::string& checkpoint_name);

// How a front end words the refusal of a resume that changes an option, so that the
// message names what its user typed (`spikeae train` flags, spikeae.fit keywords).
struct ResumeWording {
  std::string resume;            // what asked to resume: "--resume", "resume=True"
  bool names_are_flags = false;  // options named by their CLI flag, else by their name
  std::string changeable;        // "--epochs and --threads"
  std::string instead;           // what to do instead, e.g. "drop the other flags, or ..."
};

// The config a resumed run continues with (continued_config, with epochs when `given`
// holds "epochs"), after checking the options the front end was given: `given` holds
// option names (OptionSpec::name; "preset" or "preset_file" give every paper column).
// Throws Error, worded by `wording`, listing each given option that
// may_change_on_resume does not allow whose value in `asked` differs from the
// checkpoint's.
TrainingConfig checked_resume_config(const Checkpoint& checkpoint, const TrainingConfig& asked,
                                     const std::set<std::string>& given,
                                     const ResumeWording& wording,
                                     const std::string& checkpoint_name);

// Runs (or, with kResume, continues) a training run. A run into a folder that
// completes (not stopped) ends by writing report.html (run_report.h) beside its files. `start`
// continues training that network instead of a new one. Throws Error before any file is changed
// when options, data, memory or the folder refuse the run.
RunOutcome run_training(const RunSpec& spec, RunData data, const RunCallbacks& callbacks,
                        std::optional<Network> start = std::nullopt);

}  // namespace spikeae
