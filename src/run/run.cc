// The training protocol shared by `spikeae train` and spikeae.fit (include/spikeae/run.h).
#include "spikeae/run.h"

#include <limits>
#include <utility>

#include "run/run_sets.h"
#include "spikeae/data_description.h"
#include "spikeae/error.h"
#include "spikeae/memory_check.h"
#include "spikeae/run_files.h"
#include "spikeae/run_report.h"

namespace spikeae {
namespace {

// The split and the three noise streams (run_sets.h), memory checked before encoding.
RunSets<ExampleSet> prepare_sets(const TrainingConfig& config, const SplitOptions& split,
                                 RunData data) {
  RunImages images = split_run_data(std::move(data), split, config.train.seed);
  check_training_memory(config, images.train.size() + images.validation.size() + images.test.size(),
                        images.train.pixels_per_image());
  return make_run_sets(std::move(images), config.train.seed,
                       [&config](Dataset set, std::uint64_t noise_seed) {
                         return make_example_set(std::move(set), config.encoding, noise_seed);
                       });
}

std::string describe_data(const RunSpec& spec) {
  return DataDescription{spec.data_name, spec.split.shuffled ? "shuffled" : "sequential",
                         spec.split.train_size, spec.split.validation_size}
      .text();
}

// The checkpoint of the run in the folder, when resuming one; same data only.
std::optional<Checkpoint> read_checkpoint(const RunSpec& spec, const RunFolder* folder,
                                          const std::string& description) {
  if (folder == nullptr || spec.folder_mode != RunFolderMode::kResume || !folder->has_checkpoint())
    return std::nullopt;
  const std::filesystem::path path = folder->path() / kCheckpointFile;
  Checkpoint checkpoint = load_checkpoint(path);
  if (checkpoint.dataset != description) {
    throw Error(path.string() + " was made on " + checkpoint.dataset + ", not on " + description +
                ": resume with the same data flags");
  }
  if (spec.on_resume) checkpoint.config = spec.on_resume(checkpoint);
  return checkpoint;  // validated with a new run's config, before the data are prepared
}

// report.html beside the run's files, which are safe already: a failure is returned.
std::string write_report(const std::filesystem::path& folder, const Dataset& test_images,
                         const RunSpec& spec) {
  const std::string from =
      spec.test_name.empty() ? spec.data_name + " test images" : spec.test_name;
  try {
    write_run_report(folder, {test_images, from});
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

RunOutcome run_training(const RunSpec& spec, RunData data, const RunCallbacks& callbacks,
                        std::optional<Network> start) {
  const std::string description = describe_data(spec);
  std::optional<RunFolder> folder;
  if (!spec.folder.empty()) folder.emplace(spec.folder, spec.folder_mode);
  std::optional<Checkpoint> checkpoint =
      read_checkpoint(spec, folder ? &*folder : nullptr, description);
  const TrainingConfig config = checkpoint ? checkpoint->config : spec.config;
  validate(config);
  const RunSets<ExampleSet> sets = prepare_sets(config, spec.split, std::move(data));
  if (folder && !checkpoint) folder->clear_earlier_run();
  TrainingState state =
      checkpoint ? std::move(checkpoint->state)
                 : start_training(start ? std::move(*start)
                                        : make_network(config.architecture, config.neuron,
                                                       config.init, config.train.seed));
  if (callbacks.on_start) {
    callbacks.on_start({config, sets.train, sets.validation, sets.test, state.network,
                        checkpoint ? state.epoch : 0, checkpoint ? state.position : 0,
                        folder ? folder->stale_files_removed() : 0});
  }
  std::optional<MetricsLog> log;
  if (folder) log.emplace(folder->path() / kMetricsFile, state.history);
  const std::unique_ptr<Engine> engine = make_cpu_engine(config.train.threads);
  const double latency = config.loss.latency;
  TrainCallbacks train_callbacks;
  train_callbacks.on_progress = callbacks.on_progress;
  train_callbacks.stop_requested = callbacks.stop_requested;
  if (folder) {
    train_callbacks.on_checkpoint = [&](const TrainingState& current) {
      save_checkpoint(folder->path() / kCheckpointFile, {config, description, current});
    };
  }
  train_callbacks.on_epoch = [&](const EpochMetrics& metrics, const Network& network) {
    const double test_loss = spec.test_every_epoch && sets.test.size() > 0
                                 ? evaluate_loss(network, sets.test, latency, *engine)
                                 : std::numeric_limits<double>::quiet_NaN();
    if (log) log->epoch(metrics, test_loss);
    if (callbacks.on_epoch) callbacks.on_epoch(metrics, network, test_loss);
  };
  RunOutcome outcome{config,
                     description,
                     resume_training(std::move(state), config, sets.train, sets.validation,
                                     train_callbacks, *engine),
                     {},
                     ""};
  outcome.summary = summarize_run(outcome.result, sets.test, sets.validation, latency, *engine);
  if (folder && outcome.result.best_epoch > 0) {
    write_run_files(folder->path(),
                    {outcome.result.best_network, config, outcome.result.best_epoch,
                     outcome.result.best_validation_loss, description},
                    sets.test, outcome.summary, *log);
    if (!outcome.result.stopped) {
      outcome.report_problem = write_report(folder->path(), sets.test.images, spec);
    }
  }
  return outcome;
}

}  // namespace spikeae
