// The conv and tconv kinds (docs/model.md section 2.1): its specs, which tap links which
// input to which neuron, its initial weights, and training end to end. Its
// equivalence to the dense twin is in test_layers.cc.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "layer_training.h"
#include "model/layer_model.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/model_file.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;
using test_support::same_bits;

std::string check_error(std::string_view text, const std::vector<int>& sizes) {
  return test_support::error_message([&] { check_layer_specs(parse_layer_specs(text), sizes); });
}

TEST(ConvSpecs, ParseAndPrintRoundTrip) {
  const std::vector<LayerSpec> specs = parse_layer_specs("conv:1:8:8:2:3:2:1,dense");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0], (LayerSpec{LayerKind::conv, 0, {1, 8, 8, 2, 3, 2, 1}}));
  EXPECT_EQ(specs[0].conv.out_height(), 4);
  EXPECT_EQ(specs[0].conv.out_width(), 4);
  EXPECT_EQ(layer_specs_text(specs), "conv:1:8:8:2:3:2:1,dense");
  EXPECT_EQ(layer_spec_fields(specs[0]), (std::vector<std::int64_t>{1, 8, 8, 2, 3, 2, 1}));
  EXPECT_EQ(layer_spec_from_fields(LayerKind::conv, {1, 8, 8, 2, 3, 2, 1}), specs[0]);
  EXPECT_THROW(check_layer_spec_field_count(LayerKind::conv, 6), Error);
}

TEST(ConvSpecs, BadSpellingsAreRefused) {
  for (const char* text : {"conv:1:8:8:2:3:2", "conv:1:8:8:2:3:2:1:0", "conv:1:8:8:2:3:2:-1",
                           "conv:1x8x8:2:3:2:1", "conv:", "conv:1:8:8:2:3:2:"}) {
    try {
      parse_layer_specs(text);
      ADD_FAILURE() << text;
    } catch (const Error& error) {
      EXPECT_TRUE(Contains(error.what(), "conv:C_in:H:W:C_out:K:S:P")) << text;
    }
  }
}

TEST(ConvSpecs, ShapesMustFitTheLayerSizes) {
  EXPECT_EQ(check_error("conv:1:8:8:2:3:2:1,dense", {64, 32, 64}), "");
  EXPECT_EQ(check_error("conv:2:3:3:1:3:1:0,dense", {18, 1, 18}), "");
  EXPECT_TRUE(Contains(check_error("conv:1:8:8:2:3:2:1,dense", {63, 32, 64}),
                       "connection 0 (conv:1:8:8:2:3:2:1): C_in*H*W is 1*8*8 = 64, but the layer "
                       "below has 63 neurons"));
  EXPECT_TRUE(Contains(check_error("conv:1:8:8:2:3:2:1,dense", {64, 30, 64}),
                       "C_out*H_out*W_out is 2*4*4 = 32, but the layer has 30 neurons"));
  EXPECT_TRUE(Contains(check_error("conv:1:8:8:2:0:1:0,dense", {64, 32, 64}),
                       "the kernel size and stride must be at least 1"));
  EXPECT_TRUE(Contains(check_error("conv:1:8:8:2:3:0:1,dense", {64, 32, 64}),
                       "the kernel size and stride must be at least 1"));
  EXPECT_TRUE(Contains(check_error("conv:1:8:8:2:3:2:3,dense", {64, 32, 64}),
                       "the padding must be less than the kernel size"));
  EXPECT_TRUE(Contains(check_error("conv:1:2:2:2:4:1:0,dense", {4, 2, 4}),
                       "the kernel is larger than the padded input"));
  // A kernel wider than the image, even within the padding: its weights would not be bounded.
  EXPECT_TRUE(Contains(check_error("conv:1:2:2:2:3:1:2,dense", {4, 32, 4}),
                       "the kernel is larger than the input"));
  EXPECT_TRUE(Contains(check_error("conv:0:8:8:2:3:2:1,dense", {0, 32, 64}),
                       "the channels, height and width must be at least 1"));
  LayerSpec local_with_shape{LayerKind::local, 4, {1, 8, 8, 2, 3, 2, 1}};
  EXPECT_THROW(check_layer_specs({local_with_shape, {}}, {64, 32, 64}), Error);
}

