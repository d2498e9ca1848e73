// The binary model format of docs/model_format.md: fixed field order, little-endian,
// CRC-32 trailer. Every size is checked against limits and the remaining bytes before
// anything is allocated, so damaged or hostile files fail with a precise message.
#include "spikeae/model_file.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <vector>

#include "byte_stream.h"
#include "model/layer_model.h"
#include "spikeae/atomic_file.h"
#include "spikeae/config.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

using io::ByteReader;
using io::ByteWriter;
using io::check_range;
using io::crc32_of;
using io::hex32;
using io::kDoubleSize;
using io::str;
using io::Truncated;

constexpr std::string_view kMagic{"SPIKEAE\x1a", 8};
constexpr std::size_t kHeaderSize = 12;  // magic + version
constexpr std::size_t kTrailerSize = 4;  // CRC-32

// ---------------------------------------------------------------------------------------
// Writing

void write_architecture(ByteWriter& out, const Architecture& architecture) {
  out.i64(static_cast<std::int64_t>(architecture.layer_sizes.size()));
  for (int size : architecture.layer_sizes) out.i64(size);
  out.i64(architecture.n_pulses);
  // Version 3: every connection's kind and its integer fields, dense ones included.
  for (std::size_t c = 0; c + 1 < architecture.layer_sizes.size(); ++c) {
    const LayerSpec spec =
        architecture.connections.empty() ? LayerSpec{} : architecture.connections[c];
    const std::vector<std::int64_t> fields = layer_spec_fields(spec);
    out.u32(static_cast<std::uint32_t>(spec.kind));
    out.u32(static_cast<std::uint32_t>(fields.size()));
    for (const std::int64_t field : fields) out.i64(field);
  }
}

void write_neuron(ByteWriter& out, const NeuronParams& neuron) {
  out.f64(neuron.decay_rate);
  out.f64(neuron.fire_threshold);
  out.u32(static_cast<std::uint32_t>(neuron.kind));
}

// Every field of every option struct, in the documented order.
void write_config(ByteWriter& out, const TrainingConfig& config) {
  write_architecture(out, config.architecture);
  write_neuron(out, config.neuron);
  out.f64(config.init.nonpulse_weight_mean_multiplier);
  out.f64(config.init.pulse_weight_mean_multiplier);
  out.boolean(config.encoding.inverted);
  out.f64(config.encoding.noise_factor);
  out.f64(config.loss.latency);
  out.f64(config.loss.clip_derivative);
  out.f64(config.loss.penalty_no_spike);
  out.f64(config.adam.learning_rate);
  out.f64(config.adam.learning_rate_pulses);
  out.f64(config.adam.beta1);
  out.f64(config.adam.beta2);
  out.f64(config.adam.epsilon);
  out.i64(config.train.epochs);
  out.i64(config.train.batch_size);
  out.i64(config.train.threads);
  out.i64(config.train.gradient_shards);
  out.u64(config.train.seed);
}

void write_network(ByteWriter& out, const Network& network) {
  write_architecture(out, network.architecture);
  write_neuron(out, network.neuron);
  for (const auto& pulses : network.pulses) out.f64s(pulses);
  for (const auto& weights : network.weights) out.f64s(weights);
}

// ---------------------------------------------------------------------------------------
// Checks shared by saving and loading, so a saved file always loads.

void check_architecture(const Architecture& architecture, const std::string& what,
                        std::string_view prefix) {
  const auto& sizes = architecture.layer_sizes;
  check_range(static_cast<std::int64_t>(sizes.size()), 2, kMaxModelLayers, what + " layer count",
              prefix);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    check_range(sizes[i], 1, kMaxModelLayerSize, what + " layer " + std::to_string(i) + " size",
                prefix);
  }
  check_range(architecture.n_pulses, 0, kMaxModelPulses, what + " pulse count", prefix);
  try {
    check_layer_specs(architecture.connections, sizes);
  } catch (const Error& error) {
    throw Error(str(prefix) + ": " + what + " " + error.what());
  }
}

