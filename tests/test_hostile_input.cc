// Hostile input: the loaders and options that take text or bytes from users, fed
// values that the format- and option-specific suites do not cover (overflowing
// dimensions, NaN and infinity, zero and negative sizes, absurd thread counts,
// models whose stored options or neuron parameters are out of range). Every refusal
// must be a spikeae::Error (status 1 from the tool) whose message names the file or
// option and the problem. docs/robustness.md explains the policy.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cli_runner.h"
#include "spikeae/checkpoint.h"
#include "spikeae/config.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/idx.h"
#include "spikeae/model_file.h"
#include "spikeae/trainer.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::ContainsAll;
using test_support::crc32_of;

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The message of the spikeae::Error that `body` throws ("" and a failure when none).
template <typename Body>
std::string error_of(Body body) {
  try {
    body();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected spikeae::Error";
  return "";
}

const fs::path& temp_dir() {
  static test_support::TempFolder dir("spikeae_hostile");
  return dir.path();
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string be32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

// --- IDX files -------------------------------------------------------------------

// count x rows x cols = 65537 x 65536 x 1 wraps to 65536 in 32-bit arithmetic: a reader
// that multiplied in 32 bits would accept this file with its 65536 bytes of data.
TEST(HostileIdx, DimensionsWhoseProductWrapsIn32BitsAreRefused) {
  const fs::path path = temp_dir() / "wraps-32";
  write_bytes(
      path, be32(kIdxImagesMagic) + be32(65537) + be32(65536) + be32(1) + std::string(65536, '\0'));
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_images(path); }),
                          {path.string(), "absurd dimensions", "65537 images of 65536x1"}));
}

// The product fits 64 bits and each dimension fits an int, but not the total.
TEST(HostileIdx, DimensionsWhoseProductOverflowsAnIntAreRefused) {
  const fs::path path = temp_dir() / "wraps-int";
  write_bytes(path, be32(kIdxImagesMagic) + be32(2) + be32(32768) + be32(32768));
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_images(path); }),
                          {path.string(), "absurd dimensions", "2147483647"}));
}

TEST(HostileIdx, HugeLabelCountIsRefusedBeforeReadingData) {
  const fs::path absurd = temp_dir() / "labels-absurd";
  write_bytes(absurd, be32(kIdxLabelsMagic) + be32(0x80000000u) + "0123");
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_labels(absurd); }),
                          {absurd.string(), "absurd dimensions", "2147483648 labels"}));
  const fs::path truncated = temp_dir() / "labels-truncated";
  write_bytes(truncated, be32(kIdxLabelsMagic) + be32(0x7FFFFFFFu) + "0123");
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_labels(truncated); }),
                          {truncated.string(), "truncated data", "2147483643 missing"}));
}

// A gzip signature with nothing behind it, and one with a damaged deflate stream.
TEST(HostileIdx, GzipSignatureWithoutAStreamIsRefused) {
  const fs::path bare = temp_dir() / "bare.gz";
  write_bytes(bare, "\x1f\x8b");
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_images(bare); }), {bare.string(), "gzip"}));
  const fs::path header_only = temp_dir() / "header-only.gz";
  write_bytes(header_only, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
  EXPECT_TRUE(
      ContainsAll(error_of([&] { read_idx_images(header_only); }), {header_only.string(), "gzip"}));
}

// IDX files of another element type or rank are named as such, with the expected magic.
TEST(HostileIdx, OtherElementTypesAndRanksAreNamed) {
  const fs::path floats = temp_dir() / "floats";
  write_bytes(floats, be32(0x00000D03) + be32(1) + be32(1) + be32(1) + "abcd");
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_images(floats); }),
                          {floats.string(), "float elements with 3 dimensions", "0x00000803"}));
  const fs::path rank4 = temp_dir() / "rank4";
  write_bytes(rank4, be32(0x00000804) + be32(1) + be32(1) + be32(1) + be32(1) + "a");
  EXPECT_TRUE(ContainsAll(error_of([&] { read_idx_images(rank4); }),
                          {rank4.string(), "4 dimensions", "0x00000803"}));
}

