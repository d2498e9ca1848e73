// Model files: bit-exact round trips and a precise refusal for every kind of damage.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/model_file.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;
using test_support::same_bits;

namespace fs = std::filesystem;

// Passes when `text` contains `part`; the failure message shows both.

// The message of the Error that parsing `bytes` throws ("" when it does not throw).
std::string parse_error(std::string_view bytes) {
  try {
    parse_model(bytes, "test.model");
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// Odd doubles that a careless text or float conversion would change.
const std::vector<double>& odd_values() {
  static const std::vector<double> values = {
      -0.0,
      0.0,
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min() * 12345,
      std::numeric_limits<double>::min(),
      1e300,
      -1e300,
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      0.1,
      -7.038462,
      1.0 / 3.0,
  };
  return values;
}

// A 5-3-4 network with 2 pulses, filled by hand (no dependence on make_network).
Network test_network() {
  Network network;
  network.architecture.layer_sizes = {5, 3, 4};
  network.architecture.n_pulses = 2;
  network.neuron.decay_rate = 0.123456789;
  network.neuron.fire_threshold = 0.9876;
  for (int c = 0; c < 2; ++c) {
    std::vector<double> weights(static_cast<std::size_t>(network.n_post(c) * network.fan_in(c)));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      weights[i] = odd_values()[(i + 5 * c) % odd_values().size()];
    }
    network.weights.push_back(weights);
    network.pulses.push_back({std::numeric_limits<double>::denorm_min(), 0.5 + c});
  }
  network.weights[0][0] = -0.0;  // the sign of zero must survive
  return network;
}

// Every config field differs from its default, so a field dropped on either side shows.
SavedModel test_model() {
  SavedModel model;
  model.network = test_network();
  TrainingConfig& config = model.config;
  config.architecture = model.network.architecture;
  config.neuron = {0.25, 0.75};
  config.init = {-1.5, 2.5};
  config.encoding = {false, 0.3};
  config.loss = {1.25, 100.5, 3.0};
  config.adam = {0.01, 0.02, 0.8, 0.95, 1e-12};
  config.train = {17, 9, 3, 5, 0xfedcba9876543210ULL};
  model.epochs_trained = 42;
  model.validation_loss = 0.0123456789012345678;
  model.dataset = std::string("mnist \0 \xc3\xa9", 10);
  return model;
}

// Byte offsets of the layout in docs/model_format.md, for patching fields.
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kEpochsOffset = 12;
constexpr std::size_t kDatasetLengthOffset = 28;
constexpr std::size_t kNeuronBytes = 8 + 8 + 4;  // decay rate, threshold, kind (version 2)
constexpr std::size_t kConfigFixedBytes = kNeuronBytes + 16 + 1 + 8 + 24 + 40 + 40;

// Version 3 stores each connection's layer kind (u32), field count (u32) and fields (i64).
std::size_t layer_specs_bytes(const Architecture& architecture) {
  const std::size_t connections = architecture.layer_sizes.size() - 1;
  std::size_t bytes = 8 * connections;
  for (const LayerSpec& spec : architecture.connections)
    bytes += 8 * layer_spec_fields(spec).size();
  return bytes;
}
// Sizes, pulse count, then the layer specs.
std::size_t architecture_bytes(const Architecture& architecture) {
  const std::size_t n = architecture.layer_sizes.size();
  return 8 + 8 * n + 8 + layer_specs_bytes(architecture);
}
// Where the layer specs of an architecture starting at `offset` begin.
std::size_t layer_specs_offset(const Architecture& architecture, std::size_t offset) {
  return offset + 8 + 8 * architecture.layer_sizes.size() + 8;
}
std::size_t config_offset(const SavedModel& model) { return 36 + model.dataset.size(); }
std::size_t inverted_offset(const SavedModel& model) {
  return config_offset(model) + architecture_bytes(model.config.architecture) + kNeuronBytes + 16;
}
std::size_t config_kind_offset(const SavedModel& model) {
  return config_offset(model) + architecture_bytes(model.config.architecture) + 16;
}
std::size_t network_offset(const SavedModel& model) {
  return config_offset(model) + architecture_bytes(model.config.architecture) + kConfigFixedBytes;
}
std::size_t network_kind_offset(const SavedModel& model) {
  return network_offset(model) + architecture_bytes(model.network.architecture) + 16;
}
std::size_t pulses_offset(const SavedModel& model) {
  return network_offset(model) + architecture_bytes(model.network.architecture) + kNeuronBytes;
}
std::size_t weights_offset(const SavedModel& model) {
  return pulses_offset(model) + 8 * model.network.n_pulses() * model.network.num_connections();
}

void put_u64(std::string& bytes, std::size_t offset, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i));
}
void put_f64(std::string& bytes, std::size_t offset, double value) {
  put_u64(bytes, offset, std::bit_cast<std::uint64_t>(value));
}
std::uint32_t get_u32(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= std::uint32_t{static_cast<unsigned char>(bytes[offset + i])} << (8 * i);
  }
  return value;
}
// Plain bitwise CRC-32 (IEEE, reflected), independent of the library's zlib call.
std::uint32_t crc_of(std::string_view bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (char byte : bytes) {
    crc ^= static_cast<unsigned char>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// Rewrites the trailing CRC so that the check behind it is the one exercised.
void fix_checksum(std::string& bytes) {
  const std::uint32_t crc = crc_of(std::string_view(bytes).substr(0, bytes.size() - 4));
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
}

// Network's defaulted == needs == on Architecture and NeuronParams; used once they have it.
template <typename T>
void expect_equal_if_comparable(const T& a, const T& b) {
  if constexpr (std::equality_comparable<T>) {
    EXPECT_TRUE(a == b);
  }
}

void expect_same_network(const Network& a, const Network& b) {
  expect_equal_if_comparable(a, b);
  EXPECT_EQ(a.architecture.layer_sizes, b.architecture.layer_sizes);
  EXPECT_EQ(a.architecture.n_pulses, b.architecture.n_pulses);
  EXPECT_TRUE(same_bits(a.neuron.decay_rate, b.neuron.decay_rate));
  EXPECT_TRUE(same_bits(a.neuron.fire_threshold, b.neuron.fire_threshold));
  EXPECT_EQ(a.neuron.kind, b.neuron.kind);
}

void expect_same_model(const SavedModel& a, const SavedModel& b) {
  expect_same_network(a.network, b.network);
  EXPECT_TRUE(same_bits(a.network.weights, b.network.weights));
  EXPECT_TRUE(same_bits(a.network.pulses, b.network.pulses));
  EXPECT_TRUE(same_bits(a.validation_loss, b.validation_loss));
  EXPECT_EQ(a.epochs_trained, b.epochs_trained);
  EXPECT_EQ(a.dataset, b.dataset);
  const TrainingConfig& x = a.config;
  const TrainingConfig& y = b.config;
  EXPECT_EQ(x.architecture.layer_sizes, y.architecture.layer_sizes);
  EXPECT_EQ(x.architecture.n_pulses, y.architecture.n_pulses);
  EXPECT_TRUE(same_bits(x.neuron.decay_rate, y.neuron.decay_rate));
  EXPECT_TRUE(same_bits(x.neuron.fire_threshold, y.neuron.fire_threshold));
  EXPECT_EQ(x.neuron.kind, y.neuron.kind);
  EXPECT_TRUE(
      same_bits(x.init.nonpulse_weight_mean_multiplier, y.init.nonpulse_weight_mean_multiplier));
  EXPECT_TRUE(same_bits(x.init.pulse_weight_mean_multiplier, y.init.pulse_weight_mean_multiplier));
  EXPECT_EQ(x.encoding.inverted, y.encoding.inverted);
  EXPECT_TRUE(same_bits(x.encoding.noise_factor, y.encoding.noise_factor));
  EXPECT_TRUE(same_bits(x.loss.latency, y.loss.latency));
  EXPECT_TRUE(same_bits(x.loss.clip_derivative, y.loss.clip_derivative));
  EXPECT_TRUE(same_bits(x.loss.penalty_no_spike, y.loss.penalty_no_spike));
  EXPECT_TRUE(same_bits(x.adam.learning_rate, y.adam.learning_rate));
  EXPECT_TRUE(same_bits(x.adam.learning_rate_pulses, y.adam.learning_rate_pulses));
  EXPECT_TRUE(same_bits(x.adam.beta1, y.adam.beta1));
  EXPECT_TRUE(same_bits(x.adam.beta2, y.adam.beta2));
  EXPECT_TRUE(same_bits(x.adam.epsilon, y.adam.epsilon));
  EXPECT_EQ(x.train.epochs, y.train.epochs);
  EXPECT_EQ(x.train.batch_size, y.train.batch_size);
  EXPECT_EQ(x.train.threads, y.train.threads);
  EXPECT_EQ(x.train.gradient_shards, y.train.gradient_shards);
  EXPECT_EQ(x.train.seed, y.train.seed);
}

// A fresh folder per test, removed afterwards.
class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "spikeae_model_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path dir_;
};

TEST(ModelFormat, HeaderAndTrailerFollowTheDocumentedLayout) {
  const SavedModel model = test_model();
  const std::string bytes = serialize_model(model);
  EXPECT_EQ(bytes.substr(0, 8), std::string("SPIKEAE\x1a", 8));
  EXPECT_EQ(get_u32(bytes, kVersionOffset), 3u);
  EXPECT_EQ(get_u32(bytes, kEpochsOffset), 42u);
  EXPECT_EQ(get_u32(bytes, kDatasetLengthOffset), model.dataset.size());
  EXPECT_EQ(static_cast<unsigned char>(bytes[inverted_offset(model)]), 0);
  EXPECT_EQ(get_u32(bytes, bytes.size() - 4),
            crc_of(std::string_view(bytes).substr(0, bytes.size() - 4)));
  const std::size_t doubles = 2 * 2 + 3 * 7 + 4 * 5;
  EXPECT_EQ(bytes.size(), weights_offset(model) + 8 * (3 * 7 + 4 * 5) + 4);
  EXPECT_EQ(bytes.size(), pulses_offset(model) + 8 * doubles + 4);
}

TEST(ModelFormat, ParseRoundTripIsBitExact) {
  const SavedModel model = test_model();
  const std::string bytes = serialize_model(model);
  const SavedModel loaded = parse_model(bytes, "memory");
  expect_same_model(model, loaded);
  EXPECT_EQ(serialize_model(loaded), bytes);
}

TEST(ModelFormat, NaNValidationLossAndOddConfigValuesRoundTrip) {
  SavedModel model = test_model();
  model.validation_loss = std::numeric_limits<double>::quiet_NaN();
  model.config.encoding.noise_factor = -0.0;
  model.config.adam.epsilon = std::numeric_limits<double>::denorm_min();
  model.config.loss.clip_derivative = 1e12;  // the largest value validate() accepts
  model.config.train.seed = std::numeric_limits<std::uint64_t>::max();
  model.config.train.threads = 1024;
  model.epochs_trained = std::numeric_limits<int>::max();
  model.dataset.clear();
  const SavedModel loaded = parse_model(serialize_model(model), "memory");
  EXPECT_TRUE(std::isnan(loaded.validation_loss));
  expect_same_model(model, loaded);
}

TEST(ModelFormat, NoPulsesAndDeepStacksRoundTrip) {
  SavedModel model = test_model();
  Network& network = model.network;
  network.architecture = {{2, 1, 3, 1, 2}, 0, {}};
  network.weights.clear();
  network.pulses.clear();
  for (int c = 0; c < 4; ++c) {
    network.pulses.emplace_back();
    network.weights.emplace_back(static_cast<std::size_t>(network.n_post(c) * network.fan_in(c)),
                                 -0.0);
  }
  model.config.architecture = network.architecture;
  expect_same_model(model, parse_model(serialize_model(model), "memory"));
}

TEST_F(ModelFileTest, SaveLoadRoundTripIsBitExact) {
  const SavedModel model = test_model();
  const fs::path path = dir_ / "model.spikeae";
  save_model(path, model);
  expect_same_model(model, load_model(path));
  save_model(path, model);  // replacing an existing file
  expect_same_model(model, load_model(path));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(ModelFileTest, LoadErrorsNameTheFile) {
  const fs::path missing = dir_ / "missing.model";
  try {
    load_model(missing);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), missing.string()));
    EXPECT_TRUE(Contains(error.what(), "No such file or directory"));
  }
  const fs::path text = dir_ / "notes.txt";
  std::ofstream(text) << "these are not the weights you are looking for\n";
  try {
    load_model(text);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), text.string() + ": not a spikeae model file"));
  }
  try {
    load_model(dir_);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), dir_.string()));
  }
}

