// The layer seam: the local and conv kinds against the dense kind they generalise, specs,
// and end-to-end training through the engines (docs/model.md section 2.1).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "layer_training.h"
#include "model/layer_model.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/model_file.h"
#include "spikeae/random.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;
using test_support::same_bits;

std::string spec_error(std::string_view text) {
  return test_support::error_message([&] { parse_layer_specs(text); });
}

std::string check_error(const std::vector<LayerSpec>& specs, const std::vector<int>& sizes) {
  return test_support::error_message([&] { check_layer_specs(specs, sizes); });
}

TEST(LayerSpecs, ParseAndPrintRoundTrip) {
  const std::vector<LayerSpec> specs = parse_layer_specs("local:5,dense,local:12");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0], (LayerSpec{LayerKind::local, 5}));
  EXPECT_EQ(specs[1], LayerSpec{});
  EXPECT_EQ(specs[2], (LayerSpec{LayerKind::local, 12}));
  EXPECT_EQ(layer_specs_text(specs), "local:5,dense,local:12");
  // An all-dense network has one spelling: no specs.
  EXPECT_TRUE(parse_layer_specs("dense,dense").empty());
  EXPECT_EQ(layer_specs_text({}), "dense");
}

TEST(LayerSpecs, BadSpellingsAreRefusedByName) {
  for (const char* text : {"local:0", "local:", "local:-3", "local:4x", "conv:3", "", "dense,"}) {
    EXPECT_TRUE(Contains(spec_error(text), "invalid layer spec")) << text;
  }
  EXPECT_TRUE(Contains(spec_error("local:2,conv"), "\"conv\": must be dense, local:W"));
}

TEST(LayerSpecs, SpecsMustFitTheLayerSizes) {
  EXPECT_EQ(check_error({{LayerKind::local, 5}, {}}, {12, 6, 12}), "");
  EXPECT_TRUE(Contains(check_error({{LayerKind::local, 5}}, {12, 6, 12}),
                       "name 1 connections, but the 3 layer sizes make 2"));
  EXPECT_TRUE(Contains(check_error({{}, {LayerKind::local, 7}}, {12, 6, 12}),
                       "connection 1 (local:7): the window must be 1 to 6 neurons"));
  EXPECT_TRUE(Contains(check_error({{LayerKind::dense, 3}, {}}, {12, 6, 12}),
                       "connection 0 is dense but has a window of 3"));
  EXPECT_THROW(make_network({{12, 6, 12}, 2, {{LayerKind::local, 13}, {}}}, {}, {}, 1), Error);
}

TEST(LocalLayer, WindowsSpreadEvenlyOverTheLayerBelow) {
  const LocalGeometry local{10, 4, 4, 2};
  EXPECT_EQ(local.first_input(0), 0);
  EXPECT_EQ(local.first_input(1), 2);
  EXPECT_EQ(local.first_input(3), 6);  // the last window ends at the last neuron
  EXPECT_EQ(local.row_position(5, 1), 3);
  EXPECT_EQ(local.row_position(6, 1), -1);
  EXPECT_EQ(local.row_position(10, 3), 4);  // pulses follow the window
  EXPECT_EQ(local.row_position(11, 0), 5);
}

// A local network and the dense network whose weight matrix holds the local
// weights where a neuron sees an input and zeros elsewhere.
struct TwinNetworks {
  Network local;
  Network dense;
};

TwinNetworks twin_networks(const std::vector<int>& sizes, const std::vector<LayerSpec>& specs) {
  TwinNetworks twins;
  twins.local = make_network({sizes, 3, specs}, {0.4, 0.9}, {0.3, 3.0}, 17);
  twins.dense = make_network({sizes, 3, {}}, {0.4, 0.9}, {0.3, 3.0}, 18);
  Rng rng(5);
  for (int c = 0; c < twins.local.num_connections(); ++c) {
    for (double& pulse : twins.local.pulses[c]) pulse = 0.1 + 0.8 * rng.uniform();
    twins.dense.pulses[c] = twins.local.pulses[c];
    const LayerModel& model = layer_model(twins.local.layer(c).kind);
    for (int source = 0; source < twins.local.fan_in(c); ++source) {
      for (int post = 0; post < twins.local.n_post(c); ++post) {
        const std::ptrdiff_t index = model.weight_index(twins.local, c, source, post);
        twins.dense.weight(c, source, post) =
            index == kNotConnected ? 0.0 : twins.local.weights[c][index];
      }
    }
  }
  return twins;
}

std::vector<double> random_inputs(int count, Rng& rng) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) times.push_back(rng.uniform() < 0.3 ? kNoSpike : rng.uniform());
  return times;
}

// Gradients of one example with no clipping, a penalty, and targets from the inputs.
Gradients example_gradients(const Network& network, std::span<const double> inputs,
                            ForwardState& state) {
  forward_dense(network, inputs, state);
  BackwardState backward_state = make_backward_state(network);
  std::vector<double> targets(inputs.begin(), inputs.end());
  for (double& t : targets) t = t == kNoSpike ? 1.0 : t;
  output_error(state.output_times(), targets, 1.0, backward_state.output_delta);
  Gradients gradients = make_gradients(network);
  backward(network, state, LossOptions{1.0, 1e300, 0.25}, gradients, backward_state);
  return gradients;
}

