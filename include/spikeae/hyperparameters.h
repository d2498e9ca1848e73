// The paper's flat hyperparameter rows (the table of tuned configurations in
// "Spiking autoencoders with temporal coding") and the 75 tuned presets shipped
// inside the library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/config.h"

namespace spikeae {

// One row, with the paper's column names. Its defaults are the concern structs'
// (the paper's noise 0, latency 1, hidden 32 row), so each default has one home.
struct HyperparameterRow {
  double noise_factor_ae = EncodingOptions{}.noise_factor;
  double latency_ae = LossOptions{}.latency;
  int batch_size = TrainOptions{}.batch_size;
  double clip_derivative = LossOptions{}.clip_derivative;
  double decay_rate = NeuronParams{}.decay_rate;
  double fire_threshold = NeuronParams{}.fire_threshold;
  double learning_rate = AdamOptions{}.learning_rate;
  double learning_rate_pulses = AdamOptions{}.learning_rate_pulses;
  int n_hidden = Architecture{}.layer_sizes[1];
  int n_pulses = Architecture{}.n_pulses;
  double nonpulse_weight_mean_multiplier = InitOptions{}.nonpulse_weight_mean_multiplier;
  double penalty_no_spike = LossOptions{}.penalty_no_spike;
  double pulse_weight_mean_multiplier = InitOptions{}.pulse_weight_mean_multiplier;
};

// Views of the option table's paper columns (spikeae/option_table.h).
// Column names in the order of the paper's table.
const std::vector<std::string>& hyperparameter_names();

// One line describing a column (empty for an unknown name).
std::string_view hyperparameter_help(std::string_view name);

// True for the integer columns (batch_size, n_hidden, n_pulses).
bool hyperparameter_is_integer(std::string_view name);

// One field as the table writes it (shortest round-trip text); "" for an unknown name.
std::string hyperparameter_text(const HyperparameterRow& row, std::string_view name);

// Sets one field by its column name from text; throws Error for an unknown name
// or a value that does not parse.
void set_hyperparameter(HyperparameterRow& row, std::string_view name, std::string_view value);

// Parses a tab-separated table with a header line of column names (any order,
// all of them present). `source` names the table in error messages.
std::vector<HyperparameterRow> parse_hyperparameter_table(std::string_view text,
                                                          std::string_view source);
std::string format_hyperparameter_table(const std::vector<HyperparameterRow>& rows);

// The paper's 75 rows, compiled into the library.
const std::vector<HyperparameterRow>& paper_presets();

// The paper row for (noise, latency, hidden); throws Error listing valid values.
HyperparameterRow paper_preset(double noise, double latency, int hidden);

// Copies a row into the per-concern structs: the middle (bottleneck) layer of an
// odd-length stack becomes h, input and output sizes are kept (784-h-784 if the
// config has fewer than 3 layers).
void apply_row(const HyperparameterRow& row, TrainingConfig& config);
HyperparameterRow row_from_config(const TrainingConfig& config);

// The layer n_hidden names: the middle layer of an odd stack, else the narrowest
// hidden layer; 0 for a stack without hidden layers.
int bottleneck_size(const std::vector<int>& layer_sizes);

// The stack with n_hidden = `hidden` (784-hidden-784 for fewer than 3 layers);
// throws Error for an even stack, which has no single middle layer.
std::vector<int> with_bottleneck(const std::vector<int>& layer_sizes, int hidden);

// "784-32-784" (or with another separator), for messages and headers.
std::string format_layer_sizes(const std::vector<int>& sizes, char separator = '-');

// What decides the layer sizes, from any front end (CLI flags, Python keywords).
struct ArchitectureRequest {
  std::optional<std::vector<int>> layer_sizes;  // an explicit stack
  std::optional<int> n_hidden;                  // n_hidden given as an option
  std::optional<int> preset_hidden;             // n_hidden of the preset or preset file
  std::string preset_name = "the preset";       // names the preset in messages
  std::optional<std::size_t> input_size;        // pixels per image, when the data are known
  std::optional<std::string> architecture;      // the architecture option, when given
  std::optional<std::string> layers;            // the layers option, when given
};

// The stack to train: an architecture's or an explicit stack as it is, else
// input-hidden-input. An architecture given beside layer_sizes or layers must agree.
// Throws Error naming both values when n_hidden (given or from a preset) conflicts with
// the stack's middle layer, when the stack's ends differ, or when they do not match
// the images.
std::vector<int> resolve_layer_sizes(const ArchitectureRequest& request);

}  // namespace spikeae
