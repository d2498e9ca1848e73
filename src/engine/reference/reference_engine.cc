// The reference engine: one example at a time through forward() and backward(),
// one thread, no blocks or rounds. What the CPU engine's scheduling must not
// change (docs/architecture.md, "Engines").
#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "engine/cpu/thread_pool.h"
#include "engine/input_train.h"
#include "engine/reference/reference_stepper.h"
#include "spikeae/engine.h"
#include "spikeae/loss.h"
#include "spikeae/trainer.h"

namespace spikeae {
namespace {

// Each shard's examples through forward() and backward() into the shard's
// gradient, the shards added in order, then one adam_step (docs/model.md section 4).
// With a pool, shards run on its threads at once: the same bits, as each shard's
// sum is its own and the shards are added in order.
class ReferenceStepper final : public TrainingStepper {
 public:
  ReferenceStepper(TrainingState& state, const TrainingConfig& config, ThreadPool* pool)
      : state_(state),
        config_(config),
        pool_(pool),
        workers_(pool == nullptr ? 1 : pool->size(), Worker(state.network)),
        shards_(config.train.gradient_shards, make_gradients(state.network)),
        total_(make_gradients(state.network)) {}

  void step(const ExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) override {
    const std::size_t count = batch.size();
    const std::size_t n_shards = std::min<std::size_t>(config_.train.gradient_shards, count);
    const auto run_shard = [&](std::size_t s, int worker) {
      for (std::size_t i = s * count / n_shards; i < (s + 1) * count / n_shards; ++i) {
        losses[i] = train_example(set, batch[i], shards_[s], workers_[worker]);
      }
    };
    if (pool_ != nullptr) {
      pool_->run(n_shards, run_shard);
    } else {
      for (std::size_t s = 0; s < n_shards; ++s) run_shard(s, 0);
    }
    total_ = shards_[0];  // same shapes: copies values, allocates nothing
    for (std::size_t s = 1; s < n_shards; ++s) total_.add(shards_[s]);
    total_.scale(1.0 / static_cast<double>(count));
    adam_step(config_.adam, total_, state_.adam, state_.network);
    for (Gradients& shard : shards_) shard.set_zero();
  }

 private:
  // One thread's working memory.
  struct Worker {
    ForwardState forward;
    BackwardState backward;
    std::vector<double> targets;

    explicit Worker(const Network& network)
        : forward(make_forward_state(network)),
          backward(make_backward_state(network)),
          targets(network.n_outputs()) {}
  };

  // Adds one example's gradient to `gradients`; returns its loss.
  double train_example(const ExampleSet& set, std::size_t example, Gradients& gradients,
                       Worker& worker) const {
    const Network& network = state_.network;
    const auto [sources, times] = input_train(set, example);
    forward(network, sources, times, worker.forward);
    target_times(set, example, worker.targets);
    const double loss = output_error(worker.forward.output_times(), worker.targets,
                                     config_.loss.latency, worker.backward.output_delta);
    backward(network, worker.forward, config_.loss, gradients, worker.backward);
    return loss;
  }

  TrainingState& state_;
  const TrainingConfig& config_;
  ThreadPool* pool_;
  std::vector<Worker> workers_;
  std::vector<Gradients> shards_;  // zero between steps
  Gradients total_;
};

class ReferenceEngine final : public Engine {
 public:
  std::string_view name() const override { return "reference"; }
  int threads() const override { return 1; }

  void propagate(const Network& network, int first_layer, std::size_t count,
                 const LayerSource& source, const LayerSink& sink) override {
    ForwardState state = make_forward_state(network);
    std::vector<double> times(network.architecture.layer_sizes[first_layer]);
    for (std::size_t i = 0; i < count; ++i) {
      source(i, times);
      forward_from_layer(network, first_layer, times, state);
      sink(i, std::span(state.spike_times).subspan(first_layer));
    }
  }

  void propagate(const Network& network, const ExampleSet& set, const LayerSink& sink) override {
    ForwardState state = make_forward_state(network);
    for (std::size_t i = 0; i < set.size(); ++i) {
      const auto [sources, times] = input_train(set, i);
      forward(network, sources, times, state);
      sink(i, state.spike_times);
    }
  }

  void losses(const Network& network, const ExampleSet& set, double latency,
              std::span<double> losses) override {
    std::vector<double> targets(network.n_outputs());
    propagate(network, set, [&](std::size_t i, std::span<const std::vector<double>> layers) {
      target_times(set, i, targets);
      losses[i] = reconstruction_loss(layers.back(), targets, latency);
    });
  }

  std::unique_ptr<TrainingStepper> make_stepper(TrainingState& state,
                                                const TrainingConfig& config) override {
    return make_reference_stepper(state, config, nullptr);
  }
};

}  // namespace

std::unique_ptr<TrainingStepper> make_reference_stepper(TrainingState& state,
                                                        const TrainingConfig& config,
                                                        ThreadPool* pool) {
  return std::make_unique<ReferenceStepper>(state, config, pool);
}

std::unique_ptr<Engine> make_reference_engine() { return std::make_unique<ReferenceEngine>(); }

}  // namespace spikeae