TEST(TConvSpecs, ParseCheckAndPrint) {
  const std::vector<LayerSpec> specs = parse_layer_specs("conv:1:6:6:2:3:2:1,tconv:2:3:3:1:4:2:1");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[1], (LayerSpec{LayerKind::tconv, 0, {2, 3, 3, 1, 4, 2, 1}}));
  EXPECT_EQ(specs[1].conv.transposed_out_height(), 6);  // (3 - 1) * 2 + 4 - 2 * 1
  EXPECT_EQ(layer_specs_text(specs), "conv:1:6:6:2:3:2:1,tconv:2:3:3:1:4:2:1");
  EXPECT_EQ(layer_spec_from_fields(LayerKind::tconv, layer_spec_fields(specs[1])), specs[1]);
  EXPECT_EQ(layer_kind_from_number(3), LayerKind::tconv);
  EXPECT_EQ(check_error("conv:1:6:6:2:3:2:1,tconv:2:3:3:1:4:2:1", {36, 18, 36}), "");
  EXPECT_TRUE(Contains(check_error("dense,tconv:2:3:3:1:4:2:1", {36, 18, 35}),
                       "C_out*H_out*W_out is 1*6*6 = 36, but the layer has 35 neurons"));
  EXPECT_TRUE(Contains(check_error("dense,tconv:2:3:3:1:2:3:0", {36, 18, 49}),
                       "the stride must be at most the kernel size"));
  EXPECT_TRUE(Contains(check_error("dense,tconv:2:1:1:1:3:1:1", {36, 2, 1}),
                       "the kernel is larger than the output"));
  EXPECT_TRUE(Contains(check_error("dense,tconv:2:3:3:1:4:2:4", {36, 18, 36}),
                       "the padding must be less than the kernel size"));
  // Fields near the int limit are refused, not overflowed.
  EXPECT_TRUE(Contains(check_error("dense,tconv:1:2147483647:1:1:2:2:0", {36, 18, 36}),
                       "but the layer below has 18 neurons"));
  EXPECT_TRUE(Contains(check_error("dense,tconv:18:1:1:2147483647:2147483647:1:0", {36, 18, 36}),
                       "but the layer has 36 neurons"));
  EXPECT_THROW(parse_layer_specs("tconv:2:3:3:1:4:2"), Error);
}

// for_each_output is how the kernels hand each input event to the neurons that see
// it (event-driven), and for_each_input how they find a silent neuron's inputs;
// both must list exactly the (source, post, weight index) triples weight_index
// connects, checked against every pair.
template <class Geometry>
void expect_inputs_match_weight_index(const Geometry& geometry, int n_pre, int n_post,
                                      int n_pulses) {
  for (int source = 0; source < n_pre + n_pulses; ++source) {
    std::vector<std::ptrdiff_t> reached(static_cast<std::size_t>(n_post), kNotConnected);
    int previous = -1;
    geometry.for_each_output(source, [&](int post, std::ptrdiff_t index) {
      ASSERT_GT(post, previous) << "neurons are listed in increasing order";
      previous = post;
      reached[static_cast<std::size_t>(post)] = index;
    });
    for (int post = 0; post < n_post; ++post) {
      EXPECT_EQ(reached[static_cast<std::size_t>(post)], geometry.weight_index(source, post))
          << "source " << source << " reaching neuron " << post;
    }
  }
  for (int post = 0; post < n_post; ++post) {
    std::vector<std::ptrdiff_t> listed(static_cast<std::size_t>(n_pre + n_pulses), kNotConnected);
    int previous = -1;
    geometry.for_each_input(post, [&](int source, std::ptrdiff_t index) {
      ASSERT_GT(source, previous) << "sources are listed in increasing order";
      previous = source;
      listed[static_cast<std::size_t>(source)] = index;
    });
    for (int source = 0; source < n_pre + n_pulses; ++source) {
      EXPECT_EQ(listed[static_cast<std::size_t>(source)], geometry.weight_index(source, post))
          << "source " << source << ", neuron " << post;
    }
  }
}

