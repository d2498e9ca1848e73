// The CPU engine: the vectorised kernels of forward.h and backward.h, in chunks of
// examples on a thread pool, each worker with its own working memory.
#include <algorithm>

#include "engine/cpu/batch_stepper.h"
#include "engine/cpu/forward.h"
#include "engine/cpu/thread_pool.h"
#include "engine/input_train.h"
#include "engine/reference/reference_stepper.h"
#include "spikeae/engine.h"
#include "spikeae/loss.h"
#include "spikeae/trainer.h"

namespace spikeae {
namespace {

// Examples a task takes at once: enough to spread the task's cost, few enough to balance.
constexpr std::size_t kChunk = 64;

// Per-thread working memory of one call, allocated once per call.
struct Worker {
  ForwardState forward;
  std::vector<double> times;    // the given layer's times (dense propagation)
  std::vector<double> targets;  // target times of the outputs (losses)

  Worker(const Network& network, std::size_t width)
      : forward(make_forward_state(network)), times(width), targets(network.n_outputs()) {}
};

class CpuEngine final : public Engine {
 public:
  explicit CpuEngine(int threads) : pool_(threads) {}

  std::string_view name() const override { return "cpu"; }
  int threads() const override { return pool_.size(); }

  void propagate(const Network& network, int first_layer, std::size_t count,
                 const LayerSource& source, const LayerSink& sink) override {
    const auto width = static_cast<std::size_t>(network.architecture.layer_sizes[first_layer]);
    run_examples(network, count, width, [&](std::size_t i, Worker& worker) {
      source(i, worker.times);
      forward_from_layer(network, first_layer, worker.times, worker.forward);
      sink(i, std::span(worker.forward.spike_times).subspan(first_layer));
    });
  }

  void propagate(const Network& network, const ExampleSet& set, const LayerSink& sink) override {
    run_examples(network, set.size(), 0, [&](std::size_t i, Worker& worker) {
      const auto [sources, times] = input_train(set, i);
      forward(network, sources, times, worker.forward);
      sink(i, worker.forward.spike_times);
    });
  }

  void losses(const Network& network, const ExampleSet& set, double latency,
              std::span<double> losses) override {
    run_examples(network, set.size(), 0, [&](std::size_t i, Worker& worker) {
      const auto [sources, times] = input_train(set, i);
      forward(network, sources, times, worker.forward);
      target_times(set, i, worker.targets);
      losses[i] = reconstruction_loss(worker.forward.output_times(), worker.targets, latency);
    });
  }

  std::unique_ptr<TrainingStepper> make_stepper(TrainingState& state,
                                                const TrainingConfig& config) override {
    // The block-scheduled stepper knows dense layers only; other kinds train
    // through the reference step, one gradient shard per thread (the same bits).
    if (!state.network.all_dense()) return make_reference_stepper(state, config, &pool_);
    return make_batch_stepper(state, config, pool_);
  }

 private:
  // Runs task(example, worker) for examples [0, count) in chunks on the pool.
  template <typename Task>
  void run_examples(const Network& network, std::size_t count, std::size_t width,
                    const Task& task) {
    if (count == 0) return;
    workers_.clear();
    for (int w = 0; w < pool_.size(); ++w) workers_.emplace_back(network, width);
    pool_.run((count + kChunk - 1) / kChunk, [&](std::size_t chunk, int w) {
      const std::size_t end = std::min(count, (chunk + 1) * kChunk);
      for (std::size_t i = chunk * kChunk; i < end; ++i) task(i, workers_[w]);
    });
  }

  ThreadPool pool_;
  std::vector<Worker> workers_;
};

}  // namespace

std::unique_ptr<Engine> make_cpu_engine(int threads) {
  return std::make_unique<CpuEngine>(threads);
}

}  // namespace spikeae