std::string describe(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

// Finite values (and non-negative pulse times) only: NaN or Inf would poison every pass.
void check_value(double value, const std::string& name, bool non_negative,
                 std::string_view prefix) {
  if (!std::isfinite(value)) {
    throw Error(str(prefix) + ": " + name + " is " + describe(value) + " (must be finite)");
  }
  if (non_negative && value < 0) {
    throw Error(str(prefix) + ": " + name + " is negative (" + describe(value) + ")");
  }
}

// Neuron constants: the simulation needs them finite and > 0 (as validate() does).
void check_positive(double value, const std::string& name, std::string_view prefix) {
  check_value(value, name, false, prefix);
  if (!(value > 0)) {
    throw Error(str(prefix) + ": " + name + " is " + describe(value) + " (must be > 0)");
  }
}

// The options a model was trained with must be valid: commands reuse them.
void check_config(const TrainingConfig& config, std::string_view prefix) {
  try {
    validate(config);
  } catch (const Error& error) {
    throw Error(str(prefix) + ": " + error.what());
  }
}

// Names like "weight 3 of connection 0" are built only for a bad value (models are large).
void check_values(std::span<const double> values, const std::string& noun, std::size_t connection,
                  bool non_negative, std::string_view prefix) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i]) && !(non_negative && values[i] < 0)) continue;
    check_value(values[i],
                noun + " " + std::to_string(i) + " of connection " + std::to_string(connection),
                non_negative, prefix);
  }
}

void check_count(std::size_t actual, std::size_t expected, const std::string& what,
                 std::string_view prefix) {
  if (actual != expected) {
    throw Error(str(prefix) + ": " + what + " has " + std::to_string(actual) +
                " values, expected " + std::to_string(expected));
  }
}

// Shape and values of a network: weights and pulses must match the architecture.
void check_network(const Network& network, std::string_view prefix) {
  check_architecture(network.architecture, "network", prefix);
  check_positive(network.neuron.decay_rate, "network decay rate", prefix);
  check_positive(network.neuron.fire_threshold, "network fire threshold", prefix);
  const std::size_t connections = network.architecture.layer_sizes.size() - 1;
  check_count(network.weights.size(), connections, "network weight list", prefix);
  check_count(network.pulses.size(), connections, "network pulse list", prefix);
  for (std::size_t c = 0; c < connections; ++c) {
    const int ci = static_cast<int>(c);
    const std::string connection = " of connection " + std::to_string(c);
    check_count(network.pulses[c].size(), static_cast<std::size_t>(network.n_pulses()),
                "pulse list" + connection, prefix);
    check_count(network.weights[c].size(),
                layer_model(network.layer(ci).kind).weight_count(network, ci),
                "weight list" + connection, prefix);
    check_values(network.pulses[c], "pulse time", c, true, prefix);
    check_values(network.weights[c], "weight", c, false, prefix);
  }
}

std::string serialize(const SavedModel& model, std::string_view prefix) {
  check_architecture(model.config.architecture, "config", prefix);
  check_config(model.config, prefix);
  check_network(model.network, prefix);
  std::size_t doubles = 0;
  for (const auto& weights : model.network.weights) doubles += weights.size();
  for (const auto& pulses : model.network.pulses) doubles += pulses.size();

  ByteWriter out;
  out.reserve(1024 + model.dataset.size() + doubles * kDoubleSize);
  out.raw(kMagic);
  out.u32(kModelFormatVersion);
  out.i64(model.epochs_trained);
  out.f64(model.validation_loss);
  out.text(model.dataset);
  write_config(out, model.config);
  write_network(out, model.network);
  out.u32(crc32_of(out.bytes()));
  return std::move(out.bytes());
}

// ---------------------------------------------------------------------------------------
// Reading

// Version 3 stores every connection's spec; an all-dense network keeps none in memory.
std::vector<LayerSpec> read_layer_specs(ByteReader& in, const std::string& what,
                                        std::size_t connections) {
  std::vector<LayerSpec> specs(connections);
  for (std::size_t c = 0; c < connections; ++c) {
    const std::string connection = what + " connection " + std::to_string(c);
    const std::uint32_t number = in.u32(connection + " layer kind");
    const std::optional<LayerKind> kind = layer_kind_from_number(number);
    if (!kind) {
      throw Error(str(in.source()) + ": unknown " + connection + " layer kind " +
                  std::to_string(number) + " (this build knows 0 = dense, 1 = local, 2 = conv)");
    }
    // The count must be the kind's before any field is read.
    const std::uint32_t count = in.u32(connection + " spec field count");
    try {
      check_layer_spec_field_count(*kind, count);
    } catch (const Error& error) {
      throw Error(str(in.source()) + ": " + connection + ": " + error.what());
    }
    std::vector<std::int64_t> fields(count);
    for (std::uint32_t f = 0; f < count; ++f) {
      fields[f] = in.int_in(0, kMaxModelLayerSize, connection + " spec field " + std::to_string(f));
    }
    specs[c] = layer_spec_from_fields(*kind, fields);
  }
  const bool all_dense = std::all_of(specs.begin(), specs.end(),
                                     [](const LayerSpec& spec) { return spec == LayerSpec{}; });
  if (all_dense) specs.clear();
  return specs;
}