TEST(KernelGeometry, EachNeuronListsExactlyTheInputsItsWeightsConnect) {
  for (const ConvShape& shape : {ConvShape{1, 6, 6, 2, 3, 1, 1}, ConvShape{2, 7, 5, 3, 3, 2, 1},
                                 ConvShape{1, 5, 5, 2, 2, 2, 0}, ConvShape{3, 4, 6, 1, 4, 3, 2}}) {
    const ConvGeometry conv{shape, 2};
    expect_inputs_match_weight_index(conv, conv.n_pre(),
                                     shape.out_channels * conv.out_height() * conv.out_width(), 2);
  }
  for (const ConvShape& shape : {ConvShape{2, 3, 3, 1, 4, 2, 1}, ConvShape{1, 4, 5, 2, 3, 2, 0},
                                 ConvShape{2, 3, 2, 2, 3, 3, 2}, ConvShape{1, 2, 2, 3, 5, 2, 2}}) {
    const TConvGeometry tconv{shape, 3};
    expect_inputs_match_weight_index(
        tconv, tconv.n_pre(), shape.out_channels * tconv.out_height() * tconv.out_width(), 3);
  }
  for (const auto& [n_pre, n_post, window] :
       {std::array{12, 5, 4}, std::array{7, 7, 7}, std::array{10, 1, 3}, std::array{5, 12, 2}}) {
    expect_inputs_match_weight_index(LocalGeometry{n_pre, n_post, window, 2}, n_pre, n_post, 2);
  }
}

// 1x2x2 -> 1x4x4 with K=2, S=2, P=0: each input neuron paints its own 2x2 patch.
TEST(TConvGeometry, EachInputPaintsAStridedPatch) {
  const TConvGeometry tconv{{1, 2, 2, 1, 2, 2, 0}, 1};
  EXPECT_EQ(tconv.out_height(), 4);
  EXPECT_EQ(tconv.row_position(0, 0), 0);   // input (0,0) -> output (0,0): tap (0,0)
  EXPECT_EQ(tconv.row_position(0, 5), 3);   // -> output (1,1): tap (1,1)
  EXPECT_EQ(tconv.row_position(1, 5), -1);  // input (0,1) paints columns 2..3 only
  EXPECT_EQ(tconv.row_position(3, 15), 3);  // input (1,1) -> output (3,3): tap (1,1)
  EXPECT_EQ(tconv.row_position(4, 9), 4);   // the pulse
}

TEST(TConvLayer, InitialWeightsUseTheTransposedFanInAndOut) {
  const Architecture architecture{
      {36, 18, 36}, 3, {{}, {LayerKind::tconv, 0, {2, 3, 3, 1, 4, 2, 1}}}};
  const Network network = make_network(architecture, {}, {0.0, 3.0}, 4);
  ASSERT_EQ(network.weights[1].size(), 1u * (2 * 16 + 3));
  // fan_in = 2 * 16 / 4 + 3 taps and pulses a neuron sees, fan_out = 1 * 16.
  const double sigma = std::sqrt(2.0 / (8 + 3 + 16.0));
  double pulse_mean = 0.0;
  for (int k = 32; k < 35; ++k) pulse_mean += network.weights[1][k] / 3;
  EXPECT_NEAR(pulse_mean, 3.0 * sigma, 2.0 * sigma);
  EXPECT_EQ(input_weight(network, 1, 0, 0), network.weights[1][1 * 4 + 1]);  // tap (0,1,1)
}

