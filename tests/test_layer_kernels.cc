// The optimised layer kernels against the straightforward neuron-by-neuron oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "reference_network.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

struct Case {
  Network network;
  std::vector<double> inputs, targets;
};

// Paper-like initialisation (inhibitory regular weights, excitatory pulses) so
// that many neurons spike late, some never, and inhibition cancels candidates.
Case make_case(std::vector<int> sizes, int pulses, std::uint64_t seed, double nonpulse_mean,
               NeuronKind kind = NeuronKind::alpha) {
  Case result;
  result.network = make_network({sizes, pulses, {}}, {0.3, 0.8, kind}, {nonpulse_mean, 4.0}, seed);
  Rng rng(seed + 100);
  for (int i = 0; i < std::max(sizes.front(), sizes.back()); ++i) {
    if (i < sizes.front()) result.inputs.push_back(rng.uniform() < 0.3 ? kNoSpike : rng.uniform());
    if (i < sizes.back()) result.targets.push_back(rng.uniform());
  }
  return result;
}

// Cases 1-30: a deep narrow network; 31-33: a layer of 1,100 neurons, which the
// kernels take in three blocks (block_width).
constexpr std::uint64_t kSeeds = 33;
static_assert(block_width(1100) == 368);

Case make_seeded_case(std::uint64_t seed, NeuronKind kind = NeuronKind::alpha) {
  // Excitatory wide cases, so that their hidden neurons spike and get errors
  // summed over the three blocks.
  if (seed > 30) return make_case({40, 10, 1100}, 3, seed, 1.0, kind);
  return make_case({40, 12, 7, 40}, 3, seed, seed % 2 ? -2.0 : 1.0, kind);
}

// Every case's forward pass, kernels against oracle; counts spiking and silent neurons.
// (void: ASSERT_EQ returns from it.)
void expect_forward_matches_oracle(NeuronKind kind, int& spiking, int& silent) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Case k = make_seeded_case(seed, kind);
    ForwardState state = make_forward_state(k.network);
    forward_dense(k.network, k.inputs, state);
    const reference::Pass pass = reference::forward(k.network, k.inputs);
    for (int c = 0; c < k.network.num_connections(); ++c) {
      for (int j = 0; j < k.network.n_post(c); ++j) {
        const SpikeSolution& fast = state.solutions[c][j];
        const SpikeSolution& slow = pass.solutions[c][j];
        ASSERT_EQ(fast.time, slow.time) << "seed " << seed << " layer " << c << " neuron " << j;
        if (!fast.spiked()) {
          ++silent;
          continue;
        }
        ++spiking;
        EXPECT_EQ(fast.n_causal, slow.n_causal);
        EXPECT_EQ(fast.a, slow.a);
        EXPECT_EQ(fast.b, slow.b);
        EXPECT_EQ(fast.lambert, slow.lambert);
      }
    }
  }
}

TEST(LayerKernels, ForwardMatchesNeuronByNeuronOracleBitForBit) {
  int spiking = 0, silent = 0;
  expect_forward_matches_oracle(NeuronKind::alpha, spiking, silent);
  EXPECT_GT(spiking, 500);
  EXPECT_GT(silent, 50);
}

TEST(LayerKernels, ExponentialNeuronForwardMatchesOracleBitForBit) {
  int spiking = 0, silent = 0;
  expect_forward_matches_oracle(NeuronKind::exponential, spiking, silent);
  EXPECT_GT(spiking, 500);
  EXPECT_GT(silent, 50);
}

// One input spike and weights that put W0's argument near the branch point
// (a potential that barely reaches the threshold), near 0 (a huge weight) and
// in between: the vector solve, which takes W0's series only when some lane of
// a call needs them, must give each neuron the bits of the scalar solve.
TEST(LayerKernels, SolveNearW0SeriesMatchesScalarBitForBit) {
  const NeuronParams neuron{0.3, 0.8};
  // The peak of w (t - t0) exp(-tau (t - t0)) is w / (tau e): at threshold for w = tangent.
  const double tangent = neuron.fire_threshold * neuron.decay_rate * std::exp(1.0);
  const std::vector<double> near_branch = {1 + 1e-9, 1 + 1e-6, 1 + 1e-5, 1 + 2e-4};
  // z = -tau theta / w in (-1e-4, -1e-5), where W0's Taylor series and the
  // Halley step differ in the last bit for most arguments.
  const std::vector<double> near_zero = {3716, 3995, 4367, 5341, 7140, 10263, 11867, 18340, 28350};
  // Each group alone, then among neurons that need no series (one solve call each).
  for (const auto& group : {near_branch, near_zero}) {
    for (int normal : {0, 9}) {
      std::vector<double> weights;
      for (double multiple : group) weights.push_back(tangent * multiple);
      for (int i = 0; i < normal; ++i) weights.push_back(tangent * (1.5 + i));
      Network network =
          make_network({{1, static_cast<int>(weights.size())}, 0, {}}, neuron, {1.0, 4.0}, 1);
      network.weights[0] = weights;
      const std::vector<double> inputs = {0.5};
      ForwardState state = make_forward_state(network);
      forward_dense(network, inputs, state);
      const reference::Pass pass = reference::forward(network, inputs);
      for (int j = 0; j < network.n_post(0); ++j) {
        const SpikeSolution& fast = state.solutions[0][j];
        const SpikeSolution& slow = pass.solutions[0][j];
        ASSERT_TRUE(slow.spiked()) << "neuron " << j;
        EXPECT_EQ(fast.time, slow.time) << "neuron " << j;
        EXPECT_EQ(fast.lambert, slow.lambert) << "neuron " << j;
      }
    }
  }
}

