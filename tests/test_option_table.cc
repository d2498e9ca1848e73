// The option table: its defaults are the concern structs', its accessors reach the
// right fields, and validate() refuses exactly what its ranges exclude.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "spikeae/error.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace {

const OptionSpec& spec(std::string_view name) {
  const OptionSpec* found = find_option(name);
  if (found == nullptr) throw std::logic_error("no option " + std::string(name));
  return *found;
}

OptionValue default_of(std::string_view name) { return option_default(spec(name)); }

TEST(OptionTable, DefaultsAreTheConcernStructs) {
  EXPECT_EQ(default_of("noise_factor_ae"), OptionValue(EncodingOptions{}.noise_factor));
  EXPECT_EQ(default_of("latency_ae"), OptionValue(LossOptions{}.latency));
  EXPECT_EQ(default_of("batch_size"), OptionValue(TrainOptions{}.batch_size));
  EXPECT_EQ(default_of("clip_derivative"), OptionValue(LossOptions{}.clip_derivative));
  EXPECT_EQ(default_of("decay_rate"), OptionValue(NeuronParams{}.decay_rate));
  EXPECT_EQ(default_of("fire_threshold"), OptionValue(NeuronParams{}.fire_threshold));
  EXPECT_EQ(default_of("learning_rate"), OptionValue(AdamOptions{}.learning_rate));
  EXPECT_EQ(default_of("learning_rate_pulses"), OptionValue(AdamOptions{}.learning_rate_pulses));
  EXPECT_EQ(default_of("n_hidden"), OptionValue(Architecture{}.layer_sizes[1]));
  EXPECT_EQ(default_of("n_pulses"), OptionValue(Architecture{}.n_pulses));
  EXPECT_EQ(default_of("nonpulse_weight_mean_multiplier"),
            OptionValue(InitOptions{}.nonpulse_weight_mean_multiplier));
  EXPECT_EQ(default_of("penalty_no_spike"), OptionValue(LossOptions{}.penalty_no_spike));
  EXPECT_EQ(default_of("pulse_weight_mean_multiplier"),
            OptionValue(InitOptions{}.pulse_weight_mean_multiplier));
  EXPECT_EQ(default_of("inverted"), OptionValue(EncodingOptions{}.inverted));
  EXPECT_EQ(default_of("epochs"), OptionValue(kDefaultRunEpochs));
  EXPECT_EQ(default_of("threads"), OptionValue(TrainOptions{}.threads));
  EXPECT_EQ(default_of("gradient_shards"), OptionValue(TrainOptions{}.gradient_shards));
  EXPECT_EQ(default_of("seed"), OptionValue(TrainOptions{}.seed));
  for (const char* none : {"preset", "preset_file", "layer_sizes"}) {
    EXPECT_EQ(default_of(none), OptionValue()) << none;
  }
}

TEST(OptionTable, PaperColumnsAreTheRowsFieldsInTheTablesOrder) {
  std::vector<std::string> names;
  for (const OptionSpec& s : option_table()) {
    if (!s.paper_column()) continue;
    names.emplace_back(s.name);
    EXPECT_EQ(row_value(HyperparameterRow{}, s), option_default(s)) << s.name;
    EXPECT_EQ(std::string(s.flag), "--" + std::string(s.name));
  }
  EXPECT_EQ(names, hyperparameter_names());
  EXPECT_EQ(names.size(), 13u);
}

TEST(OptionTable, NamesAndFlagsAreUnique) {
  std::set<std::string_view> names, flags;
  for (const OptionSpec& s : option_table()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_TRUE(flags.insert(s.flag).second) << s.flag;
    EXPECT_FALSE(s.help.empty()) << s.name;
  }
}

// A value of the option's type other than its default, inside its range.
OptionValue another_value(const OptionSpec& s) {
  switch (s.type) {
    case OptionType::kInt:
      return std::get<int>(option_default(s)) + 1;
    case OptionType::kUint64:
      return std::uint64_t{12345678901234ull};
    case OptionType::kDouble:
      return std::get<double>(option_default(s)) * 0.5 + 0.125;
    case OptionType::kBool:
      return !std::get<bool>(option_default(s));
    case OptionType::kChoice:  // the last choice; the default is the first
      return std::string(s.choices.back());
    case OptionType::kText:  // layers: a window on the default 784-32-784 stack
      if (s.name == "architecture") return std::string("28x28,conv:2:4:2:1,dense:9");
      return std::string("local:98,dense");
    default:
      return std::vector<int>{784, 64, 9, 64, 784};
  }
}

