// The dense (ANN) baseline: activations, exact gradients against central
// differences, learning, determinism across thread counts, and option checks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "ann/ann_kernels.h"
#include "spikeae/ann.h"
#include "spikeae/ann_run.h"
#include "spikeae/ann_trainer.h"
#include "spikeae/encoding.h"
#include "spikeae/error.h"
#include "spikeae/loss.h"
#include "spikeae/random.h"
#include "synthetic_data.h"

namespace spikeae {
namespace {

TEST(AnnActivation, KnownValues) {
  EXPECT_EQ(activate(Activation::relu, -2.0), 0.0);
  EXPECT_EQ(activate(Activation::relu, 1.5), 1.5);
  EXPECT_DOUBLE_EQ(activate(Activation::sigmoid, 0.0), 0.5);
  EXPECT_DOUBLE_EQ(activate(Activation::sigmoid, 2.0), 1.0 / (1.0 + std::exp(-2.0)));
  EXPECT_DOUBLE_EQ(activate(Activation::elu, -1.0), std::exp(-1.0) - 1.0);
  EXPECT_EQ(activate(Activation::elu, 0.7), 0.7);
  EXPECT_DOUBLE_EQ(activate(Activation::tanh, 0.5), 0.46211715726000974);
  EXPECT_EQ(activate(Activation::gaussian, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(activate(Activation::gaussian, 2.0), std::exp(-4.0));
  // Saturation stays finite.
  EXPECT_EQ(activate(Activation::sigmoid, -1000.0), 0.0);
  EXPECT_EQ(activate(Activation::sigmoid, 1000.0), 1.0);
}

TEST(AnnActivation, SlopesMatchCentralDifferences) {
  for (Activation a : kActivations) {
    for (double z : {-2.3, -0.4, 0.3, 1.7}) {
      const double h = 1e-6;
      const double numeric = (activate(a, z + h) - activate(a, z - h)) / (2 * h);
      EXPECT_NEAR(activation_slope(a, z, activate(a, z)), numeric, 1e-8)
          << activation_name(a) << " at " << z;
    }
  }
}

TEST(AnnActivation, NamesRoundTripAndUnknownNamesListTheValidOnes) {
  for (Activation a : kActivations) EXPECT_EQ(parse_activation(activation_name(a)), a);
  try {
    parse_activation("softplus");
    FAIL() << "no error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("softplus"), std::string::npos);
    EXPECT_NE(message.find("relu, sigmoid, elu, tanh, gaussian"), std::string::npos);
  }
}

std::vector<double> uniform_values(std::size_t count, Rng& rng) {
  std::vector<double> values(count);
  for (double& v : values) v = rng.uniform();
  return values;
}

// Mean loss of a batch, for finite differences.
double batch_loss(const AnnModel& model, const std::vector<double>& inputs,
                  const std::vector<double>& targets) {
  AnnGradients unused;
  return ann_loss_gradient(model, inputs, targets, unused);
}

// Checks every entry of one parameter array against a central difference.
void expect_gradient_matches(AnnModel& model, std::vector<double> AnnModel::*parameters,
                             const std::vector<double>& gradient, const std::vector<double>& inputs,
                             const std::vector<double>& targets, const char* what) {
  constexpr double h = 1e-6;
  std::vector<double>& values = model.*parameters;
  for (std::size_t p = 0; p < values.size(); ++p) {
    const double saved = values[p];
    values[p] = saved + h;
    const double up = batch_loss(model, inputs, targets);
    values[p] = saved - h;
    const double down = batch_loss(model, inputs, targets);
    values[p] = saved;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(gradient[p], numeric, 1e-8 + 1e-5 * std::abs(numeric))
        << what << "[" << p << "] with " << activation_name(model.options.encoder) << "/"
        << activation_name(model.options.decoder);
  }
}

TEST(AnnGradients, MatchCentralDifferencesForEveryActivationPair) {
  for (Activation encoder : kActivations) {
    for (Activation decoder : kActivations) {
      AnnOptions options;
      options.hidden = 5;
      options.encoder = encoder;
      options.decoder = decoder;
      AnnModel model = make_ann_model(12, options);
      Rng rng(7);
      // Non-zero biases, so that they matter too.
      for (double& b : model.b1) b = rng.uniform() - 0.5;
      for (double& b : model.b2) b = rng.uniform() - 0.5;
      const std::vector<double> inputs = uniform_values(3 * 12, rng);
      const std::vector<double> targets = uniform_values(3 * 12, rng);
      AnnGradients g;
      ann_loss_gradient(model, inputs, targets, g);
      expect_gradient_matches(model, &AnnModel::w1, g.w1, inputs, targets, "w1");
      expect_gradient_matches(model, &AnnModel::b1, g.b1, inputs, targets, "b1");
      expect_gradient_matches(model, &AnnModel::w2, g.w2, inputs, targets, "w2");
      expect_gradient_matches(model, &AnnModel::b2, g.b2, inputs, targets, "b2");
    }
  }
}

TEST(AnnModel, ParameterCountAndInitialisation) {
  const AnnModel model = make_ann_model(784, AnnOptions{});
  EXPECT_EQ(model.parameter_count(), 784u * 32 + 32 + 32 * 784 + 784);
  EXPECT_EQ(ann_parameter_count(784, 32), 50992u);
  const double limit = std::sqrt(6.0 / (784 + 32));
  for (double w : model.w1) EXPECT_LE(std::abs(w), limit);
  for (double b : model.b1) EXPECT_EQ(b, 0.0);
  for (double b : model.b2) EXPECT_EQ(b, 0.0);
  EXPECT_EQ(make_ann_model(784, AnnOptions{}), model);  // the seed decides everything
}

TEST(AnnModel, ForwardAgreesWithTheGradientPassAndDecode) {
  AnnOptions options;
  options.hidden = 4;
  const AnnModel model = make_ann_model(9, options);
  Rng rng(3);
  const std::vector<double> inputs = uniform_values(300 * 9, rng);  // more than one block
  std::vector<double> hidden(300 * 4), outputs(300 * 9), decoded(300 * 9);
  ann_forward(model, inputs, hidden, outputs);
  ann_decode(model, hidden, decoded);
  EXPECT_EQ(outputs, decoded);
  AnnModel zero = model;
  std::fill(zero.w2.begin(), zero.w2.end(), 0.0);
  std::vector<double> zero_out(300 * 9);
  ann_forward(zero, inputs, hidden, zero_out);
  EXPECT_EQ(zero_out[5], 0.5);  // sigmoid(0) with zero decoder weights and biases
}

// The kernels this processor runs (AVX2 where it has it) and the generic ones
// differ only in the order of the products' sums.
TEST(AnnModel, ChosenKernelsAgreeWithTheGenericOnes) {
  AnnOptions options;
  options.hidden = 32;
  const AnnModel model = make_ann_model(784, options);
  Rng rng(5);
  const std::size_t rows = 7;
  ann::BatchBuffers chosen(model, rows), generic(model, rows);
  chosen.inputs = uniform_values(rows * 784, rng);
  generic.inputs = chosen.inputs;
  ann::kernels().forward(model, chosen, rows);
  ann::generic_kernels().forward(model, generic, rows);
  for (std::size_t k = 0; k < chosen.outputs.size(); ++k) {
    EXPECT_NEAR(chosen.outputs[k], generic.outputs[k], 1e-14);
  }
}

TEST(AnnEncoding, InputsAreTheSpikingModelsValuesWithOneForNoSpike) {
  const Dataset images = testing::ink_blobs(5, 9);
  for (bool inverted : {true, false}) {
    const EncodingOptions encoding{inverted, 0.4};
    const AnnExampleSet set = make_ann_example_set(images, encoding, 77, 3);
    std::vector<double> times(64);
    int silent = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
      encode_image_dense(images.image(i), encoding, 77, 3 + i, times);
      for (std::size_t k = 0; k < 64; ++k) {
        const double value = set.inputs[i * 64 + k];
        if (times[k] == kNoSpike) {
          EXPECT_EQ(value, 1.0);
          ++silent;
        } else {
          EXPECT_EQ(value, times[k]);
        }
        EXPECT_EQ(set.targets[i * 64 + k], pixel_time(images.image(i)[k], inverted));
      }
    }
    EXPECT_GT(silent, 0);
  }
}

AnnTrainResult train_blobs(int threads, int epochs, double noise = 0.2) {
  AnnOptions options;
  options.hidden = 8;
  options.encoding.noise_factor = noise;
  options.batch_size = 5;
  options.gradient_shards = 2;
  options.epochs = epochs;
  options.threads = threads;
  options.seed = 11;
  const AnnExampleSet train_set =
      make_ann_example_set(testing::ink_blobs(400, 1), options.encoding, 3);
  const AnnExampleSet validation_set =
      make_ann_example_set(testing::ink_blobs(100, 2), options.encoding, 4);
  return train_ann(make_ann_model(64, options), train_set, validation_set);
}

bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(AnnTraining, SameSeedGivesBitIdenticalModelForAnyThreadCount) {
  const AnnTrainResult one = train_blobs(1, 2);
  for (int threads : {2, 3}) {
    const AnnTrainResult other = train_blobs(threads, 2);
    for (auto member : {&AnnModel::w1, &AnnModel::b1, &AnnModel::w2, &AnnModel::b2}) {
      EXPECT_TRUE(bit_identical(one.final_model.*member, other.final_model.*member));
      EXPECT_TRUE(bit_identical(one.best_model.*member, other.best_model.*member));
    }
    ASSERT_EQ(other.history.size(), 2u);
    for (std::size_t e = 0; e < 2; ++e) {
      EXPECT_EQ(one.history[e].train_loss, other.history[e].train_loss);
      EXPECT_EQ(one.history[e].validation_loss, other.history[e].validation_loss);
    }
  }
}

TEST(AnnEncoding, ExampleSetsAreTheSameForAnyThreadCount) {
  const Dataset images = testing::ink_blobs(600, 4);  // more than one task of images
  const EncodingOptions encoding{.inverted = false, .noise_factor = 0.4};
  const AnnExampleSet one = make_ann_example_set(images, encoding, 9, 5, 1);
  const AnnExampleSet three = make_ann_example_set(images, encoding, 9, 5, 3);
  EXPECT_TRUE(bit_identical(one.inputs, three.inputs));
  EXPECT_TRUE(bit_identical(one.targets, three.targets));
}

// The trainer as first written, one example at a time with plain loops: each
// batch cut into `shards` partial gradient sums added in shard order, then
// TensorFlow's Adam. Returns the model after `epoch`; each example's loss into
// `losses`.
AnnModel reference_epoch(AnnModel model, const AnnExampleSet& set, int epoch, int shards,
                         std::vector<double>& losses) {
  const AnnOptions& o = model.options;
  const auto n_in = static_cast<std::size_t>(model.inputs);
  const auto n_hidden = static_cast<std::size_t>(model.hidden());
  AnnGradients m = make_ann_gradients(model), v = make_ann_gradients(model);
  const std::vector<std::size_t> order = epoch_order(set.size(), o.seed, epoch);
  losses.assign(order.size(), 0.0);
  const auto batch = static_cast<std::size_t>(o.batch_size);
  std::vector<double> z1(n_hidden), a(n_hidden), d1(n_hidden), z2(n_in), y(n_in), d2(n_in);
  for (std::size_t start = 0, step = 1; start < order.size(); start += batch, ++step) {
    const std::size_t count = std::min(batch, order.size() - start);
    const std::size_t n_shards = std::min<std::size_t>(shards, count);
    AnnGradients sum = make_ann_gradients(model);
    for (std::size_t s = 0; s < n_shards; ++s) {
      AnnGradients g = make_ann_gradients(model);
      for (std::size_t e = start + s * count / n_shards; e < start + (s + 1) * count / n_shards;
           ++e) {
        const double* x = set.inputs.data() + order[e] * n_in;
        const double* t = set.targets.data() + order[e] * n_in;
        for (std::size_t j = 0; j < n_hidden; ++j) {
          z1[j] = model.b1[j];
          for (std::size_t p = 0; p < n_in; ++p) z1[j] += x[p] * model.w1[p * n_hidden + j];
          a[j] = activate(o.encoder, z1[j]);
        }
        for (std::size_t k = 0; k < n_in; ++k) {
          z2[k] = model.b2[k];
          for (std::size_t j = 0; j < n_hidden; ++j) z2[k] += a[j] * model.w2[j * n_in + k];
          y[k] = activate(o.decoder, z2[k]);
          d2[k] = (y[k] - t[k]) * (2.0 / n_in) * activation_slope(o.decoder, z2[k], y[k]);
        }
        losses[e] = reconstruction_loss(y, {t, n_in}, 0.0);
        for (std::size_t j = 0; j < n_hidden; ++j) {
          d1[j] = 0.0;
          for (std::size_t k = 0; k < n_in; ++k) d1[j] += d2[k] * model.w2[j * n_in + k];
          d1[j] *= activation_slope(o.encoder, z1[j], a[j]);
        }
        for (std::size_t p = 0; p < n_in; ++p) {
          for (std::size_t j = 0; j < n_hidden; ++j) g.w1[p * n_hidden + j] += x[p] * d1[j];
        }
        for (std::size_t j = 0; j < n_hidden; ++j) {
          g.b1[j] += d1[j];
          for (std::size_t k = 0; k < n_in; ++k) g.w2[j * n_in + k] += a[j] * d2[k];
        }
        for (std::size_t k = 0; k < n_in; ++k) g.b2[k] += d2[k];
      }
      for (auto member :
           {&AnnGradients::w1, &AnnGradients::b1, &AnnGradients::w2, &AnnGradients::b2}) {
        for (std::size_t i = 0; i < (g.*member).size(); ++i) (sum.*member)[i] += (g.*member)[i];
      }
    }
    const double bias1 = 1.0 - std::pow(0.9, static_cast<double>(step));
    const double bias2 = 1.0 - std::pow(0.999, static_cast<double>(step));
    for (auto [values, member] : {std::pair{&AnnModel::w1, &AnnGradients::w1},
                                  {&AnnModel::b1, &AnnGradients::b1},
                                  {&AnnModel::w2, &AnnGradients::w2},
                                  {&AnnModel::b2, &AnnGradients::b2}}) {
      for (std::size_t i = 0; i < (model.*values).size(); ++i) {
        const double g = (sum.*member)[i] / static_cast<double>(count);
        double& m_i = (m.*member)[i];
        double& v_i = (v.*member)[i];
        m_i = 0.9 * m_i + 0.1 * g;
        v_i = 0.999 * v_i + 0.001 * g * g;
        (model.*values)[i] -= o.learning_rate / bias1 * m_i / (std::sqrt(v_i / bias2) + 1e-7);
      }
    }
  }
  return model;
}

// The batched trainer computes what the per-example one does, up to the order
// of floating-point sums and its exp (within 1.5 ulp of libm's): after an epoch
// of 80 steps the loss and every weight array agree to better than 1e-14
// (relative to the largest weight) when written; the test allows 1e-9.
TEST(AnnTraining, AgreesWithThePerExampleReferenceUpToRounding) {
  for (Activation encoder : {Activation::relu, Activation::tanh}) {
    AnnOptions options;
    options.hidden = 8;
    options.encoder = encoder;
    options.encoding.noise_factor = 0.2;
    options.batch_size = 5;
    options.seed = 11;
    options.threads = 1;
    const AnnExampleSet set = make_ann_example_set(testing::ink_blobs(400, 1), options.encoding, 3);
    const AnnModel start = make_ann_model(64, options);
    std::vector<double> losses;
    const AnnModel reference = reference_epoch(start, set, 1, 2, losses);
    const double reference_loss = std::accumulate(losses.begin(), losses.end(), 0.0) / 400;
    const AnnTrainResult trained = train_ann(start, set, set);
    ASSERT_EQ(trained.history.size(), 1u);
    EXPECT_NEAR(trained.history[0].train_loss, reference_loss, 1e-9 * reference_loss);
    for (auto member : {&AnnModel::w1, &AnnModel::b1, &AnnModel::w2, &AnnModel::b2}) {
      const std::vector<double>& got = trained.final_model.*member;
      const std::vector<double>& want = reference.*member;
      ASSERT_EQ(got.size(), want.size());
      double largest = 0.0, worst = 0.0;
      for (std::size_t i = 0; i < got.size(); ++i) {
        largest = std::max(largest, std::abs(want[i]));
        worst = std::max(worst, std::abs(got[i] - want[i]));
      }
      EXPECT_LE(worst, 1e-9 * largest) << activation_name(encoder);
    }
  }
}

TEST(AnnTraining, LearnsSyntheticImages) {
  const AnnTrainResult result = train_blobs(0, 40, 0.0);
  ASSERT_EQ(result.history.size(), 40u);
  // An untrained sigmoid decoder outputs about 0.5 everywhere (loss ~ 0.2); blank
  // background with small blobs is easy to reconstruct.
  EXPECT_GT(result.history.front().train_loss, 0.03);
  EXPECT_LT(result.best_validation_loss, 0.005);  // 0.003 when written
  EXPECT_GE(result.best_epoch, 1);
  EXPECT_EQ(result.history[result.best_epoch - 1].validation_loss, result.best_validation_loss);
  const AnnExampleSet validation_set =
      make_ann_example_set(testing::ink_blobs(100, 2), result.best_model.options.encoding, 4);
  EXPECT_EQ(evaluate_ann_loss(result.best_model, validation_set, 1), result.best_validation_loss);
}

TEST(AnnTraining, StopRequestEndsTrainingBetweenBatches) {
  AnnOptions options;
  options.hidden = 4;
  options.epochs = 3;
  const AnnExampleSet set = make_ann_example_set(testing::ink_blobs(50, 1), options.encoding, 3);
  int epochs_seen = 0;
  AnnCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochMetrics&, const AnnModel&) { ++epochs_seen; };
  callbacks.stop_requested = [&] { return epochs_seen >= 1; };
  const AnnTrainResult result = train_ann(make_ann_model(64, options), set, set, callbacks);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.history.size(), 1u);
  EXPECT_EQ(result.best_epoch, 1);
}

// The run protocol is the split, the per-set noise seeds, train_ann and the best
// model's test loss, nothing else: done by hand, it gives the same bits.
TEST(AnnRun, IsTheSplitNoiseSeedsTrainingAndTestOfTheBestModel) {
  AnnOptions options;
  options.hidden = 6;
  options.encoding.noise_factor = 0.3;
  options.epochs = 2;
  options.seed = 5;
  const AnnModel start = make_ann_model(64, options);
  const Dataset file = testing::ink_blobs(300, 1), test = testing::ink_blobs(40, 2);
  const SplitOptions split{200, 60, true};
  const AnnRunOutcome run = run_ann_training({start, split}, {file, test});

  const TrainValidation parts = split_train_validation(file, split, options.seed);
  auto encode = [&](const Dataset& images, Stream stream) {
    return make_ann_example_set(images, options.encoding, derive_seed(options.seed, stream));
  };
  const AnnTrainResult by_hand = train_ann(start, encode(parts.train, Stream::kTrainNoise),
                                           encode(parts.validation, Stream::kValidationNoise));
  EXPECT_EQ(run.result.best_model, by_hand.best_model);
  EXPECT_EQ(run.result.final_model, by_hand.final_model);
  ASSERT_EQ(run.result.history.size(), by_hand.history.size());
  for (std::size_t e = 0; e < by_hand.history.size(); ++e) {
    EXPECT_EQ(run.result.history[e].validation_loss, by_hand.history[e].validation_loss);
  }
  EXPECT_EQ(run.test_loss,
            evaluate_ann_loss(by_hand.best_model, encode(test, Stream::kTestNoise), 2));
  EXPECT_TRUE(std::isnan(run_ann_training({start, split}, {file, {}}).test_loss));
}

TEST(AnnOptions, ValidateRejectsBadValues) {
  EXPECT_NO_THROW(validate(AnnOptions{}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto rejects = [](auto change, const char* name) {
    AnnOptions options;
    change(options);
    try {
      validate(options);
      ADD_FAILURE() << name << " accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
    }
  };
  rejects([](AnnOptions& o) { o.hidden = 0; }, "hidden");
  rejects([&](AnnOptions& o) { o.learning_rate = nan; }, "learning_rate");
  rejects([](AnnOptions& o) { o.learning_rate = -0.1; }, "learning_rate");
  rejects([](AnnOptions& o) { o.learning_rate = 0.0; }, "learning_rate");
  rejects([&](AnnOptions& o) { o.encoding.noise_factor = nan; }, "noise_factor");
  rejects([](AnnOptions& o) { o.encoding.noise_factor = 1.5; }, "noise_factor");
  rejects([](AnnOptions& o) { o.batch_size = 0; }, "batch_size");
  rejects([](AnnOptions& o) { o.epochs = -1; }, "epochs");
  rejects([](AnnOptions& o) { o.threads = -1; }, "threads");
  rejects([](AnnOptions& o) { o.gradient_shards = 0; }, "gradient_shards");
  EXPECT_THROW(make_ann_model(0, AnnOptions{}), Error);
}

TEST(AnnTraining, RefusesImagesOfAnotherSize) {
  AnnOptions options;
  const AnnExampleSet set = make_ann_example_set(testing::ink_blobs(10, 1), options.encoding, 3);
  EXPECT_THROW(train_ann(make_ann_model(784, options), set, set), Error);
}

}  // namespace
}  // namespace spikeae