TEST_F(ModelFileTest, TruncatedFileNamesPathAndPosition) {
  const fs::path path = dir_ / "cut.model";
  std::string bytes = serialize_model(test_model());
  bytes.resize(bytes.size() / 2);
  std::ofstream(path, std::ios::binary) << bytes;
  try {
    load_model(path);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(),
                         path.string() + ": truncated at byte " + std::to_string(bytes.size())));
  }
}

TEST(ModelFormat, NeuronKindRoundTripsInConfigAndNetwork) {
  SavedModel model = test_model();
  model.network.neuron.kind = NeuronKind::exponential;
  model.config.neuron.kind = NeuronKind::exponential;
  const std::string bytes = serialize_model(model);
  EXPECT_EQ(get_u32(bytes, config_kind_offset(model)), 1u);
  EXPECT_EQ(get_u32(bytes, network_kind_offset(model)), 1u);
  const SavedModel loaded = parse_model(bytes, "memory");
  expect_same_model(model, loaded);
  EXPECT_EQ(serialize_model(loaded), bytes);
  model.network.neuron.kind = NeuronKind::alpha;  // the two are stored independently
  EXPECT_EQ(parse_model(serialize_model(model), "memory").network.neuron.kind, NeuronKind::alpha);
}

// A 5-3-4 network with 2 pulses and local connections (windows 2 and 3).
SavedModel local_model() {
  SavedModel model = test_model();
  Network& network = model.network;
  network.architecture.connections = {{LayerKind::local, 2}, {LayerKind::local, 3}};
  network.weights = {std::vector<double>(3 * (2 + 2)), std::vector<double>(4 * (3 + 2))};
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t i = 0; i < network.weights[c].size(); ++i) {
      network.weights[c][i] = odd_values()[(i + 3 * c) % odd_values().size()];
    }
  }
  model.config.architecture = network.architecture;
  return model;
}

