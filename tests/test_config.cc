// validate(): one test per rule, each checking the message names the option.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Applies `change` to a default config and expects validate() to reject it with a
// message containing every part of `parts` (the option name first).
void expect_invalid(const std::function<void(TrainingConfig&)>& change,
                    const std::vector<std::string>& parts) {
  TrainingConfig config;
  change(config);
  try {
    validate(config);
    FAIL() << "validate accepted a config with a bad " << parts.front();
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const auto& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "\"" << part << "\" not in: " << message;
    }
  }
}

void expect_valid(const std::function<void(TrainingConfig&)>& change) {
  TrainingConfig config;
  change(config);
  EXPECT_NO_THROW(validate(config));
}

TEST(Validate, DefaultConfigIsValid) { EXPECT_NO_THROW(validate(TrainingConfig{})); }

TEST(Validate, DecayRateMustBePositive) {
  expect_invalid([](auto& c) { c.neuron.decay_rate = 0.0; }, {"decay_rate", "> 0", "got 0"});
  expect_invalid([](auto& c) { c.neuron.decay_rate = -0.5; }, {"decay_rate", "-0.5"});
}

TEST(Validate, FireThresholdMustBePositive) {
  expect_invalid([](auto& c) { c.neuron.fire_threshold = -1.0; }, {"fire_threshold", "> 0", "-1"});
}

TEST(Validate, LatencyMustBePositive) {
  expect_invalid([](auto& c) { c.loss.latency = 0.0; }, {"latency_ae", "> 0"});
}

TEST(Validate, ClipDerivativeMustBePositive) {
  expect_invalid([](auto& c) { c.loss.clip_derivative = 0.0; }, {"clip_derivative", "> 0"});
}

TEST(Validate, PenaltyNoSpikeMustBeNonNegative) {
  expect_valid([](auto& c) { c.loss.penalty_no_spike = 0.0; });
  expect_invalid([](auto& c) { c.loss.penalty_no_spike = -1e-3; },
                 {"penalty_no_spike", ">= 0", "-0.001"});
}

TEST(Validate, LearningRatesMustBeNonNegative) {
  expect_valid([](auto& c) { c.adam.learning_rate = 0.0; });
  expect_invalid([](auto& c) { c.adam.learning_rate = -0.1; }, {"learning_rate", ">= 0"});
  expect_invalid([](auto& c) { c.adam.learning_rate_pulses = -0.1; },
                 {"learning_rate_pulses", ">= 0"});
}

TEST(Validate, BetasMustBeInUnitInterval) {
  expect_valid([](auto& c) { c.adam.beta1 = 0.0; });
  expect_invalid([](auto& c) { c.adam.beta1 = 1.0; }, {"beta1", "[0, 1)", "got 1"});
  expect_invalid([](auto& c) { c.adam.beta1 = -0.1; }, {"beta1"});
  expect_invalid([](auto& c) { c.adam.beta2 = 1.0; }, {"beta2", "[0, 1)"});
}

TEST(Validate, EpsilonMustBePositive) {
  expect_invalid([](auto& c) { c.adam.epsilon = 0.0; }, {"epsilon", "> 0"});
}

TEST(Validate, NoiseFactorMustBeInUnitInterval) {
  expect_valid([](auto& c) { c.encoding.noise_factor = 1.0; });
  expect_invalid([](auto& c) { c.encoding.noise_factor = 1.5; },
                 {"noise_factor_ae", "[0, 1]", "1.5"});
  expect_invalid([](auto& c) { c.encoding.noise_factor = -0.2; }, {"noise_factor_ae"});
}

TEST(Validate, EveryDoubleMustBeFinite) {
  expect_invalid([](auto& c) { c.neuron.decay_rate = kInf; }, {"decay_rate", "finite", "inf"});
  expect_invalid([](auto& c) { c.neuron.fire_threshold = kNaN; }, {"fire_threshold", "nan"});
  expect_invalid([](auto& c) { c.loss.penalty_no_spike = kInf; }, {"penalty_no_spike"});
  expect_invalid([](auto& c) { c.adam.learning_rate_pulses = kNaN; }, {"learning_rate_pulses"});
  expect_invalid([](auto& c) { c.adam.epsilon = kInf; }, {"epsilon"});
  expect_invalid([](auto& c) { c.adam.beta2 = kNaN; }, {"beta2"});
  expect_invalid([](auto& c) { c.encoding.noise_factor = kNaN; }, {"noise_factor_ae"});
  expect_invalid([](auto& c) { c.loss.latency = kInf; }, {"latency_ae"});
}

TEST(Validate, WeightMeanMultipliersMustBeFinite) {
  expect_valid([](auto& c) { c.init.nonpulse_weight_mean_multiplier = -100.0; });
  expect_invalid([](auto& c) { c.init.nonpulse_weight_mean_multiplier = -kInf; },
                 {"nonpulse_weight_mean_multiplier", "finite", "-inf"});
  expect_invalid([](auto& c) { c.init.pulse_weight_mean_multiplier = kNaN; },
                 {"pulse_weight_mean_multiplier", "finite"});
}