// Layer count first, so the size vector is bounded before it is allocated.
Architecture read_architecture(ByteReader& in, const std::string& what, std::uint32_t version) {
  Architecture architecture;
  const int count = in.int_in(2, kMaxModelLayers, what + " layer count");
  architecture.layer_sizes.resize(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    architecture.layer_sizes[static_cast<std::size_t>(i)] =
        in.int_in(1, kMaxModelLayerSize, what + " layer " + std::to_string(i) + " size");
  }
  architecture.n_pulses = in.int_in(0, kMaxModelPulses, what + " pulse count");
  if (version >= 3) architecture.connections = read_layer_specs(in, what, count - 1);
  return architecture;
}

// Version 1 files have no kind: their neurons are alpha neurons.
NeuronParams read_neuron(ByteReader& in, const std::string& what, std::uint32_t version) {
  NeuronParams neuron;
  neuron.decay_rate = in.f64(what + " decay rate");
  neuron.fire_threshold = in.f64(what + " fire threshold");
  if (version == 1) return neuron;
  const std::uint32_t number = in.u32(what + " neuron kind");
  const std::optional<NeuronKind> kind = neuron_kind_from_number(number);
  if (!kind) {
    throw Error(str(in.source()) + ": unknown " + what + " neuron kind " + std::to_string(number) +
                " (this build knows 0 = alpha, 1 = exponential)");
  }
  neuron.kind = *kind;
  return neuron;
}

TrainingConfig read_config(ByteReader& in, std::uint32_t version) {
  TrainingConfig config;
  config.architecture = read_architecture(in, "config", version);
  config.neuron = read_neuron(in, "config", version);
  config.init.nonpulse_weight_mean_multiplier = in.f64("config nonpulse weight mean multiplier");
  config.init.pulse_weight_mean_multiplier = in.f64("config pulse weight mean multiplier");
  config.encoding.inverted = in.boolean("config inverted encoding flag");
  config.encoding.noise_factor = in.f64("config noise factor");
  config.loss.latency = in.f64("config latency");
  config.loss.clip_derivative = in.f64("config clip derivative");
  config.loss.penalty_no_spike = in.f64("config no-spike penalty");
  config.adam.learning_rate = in.f64("config learning rate");
  config.adam.learning_rate_pulses = in.f64("config pulse learning rate");
  config.adam.beta1 = in.f64("config Adam beta1");
  config.adam.beta2 = in.f64("config Adam beta2");
  config.adam.epsilon = in.f64("config Adam epsilon");
  config.train.epochs = in.any_int("config epochs");
  config.train.batch_size = in.any_int("config batch size");
  config.train.threads = in.any_int("config threads");
  config.train.gradient_shards = in.any_int("config gradient shards");
  config.train.seed = in.u64("config seed");
  return config;
}

Network read_network(ByteReader& in, std::uint32_t version) {
  Network network;
  network.architecture = read_architecture(in, "network", version);
  network.neuron = read_neuron(in, "network", version);
  // The layer specs decide how many weights follow: they must fit before counting.
  check_architecture(network.architecture, "network", in.source());
  const int connections = static_cast<int>(network.architecture.layer_sizes.size()) - 1;
  const auto pulses = static_cast<std::size_t>(network.architecture.n_pulses);
  for (int c = 0; c < connections; ++c) {
    network.pulses.push_back(in.f64s(pulses, "pulse times of connection " + std::to_string(c)));
  }
  for (int c = 0; c < connections; ++c) {
    // At most 1e6 * (1e6 + 1e4) values: the product cannot overflow 64 bits.
    const std::size_t count = layer_model(network.layer(c).kind).weight_count(network, c);
    network.weights.push_back(in.f64s(count, "weights of connection " + std::to_string(c)));
  }
  return network;
}

