#include "hyperparameter_flags.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "spikeae/error.h"
#include "spikeae/preset_file.h"

namespace spikeae::cli {
namespace {

std::string default_text(const std::string& name) {
  const std::string table = format_hyperparameter_table({HyperparameterRow{}});
  std::istringstream lines(table);
  std::string header, values;
  std::getline(lines, header);
  std::getline(lines, values);
  std::istringstream names(header), fields(values);
  std::string column, field;
  while (std::getline(names, column, '\t') && std::getline(fields, field, '\t')) {
    if (column == name) return field;
  }
  return "";
}

std::vector<int> parse_layer_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::istringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size()) {
      throw Error("invalid --layer-sizes \"" + text + "\": expected integers separated by commas");
    }
    sizes.push_back(value);
  }
  return sizes;
}

}  // namespace

void add_hyperparameter_flags(CLI::App& command, HyperparameterFlags& flags) {
  command
      .add_option("--preset", flags.preset,
                  "Use the paper's tuned row for NOISE LATENCY HIDDEN, e.g. --preset 0.2 1 32")
      ->expected(3)
      ->group("Hyperparameters");
  command
      .add_option("--preset-file", flags.preset_file,
                  "Use the single row of this tab-separated table (paper column names)")
      ->group("Hyperparameters");
  for (const std::string& name : hyperparameter_names()) {
    command
        .add_option_function<std::string>(
            "--" + name, [&flags, name](const std::string& value) { flags.given[name] = value; },
            "Paper hyperparameter " + name)
        ->default_str(default_text(name))
        ->group("Hyperparameters");
  }
  command
      .add_option("--layer-sizes", flags.layer_sizes,
                  "Deeper stacks, e.g. 784,128,32,128,784 (n_hidden sets the middle layer)")
      ->group("Hyperparameters");
  command
      .add_flag("--non-inverted", flags.non_inverted,
                "Encode brightness b as spike time b (default: 1 - b)")
      ->group("Hyperparameters");
  command.add_option("--epochs", flags.epochs, "Training epochs")->capture_default_str();
  command.add_option("--threads", flags.threads, "Worker threads (0: all cores)")
      ->capture_default_str();
  command
      .add_option("--gradient-shards", flags.gradient_shards,
                  "Fixed partial sums per batch; results depend on this, not on --threads")
      ->capture_default_str();
  command.add_option("--seed", flags.seed, "Seed of weights, noise, split and shuffling")
      ->capture_default_str();
}

TrainingConfig resolve_config(const HyperparameterFlags& flags) {
  HyperparameterRow row;
  if (!flags.preset.empty()) {
    const double hidden = flags.preset[2];
    if (hidden != std::floor(hidden)) {
      throw Error("invalid --preset hidden size " + std::to_string(hidden) +
                  ": must be an integer");
    }
    row = paper_preset(flags.preset[0], flags.preset[1], static_cast<int>(hidden));
  }
  if (!flags.preset_file.empty()) row = read_preset_file(flags.preset_file);
  for (const auto& [name, value] : flags.given) set_hyperparameter(row, name, value);
  TrainingConfig config;
  if (!flags.layer_sizes.empty())
    config.architecture.layer_sizes = parse_layer_sizes(flags.layer_sizes);
  apply_row(row, config);
  config.encoding.inverted = !flags.non_inverted;
  config.train.epochs = flags.epochs;
  config.train.threads = flags.threads;
  config.train.gradient_shards = flags.gradient_shards;
  config.train.seed = flags.seed;
  validate(config);
  return config;
}

TrainingConfig resolve_config_for_images(const HyperparameterFlags& flags, std::size_t pixels) {
  TrainingConfig config = resolve_config(flags);
  // The data decide the input and output sizes (own data may not be 28x28).
  config.architecture.layer_sizes.front() = config.architecture.layer_sizes.back() =
      static_cast<int>(pixels);
  validate(config);
  return config;
}

}  // namespace spikeae::cli
