// Options: the paper's hyperparameter rows, presets, and the CLI's order of
// resolution (defaults, preset or preset file, single options, data sizes).
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include "convert.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/option_table.h"
#include "spikeae/preset_file.h"

namespace spikeae::python {
namespace {

// Text of one option value for the library's strict parser: ints and floats as
// written by Python's own rules, strings as given.
std::string value_text(const std::string& name, const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) {
    throw Error("invalid value for hyperparameter " + name + ": expected a number, got a bool");
  }
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::float_>(value)) return number_text(value.cast<double>());
  if (py::hasattr(value, "__index__")) {
    const auto index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
    if (!index) throw py::error_already_set();
    return py::str(index).cast<std::string>();
  }
  if (py::hasattr(value, "__float__")) return number_text(value.cast<double>());
  throw Error("invalid value for hyperparameter " + name + ": expected a number, got " +
              py::str(py::type::handle_of(value)).cast<std::string>());
}

HyperparameterRow dict_to_row(const py::dict& d) {
  HyperparameterRow row;
  for (const auto& [key, value] : d) {
    const std::string name = key.cast<std::string>();
    set_hyperparameter(row, name, value_text(name, value));
  }
  return row;
}

struct Preset {
  double noise;
  double latency;
  int hidden;
};

// What a trained model's architecture and neuron fix: continuing training cannot change them.
void check_unchanged(const HyperparameterRow& before, const HyperparameterRow& after) {
  const auto differ = [](const char* name, double a, double b) {
    if (a != b) {
      throw Error(std::string(name) + " cannot change when a model's training continues: it is " +
                  number_text(a) + ", got " + number_text(b));
    }
  };
  differ("n_hidden", before.n_hidden, after.n_hidden);
  differ("n_pulses", before.n_pulses, after.n_pulses);
  differ("decay_rate", before.decay_rate, after.decay_rate);
  differ("fire_threshold", before.fire_threshold, after.fire_threshold);
}

struct ResolveArgs {
  std::optional<TrainingConfig> base;  // a model's config, when its training continues
  std::optional<Preset> preset;
  std::optional<std::string> preset_file;
  py::dict given;  // column name -> value
  std::optional<std::vector<int>> layer_sizes;
  std::optional<int> input_size;
  py::dict run;  // other table options given (epochs, seed, inverted, ...), checked by Python
};

// A Python value as the option's C++ type (Python has checked that it fits).
OptionValue option_from_python(const OptionSpec& spec, const py::handle& value) {
  switch (spec.type) {
    case OptionType::kInt:
      return value.cast<int>();
    case OptionType::kUint64:
      return value.cast<std::uint64_t>();
    case OptionType::kBool:
      return value.cast<bool>();
    case OptionType::kChoice:
    case OptionType::kText:
      return value.cast<std::string>();
    default:
      throw Error("option " + std::string(spec.name) + " is not set one value at a time");
  }
}

void set_run_options(TrainingConfig& config, const py::dict& run) {
  for (const auto& [key, value] : run) {
    const std::string name = key.cast<std::string>();
    const OptionSpec* spec = find_option(name);
    if (spec == nullptr || spec->access.set == nullptr) throw Error("unknown option " + name);
    spec->access.set(config, option_from_python(*spec, value));
  }
}

// The CLI's order (apps/spikeae/hyperparameter_flags.cc): defaults, the preset or
// preset file, each given column, then the options outside the paper's table.
// An explicit layer_sizes is the architecture; n_hidden or a preset may only agree with it.
std::vector<int> requested_layer_sizes(const ResolveArgs& args, const HyperparameterRow& row,
                                       const std::optional<int>& preset_hidden) {
  ArchitectureRequest request;
  request.layer_sizes = args.layer_sizes;
  if (args.given.contains("n_hidden")) request.n_hidden = row.n_hidden;
  request.preset_hidden = preset_hidden;
  request.preset_name = args.preset_file ? "preset_file " + *args.preset_file : "the preset";
  if (args.input_size) request.input_size = static_cast<std::size_t>(*args.input_size);
  for (auto [name, text] :
       {std::pair{"architecture", &request.architecture}, std::pair{"layers", &request.layers}}) {
    if (args.run.contains(name)) *text = args.run[name].cast<std::string>();
  }
  return resolve_layer_sizes(request);
}

TrainingConfig resolve(const ResolveArgs& args) {
  TrainingConfig config = args.base.value_or(default_run_config());
  HyperparameterRow row = args.base ? row_from_config(*args.base) : HyperparameterRow{};
  std::optional<int> preset_hidden;
  if (args.preset) {
    row = paper_preset(args.preset->noise, args.preset->latency, args.preset->hidden);
    preset_hidden = row.n_hidden;
  }
  if (args.preset_file) {
    row = read_preset_file(*args.preset_file);
    preset_hidden = row.n_hidden;
  }
  for (const auto& [key, value] : args.given) {
    const std::string name = key.cast<std::string>();
    set_hyperparameter(row, name, value_text(name, value));
  }
  // apply_row sizes a 3-layer stack; the real stack is set just after.
  config.architecture.layer_sizes = TrainingConfig{}.architecture.layer_sizes;
  apply_row(row, config);
  if (args.base) {
    check_unchanged(row_from_config(*args.base), row);
    config.architecture = args.base->architecture;
  } else {
    config.architecture.layer_sizes = requested_layer_sizes(args, row, preset_hidden);
  }
  set_run_options(config, args.run);
  validate(config);
  return config;
}