TEST(ModelFormat, LayerSpecsRoundTripAndBadOnesAreRefused) {
  const SavedModel model = local_model();
  const std::string original = serialize_model(model);
  expect_same_model(model, parse_model(original, "memory"));
  // The spec of network connection 0: kind (u32), field count (u32), window (i64);
  // connection 1's spec follows 16 bytes later.
  const std::size_t spec = layer_specs_offset(model.network.architecture, network_offset(model));
  const std::size_t config_spec =
      layer_specs_offset(model.config.architecture, config_offset(model));
  EXPECT_EQ(get_u32(original, spec), 1u);
  EXPECT_EQ(get_u32(original, spec + 4), 1u);
  EXPECT_EQ(get_u32(original, spec + 8), 2u);
  struct Case {
    std::size_t offset;
    std::uint64_t value;
    bool kind;  // a u32 kind, else an i64 window
    std::string expected;
  };
  const std::vector<Case> cases = {
      {spec, 9, true,
       "unknown network connection 0 layer kind 9 (this build knows 0 = dense, 1 = local, 2 = "
       "conv)"},
      {spec + 8, 6, false, "network connection 0 (local:6): the window must be 1 to 5 neurons"},
      {spec + 8, 0, false, "network connection 0 (local:0): the window must be 1 to 5 neurons"},
      {spec + 4, 2, true, "network connection 0: local layers have 1 spec field, not 2"},
      {spec + 4, 17, true, "network connection 0: local layers have 1 spec field, not 17"},
      {spec + 16, 0, true, "network connection 1: dense layers have 0 spec fields, not 1"},
      {spec + 8, ~std::uint64_t{0}, false, "implausible network connection 0 spec field 0 -1"},
      {config_spec + 16 + 8, 4, false, "connection 1 (local:4): the window must be 1 to 3"},
  };
  for (const Case& c : cases) {
    std::string bytes = original;
    if (c.kind) {
      for (int i = 0; i < 4; ++i) bytes[c.offset + i] = static_cast<char>(c.value >> (8 * i));
    } else {
      put_u64(bytes, c.offset, c.value);
    }
    fix_checksum(bytes);
    const std::string message = parse_error(bytes);
    EXPECT_TRUE(Contains(message, "test.model: ")) << c.expected;
    EXPECT_TRUE(Contains(message, c.expected));
  }
}

