// Paper hyperparameter rows: the compiled-in table, strict parsing, formatting
// and the mapping onto TrainingConfig.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::same_bits;

// Runs `body`, expecting an Error whose message contains every part of `parts`.
template <typename Body>
void expect_error(Body body, const std::vector<std::string>& parts) {
  try {
    body();
    FAIL() << "expected spikeae::Error";
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const auto& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "\"" << part << "\" not in: " << message;
    }
  }
}

std::string header() {
  std::string out;
  for (const auto& name : hyperparameter_names()) out += (out.empty() ? "" : "\t") + name;
  return out + "\n";
}

// The (0, 1, 32) paper row, typed in from the paper's table.
constexpr const char* kRowText =
    "0.0\t1\t7\t386.058227\t0.172556\t0.834236\t0.001676\t0.001441\t32\t10\t-7.038462\t"
    "6.250341\t4.213218\n";

void expect_rows_bit_equal(const HyperparameterRow& a, const HyperparameterRow& b) {
  EXPECT_TRUE(same_bits(a.noise_factor_ae, b.noise_factor_ae));
  EXPECT_TRUE(same_bits(a.latency_ae, b.latency_ae));
  EXPECT_EQ(a.batch_size, b.batch_size);
  EXPECT_TRUE(same_bits(a.clip_derivative, b.clip_derivative));
  EXPECT_TRUE(same_bits(a.decay_rate, b.decay_rate));
  EXPECT_TRUE(same_bits(a.fire_threshold, b.fire_threshold));
  EXPECT_TRUE(same_bits(a.learning_rate, b.learning_rate));
  EXPECT_TRUE(same_bits(a.learning_rate_pulses, b.learning_rate_pulses));
  EXPECT_EQ(a.n_hidden, b.n_hidden);
  EXPECT_EQ(a.n_pulses, b.n_pulses);
  EXPECT_TRUE(same_bits(a.nonpulse_weight_mean_multiplier, b.nonpulse_weight_mean_multiplier));
  EXPECT_TRUE(same_bits(a.penalty_no_spike, b.penalty_no_spike));
  EXPECT_TRUE(same_bits(a.pulse_weight_mean_multiplier, b.pulse_weight_mean_multiplier));
}

TEST(HyperparameterNames, AreThePaperColumnsInOrder) {
  const std::vector<std::string> expected = {"noise_factor_ae",
                                             "latency_ae",
                                             "batch_size",
                                             "clip_derivative",
                                             "decay_rate",
                                             "fire_threshold",
                                             "learning_rate",
                                             "learning_rate_pulses",
                                             "n_hidden",
                                             "n_pulses",
                                             "nonpulse_weight_mean_multiplier",
                                             "penalty_no_spike",
                                             "pulse_weight_mean_multiplier"};
  EXPECT_EQ(hyperparameter_names(), expected);
}

TEST(PaperPresets, HasSeventyFiveRowsCoveringTheGridOnce) {
  const auto& rows = paper_presets();
  ASSERT_EQ(rows.size(), 75u);
  std::multiset<std::tuple<double, double, int>> keys;
  for (const auto& row : rows) keys.emplace(row.noise_factor_ae, row.latency_ae, row.n_hidden);
  for (double noise : {0.0, 0.2, 0.4, 0.6, 0.8}) {
    for (double latency : {1.0, 2.0, 4.0, 8.0, 16.0}) {
      for (int hidden : {8, 16, 32}) {
        EXPECT_EQ(keys.count({noise, latency, hidden}), 1u)
            << noise << " " << latency << " " << hidden;
      }
    }
  }
}