// Inputs are stored as 16-bit pixel indices, so images of more than 65535 pixels cannot be
// encoded; reaching the encoder with one (e.g. a hand-made model file with 65536+ inputs,
// which loads because model files allow layers of up to 1,000,000) must be refused, not
// encoded with wrapped indices that drop or duplicate pixels.
TEST(HostileEncoding, ImagesOfMoreThan65535PixelsAreRefused) {
  Dataset data;
  data.rows = 1;
  data.cols = 65537;
  data.pixels.assign(65537, 0);
  data.pixels[65536] = 255;  // the only spike (inverted encoding: time 0)
  data.labels = {0};
  try {
    const ExampleSet set = make_example_set(data, EncodingOptions{}, 1);
    ADD_FAILURE() << "encoded 65537-pixel images into 16-bit indices: " << set.inputs.events(0)
                  << " spikes, expected the single one of pixel 65536";
  } catch (const Error& error) {
    EXPECT_TRUE(ContainsAll(error.what(), {"65537", "65535"}));
  }
}

// --- Model files -------------------------------------------------------------------

// A tiny inputs-hidden-inputs model with one pulse whose weights make neurons fire.
SavedModel tiny_model(int inputs, int hidden) {
  SavedModel model;
  Network& network = model.network;
  network.architecture = {{inputs, hidden, inputs}, 1, {}};
  network.neuron = {0.172556, 0.834236};
  for (int c = 0; c < 2; ++c) {
    network.pulses.push_back({0.5});
    std::vector<double> weights(static_cast<std::size_t>(network.fan_in(c)) * network.n_post(c));
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = (i % 3 == 0) ? 2.0 : -0.5;
    network.weights.push_back(weights);
  }
  model.config.architecture = network.architecture;
  model.config.neuron = network.neuron;
  model.epochs_trained = 1;
  model.validation_loss = 0.05;
  model.dataset = "hostile";
  return model;
}

// Model files store the config "as given" (docs/model_format.md): parsing accepts a NaN
// learning rate, and validate() names it, so a caller can refuse the model by its options.

// `bytes` (a model file) with the one occurrence of `from`'s bit pattern set to
// `to`, and the CRC-32 trailer recomputed: a crafted file that passes the checksum.
std::string with_double_replaced(std::string bytes, double from, double to) {
  char pattern[8], replacement[8];
  std::memcpy(pattern, &from, 8);
  std::memcpy(replacement, &to, 8);
  const std::size_t at = bytes.find(std::string_view(pattern, 8));
  EXPECT_NE(at, std::string::npos);
  if (at == std::string::npos) return bytes;
  bytes.replace(at, 8, replacement, 8);
  const std::uint32_t crc = crc32_of(std::string_view(bytes).substr(0, bytes.size() - 4));
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
  return bytes;
}

// A model's options are reused by eval, reconstruct and embed: saving refuses
// options that validate() refuses, and loading refuses such a file (crafted here).
TEST(HostileModel, ConfigOutOfRangeIsRefusedWhenSavedAndWhenLoaded) {
  SavedModel model = tiny_model(4, 2);
  model.config.adam.learning_rate = kNaN;
  EXPECT_TRUE(
      ContainsAll(error_of([&] { serialize_model(model); }), {"learning_rate", "finite", "nan"}));
  model.config.adam.learning_rate = 0.0123456789;
  const std::string crafted = with_double_replaced(serialize_model(model), 0.0123456789, kNaN);
  EXPECT_TRUE(ContainsAll(error_of([&] { parse_model(crafted, "nan-rate.spikeae"); }),
                          {"nan-rate.spikeae", "learning_rate", "nan"}));
}