TEST(ModelFormat, UnknownNeuronKindIsRefused) {
  const SavedModel model = test_model();
  for (const auto& [offset, what] : {std::pair{config_kind_offset(model), "config"},
                                     std::pair{network_kind_offset(model), "network"}}) {
    std::string bytes = serialize_model(model);
    bytes[offset] = 7;
    fix_checksum(bytes);
    EXPECT_TRUE(Contains(parse_error(bytes), std::string("test.model: unknown ") + what +
                                                 " neuron kind 7 (this build knows 0 = alpha, "
                                                 "1 = exponential)"));
  }
}

// The bytes an older format version holds for `model`: today's bytes without the
// fields added since (version 3: the layer specs; version 2: the neuron kinds),
// the later fields erased first.
std::string older_version_bytes(const SavedModel& model, std::uint32_t version) {
  std::string bytes = serialize_model(model);
  if (version < 2) bytes.erase(network_kind_offset(model), 4);
  bytes.erase(layer_specs_offset(model.network.architecture, network_offset(model)),
              layer_specs_bytes(model.network.architecture));
  if (version < 2) bytes.erase(config_kind_offset(model), 4);
  bytes.erase(layer_specs_offset(model.config.architecture, config_offset(model)),
              layer_specs_bytes(model.config.architecture));
  bytes[kVersionOffset] = static_cast<char>(version);
  fix_checksum(bytes);
  return bytes;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), {});
}

