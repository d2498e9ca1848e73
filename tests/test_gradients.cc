// Exact gradients of whole networks against central finite differences of the loss.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "model/layer_model.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

// With no clipping and no penalty, backward() yields the gradient of
// E = 1/2 sum_k (o_k - x_k)^2 (o_k = t_out_k - l, 1 when silent): docs/model.md section 4.
struct Problem {
  Network network;
  std::vector<double> inputs;
  std::vector<double> targets;
  double latency = 1.0;
};

Problem make_problem(std::vector<int> layer_sizes, int n_pulses, std::uint64_t seed,
                     NeuronKind kind = NeuronKind::alpha, std::vector<LayerSpec> specs = {}) {
  Rng rng(seed);
  Problem problem;
  Network& net = problem.network;
  net.architecture = {layer_sizes, n_pulses, specs};
  net.neuron = {1.0, 0.6, kind};
  for (int c = 0; c + 1 < static_cast<int>(layer_sizes.size()); ++c) {
    const LayerSpec spec = net.layer(c);
    const int fan_in = spec.kind == LayerKind::dense
                           ? layer_sizes[c] + n_pulses
                           : static_cast<int>(layer_model(spec.kind).weight_shape(net, c)[1]);
    auto& weights = net.weights.emplace_back(layer_model(spec.kind).weight_count(net, c));
    for (double& w : weights) w = 0.35 + 0.9 * rng.normal() / std::sqrt(fan_in);
    auto& pulses = net.pulses.emplace_back();
    for (int i = 0; i < n_pulses; ++i) pulses.push_back(0.15 + 0.7 * rng.uniform());
  }
  for (int i = 0; i < layer_sizes.front(); ++i) {
    problem.inputs.push_back(rng.uniform() < 0.2 ? kNoSpike : rng.uniform());
    problem.targets.push_back(problem.inputs.back() == kNoSpike ? 1.0 : problem.inputs.back());
  }
  return problem;
}

double half_squared_error(const Problem& problem, const Network& network) {
  ForwardState state = make_forward_state(network);
  forward_dense(network, problem.inputs, state);
  return 0.5 * problem.targets.size() *
         reconstruction_loss(state.output_times(), problem.targets, problem.latency);
}

Gradients analytic_gradients(const Problem& problem) {
  const Network& net = problem.network;
  ForwardState state = make_forward_state(net);
  forward_dense(net, problem.inputs, state);
  BackwardState backward_state = make_backward_state(net);
  output_error(state.output_times(), problem.targets, problem.latency, backward_state.output_delta);
  Gradients gradients = make_gradients(net);
  const LossOptions options{problem.latency, 1e300, 0.0};
  backward(net, state, options, gradients, backward_state);
  return gradients;
}

struct CheckCounts {
  int checked = 0;
  int nonzero = 0;
  int kinks = 0;
};

// Central difference of E in one parameter, skipping kinks (a causal set that
// changes within +-h shows as one-sided slopes that disagree).
void check_parameter(const Problem& problem, double* parameter, double analytic,
                     CheckCounts& counts, const std::string& name) {
  const double h = 1e-6;
  const double original = *parameter;
  const double e0 = half_squared_error(problem, problem.network);
  *parameter = original + h;
  const double e_plus = half_squared_error(problem, problem.network);
  *parameter = original - h;
  const double e_minus = half_squared_error(problem, problem.network);
  *parameter = original;
  const double forward_slope = (e_plus - e0) / h, backward_slope = (e0 - e_minus) / h;
  if (std::abs(forward_slope - backward_slope) > 1e-3 * (1.0 + std::abs(forward_slope))) {
    ++counts.kinks;
    return;
  }
  const double central = (e_plus - e_minus) / (2 * h);
  EXPECT_NEAR(analytic, central, 1e-5 * std::max(1.0, std::abs(central))) << name;
  ++counts.checked;
  if (std::abs(central) > 1e-6) ++counts.nonzero;
}

CheckCounts check_network(std::vector<int> layer_sizes, int n_pulses, std::uint64_t seed,
                          NeuronKind kind, const std::vector<LayerSpec>& specs) {
  Problem problem = make_problem(layer_sizes, n_pulses, seed, kind, specs);
  const Gradients gradients = analytic_gradients(problem);
  CheckCounts counts;
  Network& net = problem.network;
  for (int c = 0; c < net.num_connections(); ++c) {
    for (std::size_t i = 0; i < net.weights[c].size(); ++i) {
      check_parameter(problem, &net.weights[c][i], gradients.weights[c][i], counts,
                      "weight " + std::to_string(c) + "/" + std::to_string(i));
    }
    for (std::size_t i = 0; i < net.pulses[c].size(); ++i) {
      check_parameter(problem, &net.pulses[c][i], gradients.pulses[c][i], counts,
                      "pulse " + std::to_string(c) + "/" + std::to_string(i));
    }
  }
  return counts;
}

// Checks several random networks of one shape; asserts the check was not vacuous.
void expect_gradients_match(const std::vector<int>& layer_sizes, int n_pulses,
                            std::uint64_t first_seed, NeuronKind kind = NeuronKind::alpha,
                            const std::vector<LayerSpec>& specs = {}) {
  CheckCounts total;
  for (std::uint64_t seed = first_seed; seed < first_seed + 5; ++seed) {
    const CheckCounts counts = check_network(layer_sizes, n_pulses, seed, kind, specs);
    total.checked += counts.checked;
    total.nonzero += counts.nonzero;
    total.kinks += counts.kinks;
  }
  EXPECT_GT(total.nonzero, 200) << "too few parameters with a gradient: test is vacuous";
  EXPECT_LT(total.kinks, total.checked / 20);
}