TEST(PaperPresets, MatchesRowsOfThePaperTable) {
  const HyperparameterRow a = paper_preset(0.0, 1.0, 32);
  EXPECT_EQ(a.batch_size, 7);
  EXPECT_EQ(a.clip_derivative, 386.058227);
  EXPECT_EQ(a.decay_rate, 0.172556);
  EXPECT_EQ(a.fire_threshold, 0.834236);
  EXPECT_EQ(a.learning_rate, 0.001676);
  EXPECT_EQ(a.learning_rate_pulses, 0.001441);
  EXPECT_EQ(a.n_pulses, 10);
  EXPECT_EQ(a.nonpulse_weight_mean_multiplier, -7.038462);
  EXPECT_EQ(a.penalty_no_spike, 6.250341);
  EXPECT_EQ(a.pulse_weight_mean_multiplier, 4.213218);

  const HyperparameterRow b = paper_preset(0.8, 16.0, 8);
  EXPECT_EQ(b.batch_size, 17);
  EXPECT_EQ(b.clip_derivative, 745.141386);
  EXPECT_EQ(b.decay_rate, 0.276941);
  EXPECT_EQ(b.n_pulses, 9);
  EXPECT_EQ(b.nonpulse_weight_mean_multiplier, -2.882677);
  EXPECT_EQ(b.learning_rate_pulses, 0.019145);

  const HyperparameterRow c = paper_preset(0.4, 8.0, 16);
  EXPECT_EQ(c.batch_size, 23);
  EXPECT_EQ(c.fire_threshold, 0.683077);
  EXPECT_EQ(c.learning_rate, 0.000124);
  EXPECT_EQ(c.penalty_no_spike, 69.416485);
}

TEST(PaperPresets, FirstAndLastRowsKeepTableOrder) {
  const auto& rows = paper_presets();
  EXPECT_EQ(rows.front().batch_size, 18);
  EXPECT_EQ(rows.front().n_hidden, 8);
  EXPECT_EQ(rows.front().penalty_no_spike, 65.237213);
  EXPECT_EQ(rows.back().batch_size, 48);
  EXPECT_EQ(rows.back().pulse_weight_mean_multiplier, 6.840520);
}

TEST(PaperPresets, DefaultRowIsThePaperBaseline) {
  expect_rows_bit_equal(HyperparameterRow{}, paper_preset(0.0, 1.0, 32));
}

TEST(PaperPresets, LookupToleratesRoundingNoise) {
  EXPECT_EQ(paper_preset(0.2 + 1e-12, 4.0, 16).n_hidden, 16);
}

TEST(PaperPresets, UnknownConditionListsValidValues) {
  expect_error([] { paper_preset(0.3, 1.0, 32); },
               {"0.3", "0.2", "0.8", "1, 2, 4, 8, 16", "8, 16, 32"});
  expect_error([] { paper_preset(0.0, 3.0, 32); }, {"latency 3"});
  expect_error([] { paper_preset(0.0, 1.0, 64); }, {"hidden 64"});
}

TEST(SetHyperparameter, SetsEachKind) {
  HyperparameterRow row;
  set_hyperparameter(row, "batch_size", "12");
  set_hyperparameter(row, "decay_rate", "0.25");
  set_hyperparameter(row, "nonpulse_weight_mean_multiplier", "-3e-1");
  EXPECT_EQ(row.batch_size, 12);
  EXPECT_EQ(row.decay_rate, 0.25);
  EXPECT_EQ(row.nonpulse_weight_mean_multiplier, -0.3);
}

TEST(SetHyperparameter, RejectsUnknownNameListingValidOnes) {
  HyperparameterRow row;
  expect_error([&] { set_hyperparameter(row, "batchsize", "3"); },
               {"batchsize", "batch_size", "pulse_weight_mean_multiplier", "noise_factor_ae"});
}

TEST(SetHyperparameter, RequiresTheWholeTextToParse) {
  HyperparameterRow row;
  expect_error([&] { set_hyperparameter(row, "decay_rate", "0.5x"); }, {"decay_rate", "0.5x"});
  expect_error([&] { set_hyperparameter(row, "decay_rate", ""); }, {"decay_rate"});
  expect_error([&] { set_hyperparameter(row, "decay_rate", " 0.5"); }, {"decay_rate"});
  expect_error([&] { set_hyperparameter(row, "decay_rate", "abc"); }, {"abc", "a number"});
}

TEST(SetHyperparameter, IntegersMustBeIntegers) {
  HyperparameterRow row;
  expect_error([&] { set_hyperparameter(row, "batch_size", "7.5"); },
               {"batch_size", "7.5", "integer"});
  expect_error([&] { set_hyperparameter(row, "n_hidden", "1e2"); }, {"n_hidden", "1e2"});
  expect_error([&] { set_hyperparameter(row, "n_pulses", "99999999999"); },
               {"n_pulses", "99999999999"});
  EXPECT_EQ(row.batch_size, 7);  // untouched by failed sets
}

