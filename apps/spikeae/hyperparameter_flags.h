// The flags of the option table (spikeae/option_table.h): the paper's columns
// (e.g. --learning_rate, applied over a preset row with the library's strict
// parser) and the run options outside the paper's table.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/option_table.h"

namespace spikeae::cli {

struct HyperparameterFlags {
  std::vector<double> preset;                // NOISE LATENCY HIDDEN, or empty
  std::string preset_file;                   // a table with one row, or empty
  std::map<std::string, std::string> given;  // column name -> text, as typed
  std::optional<std::string> layer_sizes;    // e.g. "784,128,32,128,784", when given
  std::map<std::string, OptionValue> run;    // other options given, by name (epochs, seed, ...)
};

// Which of the training-length flags a command shows (bench measures its own epochs).
enum class EpochsFlag { kShown, kHidden };

void add_hyperparameter_flags(CLI::App& command, HyperparameterFlags& flags,
                              EpochsFlag epochs = EpochsFlag::kShown);

// Defaults, then the preset (or preset file), then each flag given; validated.
// With `pixels`, the stack's ends must match images of that many pixels.
TrainingConfig resolve_config(const HyperparameterFlags& flags,
                              std::optional<std::size_t> pixels = std::nullopt);

// An option's help line as --help shows it: capitalised, with the accepted values.
std::string flag_help(const OptionSpec& spec);

// "--name,--other_spelling": every flag answers to both its hyphen and underscore forms.
std::string both_spellings(const std::string& flag);

}  // namespace spikeae::cli
