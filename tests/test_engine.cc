// The engine seam: the CPU engine (blocks, rounds, threads) against the reference
// engine (one example at a time through forward() and backward()), bit for bit.
#include <gtest/gtest.h>

#include "spikeae/engine.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::same_bits;

TrainingConfig deep_config() {
  TrainingConfig config;
  config.architecture = {{64, 20, 8, 20, 64}, 4, {}};  // two blocks in no layer; 4 connections
  config.encoding.noise_factor = 0.2;
  config.train.batch_size = 6;
  config.train.epochs = 2;
  config.train.gradient_shards = 3;
  config.train.seed = 5;
  config.init.nonpulse_weight_mean_multiplier = 0.5;
  config.init.pulse_weight_mean_multiplier = 3.0;
  return config;
}

TrainResult train_on(Engine& engine, const TrainingConfig& config, const ExampleSet& train_set,
                     const ExampleSet& validation_set) {
  const Network start =
      make_network(config.architecture, config.neuron, config.init, config.train.seed);
  return resume_training(start_training(start), config, train_set, validation_set, {}, engine);
}

TEST(Engine, CpuEngineTrainsTheReferenceEnginesBitsOnAnyThreadCount) {
  const TrainingConfig config = deep_config();
  const ExampleSet train_set = make_example_set(testing::ink_blobs(40, 1), config.encoding, 2);
  const ExampleSet validation_set = make_example_set(testing::ink_blobs(9, 3), config.encoding, 4);
  const std::unique_ptr<Engine> reference = make_reference_engine();
  const TrainResult expected = train_on(*reference, config, train_set, validation_set);
  ASSERT_EQ(expected.history.size(), 2u);
  for (int threads : {1, 2, 3}) {
    const std::unique_ptr<Engine> cpu = make_cpu_engine(threads);
    const TrainResult trained = train_on(*cpu, config, train_set, validation_set);
    EXPECT_TRUE(same_bits(trained.final_network, expected.final_network)) << threads;
    for (std::size_t e = 0; e < 2; ++e) {
      EXPECT_TRUE(same_bits(
          std::vector{trained.history[e].train_loss, trained.history[e].validation_loss},
          std::vector{expected.history[e].train_loss, expected.history[e].validation_loss}))
          << "epoch " << e + 1 << ", " << threads << " threads";
    }
  }
}

// Every layer's spike times, from the encoded set and from dense times of a hidden layer.
TEST(Engine, PropagationAgreesBetweenEnginesAndEntryPoints) {
  const TrainingConfig config = deep_config();
  const Network network = make_network(config.architecture, config.neuron, config.init, 9);
  const ExampleSet set = make_example_set(testing::ink_blobs(70, 6), config.encoding, 7);
  const auto all_layers = [&](Engine& engine) {
    std::vector<std::vector<std::vector<double>>> out(set.size());
    engine.propagate(network, set, [&](std::size_t i, std::span<const std::vector<double>> l) {
      out[i].assign(l.begin(), l.end());
    });
    return out;
  };
  const std::unique_ptr<Engine> reference = make_reference_engine();
  const std::unique_ptr<Engine> cpu = make_cpu_engine(2);
  const auto expected = all_layers(*reference);
  const auto actual = all_layers(*cpu);
  ASSERT_EQ(actual.size(), expected.size());
  std::size_t hidden_spikes = 0;
  for (std::size_t i = 0; i < set.size(); ++i) {
    ASSERT_EQ(actual[i].size(), 4u);
    for (std::size_t l = 0; l < 4; ++l) EXPECT_TRUE(same_bits(actual[i][l], expected[i][l]));
    for (double t : expected[i][1]) hidden_spikes += t != kNoSpike;
  }
  EXPECT_GT(hidden_spikes, 0u);  // the comparison covers real spikes, not only silence
  // From layer 2's times, the layers above are those of the full pass.
  std::vector<std::vector<std::vector<double>>> upper(set.size());
  cpu->propagate(
      network, 2, set.size(),
      [&](std::size_t i, std::span<double> times) {
        std::ranges::copy(expected[i][1], times.begin());
      },
      [&](std::size_t i, std::span<const std::vector<double>> l) {
        upper[i].assign(l.begin(), l.end());
      });
  for (std::size_t i = 0; i < set.size(); ++i) {
    ASSERT_EQ(upper[i].size(), 2u);
    EXPECT_TRUE(same_bits(upper[i][0], expected[i][2]));
    EXPECT_TRUE(same_bits(upper[i][1], expected[i][3]));
  }
}

TEST(Engine, LossesAgreeBetweenEngines) {
  const TrainingConfig config = deep_config();
  const Network network = make_network(config.architecture, config.neuron, config.init, 9);
  const ExampleSet set = make_example_set(testing::ink_blobs(130, 8), config.encoding, 7);
  std::vector<double> expected(set.size()), actual(set.size());
  make_reference_engine()->losses(network, set, 1.0, expected);
  make_cpu_engine(3)->losses(network, set, 1.0, actual);
  EXPECT_TRUE(same_bits(actual, expected));
  EXPECT_GT(expected.front(), 0.0);
}

}  // namespace
}  // namespace spikeae