TEST(SetHyperparameter, RejectsNonFiniteNumbers) {
  HyperparameterRow row;
  expect_error([&] { set_hyperparameter(row, "fire_threshold", "inf"); },
               {"fire_threshold", "finite"});
  expect_error([&] { set_hyperparameter(row, "fire_threshold", "nan"); }, {"fire_threshold"});
  expect_error([&] { set_hyperparameter(row, "learning_rate", "1e999"); }, {"learning_rate"});
}

TEST(ParseTable, ReadsAnyColumnOrder) {
  // Reverse the columns of the header and of the row.
  const auto& names = hyperparameter_names();
  const std::vector<std::string> values = {
      "0.0",      "1",  "7",  "386.058227", "0.172556", "0.834236", "0.001676",
      "0.001441", "32", "10", "-7.038462",  "6.250341", "4.213218"};
  std::string head, row;
  for (std::size_t i = names.size(); i-- > 0;) {
    head += names[i] + (i > 0 ? "\t" : "\n");
    row += values[i] + (i > 0 ? "\t" : "\n");
  }
  const auto rows = parse_hyperparameter_table(head + row, "reversed.tsv");
  ASSERT_EQ(rows.size(), 1u);
  expect_rows_bit_equal(rows[0], paper_preset(0.0, 1.0, 32));
}

TEST(ParseTable, AcceptsCrlfAndBlankLines) {
  std::string text = header() + "\n" + kRowText + "\n";
  std::string crlf;
  for (char c : text) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(parse_hyperparameter_table(text, "a").size(), 1u);
  EXPECT_EQ(parse_hyperparameter_table(crlf, "b").size(), 1u);
  EXPECT_TRUE(parse_hyperparameter_table(header(), "c").empty());
}

TEST(ParseTable, MissingColumnIsNamed) {
  std::string head;
  for (const auto& name : hyperparameter_names()) {
    if (name != "decay_rate") head += (head.empty() ? "" : "\t") + name;
  }
  expect_error([&] { parse_hyperparameter_table(head + "\n", "my.tsv"); },
               {"my.tsv:1:", "missing", "decay_rate"});
}

TEST(ParseTable, DuplicateColumnIsNamed) {
  const std::string text = "n_hidden\t" + header();
  expect_error([&] { parse_hyperparameter_table(text, "dup.tsv"); },
               {"dup.tsv:1:", "n_hidden", "twice"});
}

TEST(ParseTable, UnknownColumnIsNamed) {
  const std::string text = "bogus\t" + header();
  expect_error([&] { parse_hyperparameter_table(text, "u.tsv"); },
               {"u.tsv:1:", "bogus", "noise_factor_ae"});
}

TEST(ParseTable, MissingHeaderIsReported) {
  expect_error([] { parse_hyperparameter_table(kRowText, "nohead.tsv"); },
               {"nohead.tsv:1:", "header"});
  expect_error([] { parse_hyperparameter_table("\n\n", "empty.tsv"); }, {"empty.tsv", "empty"});
}

TEST(ParseTable, BadNumberNamesLineAndColumn) {
  std::string row = kRowText;
  row.replace(row.find("0.172556"), 8, "0.17x");
  expect_error([&] { parse_hyperparameter_table(header() + kRowText + row, "bad.tsv"); },
               {"bad.tsv:3:", "decay_rate", "0.17x"});
  std::string fractional = kRowText;
  fractional.replace(fractional.find("\t7\t"), 3, "\t7.5\t");
  expect_error([&] { parse_hyperparameter_table(header() + fractional, "frac.tsv"); },
               {"frac.tsv:2:", "batch_size", "7.5", "integer"});
}

TEST(ParseTable, WrongFieldCountNamesLine) {
  std::string row = kRowText;
  row.erase(row.rfind('\t'));
  row += "\n";
  expect_error([&] { parse_hyperparameter_table(header() + "\n" + row, "short.tsv"); },
               {"short.tsv:3:", "13", "12"});
  const std::string extra = std::string(kRowText).insert(0, "1\t");
  expect_error([&] { parse_hyperparameter_table(header() + extra, "long.tsv"); },
               {"long.tsv:2:", "14"});
}

