#include "spikeae/trainer.h"

#include <algorithm>
#include <numeric>

#include "spikeae/backward.h"
#include "spikeae/error.h"
#include "spikeae/forward.h"
#include "spikeae/random.h"
#include "training_common.h"

namespace spikeae {
namespace {

using Clock = TrainingClock;

// Per-thread working memory, allocated once per run.
struct Worker {
  ForwardState forward;
  BackwardState backward;
  std::vector<double> targets;

  explicit Worker(const Network& network)
      : forward(make_forward_state(network)),
        backward(make_backward_state(network)),
        targets(network.n_outputs()) {}
};

std::vector<Worker> make_workers(const Network& network, int count) {
  std::vector<Worker> workers;
  for (int w = 0; w < count; ++w) workers.emplace_back(network);
  return workers;
}

void run_forward(const Network& network, const ExampleSet& set, std::size_t i, Worker& worker) {
  const std::size_t begin = set.inputs.offsets[i];
  const std::size_t count = set.inputs.events(i);
  forward(network, {set.inputs.source.data() + begin, count},
          {set.inputs.time.data() + begin, count}, worker.forward);
  target_times(set, i, worker.targets);
}

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

// One optimiser step on examples order[begin, end): the batch is cut into fixed
// shards whose gradient sums are added in shard order (thread-count independent).
// Optimiser steps of one run on `state`: the batch is cut into fixed shards whose
// gradient sums are added in shard order (thread-count independent).
class BatchStepper {
 public:
  BatchStepper(TrainingState& state, const TrainingConfig& config, ThreadPool& pool)
      : config_(config),
        pool_(pool),
        state_(state),
        workers_(make_workers(state.network, pool.size())),
        shards_(config.train.gradient_shards, make_gradients(state.network)),
        adam_(config.adam, state.network, state.adam, shards_) {}

  void step(const ExampleSet& set, std::span<const std::size_t> batch, std::span<double> losses) {
    const std::size_t n_shards = std::min<std::size_t>(shards_.size(), batch.size());
    const Network& network = state_.network;
    pool_.run(n_shards, [&](std::size_t s, int w) {
      const std::size_t begin = s * batch.size() / n_shards;
      const std::size_t end = (s + 1) * batch.size() / n_shards;
      for (std::size_t b = begin; b < end; ++b) {
        Worker& worker = workers_[w];
        run_forward(network, set, batch[b], worker);
        losses[b] = output_error(worker.forward.output_times(), worker.targets,
                                 config_.loss.latency, worker.backward.output_delta);
        backward(network, worker.forward, config_.loss, shards_[s], worker.backward);
      }
    });
    adam_.step(1.0 / static_cast<double>(batch.size()), pool_);
  }

 private:
  const TrainingConfig& config_;
  ThreadPool& pool_;
  TrainingState& state_;
  std::vector<Worker> workers_;
  std::vector<Gradients> shards_;  // zero between steps (unused ones stay zero)
  ShardedAdam adam_;
};

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
  const std::span<const std::uint8_t> image = set.images.image(i);
  for (std::size_t k = 0; k < image.size(); ++k) out[k] = pixel_time(image[k], set.inverted);
}

TrainValidation split_train_validation(const Dataset& training_file, const SplitOptions& options,
                                       std::uint64_t seed) {
  const std::size_t needed = options.train_size + options.validation_size;
  if (needed > training_file.size()) {
    throw Error("the training file has " + std::to_string(training_file.size()) +
                " images, fewer than train_size + validation_size = " + std::to_string(needed));
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

double evaluate_loss(const Network& network, const ExampleSet& set, double latency,
                     ThreadPool& pool) {
  check_compatible(network, set, "evaluation");
  constexpr std::size_t kChunk = 64;
  std::vector<Worker> workers = make_workers(network, pool.size());
  std::vector<double> losses(set.size());
  pool.run((set.size() + kChunk - 1) / kChunk, [&](std::size_t chunk, int w) {
    const std::size_t end = std::min(set.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      run_forward(network, set, i, workers[w]);
      losses[i] =
          reconstruction_loss(workers[w].forward.output_times(), workers[w].targets, latency);
    }
  });
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
               BatchStepper& stepper, const TrainCallbacks& callbacks, double* seconds) {
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
                          const ExampleSet& validation_set, ThreadPool& pool, double seconds) {
  EpochMetrics metrics;
  metrics.epoch = ++state.epoch;
  metrics.seconds = seconds;
  metrics.examples_per_second = state.epoch_losses.size() / std::max(seconds, 1e-9);
  metrics.train_loss = ordered_mean(state.epoch_losses);
  metrics.validation_loss = validation_set.size() > 0 ? evaluate_loss(state.network, validation_set,
                                                                      config.loss.latency, pool)
                                                      : metrics.train_loss;
  metrics.best = metrics.validation_loss < state.best_validation_loss;
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
  validate(config);
  check_compatible(state.network, train_set, "training");
  check_compatible(state.network, validation_set, "validation");
  if (train_set.size() == 0) throw Error("the training set is empty");
  if (state.position > train_set.size()) {
    throw Error("the checkpoint is " + std::to_string(state.position) +
                " examples into an epoch of a training set with only " +
                std::to_string(train_set.size()) + " images");
  }
  ThreadPool pool(config.train.threads);
  BatchStepper stepper(state, config, pool);
  bool stopped = false;
  while (state.epoch < config.train.epochs) {
    double seconds = 0.0;
    if (!run_epoch(state, config, train_set, stepper, callbacks, &seconds)) {
      stopped = true;
      if (callbacks.on_checkpoint) callbacks.on_checkpoint(state);
      break;
    }
    const EpochMetrics metrics = finish_epoch(state, config, validation_set, pool, seconds);
    if (callbacks.on_checkpoint) callbacks.on_checkpoint(state);
    if (callbacks.on_epoch) callbacks.on_epoch(metrics, state.network);
  }
  return {std::move(state.network),   std::move(state.best_network), state.best_epoch,
          state.best_validation_loss, std::move(state.history),      stopped};
}

}  // namespace spikeae