TEST(Gradients, ThreeLayerNetworkMatchesFiniteDifferences) {
  expect_gradients_match({12, 6, 12}, 3, 1);
}

TEST(Gradients, FiveLayerNetworkMatchesFiniteDifferences) {
  expect_gradients_match({10, 7, 4, 7, 10}, 2, 11);
}

TEST(Gradients, ExponentialNeuronThreeLayerNetworkMatchesFiniteDifferences) {
  expect_gradients_match({12, 6, 12}, 3, 21, NeuronKind::exponential);
}

TEST(Gradients, ExponentialNeuronFiveLayerNetworkMatchesFiniteDifferences) {
  expect_gradients_match({10, 7, 4, 7, 10}, 2, 31, NeuronKind::exponential);
}

// The local kind (docs/model.md section 2.1): windows narrower than the layer below.
TEST(Gradients, LocallyConnectedNetworkMatchesFiniteDifferences) {
  expect_gradients_match({12, 6, 12}, 3, 41, NeuronKind::alpha,
                         {{LayerKind::local, 5}, {LayerKind::local, 3}});
}

TEST(Gradients, LocalAndDenseFiveLayerNetworkMatchesFiniteDifferences) {
  expect_gradients_match({10, 7, 4, 7, 10}, 2, 51, NeuronKind::exponential,
                         {{LayerKind::local, 4}, {}, {LayerKind::local, 2}, {LayerKind::local, 7}});
}

// The conv kind: shared kernel taps, 1x6x6 -> 2x6x6 (K=3, S=1, P=1) -> dense 36.
TEST(Gradients, ConvolutionalNetworkMatchesFiniteDifferences) {
  expect_gradients_match({36, 72, 36}, 3, 61, NeuronKind::alpha,
                         {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 1, 1}}, {}});
}

// Strided convolutions both ways: 1x6x6 -> 2x3x3 -> 1x6x6 is not a convolution, so
// the way up is a 4x3x3 = 36 convolution.
TEST(Gradients, StridedConvolutionsBothWaysMatchFiniteDifferences) {
  expect_gradients_match(
      {36, 18, 36}, 2, 71, NeuronKind::alpha,
      {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 2, 1}}, {LayerKind::conv, 0, {2, 3, 3, 4, 3, 1, 1}}});
}

// A conv encoder and a tconv decoder with a dense embedding: 1x6x6 -> 2x3x3 -> 5
// -> 2x3x3 -> 1x6x6 (tconv K=4, S=2, P=1).
TEST(Gradients, ConvEncoderTConvDecoderMatchesFiniteDifferences) {
  expect_gradients_match({36, 18, 5, 18, 36}, 2, 81, NeuronKind::alpha,
                         {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 2, 1}},
                          {},
                          {},
                          {LayerKind::tconv, 0, {2, 3, 3, 1, 4, 2, 1}}});
}

TEST(Gradients, SilentNeuronGetsPenaltyOnEveryInputWeightAndPassesNoError) {
  Problem problem = make_problem({5, 3, 5}, 2, 3);
  Network& net = problem.network;
  const int fan_in = net.fan_in(0);
  for (int i = 0; i < fan_in; ++i) net.weight(0, i, 0) = -1.0;  // hidden neuron 0 never spikes
  ForwardState state = make_forward_state(net);
  forward_dense(net, problem.inputs, state);
  ASSERT_FALSE(state.solutions[0][0].spiked());
  BackwardState backward_state = make_backward_state(net);
  output_error(state.output_times(), problem.targets, problem.latency, backward_state.output_delta);
  Gradients gradients = make_gradients(net);
  backward(net, state, LossOptions{1.0, 1e300, 2.5}, gradients, backward_state);
  for (int i = 0; i < fan_in; ++i) EXPECT_EQ(gradients.weights[0][i * net.n_post(0)], -2.5);
  EXPECT_EQ(backward_state.delta[1][0], 0.0);  // no error reaches the silent neuron
}

TEST(Gradients, DerivativesAreClipped) {
  Problem problem = make_problem({12, 6, 12}, 3, 2);
  Network& net = problem.network;
  ForwardState state = make_forward_state(net);
  forward_dense(net, problem.inputs, state);
  BackwardState backward_state = make_backward_state(net);
  output_error(state.output_times(), problem.targets, problem.latency, backward_state.output_delta);
  const double clip = 1e-3;
  Gradients gradients = make_gradients(net);
  backward(net, state, LossOptions{1.0, clip, 0.0}, gradients, backward_state);
  // Each weight gradient of the output layer is delta_k * clip(dt/dw), so |g| <= |delta_k| * clip.
  const int fan_in = net.fan_in(1);
  int saturated = 0;
  for (int k = 0; k < net.n_post(1); ++k) {
    const double bound = std::abs(backward_state.output_delta[k]) * clip;
    for (int i = 0; i < fan_in; ++i) {
      const double g = std::abs(gradients.weights[1][i * net.n_post(1) + k]);
      EXPECT_LE(g, bound * (1 + 1e-12));
      if (bound > 0 && g == bound) ++saturated;
    }
  }
  EXPECT_GT(saturated, 0);
}

}  // namespace
}  // namespace spikeae
