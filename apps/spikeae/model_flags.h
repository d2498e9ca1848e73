// What the inspection commands share: a saved model and the test images it runs on.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "data_flags.h"
#include "spikeae/model_file.h"
#include "spikeae/trainer.h"

namespace spikeae::cli {

struct ModelFlags {
  std::string model;
  DataFlags data;
  std::optional<double> noise;        // default: the noise the model was trained with
  std::optional<std::uint64_t> seed;  // test-input noise; default: the model's seed
  int threads = TrainOptions{}.threads;
  const CLI::Option* dataset_option = nullptr;  // tells whether --dataset was typed
};

void add_model_flags(CLI::App& command, ModelFlags& flags);

struct LoadedModel {
  SavedModel saved;
  ExampleSet test;        // encoded as the model expects, with the chosen noise
  std::string test_name;  // where the test images came from, for the output
};

LoadedModel load_model_and_test_set(const ModelFlags& flags);

}  // namespace spikeae::cli