// tests/data/model_v1.spikeae was written by the version 1 code (before neuron
// kinds), model_v2.spikeae by the version 2 code (before layer kinds) from the
// same model; both load as alpha neurons and dense layers, and their bytes are
// today's but for the version and the fields added since.
TEST(ModelFormat, Version1And2FilesLoadAsAlphaNeuronsAndDenseLayers) {
  for (const std::uint32_t version : {1u, 2u}) {
    const std::string name = "model_v" + std::to_string(version) + ".spikeae";
    const fs::path path = fs::path(SPIKEAE_SOURCE_DIR) / "tests" / "data" / name;
    const SavedModel loaded = load_model(path);
    EXPECT_EQ(loaded.network.neuron.kind, NeuronKind::alpha);
    EXPECT_EQ(loaded.config.neuron.kind, NeuronKind::alpha);
    EXPECT_TRUE(loaded.network.all_dense());
    EXPECT_TRUE(loaded.network.architecture.connections.empty());
    EXPECT_EQ(loaded.network.architecture.layer_sizes, (std::vector<int>{3, 2, 3}));
    EXPECT_EQ(loaded.network.neuron.decay_rate, 0.5);
    EXPECT_EQ(loaded.network.neuron.fire_threshold, 0.75);
    EXPECT_EQ(loaded.network.pulses, (std::vector<std::vector<double>>{{0.25}, {0.5}}));
    EXPECT_EQ(loaded.network.weights[0],
              (std::vector<double>{0.5, -0.25, 1.0, 2.0, -1.5, 0.75, 0.125, 3.0}));
    EXPECT_EQ(loaded.network.weights[1],
              (std::vector<double>{1.0, 2.0, 3.0, -1.0, -2.0, -3.0, 0.5, 0.25, 0.125}));
    EXPECT_EQ(loaded.epochs_trained, 3);
    EXPECT_EQ(loaded.dataset, "v1 fixture");
    EXPECT_EQ(get_u32(serialize_model(loaded), kVersionOffset), 3u);
    EXPECT_EQ(older_version_bytes(loaded, version), file_bytes(path)) << name;
  }
}

