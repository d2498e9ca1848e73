// Micro-benchmarks of one neuron, of Lambert W0, of one example's forward +
// backward pass (random and trained network) and of one Adam step, at the sizes
// of the paper's 784-32-784 network (about 150 spiking pixels + 10 pulses into a hidden neuron, 32
// + 10 inputs into an output neuron).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "engine/cpu/thread_pool.h"
#include "engine/cpu/vector_clones.h"
#include "engine/cpu/vector_math.h"
#include "neuron/lambert_w.h"
#include "optim/sharded_adam.h"
#include "spikeae/data_paths.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/random.h"
#include "spikeae/trainer.h"

namespace spikeae {
namespace {

struct Inputs {
  std::vector<double> time, exp_decay, weights;
  std::vector<std::uint32_t> source;
};

Inputs random_inputs(int count, double decay_rate, Rng& rng) {
  Inputs in;
  for (int i = 0; i < count; ++i) in.time.push_back(rng.uniform());
  std::sort(in.time.begin(), in.time.end());
  for (int i = 0; i < count; ++i) {
    in.exp_decay.push_back(std::exp(decay_rate * in.time[i]));
    in.source.push_back(i);
    in.weights.push_back(rng.normal() * 0.3 + 0.05);
  }
  return in;
}

void BM_SolveSpike(benchmark::State& state) {
  Rng rng(1);
  const NeuronParams params{0.172556, 0.834236};
  const Inputs in = random_inputs(static_cast<int>(state.range(0)), params.decay_rate, rng);
  for (auto _ : state) {
    benchmark::DoNotOptimize(solve_spike({in.time, in.exp_decay, in.source}, in.weights, params));
  }
}
BENCHMARK(BM_SolveSpike)->Arg(42)->Arg(160);

// The arguments a spike time needs, z in [-1/e, 0), spread uniformly.
std::vector<double> spike_time_arguments() {
  std::vector<double> arguments(1024);
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    arguments[i] = kMinusInverseE * (i + 0.5) / static_cast<double>(arguments.size());
  }
  return arguments;
}

void BM_LambertW(benchmark::State& state) {
  const std::vector<double> arguments = spike_time_arguments();
  for (auto _ : state) {
    for (double z : arguments) benchmark::DoNotOptimize(lambert_w0(z));
  }
  state.SetItemsProcessed(state.iterations() * arguments.size());
}
BENCHMARK(BM_LambertW);

// The same arguments through the vectorisable W0 in one loop, as the forward
// pass solves candidate neurons (four per AVX2 instruction).
SPIKEAE_VECTOR_CLONES
void lambert_w0_all(const double* __restrict z, double* __restrict w, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) w[i] = vector_math::lambert_w0_negative(z[i]);
}

void BM_LambertWVector(benchmark::State& state) {
  const std::vector<double> arguments = spike_time_arguments();
  std::vector<double> results(arguments.size());
  for (auto _ : state) {
    lambert_w0_all(arguments.data(), results.data(), arguments.size());
    benchmark::DoNotOptimize(results.data());
  }
  state.SetItemsProcessed(state.iterations() * arguments.size());
}
BENCHMARK(BM_LambertWVector);

// One Adam step over the README network's 50,196 parameters, two gradient shards.
void BM_AdamStep(benchmark::State& state) {
  Network network =
      make_network({{784, 32, 784}, 10}, {0.172556, 0.834236}, {-7.038462, 4.213218}, 1);
  AdamState adam_state = make_adam_state(network);
  std::vector<Gradients> shards(2, make_gradients(network));
  ShardedAdam adam(AdamOptions{}, network, adam_state, shards);
  ThreadPool pool(1);
  for (auto _ : state) {
    adam.step(1.0 / 7.0, pool);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdamStep);

// One example of the paper's README network: forward, error, backward.
void BM_ForwardBackward(benchmark::State& state) {
  const Network network =
      make_network({{784, 32, 784}, 10}, {0.172556, 0.834236}, {-7.038462, 4.213218}, 1);
  Rng rng(2);
  std::vector<std::uint16_t> sources;
  std::vector<double> times;
  for (int pixel = 0; pixel < 784; ++pixel) {
    if (rng.uniform() < 0.19) sources.push_back(pixel);  // ~150 spiking pixels, as in MNIST
  }
  for (std::size_t i = 0; i < sources.size(); ++i) times.push_back(rng.uniform());
  std::sort(times.begin(), times.end());
  std::vector<double> targets(784, 1.0);
  ForwardState forward_state = make_forward_state(network);
  BackwardState backward_state = make_backward_state(network);
  Gradients gradients = make_gradients(network);
  for (auto _ : state) {
    forward(network, sources, times, forward_state);
    output_error(forward_state.output_times(), targets, 1.0, backward_state.output_delta);
    backward(network, forward_state, LossOptions{}, gradients, backward_state);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ForwardBackward);

// The README network after one epoch on 2,000 MNIST images, and the encoded
// test images: the regime the training figures come from (every output fires,
// after all 42 of its inputs), unlike the random network above. Empty when the
// data set is not fetched.
struct TrainedCase {
  Network network;
  ExampleSet test_set;
  double latency = 0.0;
};

const TrainedCase* trained_case() {
  static const std::optional<TrainedCase> cached = []() -> std::optional<TrainedCase> {
    TrainTestData data;
    try {
      data = load_dataset_files(locate_dataset("mnist", std::nullopt));
    } catch (const Error&) {
      return std::nullopt;
    }
    TrainingConfig config;
    apply_row(paper_preset(0.0, 1.0, 32), config);
    config.train.epochs = 1;
    const ExampleSet train_set = make_example_set(data.train.slice(0, 2000), config.encoding, 1);
    const ExampleSet no_validation = make_example_set(Dataset(), config.encoding, 2);
    TrainResult result = train(config, train_set, no_validation);
    return TrainedCase{std::move(result.final_network),
                       make_example_set(data.test.slice(0, 100), config.encoding, 3),
                       config.loss.latency};
  }();
  return cached ? &*cached : nullptr;
}

// One example through the trained README network: forward, error, backward.
void BM_ForwardBackwardTrained(benchmark::State& state) {
  const TrainedCase* trained = trained_case();
  if (trained == nullptr) {
    state.SkipWithError("MNIST not found (scripts/fetch_data.sh mnist)");
    return;
  }
  const Network& network = trained->network;
  const ExampleSet& set = trained->test_set;
  ForwardState forward_state = make_forward_state(network);
  BackwardState backward_state = make_backward_state(network);
  Gradients gradients = make_gradients(network);
  std::vector<double> targets(network.n_outputs());
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t begin = set.inputs.offsets[i], count = set.inputs.events(i);
    forward(network, {set.inputs.source.data() + begin, count},
            {set.inputs.time.data() + begin, count}, forward_state);
    target_times(set, i, targets);
    output_error(forward_state.output_times(), targets, trained->latency,
                 backward_state.output_delta);
    backward(network, forward_state, LossOptions{}, gradients, backward_state);
    i = (i + 1) % set.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ForwardBackwardTrained);

}  // namespace
}  // namespace spikeae
