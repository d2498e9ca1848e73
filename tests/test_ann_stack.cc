// The ANN baseline in any stack of dense, local, conv and tconv connections:
// exact gradients against central differences, conv and tconv against dense
// layers with the same weights written out, learning, determinism across thread
// counts, and the shapes it refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "spikeae/ann.h"
#include "spikeae/ann_stack.h"
#include "spikeae/ann_trainer.h"
#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

AnnOptions smooth_options() {
  AnnOptions options;
  options.encoder = Activation::tanh;  // smooth, so central differences are exact enough
  options.decoder = Activation::sigmoid;
  options.seed = 5;
  return options;
}

// 1x6x6 -> conv 2x3x3 -> 5 -> 18 -> tconv 1x6x6.
AnnModel conv_stack(const AnnOptions& options) {
  return make_ann_model({36, 18, 5, 18, 36},
                        parse_layer_specs("conv:1:6:6:2:4:2:1,dense,dense,tconv:2:3:3:1:4:2:1"),
                        options);
}

std::vector<double> random_values(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> values(count);
  for (double& v : values) v = rng.uniform();
  return values;
}

void randomise_biases(AnnModel& model) {
  Rng rng(77);
  for (auto& block : model.biases) {
    for (double& b : block) b = 0.2 * (2.0 * rng.uniform() - 1.0);
  }
}

// Every weight and bias gradient against a central difference of the loss.
void expect_gradient_matches_differences(AnnModel model) {
  randomise_biases(model);
  const std::size_t n = 3;
  const auto inputs = random_values(n * model.inputs, 1);
  const auto targets = random_values(n * model.inputs, 2);
  AnnStackGradients gradients;
  ann_stack_loss_gradient(model, inputs, targets, gradients);
  AnnStackGradients scratch;
  constexpr double h = 1e-6;
  for (auto [params, grads] : {std::pair{&model.weights, &gradients.weights},
                               std::pair{&model.biases, &gradients.biases}}) {
    for (std::size_t c = 0; c < params->size(); ++c) {
      for (std::size_t k = 0; k < (*params)[c].size(); ++k) {
        double& value = (*params)[c][k];
        const double saved = value;
        value = saved + h;
        const double up = ann_stack_loss_gradient(model, inputs, targets, scratch);
        value = saved - h;
        const double down = ann_stack_loss_gradient(model, inputs, targets, scratch);
        value = saved;
        const double numeric = (up - down) / (2.0 * h);
        EXPECT_NEAR((*grads)[c][k], numeric, 1e-7 + 1e-5 * std::abs(numeric))
            << "connection " << c << " entry " << k;
      }
    }
  }
}

TEST(AnnStack, ConvDenseTconvGradientMatchesCentralDifferences) {
  expect_gradient_matches_differences(conv_stack(smooth_options()));
}

TEST(AnnStack, FiveDenseLayersGradientMatchesCentralDifferences) {
  expect_gradient_matches_differences(make_ann_model({10, 7, 4, 7, 10}, {}, smooth_options()));
}

TEST(AnnStack, LocalGradientMatchesCentralDifferences) {
  expect_gradient_matches_differences(
      make_ann_model({12, 6, 12}, parse_layer_specs("local:4,local:3"), smooth_options()));
}

// The dense (n_pre, n_post) matrix of a conv or tconv connection, written out from
// the convolution's definition: output (o, y, x) of a conv sees input (i, yy, xx)
// through tap (i, ky, kx) with yy = y S - P + ky; a tconv's output sees it when
// y = yy S - P + ky.
std::vector<double> written_out(const ConvShape& s, bool transposed, const std::vector<double>& w,
                                int n_post) {
  const int out_h = transposed ? s.transposed_out_height() : s.out_height();
  const int out_w = transposed ? s.transposed_out_width() : s.out_width();
  std::vector<double> dense(static_cast<std::size_t>(s.in_channels * s.height * s.width) * n_post,
                            0.0);
  for (int o = 0; o < s.out_channels; ++o)
    for (int y = 0; y < out_h; ++y)
      for (int x = 0; x < out_w; ++x)
        for (int i = 0; i < s.in_channels; ++i)
          for (int yy = 0; yy < s.height; ++yy)
            for (int xx = 0; xx < s.width; ++xx) {
              const int ky =
                  transposed ? y - (yy * s.stride - s.padding) : yy - (y * s.stride - s.padding);
              const int kx =
                  transposed ? x - (xx * s.stride - s.padding) : xx - (x * s.stride - s.padding);
              if (ky < 0 || ky >= s.kernel || kx < 0 || kx >= s.kernel) continue;
              const int input = (i * s.height + yy) * s.width + xx;
              const int output = (o * out_h + y) * out_w + x;
              const int tap = (i * s.kernel + ky) * s.kernel + kx;
              dense[std::size_t(input) * n_post + output] =
                  w[o * s.in_channels * s.kernel * s.kernel + tap];
            }
  return dense;
}