TEST(ModelFormat, WrongMagicIsNotAModelFile) {
  std::string bytes = serialize_model(test_model());
  bytes[3] = 'X';
  EXPECT_TRUE(Contains(parse_error(bytes), "test.model: not a spikeae model file"));
  EXPECT_TRUE(Contains(parse_error("PK\x03\x04 zip data and more bytes"), "not a spikeae model"));
  EXPECT_TRUE(Contains(parse_error("S"), "truncated at byte 1"));
}

TEST(ModelFormat, UnsupportedVersionSaysFoundAndSupported) {
  std::string bytes = serialize_model(test_model());
  bytes[kVersionOffset] = 99;
  EXPECT_TRUE(Contains(parse_error(bytes),
                       "test.model: unsupported model format version 99 (this build reads "
                       "versions 1 to 3)"));
}

TEST(ModelFormat, EveryTruncationIsReportedWithItsPosition) {
  const std::string bytes = serialize_model(test_model());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string message = parse_error(std::string_view(bytes).substr(0, size));
    ASSERT_TRUE(Contains(message, "test.model: truncated at byte " + std::to_string(size) + ":"))
        << "cut at " << size;
  }
  const SavedModel model = test_model();
  EXPECT_TRUE(Contains(parse_error(bytes.substr(0, weights_offset(model) + 20)),
                       "reading weights of connection 0 at byte " +
                           std::to_string(weights_offset(model)) +
                           " requires 21 x 8 bytes, only 20 remain"));
  EXPECT_TRUE(Contains(parse_error(bytes.substr(0, bytes.size() - 2)), "reading checksum"));
}

TEST(ModelFormat, CorruptedByteIsAChecksumMismatch) {
  const SavedModel model = test_model();
  const std::string original = serialize_model(model);
  for (std::size_t offset : {std::size_t{kEpochsOffset}, inverted_offset(model) + 3,
                             original.size() / 2, weights_offset(model) + 7, original.size() - 1}) {
    std::string bytes = original;
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x10);
    EXPECT_TRUE(Contains(parse_error(bytes), "test.model: checksum mismatch")) << offset;
  }
}

