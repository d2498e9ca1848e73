// Flags named after the paper's hyperparameter columns (e.g. --learning_rate),
// applied over a preset row with the library's strict parser.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/hyperparameters.h"

namespace spikeae::cli {

struct HyperparameterFlags {
  std::vector<double> preset;                // NOISE LATENCY HIDDEN, or empty
  std::string preset_file;                   // a table with one row, or empty
  std::map<std::string, std::string> given;  // column name -> text, as typed
  std::string layer_sizes;                   // e.g. "784,128,32,128,784", or empty
  bool non_inverted = false;
  int epochs = 20;
  int threads = 0;
  int gradient_shards = TrainOptions{}.gradient_shards;
  std::uint64_t seed = 1;
};

void add_hyperparameter_flags(CLI::App& command, HyperparameterFlags& flags);

// Defaults, then the preset (or preset file), then each flag given; validated.
TrainingConfig resolve_config(const HyperparameterFlags& flags);

// Same, with the first and last layer sized to images of `pixels` pixels.
TrainingConfig resolve_config_for_images(const HyperparameterFlags& flags, std::size_t pixels);

}  // namespace spikeae::cli