TEST(Validate, BatchSizeMustBeAtLeastOne) {
  expect_invalid([](auto& c) { c.train.batch_size = 0; }, {"batch_size", ">= 1", "got 0"});
}

TEST(Validate, EpochsMustBeNonNegative) {
  expect_valid([](auto& c) { c.train.epochs = 0; });
  expect_invalid([](auto& c) { c.train.epochs = -1; }, {"epochs", ">= 0", "-1"});
}

TEST(Validate, ThreadsMustBeInRange) {
  expect_valid([](auto& c) { c.train.threads = 1024; });
  expect_invalid([](auto& c) { c.train.threads = -1; }, {"threads", "[0, 1024]", "-1"});
  expect_invalid([](auto& c) { c.train.threads = 1025; }, {"threads", "1025"});
}

TEST(Validate, GradientShardsMustBeInRange) {
  expect_valid([](auto& c) { c.train.gradient_shards = 4096; });
  expect_invalid([](auto& c) { c.train.gradient_shards = 0; }, {"gradient_shards", "[1, 4096]"});
  expect_invalid([](auto& c) { c.train.gradient_shards = 4097; }, {"gradient_shards", "4097"});
}

TEST(Validate, PulsesMustBeInRange) {
  expect_valid([](auto& c) { c.architecture.n_pulses = 0; });
  expect_invalid([](auto& c) { c.architecture.n_pulses = -1; }, {"n_pulses", "[0, 1000]"});
  expect_invalid([](auto& c) { c.architecture.n_pulses = 1001; }, {"n_pulses", "1001"});
}

TEST(Validate, LayerSizesNeedTwoLayers) {
  expect_valid([](auto& c) { c.architecture.layer_sizes = {784, 784}; });
  expect_invalid([](auto& c) { c.architecture.layer_sizes = {784}; }, {"layer_sizes", "2"});
  expect_invalid([](auto& c) { c.architecture.layer_sizes.clear(); }, {"layer_sizes"});
}

TEST(Validate, LayerSizesMustBeInRange) {
  expect_invalid(
      [](auto& c) {
        c.architecture.layer_sizes = {784, 0, 784};
      },
      {"layer_sizes[1]", "[1, 100000]", "got 0"});
  expect_invalid(
      [](auto& c) {
        c.architecture.layer_sizes = {784, 100001, 784};
      },
      {"layer_sizes[1]", "100001"});
}

TEST(Validate, InputSizeFitsSixteenBitPixelIndices) {
  expect_valid([](auto& c) { c.architecture.layer_sizes = {65535, 8, 784}; });
  expect_invalid(
      [](auto& c) {
        c.architecture.layer_sizes = {65536, 8, 784};
      },
      {"layer_sizes[0]", "65535", "65536"});
}

TEST(Validate, ReportsTheFirstBadOption) {
  expect_invalid(
      [](auto& c) {
        c.architecture.n_pulses = -1;
        c.train.threads = -1;
      },
      {"n_pulses"});
}

}  // namespace
// Absurd but finite values would train and then fail when the model is saved; they are
// refused up front with the same bounds the model file enforces.
TEST(Validate, AbsurdFiniteValuesAreRefusedUpFront) {
  expect_invalid([](TrainingConfig& c) { c.adam.learning_rate = 1e308; },
                 {"learning_rate", "1e+308"});
  expect_invalid([](TrainingConfig& c) { c.adam.learning_rate_pulses = 1e308; },
                 {"learning_rate_pulses"});
  expect_invalid([](TrainingConfig& c) { c.loss.penalty_no_spike = 1e308; }, {"penalty_no_spike"});
  expect_invalid([](TrainingConfig& c) { c.loss.latency = 1e308; }, {"latency_ae"});
  expect_invalid([](TrainingConfig& c) { c.loss.clip_derivative = 1e300; }, {"clip_derivative"});
  expect_invalid([](TrainingConfig& c) { c.neuron.decay_rate = 1e10; }, {"decay_rate"});
  expect_invalid([](TrainingConfig& c) { c.neuron.fire_threshold = 1e10; }, {"fire_threshold"});
  expect_invalid([](TrainingConfig& c) { c.init.pulse_weight_mean_multiplier = -1e5; },
                 {"pulse_weight_mean_multiplier"});
  expect_invalid([](TrainingConfig& c) { c.train.epochs = 1'000'001; }, {"epochs"});
  expect_invalid([](TrainingConfig& c) { c.train.batch_size = 10'000'001; }, {"batch_size"});
  // The paper's extreme tuned values stay accepted.
  expect_valid([](TrainingConfig& c) {
    c.loss.latency = 16;
    c.loss.clip_derivative = 997.268669;
    c.loss.penalty_no_spike = 99.198657;
    c.adam.learning_rate_pulses = 0.196803;
    c.train.batch_size = 146;
  });
}

TEST(Validate, AtMostSixtyFourLayers) {
  expect_invalid([](TrainingConfig& c) { c.architecture.layer_sizes.assign(65, 4); },
                 {"layer_sizes", "64", "65"});
  expect_valid([](TrainingConfig& c) { c.architecture.layer_sizes.assign(64, 4); });
}

}  // namespace spikeae