TEST(AnnStack, ConvAndTconvEqualDenseLayersWithSharedWeights) {
  const auto specs = parse_layer_specs("conv:2:5:5:3:3:2:1,tconv:3:3:3:2:3:2:1");
  AnnModel conv = make_ann_model({50, 27, 50}, specs, smooth_options());
  randomise_biases(conv);
  AnnModel dense = make_ann_model({50, 27, 50}, {}, smooth_options());
  ASSERT_FALSE(dense.is_stack());
  dense.w1 = written_out(specs[0].conv, false, conv.weights[0], 27);
  dense.w2 = written_out(specs[1].conv, true, conv.weights[1], 50);
  for (int k = 0; k < 27; ++k) dense.b1[k] = conv.biases[0][k / 9];
  for (int k = 0; k < 50; ++k) dense.b2[k] = conv.biases[1][k / 25];
  const auto inputs = random_values(4 * 50, 3);
  std::vector<double> hidden_conv(4 * 27), hidden_dense(4 * 27), out_conv(4 * 50),
      out_dense(4 * 50);
  ann_forward(conv, inputs, hidden_conv, out_conv);
  ann_forward(dense, inputs, hidden_dense, out_dense);
  for (std::size_t k = 0; k < hidden_conv.size(); ++k) {
    EXPECT_NEAR(hidden_conv[k], hidden_dense[k], 1e-12);
  }
  for (std::size_t k = 0; k < out_conv.size(); ++k) EXPECT_NEAR(out_conv[k], out_dense[k], 1e-12);
}

TEST(AnnStack, PlainShapeIsTheBatchedModelBitForBit) {
  AnnOptions options;
  options.seed = 9;
  const AnnModel from_sizes = make_ann_model({20, 6, 20}, {}, options);
  AnnOptions with_hidden = options;
  with_hidden.hidden = 6;
  EXPECT_FALSE(from_sizes.is_stack());
  EXPECT_EQ(from_sizes, make_ann_model(20, with_hidden));
  EXPECT_FALSE(make_ann_model({20, 6, 20}, parse_layer_specs("dense,dense"), options).is_stack());
}

TEST(AnnStack, HiddenIsTheMiddleLayerAndDecodesToTheOutputs) {
  const AnnModel model = conv_stack(smooth_options());
  EXPECT_EQ(model.hidden(), 5);
  EXPECT_EQ(ann_embedding_layer(model), 2);
  const auto inputs = random_values(2 * 36, 4);
  std::vector<double> hidden(2 * 5), outputs(2 * 36), decoded(2 * 36);
  ann_forward(model, inputs, hidden, outputs);
  ann_decode(model, hidden, decoded);
  EXPECT_EQ(outputs, decoded);
}

TEST(AnnStack, WeightShapesAndParameterCount) {
  const AnnModel model = conv_stack(smooth_options());
  EXPECT_EQ(ann_weight_shape(model, 0), (std::array<std::size_t, 2>{2, 16}));
  EXPECT_EQ(ann_weight_shape(model, 1), (std::array<std::size_t, 2>{18, 5}));
  EXPECT_EQ(ann_weight_shape(model, 3), (std::array<std::size_t, 2>{1, 32}));
  EXPECT_EQ(ann_bias_count(model, 0), 2u);
  EXPECT_EQ(ann_bias_count(model, 3), 1u);
  EXPECT_EQ(model.parameter_count(), 32u + 2 + 90 + 5 + 90 + 18 + 32 + 1);
}

// Images with structure (a bright band whose position varies) that an
// autoencoder can learn.
AnnExampleSet band_images(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  AnnExampleSet set;
  set.pixels = 36;
  for (std::size_t i = 0; i < count; ++i) {
    const int row = static_cast<int>(rng.uniform() * 6);
    for (int p = 0; p < 36; ++p) {
      const double value = p / 6 == row ? 0.9 : 0.1;
      set.targets.push_back(value);
      set.inputs.push_back(value);
    }
  }
  return set;
}

AnnModel trained(int threads, int epochs) {
  AnnOptions options = smooth_options();
  options.threads = threads;
  options.epochs = epochs;
  options.batch_size = 5;
  options.learning_rate = 0.01;
  AnnModel model = conv_stack(options);
  return train_ann(model, band_images(60, 1), band_images(20, 2)).final_model;
}

TEST(AnnStack, TrainingLowersTheLoss) {
  const AnnExampleSet validation = band_images(20, 2);
  const double before = evaluate_ann_loss(conv_stack(smooth_options()), validation, 1);
  const double after = evaluate_ann_loss(trained(1, 40), validation, 1);
  EXPECT_LT(after, 0.5 * before);
}

TEST(AnnStack, ResultsDoNotDependOnTheThreadCount) {
  AnnModel one = trained(1, 2), three = trained(3, 2);
  one.options.threads = three.options.threads = 0;
  EXPECT_EQ(one, three);
  const AnnExampleSet set = band_images(150, 3);
  EXPECT_EQ(evaluate_ann_loss(one, set, 1), evaluate_ann_loss(one, set, 3));
}

void expect_refused(const std::vector<int>& sizes, const std::string& specs,
                    const std::string& message) {
  try {
    make_ann_model(sizes, parse_layer_specs(specs), AnnOptions{});
    ADD_FAILURE() << "accepted " << specs;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
  }
}

TEST(AnnStack, RefusesShapesThatDoNotFit) {
  expect_refused({36, 18}, "dense", "3 to 64 layers");
  expect_refused({36, 18, 30}, "dense,dense", "as large as its input");
  expect_refused({36, 18, 0, 36}, "dense,dense,dense", "invalid layer size 0");
  expect_refused({36, 20, 36}, "conv:1:6:6:2:4:2:1,dense", "connection 0");
  expect_refused({36, 18, 36}, "local:4", "one spec per connection");
}

TEST(AnnStack, CheckShapesRefusesWrongParameterSizes) {
  AnnModel model = conv_stack(smooth_options());
  model.weights[1].pop_back();
  EXPECT_THROW(check_shapes(model), Error);
  model = conv_stack(smooth_options());
  model.biases.pop_back();
  EXPECT_THROW(check_shapes(model), Error);
}

}  // namespace
}  // namespace spikeae
