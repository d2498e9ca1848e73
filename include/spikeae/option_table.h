// Every option of a training run, once: its name and CLI spelling, type, default,
// accepted range, help line and where it lives in TrainingConfig. The CLI flags,
// the Python keywords and docstrings, the .pyi stub, validate()'s messages and
// docs/options.md are all made from this table.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/hyperparameters.h"

namespace spikeae {

enum class OptionType {
  kInt,
  kUint64,
  kDouble,
  kBool,
  kIntList,  // layer sizes, "784,128,32,128,784" on the command line
  kPreset,   // NOISE LATENCY HIDDEN: picks a paper row
  kPath,     // a preset file
  kChoice,   // one name of a fixed list (neuron_kind: alpha, exponential)
  kText,     // a spec its setter parses (layers: "local:64,dense")
};

// Which values validate() accepts, and so how its message words them.
enum class RangeStyle {
  kNone,        // every value of the type
  kInterval,    // [low, high]
  kLowerBound,  // > low (or >= low); high only guards against absurd values
  kMagnitude,   // [-high, high]
};

struct OptionRange {
  RangeStyle style = RangeStyle::kNone;
  double low = 0.0;
  double high = 0.0;
  bool low_inclusive = true;
};

// One option's value; monostate: none (not given, or derived from other options).
using OptionValue =
    std::variant<std::monostate, int, std::uint64_t, double, bool, std::vector<int>, std::string>;

// Reads and writes one option in a config (both null for the preset options,
// which choose a whole row instead of filling a field).
struct OptionAccess {
  OptionValue (*get)(const TrainingConfig&) = nullptr;
  void (*set)(TrainingConfig&, const OptionValue&) = nullptr;
};

using RowField =
    std::variant<std::monostate, double HyperparameterRow::*, int HyperparameterRow::*>;

struct OptionSpec {
  std::string_view name;  // Python keyword, paper column, the name messages use
  std::string_view flag;  // the CLI flag as listed first; the other spelling works too
  OptionType type;
  OptionRange range;
  std::string_view help;     // one line: --help, docstrings, docs/options.md
  std::string_view concern;  // the TrainingConfig member it fills ("preset": a whole row)
  OptionAccess access;
  RowField column;               // the paper column's field; monostate off the paper's table
  bool default_is_none = false;  // derived from other options unless given (layer_sizes)
  std::span<const std::string_view> choices = {};  // the names a kChoice option accepts

  bool paper_column() const { return !std::holds_alternative<std::monostate>(column); }
};

// Paper columns in the order of the paper's table, then the others.
std::span<const OptionSpec> option_table();

// The option of that name, or nullptr.
const OptionSpec* find_option(std::string_view name);

// What spikeae train and spikeae.fit start from: the structs' defaults, with
// kDefaultRunEpochs epochs.
TrainingConfig default_run_config();

// The option's value in default_run_config() (monostate for none).
OptionValue option_default(const OptionSpec& spec);

// A paper column's value in a row, and setting it (the spec must be a paper column).
OptionValue row_value(const HyperparameterRow& row, const OptionSpec& spec);
void set_row_value(HyperparameterRow& row, const OptionSpec& spec, const OptionValue& value);

// Shortest text that parses back to the same double (std::to_chars): how tables,
// messages and docs write numbers.
std::string number_text(double value);

// "" for none; numbers as the tables write them; a list as "784,32,784"; true/false.
std::string option_value_text(const OptionValue& value);

// What validate() accepts, e.g. "an integer in [0, 1024]"; "" when every value is.
std::string accepted_values(const OptionSpec& spec);

// Throws Error "invalid NAME: must be ACCEPTED, got VALUE" when `value` (an int,
// uint64 or double) is outside the spec's range or not finite, or (a name) is not
// one of a kChoice option's choices.
void check_option(const OptionSpec& spec, const OptionValue& value);

// The name of the type in help and docs: INT, UINT, FLOAT, BOOL, LIST, ...
std::string_view option_type_name(OptionType type);

}  // namespace spikeae