// Every double a model file stores in its config has a plausible range: a file whose
// value is finite but absurd (crafted with a valid CRC) is refused by name, not used.
TEST(HostileModel, EveryStoredConfigDoubleIsBoundedWhenLoaded) {
  struct Case {
    std::string name;
    std::function<void(TrainingConfig&, double)> set;
    double marker;  // in range and unique in the file, so only this field is replaced
    double absurd;
  };
  const std::vector<Case> cases = {
      {"decay_rate", [](TrainingConfig& c, double v) { c.neuron.decay_rate = v; }, 0.1717171,
       1e308},
      {"fire_threshold", [](TrainingConfig& c, double v) { c.neuron.fire_threshold = v; },
       0.8383838, 1e308},
      {"nonpulse_weight_mean_multiplier",
       [](TrainingConfig& c, double v) { c.init.nonpulse_weight_mean_multiplier = v; }, -7.0303,
       -1e308},
      {"pulse_weight_mean_multiplier",
       [](TrainingConfig& c, double v) { c.init.pulse_weight_mean_multiplier = v; }, 4.2121, 1e308},
      {"noise_factor_ae", [](TrainingConfig& c, double v) { c.encoding.noise_factor = v; }, 0.3131,
       1e308},
      {"latency_ae", [](TrainingConfig& c, double v) { c.loss.latency = v; }, 1.0101, 1e308},
      {"clip_derivative", [](TrainingConfig& c, double v) { c.loss.clip_derivative = v; }, 386.1212,
       1e308},
      {"penalty_no_spike", [](TrainingConfig& c, double v) { c.loss.penalty_no_spike = v; }, 6.2525,
       1e308},
      {"learning_rate", [](TrainingConfig& c, double v) { c.adam.learning_rate = v; }, 0.0016161,
       1e308},
      {"learning_rate_pulses", [](TrainingConfig& c, double v) { c.adam.learning_rate_pulses = v; },
       0.0014141, 1e308},
      {"beta1", [](TrainingConfig& c, double v) { c.adam.beta1 = v; }, 0.8989, 1e308},
      {"beta2", [](TrainingConfig& c, double v) { c.adam.beta2 = v; }, 0.9898, 1e308},
      {"epsilon", [](TrainingConfig& c, double v) { c.adam.epsilon = v; }, 1.2345e-8, 1e308},
  };
  for (const Case& c : cases) {
    SavedModel model = tiny_model(4, 2);
    c.set(model.config, c.marker);
    const std::string crafted = with_double_replaced(serialize_model(model), c.marker, c.absurd);
    EXPECT_TRUE(ContainsAll(error_of([&] { parse_model(crafted, "absurd.spikeae"); }),
                            {"absurd.spikeae", c.name}))
        << c.name;
    c.set(model.config, c.absurd);
    EXPECT_TRUE(ContainsAll(error_of([&] { serialize_model(model); }), {c.name})) << c.name;
  }
}

// The network's own neuron parameters drive every forward pass of eval, reconstruct and
// embed; like validate(), loading must require them to be > 0, not merely finite.
TEST(HostileModel, NonPositiveNetworkNeuronParametersAreRefused) {
  struct Case {
    double decay_rate, fire_threshold;
    std::string expected;
  };
  for (const Case& c :
       {Case{0.0, 0.8, "network decay rate"}, Case{-1.0, 0.8, "network decay rate"},
        Case{0.17, 0.0, "network fire threshold"}, Case{0.17, -2.0, "network fire threshold"}}) {
    SavedModel model = tiny_model(4, 2);
    model.network.neuron = {c.decay_rate, c.fire_threshold};
    std::string bytes;
    try {
      bytes = serialize_model(model);  // refusing to write such a model is fine too
    } catch (const Error& error) {
      EXPECT_TRUE(ContainsAll(error.what(), {c.expected}));
      continue;
    }
    EXPECT_TRUE(ContainsAll(error_of([&] { parse_model(bytes, "neuron.spikeae"); }),
                            {"neuron.spikeae", c.expected}))
        << "decay_rate " << c.decay_rate << ", fire_threshold " << c.fire_threshold;
  }
}

// --- Checkpoints (--resume) ---------------------------------------------------------