// A damaged size field with a bad checksum is reported as corruption, not as a size error.
TEST(ModelFormat, CorruptedSizeWithBadChecksumIsAChecksumMismatch) {
  const SavedModel model = test_model();
  std::string bytes = serialize_model(model);
  put_u64(bytes, network_offset(model) + 8, 2'000'000'000);
  EXPECT_TRUE(Contains(parse_error(bytes), "checksum mismatch"));
}

TEST(ModelFormat, TrailingBytesAreRefused) {
  const std::string original = serialize_model(test_model());
  EXPECT_TRUE(Contains(parse_error(original + "x"), "1 unexpected trailing bytes after the end"));
  std::string padded = original + "abc";
  fix_checksum(padded);  // the extra bytes now sit before a valid checksum
  EXPECT_TRUE(Contains(parse_error(padded), "unexpected trailing bytes before the checksum"));
}

TEST(ModelFormat, ImplausibleSizesAreRefusedBeforeAllocating) {
  const SavedModel model = test_model();
  const std::string original = serialize_model(model);
  const std::size_t net = network_offset(model);
  struct Case {
    std::size_t offset;
    std::uint64_t value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {net, 1, "implausible network layer count 1 (allowed 2 to 64)"},
      {net, 65, "implausible network layer count 65"},
      {net, ~std::uint64_t{0}, "implausible network layer count -1"},
      {net + 16, 2'000'000'000,
       "implausible network layer 1 size 2000000000 (allowed 1 to 1000000)"},
      {net + 8, 0, "implausible network layer 0 size 0"},
      {net + 32, 10'001, "implausible network pulse count 10001 (allowed 0 to 10000)"},
      {net + 32, ~std::uint64_t{0}, "implausible network pulse count -1"},
      {config_offset(model), 100, "implausible config layer count 100"},
      {config_offset(model) + 8, 1'000'001, "implausible config layer 0 size 1000001"},
      {kEpochsOffset, std::uint64_t{1} << 40, "implausible epochs trained 1099511627776"},
      // Within the limits but larger than the data: refused before the vector exists.
      {net + 16, 1'000'000, "truncated at byte"},
      {kDatasetLengthOffset, std::uint64_t{1} << 62, "reading dataset name at byte 36"},
  };
  for (const Case& c : cases) {
    std::string bytes = original;
    put_u64(bytes, c.offset, c.value);
    fix_checksum(bytes);
    const std::string message = parse_error(bytes);
    EXPECT_TRUE(Contains(message, "test.model")) << c.expected;
    EXPECT_TRUE(Contains(message, c.expected));
  }
}

TEST(ModelFormat, NonFiniteWeightsAndBadPulsesAreRefused) {
  const SavedModel model = test_model();
  const std::string original = serialize_model(model);
  struct Case {
    std::size_t offset;
    double value;
    std::string expected;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {weights_offset(model) + 8 * 3, std::nan(""), "weight 3 of connection 0 is nan"},
      {weights_offset(model) + 8 * 21, -inf, "weight 0 of connection 1 is -inf (must be finite)"},
      {pulses_offset(model) + 8, inf, "pulse time 1 of connection 0 is inf"},
      {pulses_offset(model) + 16, -0.5, "pulse time 0 of connection 1 is negative (-0.5)"},
      {network_offset(model) + architecture_bytes(model.network.architecture), std::nan(""),
       "network decay rate is nan"},
  };
  for (const Case& c : cases) {
    std::string bytes = original;
    put_f64(bytes, c.offset, c.value);
    fix_checksum(bytes);
    EXPECT_TRUE(Contains(parse_error(bytes), "test.model: " + c.expected));
  }
}

TEST(ModelFormat, InvalidBooleanIsRefused) {
  const SavedModel model = test_model();
  std::string bytes = serialize_model(model);
  bytes[inverted_offset(model)] = 2;
  fix_checksum(bytes);
  EXPECT_TRUE(Contains(parse_error(bytes), "invalid config inverted encoding flag byte 2"));
}

TEST_F(ModelFileTest, MalformedModelsAreNotSaved) {
  const fs::path path = dir_ / "bad.model";
  SavedModel wrong_shape = test_model();
  wrong_shape.network.weights[1].pop_back();
  SavedModel nan_weight = test_model();
  nan_weight.network.weights[0][2] = std::nan("");
  SavedModel negative_pulse = test_model();
  negative_pulse.network.pulses[1][0] = -1.0;
  SavedModel missing_connection = test_model();
  missing_connection.network.pulses.pop_back();
  SavedModel bad_config = test_model();
  bad_config.config.architecture.layer_sizes = {784};
  const std::vector<std::pair<SavedModel, std::string>> cases = {
      {wrong_shape, "weight list of connection 1 has 19 values, expected 20"},
      {nan_weight, "weight 2 of connection 0 is nan"},
      {negative_pulse, "pulse time 0 of connection 1 is negative"},
      {missing_connection, "network pulse list has 1 values, expected 2"},
      {bad_config, "implausible config layer count 1"},
  };
  for (const auto& [model, expected] : cases) {
    try {
      save_model(path, model);
      FAIL() << "expected an error: " << expected;
    } catch (const Error& error) {
      EXPECT_TRUE(Contains(error.what(), "cannot save " + path.string() + ": " + expected));
    }
    EXPECT_THROW(serialize_model(model), Error);
  }
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace spikeae