// The gradient of each weight of connection c from the dense twin's: the sum over
// the (source, post) pairs that share it.
std::vector<double> twin_gradients(const Network& network, int c,
                                   const std::vector<double>& dense_gradients) {
  const LayerModel& model = layer_model(network.layer(c).kind);
  std::vector<double> sums(network.weights[c].size(), 0.0);
  for (int source = 0; source < network.fan_in(c); ++source) {
    for (int post = 0; post < network.n_post(c); ++post) {
      const std::ptrdiff_t index = model.weight_index(network, c, source, post);
      if (index != kNotConnected) sums[index] += dense_gradients[source * network.n_post(c) + post];
    }
  }
  return sums;
}

// Same spike times to the bit (a zero weight adds exactly nothing), and the same
// gradients of every weight a local neuron has, up to the order of the error sums
// (a shared conv weight: the sum of its positions' gradients).
void expect_twins_agree(const std::vector<int>& sizes, const std::vector<LayerSpec>& specs) {
  const TwinNetworks twins = twin_networks(sizes, specs);
  ForwardState local_state = make_forward_state(twins.local);
  ForwardState dense_state = make_forward_state(twins.dense);
  Rng rng(11);
  int spiking = 0, compared = 0;
  for (int example = 0; example < 20; ++example) {
    const std::vector<double> inputs = random_inputs(sizes.front(), rng);
    const Gradients local = example_gradients(twins.local, inputs, local_state);
    const Gradients dense = example_gradients(twins.dense, inputs, dense_state);
    ASSERT_TRUE(same_bits(local_state.spike_times, dense_state.spike_times)) << example;
    for (const std::vector<double>& layer : local_state.spike_times) {
      for (double t : layer) spiking += t != kNoSpike;
    }
    for (int c = 0; c < twins.local.num_connections(); ++c) {
      const std::vector<double> expected = twin_gradients(twins.local, c, dense.weights[c]);
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NEAR(local.weights[c][i], expected[i], 1e-12 * (1 + std::abs(expected[i])));
        compared += expected[i] != 0.0;
      }
      for (int i = 0; i < twins.local.n_pulses(); ++i) {
        EXPECT_NEAR(local.pulses[c][i], dense.pulses[c][i],
                    1e-12 * (1 + std::abs(dense.pulses[c][i])));
      }
    }
  }
  EXPECT_GT(spiking, 100) << "too few spikes: the comparison is vacuous";
  EXPECT_GT(compared, 200) << "too few nonzero gradients: the comparison is vacuous";
}

TEST(LocalLayer, WholeLayerWindowsAreTheDenseLayer) {
  expect_twins_agree({12, 6, 12}, {{LayerKind::local, 12}, {LayerKind::local, 6}});
}

TEST(LocalLayer, NarrowWindowsAreTheDenseLayerWithZeroWeightsElsewhere) {
  expect_twins_agree({12, 6, 3, 6, 12},
                     {{LayerKind::local, 4}, {}, {LayerKind::local, 2}, {LayerKind::local, 3}});
}

// 1x6x6 -> 2x6x6 (K=3, S=1, P=1) -> dense to 36: each kernel tap is shared by up to 36 neurons.
TEST(ConvLayer, SamePaddedConvolutionIsItsDenseTwin) {
  expect_twins_agree({36, 72, 36}, {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 1, 1}}, {}});
}

// Strided convolutions both ways: 1x6x6 -> 2x3x3 -> 4x3x3, plus a 2x2 kernel with no padding.
TEST(ConvLayer, StridedConvolutionsAreTheirDenseTwins) {
  expect_twins_agree({36, 18, 36, 12}, {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 2, 1}},
                                        {LayerKind::conv, 0, {2, 3, 3, 4, 3, 1, 1}},
                                        {LayerKind::conv, 0, {4, 3, 3, 3, 2, 1, 0}}});
}

// A conv encoder and tconv decoder: 1x6x6 -> 2x3x3 -> 1x6x6 (K=4, S=2, P=1), and
// a tconv whose kernel patches do not overlap (K = S = 2).
TEST(TConvLayer, TransposedConvolutionsAreTheirDenseTwins) {
  expect_twins_agree({36, 18, 36}, {{LayerKind::conv, 0, {1, 6, 6, 2, 3, 2, 1}},
                                    {LayerKind::tconv, 0, {2, 3, 3, 1, 4, 2, 1}}});
  expect_twins_agree({36, 9, 36}, {{LayerKind::conv, 0, {1, 6, 6, 1, 2, 2, 0}},
                                   {LayerKind::tconv, 0, {1, 3, 3, 1, 2, 2, 0}}});
}

// The trainer knows nothing of the kind: a local network trains through the
// engine seam, the CPU engine gives the reference engine's bits, the loss falls,
// and the model file keeps the kind.
TEST(LocalLayer, TrainsEndToEndThroughTheEngines) {
  const Network start = testing::expect_trains_through_engines(
      testing::blob_config(16, {{LayerKind::local, 24}, {LayerKind::local, 8}}), {1, 2, 3}, 0.7);
  EXPECT_EQ(start.weights[0].size(), 16u * (24 + 4));
}

}  // namespace
}  // namespace spikeae