void put_u64_le(std::string& bytes, std::size_t offset, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i));
}

void fix_checksum(std::string& bytes) {
  const std::uint32_t crc = crc32_of(std::string_view(bytes).substr(0, bytes.size() - 4));
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
}

// The history's epoch numbers are ints in memory: a stored value beyond INT_MAX must be
// refused, not truncated to a small (or negative) epoch number.
TEST(HostileCheckpoint, HistoryEpochBeyondIntIsRefused) {
  const SavedModel model = tiny_model(4, 2);
  Checkpoint checkpoint{model.config, "hostile", start_training(model.network)};
  checkpoint.state.epoch = 1;
  checkpoint.state.best_network = model.network;
  checkpoint.state.best_epoch = 1;
  checkpoint.state.best_validation_loss = 0.25;
  checkpoint.state.history = {EpochMetrics{1, 0.5, 0.25, 1.0, 100.0, true}};
  const std::string good = serialize_checkpoint(checkpoint);
  ASSERT_EQ(parse_checkpoint(good, "run/checkpoint.spikeae").state.history.at(0).epoch, 1);
  // The last history entry is i64 epoch, four f64, one bool, then the 4-byte checksum.
  const std::size_t epoch_offset = good.size() - 4 - 1 - 4 * 8 - 8;
  for (const std::uint64_t stored : {(std::uint64_t{1} << 32) + 1, std::uint64_t{1} << 31}) {
    std::string bytes = good;
    put_u64_le(bytes, epoch_offset, stored);
    fix_checksum(bytes);
    try {
      const Checkpoint parsed = parse_checkpoint(bytes, "run/checkpoint.spikeae");
      ADD_FAILURE() << "history epoch " << stored << " accepted as "
                    << parsed.state.history.at(0).epoch;
    } catch (const Error& error) {
      EXPECT_TRUE(ContainsAll(error.what(),
                              {"run/checkpoint.spikeae", "history epoch", std::to_string(stored)}));
    }
  }
}

// --- Hyperparameter tables (--preset-file) -----------------------------------------

std::string table_header() {
  std::string out;
  for (const auto& name : hyperparameter_names()) out += (out.empty() ? "" : "\t") + name;
  return out + "\n";
}

// The default row's fields, with column `name` replaced by `value`.
std::string table_row(const std::string& name, const std::string& value) {
  HyperparameterRow row;
  std::string table = format_hyperparameter_table({row});
  const std::string line = table.substr(table.find('\n') + 1);
  std::string out;
  std::size_t start = 0;
  for (const auto& column : hyperparameter_names()) {
    const std::size_t end = line.find_first_of("\t\n", start);
    out += (out.empty() ? "" : "\t") + (column == name ? value : line.substr(start, end - start));
    start = end + 1;
  }
  return out + "\n";
}

TEST(HostileTable, NonFiniteAndOutOfRangeNumbersNameLineFieldAndColumn) {
  struct Case {
    std::string column, value;
  };
  for (const Case& c :
       {Case{"decay_rate", "nan"}, Case{"learning_rate", "inf"}, Case{"noise_factor_ae", "-inf"},
        Case{"latency_ae", "NaN"}, Case{"fire_threshold", "infinity"},
        Case{"clip_derivative", "1e400"}, Case{"penalty_no_spike", "nan(0x1)"}}) {
    const std::string text =
        table_header() + table_row("batch_size", "7") + table_row(c.column, c.value);
    EXPECT_TRUE(ContainsAll(error_of([&] { parse_hyperparameter_table(text, "hostile.tsv"); }),
                            {"hostile.tsv:3:", c.column, "\"" + c.value + "\""}))
        << c.column << " = " << c.value;
  }
}

