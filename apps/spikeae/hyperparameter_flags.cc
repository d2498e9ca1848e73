#include "hyperparameter_flags.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "integer_flags.h"
#include "spikeae/error.h"
#include "spikeae/preset_file.h"

namespace spikeae::cli {
namespace {

std::vector<int> parse_layer_sizes(const std::string& text) {
  // getline drops a trailing empty field, so "784,16," would read as two sizes.
  if (!text.empty() && text.back() == ',') {
    throw Error("invalid --layer-sizes \"" + text + "\": expected integers separated by commas");
  }
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

std::string both_spellings(const std::string& flag) {
  // The leading "--" stays; inside the name '_' and '-' swap.
  const bool has_underscore = flag.find('_') != std::string::npos;
  std::string other = "--";
  for (std::size_t i = 2; i < flag.size(); ++i) {
    const char c = flag[i];
    other += has_underscore ? (c == '_' ? '-' : c) : (c == '-' ? '_' : c);
  }
  return other == flag ? flag : flag + "," + other;
}

void add_hyperparameter_flags(CLI::App& command, HyperparameterFlags& flags, EpochsFlag epochs) {
  command
      .add_option("--preset", flags.preset,
                  "Use the paper's tuned row for NOISE LATENCY HIDDEN, e.g. --preset 0.2 1 32")
      ->expected(3)
      ->type_name("NOISE LATENCY HIDDEN")
      ->group("Hyperparameters");
  command
      .add_option(both_spellings("--preset-file"), flags.preset_file,
                  "Use the single row of this tab-separated table (paper column names)")
      ->excludes("--preset")
      ->group("Hyperparameters");
  for (const std::string& name : hyperparameter_names()) {
    command
        .add_option_function<std::string>(
            both_spellings("--" + name),
            [&flags, name](const std::string& value) { flags.given[name] = value; },
            std::string(hyperparameter_help(name)))
        ->type_name(hyperparameter_is_integer(name) ? "INT" : "FLOAT")
        ->default_str(hyperparameter_text(HyperparameterRow{}, name))
        ->group("Hyperparameters");
  }
  command
      .add_option(both_spellings("--layer-sizes"), flags.layer_sizes,
                  "An explicit stack, e.g. 784,128,32,128,784 (taken as given; a conflicting "
                  "n_hidden is refused)")
      ->type_name("LIST")
      ->group("Hyperparameters");
  command
      .add_flag(both_spellings("--non-inverted"), flags.non_inverted,
                "Encode brightness b as spike time b (default: 1 - b)")
      ->group("Hyperparameters");
  command
      .add_option(both_spellings("--neuron-kind"), flags.neuron_kind,
                  "Membrane potential kernel: alpha, or exponential (non-leaky, exponentially "
                  "decaying current; docs/model.md section 1.4)")
      ->check(CLI::IsMember({std::string(neuron_kind_name(NeuronKind::alpha)),
                             std::string(neuron_kind_name(NeuronKind::exponential))}))
      ->capture_default_str()
      ->group("Hyperparameters");
  if (epochs == EpochsFlag::kShown) {
    command.add_option("--epochs", flags.epochs, "Training epochs")
        ->check(integer_in(0, 1'000'000))
        ->capture_default_str();
  }
  command.add_option("--threads", flags.threads, "Worker threads (0: all cores)")
      ->check(integer_in(0, 1024))
      ->capture_default_str();
  command
      .add_option(both_spellings("--gradient-shards"), flags.gradient_shards,
                  "Fixed partial sums per batch; results depend on this, not on --threads")
      ->check(integer_in(1, 4096))
      ->capture_default_str();
  command.add_option("--seed", flags.seed, "Seed of weights, noise, split and shuffling")
      ->check(integer_in(0, std::numeric_limits<std::uint64_t>::max()))
      ->capture_default_str();
}

namespace {

// The preset or preset file, with the name that messages blame.
struct BaseRow {
  HyperparameterRow row;
  std::optional<int> hidden;  // the preset's n_hidden, when there is a preset
  std::string name = "the preset";
};

BaseRow base_row(const HyperparameterFlags& flags) {
  if (!flags.preset.empty() && !flags.preset_file.empty()) {
    throw Error("--preset and --preset-file cannot be combined: give one of them");
  }
  BaseRow base;
  if (!flags.preset.empty()) {
    const double hidden = flags.preset[2];
    if (hidden != std::floor(hidden) || !(std::abs(hidden) < 1e9)) {
      std::ostringstream text;
      text << "invalid --preset hidden size " << hidden << ": must be an integer";
      throw Error(text.str());
    }
    base.row = paper_preset(flags.preset[0], flags.preset[1], static_cast<int>(hidden));
    base.hidden = base.row.n_hidden;
    std::ostringstream name;
    name << "--preset " << flags.preset[0] << " " << flags.preset[1] << " " << base.row.n_hidden;
    base.name = name.str();
  }
  if (!flags.preset_file.empty()) {
    base.row = read_preset_file(flags.preset_file);
    base.hidden = base.row.n_hidden;
    base.name = "--preset-file " + flags.preset_file;
  }
  return base;
}

}  // namespace

TrainingConfig resolve_config(const HyperparameterFlags& flags, std::optional<std::size_t> pixels) {
  BaseRow base = base_row(flags);
  HyperparameterRow& row = base.row;
  for (const auto& [name, value] : flags.given) set_hyperparameter(row, name, value);
  TrainingConfig config;
  apply_row(row, config);
  ArchitectureRequest request;
  if (flags.layer_sizes) request.layer_sizes = parse_layer_sizes(*flags.layer_sizes);
  if (flags.given.count("n_hidden")) request.n_hidden = row.n_hidden;
  request.preset_hidden = base.hidden;
  request.preset_name = base.name;
  request.input_size = pixels;
  config.architecture.layer_sizes = resolve_layer_sizes(request);
  config.encoding.inverted = !flags.non_inverted;
  config.neuron.kind = neuron_kind_from_name(flags.neuron_kind).value_or(NeuronKind::alpha);
  config.train.epochs = flags.epochs;
  config.train.threads = flags.threads;
  config.train.gradient_shards = flags.gradient_shards;
  config.train.seed = flags.seed;
  validate(config);
  return config;
}

}  // namespace spikeae::cli