// Python's name of an option type, as _options.py and the stub generator read it.
std::string python_type(OptionType type) {
  switch (type) {
    case OptionType::kInt:
      return "int";
    case OptionType::kUint64:
      return "uint64";
    case OptionType::kDouble:
      return "float";
    case OptionType::kBool:
      return "bool";
    case OptionType::kIntList:
      return "int list";
    case OptionType::kPreset:
      return "preset";
    case OptionType::kPath:
      return "path";
    case OptionType::kChoice:
      return "choice";
    case OptionType::kText:
      return "text";
  }
  return "";
}

py::dict spec_to_dict(const OptionSpec& spec) {
  py::dict d;
  d["name"] = std::string(spec.name);
  d["flag"] = std::string(spec.flag);
  d["type"] = python_type(spec.type);
  d["default"] = option_to_python(option_default(spec));
  d["accepted"] = accepted_values(spec);
  d["help"] = std::string(spec.help);
  d["paper_column"] = spec.paper_column();
  d["concern"] = std::string(spec.concern);
  return d;
}

}  // namespace

void bind_config(py::module_& m) {
  py::class_<TrainingConfig>(m, "TrainingConfig",
                             "Every option of a model or a training run (opaque; see as_dict).")
      .def("as_dict", &config_to_dict, "The options as a flat dict (paper column names).")
      .def(
          "hyperparameter_table",
          [](const TrainingConfig& c) { return format_hyperparameter_table({row_from_config(c)}); },
          "The options as a one-row table, as spikeae train writes hyperparameters.tsv.");

  m.def("hyperparameter_names", &hyperparameter_names,
        "The 13 columns of the paper's hyperparameter table, in its order.");
  m.def(
      "hyperparameter_help",
      [](const std::string& name) { return std::string(hyperparameter_help(name)); },
      py::arg("name"), "One line describing a column of the paper's table.");
  m.def(
      "default_hyperparameters", [] { return row_to_dict(HyperparameterRow{}); },
      "The library's default row (the paper's noise 0, latency 1, hidden 32 row).");
  m.def(
      "paper_presets",
      [] {
        py::list rows;
        for (const HyperparameterRow& row : paper_presets()) rows.append(row_to_dict(row));
        return rows;
      },
      "The paper's 75 tuned rows.");
  m.def(
      "paper_preset",
      [](double noise, double latency, int hidden) {
        return row_to_dict(paper_preset(noise, latency, hidden));
      },
      py::arg("noise"), py::arg("latency"), py::arg("hidden"),
      "The paper's row for (noise, latency, hidden); SpikeaeError lists the valid values.");
  m.def(
      "format_hyperparameter_table",
      [](const std::vector<py::dict>& rows) {
        std::vector<HyperparameterRow> parsed;
        for (const py::dict& row : rows) parsed.push_back(dict_to_row(row));
        return format_hyperparameter_table(parsed);
      },
      py::arg("rows"), "Rows (dicts by column name; missing columns take defaults) as a table.");
  m.def(
      "parse_hyperparameter_table",
      [](const std::string& text, const std::string& source) {
        py::list rows;
        for (const HyperparameterRow& row : parse_hyperparameter_table(text, source)) {
          rows.append(row_to_dict(row));
        }
        return rows;
      },
      py::arg("text"), py::arg("source") = "<text>",
      "Rows of a tab-separated table whose first line holds all 13 column names.");
  m.def(
      "option_table",
      [] {
        py::list options;
        for (const OptionSpec& spec : option_table()) options.append(spec_to_dict(spec));
        return options;
      },
      "Every model and training option once (dicts: name, flag, type, default, accepted, help, "
      "paper_column, concern), in the library's order.");
  m.def(
      "resolve_config",
      [](std::optional<TrainingConfig> base, std::optional<std::tuple<double, double, int>> preset,
         std::optional<std::string> preset_file, py::dict given,
         std::optional<std::vector<int>> layer_sizes, std::optional<int> input_size, py::dict run) {
        ResolveArgs args{base, std::nullopt, preset_file, given, layer_sizes, input_size, run};
        if (preset)
          args.preset = Preset{std::get<0>(*preset), std::get<1>(*preset), std::get<2>(*preset)};
        return resolve(args);
      },
      py::arg("base"), py::arg("preset"), py::arg("preset_file"), py::arg("given"),
      py::arg("layer_sizes"), py::arg("input_size"), py::arg("run"),
      "Options resolved in the CLI's order and validated (SpikeaeError names the first bad one).");
}

}  // namespace spikeae::python
