#include "spikeae/trainer.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "spikeae/backward.h"
#include "spikeae/error.h"
#include "spikeae/forward.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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

// Sum in index order, so the total does not depend on which thread did what.
double ordered_mean(const std::vector<double>& values) {
  return values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / values.size();
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
class BatchStepper {
 public:
  BatchStepper(const Network& network, const TrainingConfig& config, ThreadPool& pool)
      : config_(config),
        pool_(pool),
        workers_(make_workers(network, pool.size())),
        adam_(make_adam_state(network)) {
    for (int s = 0; s < config.train.gradient_shards; ++s) {
      shards_.push_back(make_gradients(network));
    }
  }

  void step(Network& network, const ExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) {
    const std::size_t n_shards = std::min<std::size_t>(shards_.size(), batch.size());
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
    adam_step_from_shards(config_.adam, std::span(shards_).first(n_shards),
                          1.0 / static_cast<double>(batch.size()), adam_, network, pool_);
  }

 private:
  const TrainingConfig& config_;
  ThreadPool& pool_;
  std::vector<Worker> workers_;
  std::vector<Gradients> shards_;  // zero between steps
  AdamState adam_;
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
  validate(config);
  check_compatible(network, train_set, "training");
  check_compatible(network, validation_set, "validation");
  if (train_set.size() == 0) throw Error("the training set is empty");
  ThreadPool pool(config.train.threads);
  BatchStepper stepper(network, config, pool);
  TrainResult result{network, network, 0, kNoSpike, {}, false};
  std::vector<std::size_t> order(train_set.size());
  std::vector<double> losses(train_set.size());
  const auto batch_size = static_cast<std::size_t>(config.train.batch_size);
  for (int epoch = 1; epoch <= config.train.epochs && !result.stopped; ++epoch) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(derive_seed(config.train.seed, Stream::kShuffle, epoch));
    shuffle(order, rng);
    const auto start = Clock::now();
    auto last_report = start;
    std::size_t done = 0;
    while (done < order.size()) {
      if (callbacks.stop_requested && callbacks.stop_requested()) {
        result.stopped = true;
        break;
      }
      const std::size_t count = std::min(batch_size, order.size() - done);
      stepper.step(network, train_set, std::span(order).subspan(done, count),
                   std::span(losses).subspan(done, count));
      done += count;
      if (callbacks.on_progress && (seconds_since(last_report) > 0.2 || done == order.size())) {
        last_report = Clock::now();
        const double sum = std::accumulate(losses.begin(), losses.begin() + done, 0.0);
        callbacks.on_progress({epoch, done, order.size(), seconds_since(start), sum / done});
      }
    }
    if (result.stopped) break;
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.seconds = seconds_since(start);
    metrics.examples_per_second = order.size() / std::max(metrics.seconds, 1e-9);
    metrics.train_loss = ordered_mean(losses);
    metrics.validation_loss = validation_set.size() > 0 ? evaluate_loss(network, validation_set,
                                                                        config.loss.latency, pool)
                                                        : metrics.train_loss;
    metrics.best = metrics.validation_loss < result.best_validation_loss;
    if (metrics.best) {
      result.best_network = network;
      result.best_epoch = epoch;
      result.best_validation_loss = metrics.validation_loss;
    }
    result.history.push_back(metrics);
    if (callbacks.on_epoch) callbacks.on_epoch(metrics, network);
  }
  result.final_network = std::move(network);
  return result;
}

}  // namespace spikeae
