#include "hyperparameter_flags.h"

#include <cctype>
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

std::string flag_help(const OptionSpec& spec) {
  std::string help(spec.help);
  if (!help.empty()) help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
  const std::string accepted = accepted_values(spec);
  return accepted.empty() ? help : help + "; " + accepted;
}

namespace {

// A paper column is kept as typed and parsed by the library's strict table parser.
CLI::Option* add_column_flag(CLI::App& command, const OptionSpec& spec,
                             HyperparameterFlags& flags) {
  const std::string name(spec.name);
  return command
      .add_option_function<std::string>(
          both_spellings(std::string(spec.flag)),
          [&flags, name](const std::string& value) { flags.given[name] = value; }, flag_help(spec))
      ->default_str(option_value_text(option_default(spec)));
}

// Run integers are read in full by integer_in: refused, never wrapped or clamped.
CLI::Option* add_integer_flag(CLI::App& command, const OptionSpec& spec,
                              HyperparameterFlags& flags) {
  const std::string name(spec.name);
  const bool wide = spec.type == OptionType::kUint64;
  return command
      .add_option_function<std::string>(
          both_spellings(std::string(spec.flag)),
          [&flags, name, wide](const std::string& text) {
            flags.run[name] =
                wide ? OptionValue(std::uint64_t{std::stoull(text)}) : OptionValue(std::stoi(text));
          },
          flag_help(spec))
      ->check(integer_in(spec))
      ->default_str(option_value_text(option_default(spec)));
}

// A flag whose text goes to the option as given (kText, kChoice).
CLI::Option* add_text_flag(CLI::App& command, const std::string& flag, const OptionSpec& spec,
                           HyperparameterFlags& flags) {
  return command
      .add_option_function<std::string>(
          flag,
          [&flags, &spec](const std::string& text) { flags.run[std::string(spec.name)] = text; },
          flag_help(spec))
      ->default_str(option_value_text(option_default(spec)));
}

CLI::Option* add_flag_for(CLI::App& command, const OptionSpec& spec, HyperparameterFlags& flags) {
  const std::string flag = both_spellings(std::string(spec.flag));
  switch (spec.type) {
    case OptionType::kPreset:
      return command.add_option(flag, flags.preset, flag_help(spec))->expected(3);
    case OptionType::kPath:
      return command.add_option(flag, flags.preset_file, flag_help(spec))->excludes("--preset");
    case OptionType::kIntList:
      return command.add_option(flag, flags.layer_sizes, flag_help(spec));
    case OptionType::kBool:  // the flag turns the default round (--non-inverted)
      return command.add_flag_callback(
          flag,
          [&flags, &spec] {
            flags.run[std::string(spec.name)] = !std::get<bool>(option_default(spec));
          },
          flag_help(spec));
    case OptionType::kText:  // its setter parses and refuses it, naming what is wrong
      return add_text_flag(command, flag, spec, flags);
    case OptionType::kChoice:
      // The accepted names are in the help line already (accepted_values).
      return add_text_flag(command, flag, spec, flags)
          ->check(CLI::IsMember(std::vector<std::string>(spec.choices.begin(), spec.choices.end()))
                      .description(""));
    case OptionType::kInt:
    case OptionType::kUint64:
    case OptionType::kDouble:
      // Outside the paper's columns the table's numbers are all integers.
      if (spec.paper_column()) return add_column_flag(command, spec, flags);
      return add_integer_flag(command, spec, flags);
  }
  return nullptr;
}

}  // namespace

void add_hyperparameter_flags(CLI::App& command, HyperparameterFlags& flags, EpochsFlag epochs) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.name == "epochs" && epochs == EpochsFlag::kHidden) continue;
    CLI::Option* option = add_flag_for(command, spec, flags);
    if (spec.type != OptionType::kBool) option->type_name(std::string(option_type_name(spec.type)));
    const bool run_option = spec.concern == "train" && !spec.paper_column();
    option->group(run_option ? "Training" : "Hyperparameters");
  }
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

// The text of a kText option, when it was given.
std::optional<std::string> given_text(const HyperparameterFlags& flags, const std::string& name) {
  const auto found = flags.run.find(name);
  if (found == flags.run.end()) return {};
  return std::get<std::string>(found->second);
}

}  // namespace

TrainingConfig resolve_config(const HyperparameterFlags& flags, std::optional<std::size_t> pixels) {
  BaseRow base = base_row(flags);
  HyperparameterRow& row = base.row;
  for (const auto& [name, value] : flags.given) set_hyperparameter(row, name, value);
  TrainingConfig config = default_run_config();
  apply_row(row, config);
  ArchitectureRequest request;
  if (flags.layer_sizes) request.layer_sizes = parse_layer_sizes(*flags.layer_sizes);
  if (flags.given.count("n_hidden")) request.n_hidden = row.n_hidden;
  request.preset_hidden = base.hidden;
  request.preset_name = base.name;
  request.input_size = pixels;
  request.architecture = given_text(flags, "architecture");
  request.layers = given_text(flags, "layers");
  config.architecture.layer_sizes = resolve_layer_sizes(request);
  for (const auto& [name, value] : flags.run) find_option(name)->access.set(config, value);
  validate(config);
  return config;
}

}  // namespace spikeae::cli
