// spikeae train: the full protocol (split, train, validate every epoch, test the
// best-validation model) with a saved model, metrics and a picture.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <set>

#include "commands.h"
#include "data_flags.h"
#include "hyperparameter_flags.h"
#include "progress.h"
#include "resume_flags.h"
#include "spikeae/atomic_file.h"
#include "spikeae/checkpoint.h"
#include "spikeae/data_description.h"
#include "spikeae/error.h"
#include "spikeae/memory_check.h"
#include "spikeae/model_file.h"
#include "spikeae/random.h"
#include "spikeae/run_files.h"
#include "spikeae/run_folder.h"

namespace spikeae::cli {
namespace {

struct TrainFlags {
  HyperparameterFlags hyperparameters;
  DataFlags data;
  SplitFlags split;
  std::string out = "runs/default";
  bool test_every_epoch = false;
  bool resume = false;
  bool overwrite = false;
  std::set<std::string> given;  // flags typed on the command line, by their first name
};

volatile std::sig_atomic_t g_interrupted = 0;

void on_interrupt(int) { g_interrupted = 1; }

struct PreparedData {
  ExampleSet train, validation, test;
};

PreparedData prepare_data(const TrainFlags& flags, const TrainingConfig& config) {
  TrainTestData data = load_data(flags.data);
  TrainValidation split =
      split_train_validation(data.train, split_options(flags.split), config.train.seed);
  const std::size_t images = split.train.size() + split.validation.size() + data.test.size();
  check_training_memory(config, images, data.train.pixels_per_image());
  const std::uint64_t seed = config.train.seed;
  return {make_example_set(std::move(split.train), config.encoding,
                           derive_seed(seed, Stream::kTrainNoise)),
          make_example_set(std::move(split.validation), config.encoding,
                           derive_seed(seed, Stream::kValidationNoise)),
          make_example_set(std::move(data.test), config.encoding,
                           derive_seed(seed, Stream::kTestNoise))};
}

void print_header(const TrainingConfig& config, const PreparedData& data, const Network& network) {
  std::string sizes;
  for (int size : config.architecture.layer_sizes)
    sizes += (sizes.empty() ? "" : "-") + std::to_string(size);
  std::printf("spikeae train: %s with %d pulses per layer, %zu parameters\n", sizes.c_str(),
              config.architecture.n_pulses, network.parameter_count());
  std::printf("data: %zu training, %zu validation, %zu test images; noise %g, latency %g, %s\n",
              data.train.size(), data.validation.size(), data.test.size(),
              config.encoding.noise_factor, config.loss.latency,
              config.encoding.inverted ? "inverted encoding" : "non-inverted encoding");
  std::printf("training: %d epochs, batch %d, %d threads, seed %llu\n", config.train.epochs,
              config.train.batch_size, resolve_thread_count(config.train.threads),
              static_cast<unsigned long long>(config.train.seed));
  std::fflush(stdout);
}

// What identifies the data of a run; a checkpoint only resumes on the same data.
std::string data_description(const TrainFlags& flags) {
  return DataDescription{data_name(flags.data), flags.split.order, flags.split.train_size,
                         flags.split.validation_size}
      .text();
}

RunFolderMode folder_mode(const TrainFlags& flags) {
  if (flags.resume && flags.overwrite) throw Error("--resume and --overwrite cannot be combined");
  if (flags.resume) return RunFolderMode::kResume;
  return flags.overwrite ? RunFolderMode::kOverwrite : RunFolderMode::kNew;
}

// The checkpoint of the run in the folder, with the flags that may change applied.
std::optional<Checkpoint> read_checkpoint(const TrainFlags& flags, const RunFolder& folder) {
  if (!flags.resume || !folder.has_checkpoint()) return std::nullopt;
  const std::filesystem::path path = folder.path() / "checkpoint.spikeae";
  Checkpoint checkpoint = load_checkpoint(path);
  if (checkpoint.dataset != data_description(flags)) {
    throw Error(path.string() + " was made on " + checkpoint.dataset + ", not on " +
                data_description(flags) + ": resume with the same data flags");
  }
  check_resume_flags(flags.hyperparameters, flags.given, checkpoint.config,
                     static_cast<std::size_t>(checkpoint.config.architecture.layer_sizes.front()),
                     path.string());
  const int done = checkpoint.state.epoch;
  if (flags.given.count("--epochs")) {
    if (flags.hyperparameters.epochs < done) {
      throw Error("--epochs " + std::to_string(flags.hyperparameters.epochs) +
                  " is fewer than the " + std::to_string(done) + " epochs " + path.string() +
                  " has completed");
    }
    checkpoint.config.train.epochs = flags.hyperparameters.epochs;
  }
  checkpoint.config.train.threads = flags.hyperparameters.threads;
  validate(checkpoint.config);
  return checkpoint;
}

void warn_if_plateau(const RunSummary& summary, double best_validation_loss) {
  if (!summary.plateau) return;
  std::fprintf(stderr,
               "warning: the best validation loss %.5f is not clearly below the mean-image loss "
               "%.5f: the network does no better than outputting the average image. More epochs, "
               "more training images or another learning_rate usually help (the paper's presets "
               "were tuned for 100 epochs on 54,000 images).\n",
               best_validation_loss, summary.mean_image_loss);
}

// Tests the best model, writes the run's files and says what they hold.
void finish_run(const RunFolder& folder, const TrainFlags& flags, const TrainingConfig& config,
                const PreparedData& data, const TrainResult& result, MetricsLog& log) {
  ThreadPool pool(config.train.threads);
  const RunSummary summary =
      summarize_run(result, &data.test, data.validation, config.loss.latency, pool);
  write_run_files(folder.path(),
                  {result.best_network, config, result.best_epoch, result.best_validation_loss,
                   data_description(flags)},
                  &data.test, summary, log);
  std::printf("best epoch %d: validation loss %.5f, test loss %.5f\n", result.best_epoch,
              result.best_validation_loss, summary.test_loss);
  warn_if_plateau(summary, result.best_validation_loss);
  std::printf(
      "wrote %s/{model.spikeae, metrics.jsonl, reconstructions.png, hyperparameters.tsv, "
      "checkpoint.spikeae}\n",
      folder.path().string().c_str());
}

TrainResult train_with_signals(TrainingState state, const TrainingConfig& config,
                               const PreparedData& data, const TrainCallbacks& callbacks) {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  TrainResult result =
      resume_training(std::move(state), config, data.train, data.validation, callbacks);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return result;
}

void run_train(const TrainFlags& flags) {
  // Options first: a bad flag fails before the folder or the data are touched.
  const TrainingConfig asked = resolve_config(flags.hyperparameters);
  RunFolder folder(flags.out, folder_mode(flags));
  std::optional<Checkpoint> checkpoint = read_checkpoint(flags, folder);
  TrainingConfig config = checkpoint ? checkpoint->config : asked;
  const PreparedData data = prepare_data(flags, config);
  if (!checkpoint)
    config = resolve_config(flags.hyperparameters, data.train.images.pixels_per_image());
  const std::filesystem::path& out = folder.path();
  if (!checkpoint) folder.clear_earlier_run();
  TrainingState state = checkpoint ? std::move(checkpoint->state)
                                   : start_training(make_network(config.architecture, config.neuron,
                                                                 config.init, config.train.seed));
  print_header(config, data, state.network);
  if (folder.stale_files_removed() > 0) {
    std::printf("removed %zu temporary file(s) left in %s by stopped runs\n",
                folder.stale_files_removed(), out.string().c_str());
  }
  if (checkpoint) {
    std::printf("resuming after epoch %d (+%zu examples) from %s/checkpoint.spikeae, to epoch %d\n",
                state.epoch, state.position, out.string().c_str(), config.train.epochs);
  }
  MetricsLog log(out / "metrics.jsonl", state.history);
  ProgressPrinter printer(stdout, config.train.epochs);
  ThreadPool pool(config.train.threads);
  TrainCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) { printer.update(p); };
  callbacks.on_checkpoint = [&](const TrainingState& current) {
    save_checkpoint(out / "checkpoint.spikeae", {config, data_description(flags), current});
  };
  callbacks.on_epoch = [&](const EpochMetrics& m, const Network& current) {
    printer.epoch_done(m);
    // Optional learning curve on the test set (costs one test pass per epoch).
    const double test_loss = flags.test_every_epoch
                                 ? evaluate_loss(current, data.test, config.loss.latency, pool)
                                 : std::nan("");
    if (flags.test_every_epoch)
      std::printf("  test loss after epoch %d: %.5f\n", m.epoch, test_loss);
    log.epoch(m, test_loss);
  };
  callbacks.stop_requested = [] { return g_interrupted != 0; };
  const TrainResult result = train_with_signals(std::move(state), config, data, callbacks);
  if (result.stopped) {
    std::printf("\ninterrupted: checkpoint saved; continue with --resume --out %s\n",
                out.string().c_str());
  }
  if (result.best_epoch == 0) throw Error("no epoch completed: nothing to save");
  finish_run(folder, flags, config, data, result, log);
  if (result.stopped) {
    throw Error("training was interrupted after epoch " + std::to_string(result.history.size()));
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* command = app.add_subcommand(
      "train", "Train a spiking autoencoder, test its best-validation model, save it");
  add_hyperparameter_flags(*command, flags->hyperparameters);
  add_data_flags(*command, flags->data);
  add_split_flags(*command, flags->split);
  command->add_option("--out", flags->out, "Output folder (one run per folder)")
      ->capture_default_str();
  command->add_flag(both_spellings("--test-every-epoch"), flags->test_every_epoch,
                    "Also measure the test loss after every epoch (a learning curve)");
  command->add_flag("--resume", flags->resume,
                    "Continue the run in --out from its checkpoint.spikeae (bit-identical to an "
                    "uninterrupted run; only --epochs and --threads may change); starts it if "
                    "the folder holds no run");
  command->add_flag("--overwrite", flags->overwrite,
                    "Replace the run that --out holds (its files are removed when training "
                    "starts); without it such a folder is refused");
  command->callback([flags, command] {
    flags->given.clear();
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() > 0) flags->given.insert(option->get_name());
    }
    run_train(*flags);
  });
}

}  // namespace spikeae::cli
