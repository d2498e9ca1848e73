// The reference engine: one example at a time through forward() and backward(),
// one thread, no blocks or rounds. What the CPU engine's scheduling must not
// change (docs/architecture.md, "Engines").
#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "engine/input_train.h"
#include "engine/reference/reference_stepper.h"
#include "spikeae/engine.h"
#include "spikeae/loss.h"
#include "spikeae/trainer.h"

namespace spikeae {
namespace {

// Each shard's examples through forward() and backward() into the shard's
// gradient, the shards added in order, then one adam_step (docs/model.md section 4).
class ReferenceStepper final : public TrainingStepper {
 public:
  ReferenceStepper(TrainingState& state, const TrainingConfig& config)
      : state_(state),
        config_(config),
        forward_(make_forward_state(state.network)),
        backward_(make_backward_state(state.network)),
        targets_(state.network.n_outputs()),
        shards_(config.train.gradient_shards, make_gradients(state.network)),
        total_(make_gradients(state.network)) {}

  void step(const ExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) override {
    Network& network = state_.network;
    const std::size_t count = batch.size();
    const std::size_t n_shards = std::min<std::size_t>(config_.train.gradient_shards, count);
    for (std::size_t s = 0; s < n_shards; ++s) {
      for (std::size_t i = s * count / n_shards; i < (s + 1) * count / n_shards; ++i) {
        const auto [sources, times] = input_train(set, batch[i]);
        forward(network, sources, times, forward_);
        target_times(set, batch[i], targets_);
        losses[i] = output_error(forward_.output_times(), targets_, config_.loss.latency,
                                 backward_.output_delta);
        backward(network, forward_, config_.loss, shards_[s], backward_);
      }
    }
    total_ = shards_[0];  // same shapes: copies values, allocates nothing
    for (std::size_t s = 1; s < n_shards; ++s) total_.add(shards_[s]);
    total_.scale(1.0 / static_cast<double>(count));
    adam_step(config_.adam, total_, state_.adam, network);
    for (Gradients& shard : shards_) shard.set_zero();
  }

 private:
  TrainingState& state_;
  const TrainingConfig& config_;
  ForwardState forward_;
  BackwardState backward_;
  std::vector<double> targets_;
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
    return make_reference_stepper(state, config);
  }
};

}  // namespace

std::unique_ptr<TrainingStepper> make_reference_stepper(TrainingState& state,
                                                        const TrainingConfig& config) {
  return std::make_unique<ReferenceStepper>(state, config);
}

std::unique_ptr<Engine> make_reference_engine() { return std::make_unique<ReferenceEngine>(); }

}  // namespace spikeae
