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

#include "commands.h"
#include "data_flags.h"
#include "hyperparameter_flags.h"
#include "progress.h"
#include "reconstruction.h"
#include "spikeae/atomic_file.h"
#include "spikeae/checkpoint.h"
#include "spikeae/error.h"
#include "spikeae/model_file.h"
#include "spikeae/random.h"

namespace spikeae::cli {
namespace {

struct TrainFlags {
  HyperparameterFlags hyperparameters;
  DataFlags data;
  SplitFlags split;
  std::string out = "runs/default";
  bool test_every_epoch = false;
  bool resume = false;
  bool epochs_given = false;  // --epochs on the command line (may extend a resumed run)
};

volatile std::sig_atomic_t g_interrupted = 0;

void on_interrupt(int) { g_interrupted = 1; }

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// Appends one JSON object per line; flushed so a killed run keeps its history.
class MetricsLog {
 public:
  // Starts the file with the epochs already done (a resumed run), then appends.
  MetricsLog(const std::filesystem::path& path, const std::vector<EpochMetrics>& history) {
    {
      std::ofstream start(path, std::ios::trunc);
      if (!start) throw Error(path.string() + ": cannot write the metrics file");
    }
    file_.open(path, std::ios::app);
    for (const EpochMetrics& m : history) epoch(m, std::nan(""));
  }
  // test_loss NaN (not measured) is written as null.
  void epoch(const EpochMetrics& m, double test_loss) {
    file_ << "{\"epoch\":" << m.epoch << ",\"train_loss\":" << json_number(m.train_loss)
          << ",\"validation_loss\":" << json_number(m.validation_loss)
          << ",\"test_loss\":" << json_number(test_loss)
          << ",\"seconds\":" << json_number(m.seconds)
          << ",\"examples_per_second\":" << json_number(m.examples_per_second)
          << ",\"best\":" << (m.best ? "true" : "false") << "}" << std::endl;
  }
  void test(int best_epoch, double test_loss) {
    file_ << "{\"test_loss\":" << json_number(test_loss) << ",\"best_epoch\":" << best_epoch << "}"
          << std::endl;
  }

 private:
  std::ofstream file_;
};

struct PreparedData {
  ExampleSet train, validation, test;
};

PreparedData prepare_data(const TrainFlags& flags, const TrainingConfig& config) {
  TrainTestData data = load_data(flags.data);
  TrainValidation split =
      split_train_validation(data.train, split_options(flags.split), config.train.seed);
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
  return data_name(flags.data) + " (split " + flags.split.order + " " +
         std::to_string(flags.split.train_size) + "/" +
         std::to_string(flags.split.validation_size) + ")";
}

// The run's configuration: from the flags, or from the checkpoint when resuming
// (then only --epochs, if given, and --threads may change).
std::optional<Checkpoint> read_checkpoint(const TrainFlags& flags) {
  const std::filesystem::path path = std::filesystem::path(flags.out) / "checkpoint.spikeae";
  if (!flags.resume || !std::filesystem::exists(path)) return std::nullopt;
  Checkpoint checkpoint = load_checkpoint(path);
  if (checkpoint.dataset != data_description(flags)) {
    throw Error(path.string() + " was made on " + checkpoint.dataset + ", not on " +
                data_description(flags) + ": resume with the same data flags");
  }
  if (flags.epochs_given) checkpoint.config.train.epochs = flags.hyperparameters.epochs;
  checkpoint.config.train.threads = flags.hyperparameters.threads;
  validate(checkpoint.config);
  return checkpoint;
}

std::filesystem::path create_output_folder(const std::string& folder) {
  const std::filesystem::path out(folder);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error(out.string() + ": cannot create the output folder: " + ec.message());
  return out;
}

// Tests the best model and writes the run's files.
void finish_run(const TrainFlags& flags, const TrainingConfig& config, const PreparedData& data,
                const TrainResult& result, MetricsLog& log) {
  const std::filesystem::path out(flags.out);
  ThreadPool pool(config.train.threads);
  const double test_loss = evaluate_loss(result.best_network, data.test, config.loss.latency, pool);
  log.test(result.best_epoch, test_loss);
  // The thread count does not change the result; leaving it out makes model
  // files byte-identical across thread counts.
  TrainingConfig saved_config = config;
  saved_config.train.threads = 0;
  save_model(out / "model.spikeae", {result.best_network, saved_config, result.best_epoch,
                                     result.best_validation_loss, data_description(flags)});
  std::vector<std::size_t> shown(std::min<std::size_t>(10, data.test.size()));
  std::iota(shown.begin(), shown.end(), std::size_t{0});
  write_reconstruction_png(out / "reconstructions.png", result.best_network, data.test,
                           config.loss.latency, shown);
  write_file_atomically(out / "hyperparameters.tsv",
                        format_hyperparameter_table({row_from_config(config)}));
  std::printf("best epoch %d: validation loss %.5f, test loss %.5f\n", result.best_epoch,
              result.best_validation_loss, test_loss);
  std::printf("wrote %s/{model.spikeae, metrics.jsonl, reconstructions.png, hyperparameters.tsv}\n",
              out.string().c_str());
}

void run_train(const TrainFlags& flags) {
  std::optional<Checkpoint> checkpoint = read_checkpoint(flags);
  TrainingConfig config = checkpoint ? checkpoint->config : resolve_config(flags.hyperparameters);
  const PreparedData data = prepare_data(flags, config);
  if (!checkpoint)
    config = resolve_config_for_images(flags.hyperparameters, data.train.images.pixels_per_image());
  const std::filesystem::path out = create_output_folder(flags.out);
  TrainingState state = checkpoint ? std::move(checkpoint->state)
                                   : start_training(make_network(config.architecture, config.neuron,
                                                                 config.init, config.train.seed));
  print_header(config, data, state.network);
  if (checkpoint) {
    std::printf("resuming after epoch %d (+%zu examples) from %s/checkpoint.spikeae\n", state.epoch,
                state.position, out.string().c_str());
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
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const TrainResult result =
      resume_training(std::move(state), config, data.train, data.validation, callbacks);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (result.stopped) {
    std::printf("\ninterrupted: checkpoint saved; continue with --resume --out %s\n",
                out.string().c_str());
  }
  if (result.best_epoch == 0) throw Error("no epoch completed: nothing to save");
  finish_run(flags, config, data, result, log);
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
  command->add_option("--out", flags->out, "Output folder")->capture_default_str();
  command->add_flag("--test-every-epoch", flags->test_every_epoch,
                    "Also measure the test loss after every epoch (a learning curve)");
  command->add_flag("--resume", flags->resume,
                    "Continue the run in --out from its checkpoint.spikeae (bit-identical to an "
                    "uninterrupted run); starts it if there is none");
  CLI::Option* epochs = command->get_option("--epochs");
  command->callback([flags, epochs] {
    flags->epochs_given = epochs->count() > 0;
    run_train(*flags);
  });
}

}  // namespace spikeae::cli