// 1x4x4 -> 2x2x2 with K=3, S=2, P=1: neuron (o, y, x) sees rows 2y-1..2y+1.
TEST(ConvGeometry, TapsFollowTheStrideAndPadding) {
  const ConvGeometry conv{{1, 4, 4, 2, 3, 2, 1}, 2};
  EXPECT_EQ(conv.taps(), 9);
  EXPECT_EQ(conv.row_size(), 11);
  EXPECT_EQ(conv.row_position(0, 0), 4);        // input (0,0) is the centre tap of (0,0,0)
  EXPECT_EQ(conv.row_position(2, 0), -1);       // input (0,2) is past (0,0,0)'s kernel
  EXPECT_EQ(conv.row_position(2, 1), 4);        // (0,2) is the centre of (0,0,1)
  EXPECT_EQ(conv.row_position(15, 3), 8);       // (3,3) under (0,1,1): the last tap
  EXPECT_EQ(conv.weight_index(15, 7), 11 + 8);  // the same tap of channel 1
  EXPECT_EQ(conv.weight_index(16, 5), 11 + 9);  // channel 1's first pulse
  EXPECT_EQ(conv.weight_index(17, 0), 10);
}

TEST(ConvGeometry, InputChannelsSelectTheirSliceOfTheKernel) {
  const ConvGeometry conv{{2, 3, 3, 1, 3, 1, 1}, 1};
  EXPECT_EQ(conv.row_position(9 + 4, 4), 9 + 4);  // channel 1's centre under the centre neuron
  EXPECT_EQ(conv.row_position(9 + 0, 8), -1);     // corner (0,0) is outside (2,2)'s kernel
}

TEST(ConvLayer, InitialWeightsAreOneKernelPerOutputChannel) {
  const Architecture architecture{
      {64, 32, 64}, 3, {{LayerKind::conv, 0, {1, 8, 8, 2, 3, 2, 1}}, {}}};
  const Network network = make_network(architecture, {}, {0.0, 3.0}, 4);
  ASSERT_EQ(network.weights[0].size(), 2u * (9 + 3));
  EXPECT_EQ(weight_shape(network, 0), (std::array<std::size_t, 2>{2, 12}));
  // sigma = sqrt(2 / (fan_in + fan_out)), fan_in = 9 + 3, fan_out = 2 * 9 / 4.
  const double sigma = std::sqrt(2.0 / (12 + 4.5));
  double pulse_mean = 0.0;
  for (int channel = 0; channel < 2; ++channel) {
    for (int k = 9; k < 12; ++k) pulse_mean += network.weights[0][channel * 12 + k] / 6;
  }
  EXPECT_NEAR(pulse_mean, 3.0 * sigma, 1.5 * sigma);
  EXPECT_EQ(input_weight(network, 0, 0, 0), network.weights[0][4]);
  EXPECT_EQ(input_weight(network, 0, 63, 0), 0.0);
}

// 8x8 blobs -> 2x4x4 feature maps -> dense 64: the CPU engine gives the
// reference engine's bits, the loss falls, and the model file keeps the shape.
TEST(ConvLayer, TrainsEndToEndThroughTheEngines) {
  testing::expect_trains_through_engines(
      testing::blob_config(32, {{LayerKind::conv, 0, {1, 8, 8, 2, 3, 2, 1}}, {}}), {1, 2}, 0.8);
}

// A conv encoder and a tconv decoder: 8x8 -> 2x4x4 -> 8 -> 2x4x4 -> 1x8x8.
TEST(TConvLayer, ConvEncoderAndTConvDecoderTrainThroughTheEngines) {
  testing::expect_trains_through_engines(
      testing::blob_config({64, 32, 8, 32, 64}, {{LayerKind::conv, 0, {1, 8, 8, 2, 3, 2, 1}},
                                                 {},
                                                 {},
                                                 {LayerKind::tconv, 0, {2, 4, 4, 1, 4, 2, 1}}}),
      {1, 2}, 0.9);
}

}  // namespace
}  // namespace spikeae