TEST(FormatTable, RoundTripsBitExact) {
  std::vector<HyperparameterRow> rows = paper_presets();
  HyperparameterRow odd;
  odd.decay_rate = 0.1 + 0.2;  // not a short decimal
  odd.learning_rate = 1e-300;
  odd.clip_derivative = std::numeric_limits<double>::max();
  odd.fire_threshold = std::numeric_limits<double>::denorm_min();
  odd.nonpulse_weight_mean_multiplier = -1.0 / 3.0;
  odd.batch_size = std::numeric_limits<int>::max();
  odd.n_pulses = -4;
  rows.push_back(odd);
  const std::string text = format_hyperparameter_table(rows);
  const auto parsed = parse_hyperparameter_table(text, "formatted");
  ASSERT_EQ(parsed.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    expect_rows_bit_equal(parsed[i], rows[i]);
  }
  EXPECT_EQ(format_hyperparameter_table(parsed), text);
}

TEST(FormatTable, StartsWithTheHeaderInTableOrder) {
  const std::string text = format_hyperparameter_table({HyperparameterRow{}});
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), header());
  EXPECT_NE(text.find("\t386.058227\t0.172556\t"), std::string::npos) << text;
}

TEST(ApplyRow, CopiesEveryFieldIntoTheConfig) {
  const HyperparameterRow row = paper_preset(0.6, 4.0, 8);
  TrainingConfig config;
  apply_row(row, config);
  EXPECT_EQ(config.architecture.layer_sizes, (std::vector<int>{784, 8, 784}));
  EXPECT_EQ(config.architecture.n_pulses, row.n_pulses);
  EXPECT_EQ(config.encoding.noise_factor, row.noise_factor_ae);
  EXPECT_EQ(config.loss.latency, row.latency_ae);
  EXPECT_EQ(config.loss.clip_derivative, row.clip_derivative);
  EXPECT_EQ(config.loss.penalty_no_spike, row.penalty_no_spike);
  EXPECT_EQ(config.neuron.decay_rate, row.decay_rate);
  EXPECT_EQ(config.neuron.fire_threshold, row.fire_threshold);
  EXPECT_EQ(config.adam.learning_rate, row.learning_rate);
  EXPECT_EQ(config.adam.learning_rate_pulses, row.learning_rate_pulses);
  EXPECT_EQ(config.train.batch_size, row.batch_size);
  EXPECT_EQ(config.init.nonpulse_weight_mean_multiplier, row.nonpulse_weight_mean_multiplier);
  EXPECT_EQ(config.init.pulse_weight_mean_multiplier, row.pulse_weight_mean_multiplier);
  EXPECT_NO_THROW(validate(config));
}

TEST(ApplyRow, LeavesOtherOptionsAlone) {
  TrainingConfig config;
  config.train.epochs = 5;
  config.train.seed = 99;
  config.adam.beta2 = 0.99;
  config.encoding.inverted = false;
  apply_row(paper_preset(0.2, 2.0, 16), config);
  EXPECT_EQ(config.train.epochs, 5);
  EXPECT_EQ(config.train.seed, 99u);
  EXPECT_EQ(config.adam.beta2, 0.99);
  EXPECT_FALSE(config.encoding.inverted);
}

TEST(ApplyRow, SetsTheBottleneckOfADeeperStack) {
  TrainingConfig config;
  config.architecture.layer_sizes = {784, 128, 40, 128, 784};
  apply_row(paper_preset(0.0, 1.0, 16), config);
  EXPECT_EQ(config.architecture.layer_sizes, (std::vector<int>{784, 128, 16, 128, 784}));
  EXPECT_EQ(row_from_config(config).n_hidden, 16);
}

TEST(ApplyRow, KeepsTheInputSizeOfASingleHiddenLayer) {
  TrainingConfig config;
  config.architecture.layer_sizes = {100, 40, 100};  // e.g. 10x10 images of one's own
  apply_row(paper_preset(0.0, 1.0, 16), config);
  EXPECT_EQ(config.architecture.layer_sizes, (std::vector<int>{100, 16, 100}));
}

TEST(ApplyRow, EvenDeepStackIsRejected) {
  TrainingConfig config;
  config.architecture.layer_sizes = {784, 64, 64, 784};
  expect_error([&] { apply_row(HyperparameterRow{}, config); }, {"n_hidden", "layer_sizes"});
}

TEST(ApplyRow, RoundTripsThroughRowFromConfig) {
  for (const auto& row : paper_presets()) {
    TrainingConfig config;
    apply_row(row, config);
    expect_rows_bit_equal(row_from_config(config), row);
  }
}

TEST(RowFromConfig, DefaultConfigGivesTheDefaultRow) {
  expect_rows_bit_equal(row_from_config(TrainingConfig{}), HyperparameterRow{});
}

}  // namespace
}  // namespace spikeae
