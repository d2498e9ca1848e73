// Training: determinism across thread counts, and learning on real MNIST.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "engine/cpu/forward.h"
#include "spikeae/data_paths.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/random.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"

namespace spikeae {
namespace {

TrainingConfig small_config(int threads) {
  TrainingConfig config;
  config.architecture = {{64, 12, 64}, 4, {}};
  config.loss.latency = 1.0;
  config.encoding.noise_factor = 0.2;  // exercises the seeded noise too
  config.train.batch_size = 5;
  config.train.epochs = 2;
  config.train.threads = threads;
  config.train.seed = 42;
  config.init.nonpulse_weight_mean_multiplier = 0.5;
  config.init.pulse_weight_mean_multiplier = 3.0;
  return config;
}

bool bit_identical(const Network& a, const Network& b) {
  if (a.weights.size() != b.weights.size()) return false;
  for (std::size_t c = 0; c < a.weights.size(); ++c) {
    if (a.weights[c].size() != b.weights[c].size() ||
        std::memcmp(a.weights[c].data(), b.weights[c].data(), a.weights[c].size() * 8) != 0 ||
        std::memcmp(a.pulses[c].data(), b.pulses[c].data(), a.pulses[c].size() * 8) != 0) {
      return false;
    }
  }
  return true;
}

TrainResult train_small(int threads, std::uint64_t seed = 42) {
  TrainingConfig config = small_config(threads);
  config.train.seed = seed;
  const ExampleSet train_set = make_example_set(testing::ink_blobs(60, 1), config.encoding, 3);
  const ExampleSet validation_set = make_example_set(testing::ink_blobs(20, 2), config.encoding, 4);
  return train(config, train_set, validation_set);
}

TEST(Training, SameSeedGivesBitIdenticalModelForAnyThreadCount) {
  const TrainResult one = train_small(1);
  const TrainResult two = train_small(2);
  const TrainResult five = train_small(5);
  EXPECT_TRUE(bit_identical(one.final_network, two.final_network));
  EXPECT_TRUE(bit_identical(one.final_network, five.final_network));
  EXPECT_TRUE(bit_identical(one.best_network, five.best_network));
  EXPECT_EQ(one.history.back().validation_loss, five.history.back().validation_loss);
  // And training did change the weights, and a different seed gives a different model.
  const TrainingConfig config = small_config(1);
  EXPECT_FALSE(bit_identical(one.final_network,
                             make_network(config.architecture, config.neuron, config.init, 42)));
  EXPECT_FALSE(bit_identical(one.final_network, train_small(1, 43).final_network));
}

// 33x33 images of random sparse ink: 1,089 outputs, so the trainer's output
// layer runs in three blocks of neurons (two of 368, one of 353).
constexpr std::size_t kInkSide = 33;
static_assert(block_width(kInkSide * kInkSide) == 368);

Dataset sparse_ink(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.rows = data.cols = kInkSide;
  for (std::size_t i = 0; i < count * kInkSide * kInkSide; ++i) {
    data.pixels.push_back(rng.uniform() < 0.2 ? static_cast<std::uint8_t>(rng.below(256)) : 0);
  }
  data.labels.assign(count, 0);
  return data;
}

// Trains one epoch the straightforward way: the reference engine takes each example
// through forward() and backward() into its shard's gradient, adds the shards in
// order, then takes one adam_step.
Network train_straightforward(const TrainingConfig& config, const ExampleSet& set) {
  const std::unique_ptr<Engine> reference = make_reference_engine();
  const Network start = make_network(config.architecture, config.neuron, config.init, 42);
  return resume_training(start_training(start), config, set, ExampleSet{}, {}, *reference)
      .final_network;
}

// The optimised step (three rounds, blocks of output neurons, shards, batches
// beyond 64 examples in chunks) against the straightforward one, bit for bit.
TEST(Training, StepEqualsStraightforwardPerExampleSteps) {
  TrainingConfig config = small_config(2);
  constexpr int kPixels = kInkSide * kInkSide;
  config.architecture = {{kPixels, 12, kPixels}, 4, {}};  // three blocks of output neurons
  config.train.epochs = 1;
  Dataset no_images;
  no_images.rows = no_images.cols = kInkSide;
  const ExampleSet no_validation = make_example_set(no_images, config.encoding, 4);
  struct Case {
    std::size_t images;
    int batch_size, shards;
  };
  // Batches of 5, 5, 2; and of 100 (two chunks) and 50, in three shards.
  for (const Case& c : {Case{12, 5, 2}, Case{150, 100, 3}}) {
    config.train.batch_size = c.batch_size;
    config.train.gradient_shards = c.shards;
    const ExampleSet train_set = make_example_set(sparse_ink(c.images, 7), config.encoding, 3);
    const Network expected = train_straightforward(config, train_set);
    for (int threads : {1, 2, 3}) {
      config.train.threads = threads;
      const TrainResult trained = train(config, train_set, no_validation);
      EXPECT_TRUE(bit_identical(trained.final_network, expected))
          << "batch " << c.batch_size << ", " << threads << " threads";
    }
  }
}

TEST(Training, NoiseIsFixedPerImageAndDependsOnSeed) {
  const Dataset images = testing::ink_blobs(10, 5);
  const EncodingOptions noisy{true, 0.4};
  const EncodedSet a = encode_dataset(images, noisy, 9);
  const EncodedSet b = encode_dataset(images, noisy, 9);
  const EncodedSet c = encode_dataset(images, noisy, 10);
  EXPECT_EQ(a.time, b.time);
  EXPECT_NE(a.time, c.time);
  // Noise with mean 1 on the inverted encoding makes extra (background) spikes rare but present.
  const EncodedSet clean = encode_dataset(images, {true, 0.0}, 9);
  EXPECT_NE(a.source.size(), clean.source.size());
}

// Each image's spike train against a direct definition: every pixel whose
// encoded time is below 1, ordered by (time, pixel index).
TEST(Training, EncodedTrainsAreTheSpikingPixelsInTimeThenIndexOrder) {
  const Dataset images = testing::ink_blobs(20, 3);
  for (const EncodingOptions options :
       {EncodingOptions{true, 0.0}, EncodingOptions{true, 0.3}, EncodingOptions{false, 0.0}}) {
    const EncodedSet encoded = encode_dataset(images, options, 5);
    std::size_t ties = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
      std::vector<double> dense(images.pixels_per_image());
      encode_image_dense(images.image(i), options, 5, i, dense);
      std::vector<std::pair<double, std::uint16_t>> expected;
      for (std::size_t k = 0; k < dense.size(); ++k) {
        if (dense[k] != kNoSpike) expected.emplace_back(dense[k], static_cast<std::uint16_t>(k));
      }
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(encoded.events(i), expected.size()) << "image " << i;
      for (std::size_t e = 0; e < expected.size(); ++e) {
        EXPECT_EQ(encoded.time[encoded.offsets[i] + e], expected[e].first);
        EXPECT_EQ(encoded.source[encoded.offsets[i] + e], expected[e].second);
        ties += e > 0 && expected[e].first == expected[e - 1].first;
      }
    }
    EXPECT_GT(ties, 0u) << "the images should have pixels of equal value";
  }
}

TEST(Training, RejectsImagesOfTheWrongSize) {
  TrainingConfig config = small_config(1);
  config.architecture.layer_sizes = {100, 12, 100};
  const ExampleSet set = make_example_set(testing::ink_blobs(10, 1), config.encoding, 3);
  EXPECT_THROW(train(config, set, set), Error);
}

// A short run on 1,000 real MNIST images with the paper's README configuration.
// A second neuron kind goes through the same kernels and training loop
// (docs/model.md section 1.4): its reconstruction loss must fall clearly.
TEST(Training, ExponentialNeuronNetworkLearns) {
  TrainingConfig config = small_config(2);
  config.neuron = {1.0, 0.5, NeuronKind::exponential};
  config.encoding.noise_factor = 0.0;
  config.train.epochs = 6;
  const ExampleSet train_set = make_example_set(testing::ink_blobs(200, 1), config.encoding, 3);
  const ExampleSet validation_set = make_example_set(testing::ink_blobs(40, 2), config.encoding, 4);
  const std::unique_ptr<Engine> engine = make_cpu_engine(2);
  const Network initial = make_network(config.architecture, config.neuron, config.init, 42);
  const double initial_loss = evaluate_loss(initial, validation_set, config.loss.latency, *engine);
  const TrainResult result = train(config, train_set, validation_set);
  EXPECT_EQ(result.best_network.neuron.kind, NeuronKind::exponential);
  const double loss =
      evaluate_loss(result.best_network, validation_set, config.loss.latency, *engine);
  RecordProperty("initial_loss", std::to_string(initial_loss));
  RecordProperty("loss", std::to_string(loss));
  EXPECT_LT(loss, 0.5 * initial_loss) << "initial " << initial_loss;
}

TEST(Training, LearnsRealMnist) {
  TrainTestData data;
  try {
    data = load_dataset_files(locate_dataset("mnist", std::nullopt));
  } catch (const Error& error) {
    GTEST_SKIP() << "MNIST not available (run scripts/fetch_data.sh): " << error.what();
  }
  TrainingConfig config;
  apply_row(paper_preset(0.0, 1.0, 32), config);
  config.train.epochs = 3;
  config.train.threads = 2;
  const ExampleSet train_set = make_example_set(data.train.slice(0, 1000), config.encoding, 1);
  const ExampleSet validation_set =
      make_example_set(data.train.slice(1000, 200), config.encoding, 2);
  const ExampleSet test_set = make_example_set(data.test.slice(0, 1000), config.encoding, 3);
  const std::unique_ptr<Engine> engine = make_cpu_engine(2);
  const Network initial = make_network(config.architecture, config.neuron, config.init, 1);
  const double initial_loss = evaluate_loss(initial, test_set, config.loss.latency, *engine);
  const TrainResult result = train(config, train_set, validation_set);
  const double test_loss =
      evaluate_loss(result.best_network, test_set, config.loss.latency, *engine);
  RecordProperty("initial_test_loss", std::to_string(initial_loss));
  RecordProperty("test_loss", std::to_string(test_loss));
  // Measured: 0.952 before training, 0.066 after (seed 1). An untrained or
  // wrongly-signed gradient stays near the initial loss.
  EXPECT_LT(test_loss, 0.08) << "initial " << initial_loss;
  EXPECT_LT(test_loss, 0.1 * initial_loss);
}

}  // namespace
}  // namespace spikeae