TEST(HostileTable, IntegersOutsideIntAndNonDecimalNumbersAreRefused) {
  struct Case {
    std::string column, value;
  };
  for (const Case& c :
       {Case{"batch_size", "2147483648"}, Case{"n_hidden", "-2147483649"}, Case{"n_pulses", "0x10"},
        Case{"decay_rate", "0x1p-3"}, Case{"batch_size", "+7"}, Case{"learning_rate", "1,5"}}) {
    const std::string text = table_header() + table_row(c.column, c.value);
    EXPECT_TRUE(ContainsAll(error_of([&] { parse_hyperparameter_table(text, "ints.tsv"); }),
                            {"ints.tsv:2:", c.column, "\"" + c.value + "\""}))
        << c.column << " = " << c.value;
  }
}

TEST(HostileTable, NulBytesAndStrayControlCharactersAreRefused) {
  const std::string nul = table_header() + table_row("decay_rate", std::string("0.1\0", 4));
  EXPECT_TRUE(ContainsAll(error_of([&] { parse_hyperparameter_table(nul, "nul.tsv"); }),
                          {"nul.tsv:2:", "decay_rate"}));
  const std::string vertical_tab = table_header() + table_row("n_hidden", "\v32");
  EXPECT_TRUE(ContainsAll(error_of([&] { parse_hyperparameter_table(vertical_tab, "vt.tsv"); }),
                          {"vt.tsv:2:", "n_hidden"}));
}

// A parsed row that is out of range is refused when applied and validated, naming the
// column the user wrote (n_hidden), not only the derived layer size.
TEST(HostileTable, ZeroOrNegativeHiddenSizeNamesNHidden) {
  for (const char* value : {"0", "-5"}) {
    const auto rows =
        parse_hyperparameter_table(table_header() + table_row("n_hidden", value), "h.tsv");
    ASSERT_EQ(rows.size(), 1u);
    TrainingConfig config;
    EXPECT_TRUE(ContainsAll(error_of([&] {
                              apply_row(rows[0], config);
                              validate(config);
                            }),
                            {"n_hidden", value}));
  }
}

// --- The command-line tool -----------------------------------------------------------

using testing::operator+;
using testing::RunResult;

RunResult run_tool(const std::vector<std::string>& args) { return testing::run(args); }

// Tiny own data (8x8 ink blobs: 30 training, 10 test), written once; the four data flags.
const std::vector<std::string>& data_flags() {
  static const std::vector<std::string> flags = [] {
    const fs::path dir = temp_dir() / "data";
    fs::create_directories(dir);
    const auto write = [&](const std::string& name, std::size_t count, std::uint64_t seed) {
      const Dataset data = testing::ink_blobs(count, seed);
      write_idx_images(dir / (name + "-images"),
                       IdxImages{static_cast<int>(data.size()), data.rows, data.cols, data.pixels});
      write_idx_labels(dir / (name + "-labels"), data.labels);
    };
    write("train", 30, 1);
    write("test", 10, 2);
    return std::vector<std::string>{"--train-images", (dir / "train-images").string(),
                                    "--train-labels", (dir / "train-labels").string(),
                                    "--test-images",  (dir / "test-images").string(),
                                    "--test-labels",  (dir / "test-labels").string()};
  }();
  return flags;
}

// train on the tiny data with small, valid settings, each flag of `changed` (name, value
// pairs) replacing the default of the same name (the parser refuses a flag given twice).
RunResult train(const std::vector<std::string>& changed) {
  std::vector<std::string> flags = {"--train-size", "20", "--validation-size", "10",
                                    "--epochs",     "1",  "--n_hidden",        "4",
                                    "--n_pulses",   "2",  "--threads",         "1"};
  for (std::size_t i = 0; i + 1 < changed.size(); i += 2) {
    bool replaced = false;
    for (std::size_t j = 0; j + 1 < flags.size(); j += 2) {
      if (flags[j] == changed[i]) {
        flags[j + 1] = changed[i + 1];
        replaced = true;
      }
    }
    if (!replaced) flags = flags + std::vector<std::string>{changed[i], changed[i + 1]};
  }
  return run_tool(std::vector<std::string>{"train", "--out", (temp_dir() / "never").string()} +
                  data_flags() + flags);
}