// The sparse entry point (a time-sorted spike train, pulses merged in) and the
// dense one (everything sorted together) must see the same events.
TEST(LayerKernels, SparseAndDenseInputsGiveTheSameSpikes) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Case k = make_case({40, 12, 40}, 3, seed, seed % 2 ? -2.0 : 1.0);
    k.inputs[3] = k.network.pulses[0][1];  // a tie between an input and a pulse
    std::vector<std::pair<double, std::uint32_t>> train;
    for (std::size_t i = 0; i < k.inputs.size(); ++i) {
      if (k.inputs[i] != kNoSpike) train.emplace_back(k.inputs[i], i);
    }
    std::sort(train.begin(), train.end());
    std::vector<std::uint16_t> sources;
    std::vector<double> times;
    for (const auto& [t, source] : train) {
      times.push_back(t);
      sources.push_back(static_cast<std::uint16_t>(source));
    }
    ForwardState sparse = make_forward_state(k.network), dense = make_forward_state(k.network);
    forward(k.network, sources, times, sparse);
    forward_dense(k.network, k.inputs, dense);
    ASSERT_EQ(sparse.inputs[0].count, dense.inputs[0].count);
    for (std::size_t e = 0; e < dense.inputs[0].count; ++e) {
      EXPECT_EQ(sparse.inputs[0].time[e], dense.inputs[0].time[e]);
      EXPECT_EQ(sparse.inputs[0].source[e], dense.inputs[0].source[e]);
    }
    for (std::size_t c = 0; c < sparse.spike_times.size(); ++c) {
      EXPECT_EQ(sparse.spike_times[c], dense.spike_times[c]) << "seed " << seed;
    }
  }
}

void expect_backward_matches_oracle(NeuronKind kind) {
  const LossOptions options{1.0, 50.0, 3.0};
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Case k = make_seeded_case(seed, kind);
    ForwardState state = make_forward_state(k.network);
    forward_dense(k.network, k.inputs, state);
    BackwardState backward_state = make_backward_state(k.network);
    output_error(state.output_times(), k.targets, options.latency, backward_state.output_delta);
    Gradients fast = make_gradients(k.network);
    backward(k.network, state, options, fast, backward_state);
    const Gradients slow =
        reference::backward(k.network, reference::forward(k.network, k.inputs), k.targets, options);
    for (int c = 0; c < k.network.num_connections(); ++c) {
      for (std::size_t i = 0; i < fast.weights[c].size(); ++i) {
        EXPECT_NEAR(fast.weights[c][i], slow.weights[c][i],
                    1e-10 * (1 + std::abs(slow.weights[c][i])))
            << "seed " << seed << " connection " << c << " weight " << i;
      }
      for (std::size_t i = 0; i < fast.pulses[c].size(); ++i) {
        EXPECT_NEAR(fast.pulses[c][i], slow.pulses[c][i],
                    1e-10 * (1 + std::abs(slow.pulses[c][i])));
      }
    }
    // The output layer's weight gradients involve no sums over neurons: exact.
    EXPECT_EQ(fast.weights.back(), slow.weights.back()) << "seed " << seed;
  }
}

TEST(LayerKernels, BackwardMatchesOracleUpToReassociation) {
  expect_backward_matches_oracle(NeuronKind::alpha);
}

TEST(LayerKernels, ExponentialNeuronBackwardMatchesOracleUpToReassociation) {
  expect_backward_matches_oracle(NeuronKind::exponential);
}

}  // namespace
}  // namespace spikeae
