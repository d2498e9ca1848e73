// spikeae ann: the non-spiking baseline by the run protocol (split, train,
// validate every epoch, test the best-validation model); prints its losses.
// Its model files are Python's (spikeae.AnnModel.save), so it saves none.
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.h"
#include "data_flags.h"
#include "hyperparameter_flags.h"
#include "interrupts.h"
#include "spikeae/ann_run.h"
#include "spikeae/ann_stack.h"
#include "spikeae/error.h"

namespace spikeae::cli {
namespace {

struct AnnFlags {
  DataFlags data;
  SplitFlags split;
  AnnOptions options{.epochs = 20};  // fit_ann's default
  std::string encoder = "relu", decoder = "sigmoid";
  std::optional<std::string> architecture, layers;
  std::optional<std::vector<int>> layer_sizes;
  bool hidden_given = false;  // --hidden must then agree with a stack's middle layer
};

void print_epoch(const EpochMetrics& m, int epochs) {
  std::printf("epoch %d/%d  train %.6f  validation %.6f%s  %.2f s\n", m.epoch, epochs, m.train_loss,
              m.validation_loss, m.best ? " (best)" : "", m.seconds);
  std::fflush(stdout);
}

void run_ann(AnnFlags flags) {
  flags.options.encoder = parse_activation(flags.encoder);
  flags.options.decoder = parse_activation(flags.decoder);
  validate(flags.options);  // a bad flag fails before the data are read
  TrainTestData data = load_data(flags.data);
  const int pixels = static_cast<int>(data.train.pixels_per_image());
  const AnnModel start = make_requested_ann_model(
      pixels,
      {flags.architecture, flags.layer_sizes, flags.layers,
       flags.hidden_given ? std::optional<int>(flags.options.hidden) : std::nullopt},
      flags.options);
  std::printf("ANN %zu parameters on %s\n", start.parameter_count(), data_name(flags.data).c_str());
  AnnCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochMetrics& m, const AnnModel&) {
    print_epoch(m, flags.options.epochs);
  };
  callbacks.stop_requested = interrupt_requested;
  const AnnRunOutcome outcome = [&] {
    const InterruptHandlers interrupts;
    return run_ann_training({start, split_options(flags.split)},
                            {std::move(data.train), std::move(data.test)}, callbacks);
  }();
  std::printf("best epoch %d  validation %.6f  test %.6f\n", outcome.result.best_epoch,
              outcome.result.best_validation_loss, outcome.test_loss);
  if (outcome.result.stopped) {
    throw Error("training was interrupted after epoch " +
                std::to_string(outcome.result.history.size()));
  }
}

void add_model_flags(CLI::App& command, AnnFlags& flags) {
  command
      .add_option("--hidden", flags.options.hidden,
                  "Hidden units of the input-hidden-input model (with a stack: its middle layer)")
      ->capture_default_str()
      ->each([&flags](const std::string&) { flags.hidden_given = true; });
  command.add_option("--architecture", flags.architecture,
                     "Any stack of layers as the spiking network's --architecture, e.g. "
                     "28x28,conv:8:4:2:1,dense:32 (hidden layers use --encoder, the last "
                     "--decoder; conv and tconv share weights and one bias per channel)");
  command
      .add_option(both_spellings("--layer-sizes"), flags.layer_sizes,
                  "Neurons per layer, input to output, e.g. 784,256,32,256,784")
      ->delimiter(',');
  command.add_option("--layers", flags.layers,
                     "One spec per connection with --layer-sizes (dense, local:W, "
                     "conv:C_in:H:W:C_out:K:S:P, tconv:...); default all dense");
  command.add_option("--encoder", flags.encoder, "Hidden layers' activation")
      ->capture_default_str();
  command.add_option("--decoder", flags.decoder, "Output layer's activation")
      ->capture_default_str();
}

void add_training_flags(CLI::App& command, AnnFlags& flags) {
  AnnOptions& o = flags.options;
  command.add_flag("--inverted", o.encoding.inverted, "Inputs are 1 - brightness");
  command
      .add_option(both_spellings("--noise-factor"), o.encoding.noise_factor,
                  "The spiking model's input noise, in [0, 1]")
      ->capture_default_str();
  command.add_option("--epochs", o.epochs, "Passes over the training images")
      ->capture_default_str();
  command.add_option(both_spellings("--batch-size"), o.batch_size, "Examples per Adam step")
      ->capture_default_str();
  command.add_option(both_spellings("--learning-rate"), o.learning_rate, "Adam's step")
      ->capture_default_str();
  command.add_option("--threads", o.threads, "0: all hardware threads; results do not change")
      ->capture_default_str();
  command.add_option("--seed", o.seed, "Weights, noise, split and shuffling")
      ->capture_default_str();
}

}  // namespace

void add_ann_command(CLI::App& app) {
  auto flags = std::make_shared<AnnFlags>();
  CLI::App* command = app.add_subcommand(
      "ann",
      "Train the non-spiking autoencoder baseline (input-hidden-input, or any --architecture "
      "of dense, local, conv and tconv layers) and test its best-validation model; saves no "
      "file (spikeae.AnnModel.save does)");
  add_model_flags(*command, *flags);
  add_training_flags(*command, *flags);
  add_data_flags(*command, flags->data);
  add_split_flags(*command, flags->split);
  command->callback([flags] { run_ann(*flags); });
}

}  // namespace spikeae::cli