// The tool refused the run (status 1, "error: ...") naming every part.
::testing::AssertionResult Refused(const RunResult& r, const std::vector<std::string>& parts) {
  if (r.status != 1) {
    return ::testing::AssertionFailure() << "status " << r.status << ", output: " << r.output;
  }
  if (r.output.find("error: ") == std::string::npos) {
    return ::testing::AssertionFailure() << "no \"error: \" line in: " << r.output;
  }
  return ContainsAll(r.output, parts);
}

TEST(HostileCli, NonFiniteHyperparametersNameTheFlag) {
  EXPECT_TRUE(
      Refused(train({"--noise_factor_ae", "nan"}), {"noise_factor_ae", "\"nan\"", "finite"}));
  EXPECT_TRUE(Refused(train({"--decay_rate", "inf"}), {"decay_rate", "\"inf\"", "finite"}));
  EXPECT_TRUE(Refused(train({"--learning_rate", "-inf"}), {"learning_rate", "\"-inf\""}));
  EXPECT_TRUE(Refused(train({"--latency_ae", "1e999"}), {"latency_ae", "1e999"}));
}

TEST(HostileCli, OutOfRangeHyperparametersNameTheFlagAndValue) {
  EXPECT_TRUE(Refused(train({"--batch_size", "0"}), {"batch_size", "got 0"}));
  EXPECT_TRUE(Refused(train({"--batch_size", "-3"}), {"batch_size", "got -3"}));
  EXPECT_TRUE(Refused(train({"--latency_ae", "-1"}), {"latency_ae", "> 0", "got -1"}));
  EXPECT_TRUE(Refused(train({"--latency_ae", "0"}), {"latency_ae", "got 0"}));
  EXPECT_TRUE(Refused(train({"--n_pulses", "-1"}), {"n_pulses", "got -1"}));
  EXPECT_TRUE(Refused(train({"--clip_derivative", "0"}), {"clip_derivative", "got 0"}));
  EXPECT_TRUE(Refused(train({"--noise_factor_ae", "1.5"}), {"noise_factor_ae", "1.5"}));
}

TEST(HostileCli, ZeroOrNegativeHiddenSizeNamesNHidden) {
  EXPECT_TRUE(Refused(train({"--n_hidden", "0"}), {"n_hidden", "0"}));
  EXPECT_TRUE(Refused(train({"--n_hidden", "-4"}), {"n_hidden", "-4"}));
}

TEST(HostileCli, TrainingOptionsOutOfRangeNameTheFlag) {
  EXPECT_TRUE(Refused(train({"--threads", "5000"}), {"threads", "[0, 1024]", "5000"}));
  EXPECT_TRUE(Refused(train({"--threads", "-1"}), {"threads", "-1"}));
  EXPECT_TRUE(Refused(train({"--gradient-shards", "0"}), {"gradient", "shards", "got 0"}));
  EXPECT_TRUE(Refused(train({"--epochs", "-1"}), {"epochs", "got -1"}));
  EXPECT_TRUE(Refused(train({"--train-size", "0"}), {"--train-size", "[1,", "got 0"}));
}

TEST(HostileCli, LayerSizesWithZerosOrJunkAreRefused) {
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,0,16,0,784", "--n_hidden", "16"}),
                      {"layer_sizes[1]", "got 0"}));
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,-8,16,-8,784", "--n_hidden", "16"}),
                      {"layer_sizes[1]", "got -8"}));
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,,784"}), {"--layer-sizes", "784,,784"}));
  // A trailing comma and an empty list were once read as a shorter stack and as "not given".
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,16,"}), {"--layer-sizes", "784,16,"}));
  EXPECT_TRUE(Refused(train({"--layer-sizes", ""}), {"layer_sizes", "got 0 layer(s)"}));
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,16x,784"}), {"--layer-sizes", "integers"}));
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,99999999999,16,8,784"}),
                      {"--layer-sizes", "99999999999"}));
  EXPECT_TRUE(
      Refused(train({"--layer-sizes", "784,64,64,784"}), {"n_hidden", "no single middle layer"}));
}

