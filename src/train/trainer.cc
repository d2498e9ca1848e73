#include "spikeae/trainer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>

#include "spikeae/error.h"
#include "spikeae/random.h"
#include "train/training_common.h"

namespace spikeae {
namespace {

using Clock = TrainingClock;

void check_compatible(const Network& network, const ExampleSet& set, const char* name) {
  if (set.size() > 0 && set.images.pixels_per_image() != std::size_t(network.n_inputs())) {
    throw Error(std::string(name) + " images have " +
                std::to_string(set.images.pixels_per_image()) + " pixels but the network has " +
                std::to_string(network.n_inputs()) + " inputs");
  }
  if (network.n_inputs() != network.n_outputs()) {
    throw Error("an autoencoder needs as many outputs as inputs, got " +
                std::to_string(network.n_inputs()) + " and " + std::to_string(network.n_outputs()));
  }
}

}  // namespace

ExampleSet make_example_set(Dataset images, const EncodingOptions& encoding,
                            std::uint64_t noise_seed) {
  ExampleSet set;
  set.inputs = encode_dataset(images, encoding, noise_seed);
  set.images = std::move(images);
  set.inverted = encoding.inverted;
  return set;
}

void target_times(const ExampleSet& set, std::size_t i, std::span<double> out) {
  const std::array<double, 256>& table = pixel_time_table(set.inverted);
  const std::span<const std::uint8_t> image = set.images.image(i);
  for (std::size_t k = 0; k < image.size(); ++k) out[k] = table[image[k]];
}

TrainValidation split_train_validation(const Dataset& training_file, const SplitOptions& options,
                                       std::uint64_t seed) {
  if (options.train_size == 0) throw Error("train_size must be at least 1");
  if (options.validation_size == 0) {
    throw Error(
        "validation_size must be at least 1: the best model is chosen by its validation "
        "loss");
  }
  // Compared without the sum, which could wrap for absurd sizes.
  if (options.train_size > training_file.size() ||
      options.validation_size > training_file.size() - options.train_size) {
    throw Error(
        "the training file has " + std::to_string(training_file.size()) +
        " images, fewer than train_size + validation_size = " + std::to_string(options.train_size) +
        " + " + std::to_string(options.validation_size));
  }
  std::vector<std::size_t> order(training_file.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (options.shuffled) {
    Rng rng(derive_seed(seed, Stream::kSplit));
    shuffle(order, rng);
  }
  const std::span<const std::size_t> all(order);
  return {training_file.gather(all.subspan(0, options.train_size)),
          training_file.gather(all.subspan(options.train_size, options.validation_size))};
}

double mean_image_loss(const ExampleSet& set) {
  const std::size_t pixels = set.images.pixels_per_image();
  if (set.size() == 0 || pixels == 0) return 0.0;
  std::vector<double> targets(pixels), sum(pixels, 0.0), sum_squares(pixels, 0.0);
  for (std::size_t i = 0; i < set.size(); ++i) {
    target_times(set, i, targets);
    for (std::size_t k = 0; k < pixels; ++k) {
      sum[k] += targets[k];
      sum_squares[k] += targets[k] * targets[k];
    }
  }
  // Per pixel, the mean squared distance to the mean: E[x^2] - E[x]^2 (times lie in [0, 1]).
  const double n = static_cast<double>(set.size());
  double total = 0.0;
  for (std::size_t k = 0; k < pixels; ++k) {
    const double mean = sum[k] / n;
    total += std::max(0.0, sum_squares[k] / n - mean * mean);
  }
  return total / static_cast<double>(pixels);
}

bool on_mean_image_plateau(double loss, double mean_image) {
  constexpr double kClearlyBelow = 0.9;
  return !(loss < kClearlyBelow * mean_image);
}

std::string mean_image_plateau_advice(double loss, double mean_image) {
  char text[320];
  std::snprintf(text, sizeof text,
                "the best validation loss %.5f is not clearly below the mean-image loss %.5f: "
                "the network does no better than outputting the average image. More epochs, "
                "more training images or another learning_rate usually help (the paper's "
                "presets were tuned for 100 epochs on 54,000 images).",
                loss, mean_image);
  return text;
}

double evaluate_loss(const Network& network, const ExampleSet& set, double latency,
                     Engine& engine) {
  check_compatible(network, set, "evaluation");
  std::vector<double> losses(set.size());
  engine.losses(network, set, latency, losses);
  return ordered_mean(losses);
}

TrainResult train(const TrainingConfig& config, const ExampleSet& train_set,
                  const ExampleSet& validation_set, const TrainCallbacks& callbacks) {
  validate(config);
  Network network =
      make_network(config.architecture, config.neuron, config.init, config.train.seed);
  return train_network(std::move(network), config, train_set, validation_set, callbacks);
}

TrainResult train_network(Network network, const TrainingConfig& config,
                          const ExampleSet& train_set, const ExampleSet& validation_set,
                          const TrainCallbacks& callbacks) {
  return resume_training(start_training(std::move(network)), config, train_set, validation_set,
                         callbacks);
}

TrainingState start_training(Network network) {
  TrainingState state;
  state.adam = make_adam_state(network);
  state.best_network = network;
  state.network = std::move(network);
  return state;
}

std::vector<std::size_t> epoch_order(std::size_t size, std::uint64_t seed, int epoch) {
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng(derive_seed(seed, Stream::kShuffle, epoch));
  shuffle(order, rng);
  return order;
}

namespace {

// Trains the rest of epoch state.epoch + 1; false when stop_requested ended it early.
bool run_epoch(TrainingState& state, const TrainingConfig& config, const ExampleSet& train_set,
               TrainingStepper& stepper, const TrainCallbacks& callbacks, double* seconds) {
  const int epoch = state.epoch + 1;
  const std::vector<std::size_t> order = epoch_order(train_set.size(), config.train.seed, epoch);
  state.epoch_losses.resize(order.size());
  const auto batch_size = static_cast<std::size_t>(config.train.batch_size);
  const auto start = Clock::now();
  auto last_report = start;
  const std::size_t first = state.position;
  while (state.position < order.size()) {
    if (callbacks.stop_requested && callbacks.stop_requested()) {
      state.epoch_losses.resize(state.position);
      return false;
    }
    const std::size_t count = std::min(batch_size, order.size() - state.position);
    stepper.step(train_set, std::span(order).subspan(state.position, count),
                 std::span(state.epoch_losses).subspan(state.position, count));
    state.position += count;
    if (callbacks.on_progress &&
        (seconds_since(last_report) > 0.2 || state.position == order.size())) {
      last_report = Clock::now();
      const double sum = std::accumulate(state.epoch_losses.begin(),
                                         state.epoch_losses.begin() + state.position, 0.0);
      callbacks.on_progress(
          {epoch, state.position, order.size(), seconds_since(start), sum / state.position});
    }
  }
  *seconds = seconds_since(start) * order.size() / std::max<std::size_t>(order.size() - first, 1);
  return true;
}

// Validation, best-model bookkeeping and the epoch's metrics, at an epoch's end.
EpochMetrics finish_epoch(TrainingState& state, const TrainingConfig& config,
                          const ExampleSet& validation_set, Engine& engine, double seconds) {
  EpochMetrics metrics;
  metrics.epoch = ++state.epoch;
  metrics.seconds = seconds;
  metrics.examples_per_second = state.epoch_losses.size() / std::max(seconds, 1e-9);
  metrics.train_loss = ordered_mean(state.epoch_losses);
  // Without validation images there is no validation loss (NaN, never the training
  // loss under another name), and the latest network is the one kept.
  const bool validated = validation_set.size() > 0;
  metrics.validation_loss =
      validated ? evaluate_loss(state.network, validation_set, config.loss.latency, engine)
                : std::numeric_limits<double>::quiet_NaN();
  metrics.best = !validated || metrics.validation_loss < state.best_validation_loss;
  if (metrics.best) {
    state.best_network = state.network;
    state.best_epoch = metrics.epoch;
    state.best_validation_loss = metrics.validation_loss;
  }
  state.history.push_back(metrics);
  state.position = 0;
  state.epoch_losses.clear();
  return metrics;
}

}  // namespace

TrainResult resume_training(TrainingState state, const TrainingConfig& config,
                            const ExampleSet& train_set, const ExampleSet& validation_set,
                            const TrainCallbacks& callbacks) {
  const std::unique_ptr<Engine> engine = make_cpu_engine(config.train.threads);
  return resume_training(std::move(state), config, train_set, validation_set, callbacks, *engine);
}

TrainResult resume_training(TrainingState state, const TrainingConfig& config,
                            const ExampleSet& train_set, const ExampleSet& validation_set,
                            const TrainCallbacks& callbacks, Engine& engine) {
  validate(config);
  check_compatible(state.network, train_set, "training");
  check_compatible(state.network, validation_set, "validation");
  if (train_set.size() == 0) throw Error("the training set is empty");
  if (state.position > train_set.size()) {
    throw Error("the checkpoint is " + std::to_string(state.position) +
                " examples into an epoch of a training set with only " +
                std::to_string(train_set.size()) + " images");
  }
  const std::unique_ptr<TrainingStepper> stepper = engine.make_stepper(state, config);
  bool stopped = false;
  while (state.epoch < config.train.epochs) {
    double seconds = 0.0;
    if (!run_epoch(state, config, train_set, *stepper, callbacks, &seconds)) {
      stopped = true;
      if (callbacks.on_checkpoint) callbacks.on_checkpoint(state);
      break;
    }
    const EpochMetrics metrics = finish_epoch(state, config, validation_set, engine, seconds);
    if (callbacks.on_checkpoint) callbacks.on_checkpoint(state);
    if (callbacks.on_epoch) callbacks.on_epoch(metrics, state.network);
  }
  return {std::move(state.network),   std::move(state.best_network), state.best_epoch,
          state.best_validation_loss, std::move(state.history),      stopped};
}

}  // namespace spikeae