TEST(OptionTable, EachAccessorWritesItsOwnFieldOnly) {
  for (const OptionSpec& s : option_table()) {
    if (s.access.set == nullptr) continue;
    TrainingConfig config = default_run_config();
    const OptionValue value = another_value(s);
    s.access.set(config, value);
    EXPECT_EQ(s.access.get(config), value) << s.name;
    for (const OptionSpec& other : option_table()) {
      // layer_sizes holds n_hidden: changing one changes the other; architecture
      // sets, and reads back from, the whole stack.
      const bool linked = (s.name == "layer_sizes" && other.name == "n_hidden") ||
                          (s.name == "n_hidden" && other.name == "layer_sizes") ||
                          (s.name == "architecture" && other.concern == "architecture") ||
                          (other.name == "architecture" && s.concern == "architecture");
      if (other.access.get == nullptr || &other == &s || linked) continue;
      EXPECT_EQ(other.access.get(config), other.access.get(default_run_config()))
          << "setting " << s.name << " changed " << other.name;
    }
  }
}

TEST(OptionTable, RowsRoundTripThroughTheConfig) {
  const HyperparameterRow row = paper_preset(0.4, 16, 32);
  TrainingConfig config;
  apply_row(row, config);
  EXPECT_EQ(format_hyperparameter_table({row_from_config(config)}),
            format_hyperparameter_table({row}));
  EXPECT_EQ(config.loss.latency, 16.0);
  EXPECT_EQ(config.encoding.noise_factor, 0.4);
}

TEST(OptionTable, AcceptedValuesAreWordedByRangeStyle) {
  EXPECT_EQ(accepted_values(spec("threads")), "an integer in [0, 1024]");
  EXPECT_EQ(accepted_values(spec("epochs")), "an integer >= 0 (at most 1000000)");
  EXPECT_EQ(accepted_values(spec("noise_factor_ae")), "a number in [0, 1]");
  EXPECT_EQ(accepted_values(spec("latency_ae")), "a finite number > 0 (at most 1000)");
  EXPECT_EQ(accepted_values(spec("learning_rate")), "a finite number >= 0 (at most 10)");
  EXPECT_EQ(accepted_values(spec("pulse_weight_mean_multiplier")),
            "a finite number in [-1000, 1000]");
  EXPECT_EQ(accepted_values(spec("seed")), "");
}

// validate() on the run defaults with one option changed: "" when accepted, else the message.
std::string validation_of(const OptionSpec& s, const OptionValue& value) {
  TrainingConfig config = default_run_config();
  s.access.set(config, value);
  try {
    validate(config);
    return "";
  } catch (const Error& error) {
    return error.what();
  }
}

OptionValue typed(const OptionSpec& s, double number) {
  if (s.type == OptionType::kInt) return static_cast<int>(number);
  return number;
}

TEST(OptionTable, ValidateRefusesExactlyOutsideEachRange) {
  for (const OptionSpec& s : option_table()) {
    if (s.range.style == RangeStyle::kNone || s.name == "n_hidden") continue;
    const double low = s.range.style == RangeStyle::kMagnitude ? -s.range.high : s.range.low;
    const double step = s.type == OptionType::kInt ? 1.0 : std::abs(s.range.high) * 1e-3;
    const std::string message =
        "invalid " + std::string(s.name) + ": must be " + accepted_values(s) + ", got ";
    EXPECT_EQ(validation_of(s, typed(s, s.range.high)), "") << s.name;
    EXPECT_NE(validation_of(s, typed(s, s.range.high + step)).find(message), std::string::npos)
        << s.name;
    EXPECT_NE(validation_of(s, typed(s, low - step)).find(message), std::string::npos) << s.name;
    const bool low_ok = s.range.low_inclusive || s.range.style == RangeStyle::kMagnitude;
    EXPECT_EQ(validation_of(s, typed(s, low)).empty(), low_ok) << s.name;
    if (s.type == OptionType::kDouble) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      EXPECT_NE(validation_of(s, nan).find(message), std::string::npos) << s.name;
    }
  }
}

TEST(OptionTable, EveryLayerHasNHiddensRange) {
  const OptionSpec& hidden = spec("n_hidden");
  TrainingConfig config = default_run_config();
  config.architecture.layer_sizes = {784, static_cast<int>(hidden.range.high) + 1, 784};
  try {
    validate(config);
    FAIL() << "an oversized bottleneck was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(accepted_values(hidden)), std::string::npos);
  }
}

}  // namespace
}  // namespace spikeae