// The bottleneck of --layer-sizes is what --n_hidden sets; a 0 there must still be refused.
TEST(HostileCli, ZeroBottleneckInLayerSizesIsRefused) {
  EXPECT_TRUE(Refused(train({"--layer-sizes", "784,16,0,16,784", "--n_hidden", "0"}), {"0"}));
}

TEST(HostileCli, PresetFileWithNonFiniteValueNamesFileLineAndColumn) {
  const fs::path file = temp_dir() / "nan-preset.tsv";
  write_bytes(file, table_header() + table_row("fire_threshold", "nan"));
  EXPECT_TRUE(Refused(train({"--preset-file", file.string()}),
                      {file.string() + ":2:", "fire_threshold", "\"nan\""}));
}

TEST(HostileCli, PresetFileThatIsADirectoryIsNamed) {
  const fs::path dir = temp_dir() / "preset-dir";
  fs::create_directories(dir);
  EXPECT_TRUE(Refused(train({"--preset-file", dir.string()}), {dir.string(), "directory"}));
}

TEST(HostileCli, NoiseFlagOfInspectionCommandsRefusesNaN) {
  const fs::path model = temp_dir() / "valid-64.spikeae";
  save_model(model, tiny_model(64, 4));
  EXPECT_TRUE(Refused(
      run_tool(std::vector<std::string>{"eval", model.string(), "--noise", "nan"} + data_flags()),
      {"--noise", "nan"}));
  EXPECT_TRUE(
      Refused(run_tool(std::vector<std::string>{"reconstruct", model.string(), "--noise", "-inf",
                                                "-o", (temp_dir() / "never.png").string()} +
                       data_flags()),
              {"--noise", "inf"}));
}

// eval, reconstruct and embed use the model's stored latency, noise and neuron parameters.
// A model whose stored config fails validate() must be refused naming the file and option,
// not evaluated into NaN losses or garbage pictures.
TEST(HostileCli, ModelWithOutOfRangeConfigIsRefusedByInspectionCommands) {
  struct Case {
    const char* name;
    void (*change)(SavedModel&);
    const char* option;
  };
  const Case cases[] = {
      {"nan-latency", [](SavedModel& m) { m.config.loss.latency = kNaN; }, "latency_ae"},
      {"negative-latency", [](SavedModel& m) { m.config.loss.latency = -1.0; }, "latency_ae"},
      {"inf-noise", [](SavedModel& m) { m.config.encoding.noise_factor = kInf; }, "noise"},
      {"nan-learning-rate", [](SavedModel& m) { m.config.adam.learning_rate = kNaN; },
       "learning_rate"},
  };
  for (const Case& c : cases) {
    SavedModel model = tiny_model(64, 4);
    const double marker = 0.0123456789;  // a value found once in the file, then replaced
    const double bad = [&] {
      SavedModel changed = model;
      c.change(changed);
      double value = 0;
      if (c.option == std::string("latency_ae")) value = changed.config.loss.latency;
      if (c.option == std::string("noise")) value = changed.config.encoding.noise_factor;
      if (c.option == std::string("learning_rate")) value = changed.config.adam.learning_rate;
      return value;
    }();
    if (c.option == std::string("latency_ae")) model.config.loss.latency = marker;
    if (c.option == std::string("noise")) model.config.encoding.noise_factor = marker;
    if (c.option == std::string("learning_rate")) model.config.adam.learning_rate = marker;
    const fs::path path = temp_dir() / (std::string(c.name) + ".spikeae");
    std::ofstream(path, std::ios::binary)
        << with_double_replaced(serialize_model(model), marker, bad);
    const RunResult r = run_tool(std::vector<std::string>{"eval", path.string()} + data_flags());
    EXPECT_TRUE(Refused(r, {path.string(), c.option})) << c.name;
  }
}

}  // namespace
}  // namespace spikeae