// Everything between the header and the checksum, with all structural and value checks.
SavedModel read_body(ByteReader& in, std::uint32_t version) {
  SavedModel model;
  model.epochs_trained = in.any_int("epochs trained");
  model.validation_loss = in.f64("validation loss");
  model.dataset = in.text("dataset name");
  model.config = read_config(in, version);
  check_config(model.config, in.source());
  model.network = read_network(in, version);
  check_network(model.network, in.source());
  return model;
}

// Magic and version come first: a newer version may change everything after them.
// Returns the version.
std::uint32_t check_header(std::string_view bytes, std::string_view source) {
  // A short prefix of the magic is a truncated model file, anything else is not one.
  const std::string_view magic = bytes.substr(0, kMagic.size());
  if (magic != kMagic.substr(0, magic.size())) {
    throw Error(str(source) + ": not a spikeae model file (wrong magic bytes)");
  }
  ByteReader(bytes, 0, source).require(kHeaderSize, 1, "the header");
  const std::uint32_t version = ByteReader(bytes, kMagic.size(), source).u32("format version");
  if (version < kOldestModelFormatVersion || version > kModelFormatVersion) {
    throw Error(str(source) + ": unsupported model format version " + std::to_string(version) +
                " (this build reads versions " + std::to_string(kOldestModelFormatVersion) +
                " to " + std::to_string(kModelFormatVersion) + ")");
  }
  ByteReader(bytes, kHeaderSize, source).require(kTrailerSize, 1, "the checksum");
  return version;
}

// The checksum does not match: report truncation when the fields run past the end, extra
// bytes when a complete, intact model is followed by more data, and corruption otherwise.
[[noreturn]] void throw_damaged(std::string_view bytes, std::string_view source,
                                std::uint32_t version, std::uint32_t stored,
                                std::uint32_t computed) {
  ByteReader in(bytes, kHeaderSize, source);
  bool intact_prefix = false;
  try {
    read_body(in, version);
    const std::size_t body_end = in.offset();
    intact_prefix = in.u32("checksum") == crc32_of(bytes.substr(0, body_end));
  } catch (const Truncated&) {
    throw;
  } catch (const Error&) {
    // Implausible contents: a corrupted byte, reported below.
  }
  if (intact_prefix && in.remaining() > 0) {
    throw Error(str(source) + ": " + std::to_string(in.remaining()) +
                " unexpected trailing bytes after the end of the model data at byte " +
                std::to_string(in.offset()));
  }
  throw Error(str(source) + ": checksum mismatch (stored " + hex32(stored) + ", computed " +
              hex32(computed) + "): the data is corrupted");
}

}  // namespace

std::string serialize_model(const SavedModel& model) {
  return serialize(model, "cannot serialize model");
}

SavedModel parse_model(std::string_view bytes, std::string_view source) {
  const std::uint32_t version = check_header(bytes, source);
  const std::size_t body_end = bytes.size() - kTrailerSize;
  const std::uint32_t stored = ByteReader(bytes, body_end, source).u32("checksum");
  const std::uint32_t computed = crc32_of(bytes.substr(0, body_end));
  if (stored != computed) throw_damaged(bytes, source, version, stored, computed);

  ByteReader in(bytes.substr(0, body_end), kHeaderSize, source);
  SavedModel model = read_body(in, version);
  if (in.remaining() > 0) {
    throw Error(str(source) + ": " + std::to_string(in.remaining()) +
                " unexpected trailing bytes before the checksum, from byte " +
                std::to_string(in.offset()));
  }
  return model;
}

void save_model(const std::filesystem::path& path, const SavedModel& model) {
  write_file_atomically(path, serialize(model, "cannot save " + path.string()));
}

SavedModel load_model(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) throw Error("cannot open model file " + path.string() + ": " + std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    bytes.append(buffer, count);
  if (std::ferror(file.get())) {
    throw Error("cannot read model file " + path.string() + ": " + std::strerror(errno));
  }
  return parse_model(bytes, path.string());
}

}  // namespace spikeae
