// End-to-end training of a non-dense network through both engines, shared by the
// layer-kind tests: the CPU engine on each thread count gives the reference
// engine's bits, the validation loss falls, and the model file keeps the specs.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "spikeae/engine.h"
#include "spikeae/model_file.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae::testing {

// A 4-epoch run on 8x8 ink blobs with the given layer sizes (64 first and last)
// and connections.
inline TrainingConfig blob_config(std::vector<int> layer_sizes,
                                  std::vector<LayerSpec> connections) {
  TrainingConfig config;
  config.architecture = {std::move(layer_sizes), 4, std::move(connections)};
  config.encoding.noise_factor = 0.1;
  config.train.batch_size = 5;
  config.train.epochs = 4;
  config.train.gradient_shards = 2;
  config.train.seed = 3;
  config.init.nonpulse_weight_mean_multiplier = 0.5;
  config.init.pulse_weight_mean_multiplier = 3.0;
  config.adam.learning_rate = 0.005;
  return config;
}

// The same between 64, hidden, 64.
inline TrainingConfig blob_config(int hidden, std::vector<LayerSpec> connections) {
  return blob_config({64, hidden, 64}, std::move(connections));
}

// Trains `config` from seed 9 and checks the claims above; the loss must end below
// `loss_ratio` times its first value. Returns the first network (for shape checks).
inline Network expect_trains_through_engines(const TrainingConfig& config,
                                             std::initializer_list<int> thread_counts,
                                             double loss_ratio) {
  const ExampleSet train_set = make_example_set(ink_blobs(60, 1), config.encoding, 2);
  const ExampleSet validation_set = make_example_set(ink_blobs(20, 3), config.encoding, 4);
  const Network start = make_network(config.architecture, config.neuron, config.init, 9);
  const std::unique_ptr<Engine> reference = make_reference_engine();
  const TrainResult expected =
      resume_training(start_training(start), config, train_set, validation_set, {}, *reference);
  TrainResult trained;
  for (int threads : thread_counts) {
    const std::unique_ptr<Engine> cpu = make_cpu_engine(threads);
    trained = resume_training(start_training(start), config, train_set, validation_set, {}, *cpu);
    EXPECT_TRUE(test_support::same_bits(trained.final_network, expected.final_network)) << threads;
  }
  EXPECT_EQ(trained.history.size(), 4u);
  if (trained.history.empty()) return start;
  const double first = trained.history.front().validation_loss;
  const double last = trained.history.back().validation_loss;
  EXPECT_LT(last, loss_ratio * first) << first << " -> " << last;

  const SavedModel saved{trained.final_network, config, 4, last, "blobs"};
  const SavedModel loaded = parse_model(serialize_model(saved), "trained.model");
  EXPECT_EQ(loaded.network.architecture, config.architecture);
  EXPECT_EQ(loaded.config.architecture, config.architecture);
  EXPECT_TRUE(test_support::same_bits(loaded.network, trained.final_network));
  return start;
}

}  // namespace spikeae::testing
