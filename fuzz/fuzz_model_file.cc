// Fuzzes the model file parser with arbitrary bytes, twice per input: as given (mostly
// exercising the checksum-mismatch diagnosis, which parses the body anyway) and with the
// CRC-32 trailer rewritten to match, so mutations reach the field checks behind it.
// A model that parses must serialize to exactly the bytes it came from (the format has
// one encoding per model) and parse again to a bit-identical model.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/model_file.h"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_model_file: %s\n", what);
  std::abort();
}

// Plain bitwise CRC-32 (IEEE, reflected), as zlib computes it.
std::uint32_t crc32_of(std::string_view bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (const char byte : bytes) {
    crc ^= static_cast<unsigned char>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<std::vector<double>>& a,
               const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size()) return false;
    if (!a[i].empty() && std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

bool same_model(const spikeae::SavedModel& a, const spikeae::SavedModel& b) {
  const spikeae::TrainingConfig& x = a.config;
  const spikeae::TrainingConfig& y = b.config;
  return a.network.architecture == b.network.architecture &&
         same_bits(a.network.neuron.decay_rate, b.network.neuron.decay_rate) &&
         same_bits(a.network.neuron.fire_threshold, b.network.neuron.fire_threshold) &&
         a.network.neuron.kind == b.network.neuron.kind &&
         same_bits(a.network.weights, b.network.weights) &&
         same_bits(a.network.pulses, b.network.pulses) && a.epochs_trained == b.epochs_trained &&
         same_bits(a.validation_loss, b.validation_loss) && a.dataset == b.dataset &&
         x.architecture == y.architecture && same_bits(x.neuron.decay_rate, y.neuron.decay_rate) &&
         same_bits(x.neuron.fire_threshold, y.neuron.fire_threshold) &&
         x.neuron.kind == y.neuron.kind &&
         same_bits(x.init.nonpulse_weight_mean_multiplier,
                   y.init.nonpulse_weight_mean_multiplier) &&
         same_bits(x.init.pulse_weight_mean_multiplier, y.init.pulse_weight_mean_multiplier) &&
         x.encoding.inverted == y.encoding.inverted &&
         same_bits(x.encoding.noise_factor, y.encoding.noise_factor) &&
         same_bits(x.loss.latency, y.loss.latency) &&
         same_bits(x.loss.clip_derivative, y.loss.clip_derivative) &&
         same_bits(x.loss.penalty_no_spike, y.loss.penalty_no_spike) &&
         same_bits(x.adam.learning_rate, y.adam.learning_rate) &&
         same_bits(x.adam.learning_rate_pulses, y.adam.learning_rate_pulses) &&
         same_bits(x.adam.beta1, y.adam.beta1) && same_bits(x.adam.beta2, y.adam.beta2) &&
         same_bits(x.adam.epsilon, y.adam.epsilon) && x.train.epochs == y.train.epochs &&
         x.train.batch_size == y.train.batch_size && x.train.threads == y.train.threads &&
         x.train.gradient_shards == y.train.gradient_shards && x.train.seed == y.train.seed;
}

void check(std::string_view bytes) {
  spikeae::SavedModel model;
  try {
    model = spikeae::parse_model(bytes, "fuzz");
  } catch (const spikeae::Error&) {
    return;
  }
  std::string again;
  try {
    again = spikeae::serialize_model(model);
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    die("a parsed model does not serialize");
  }
  if (again != bytes) die("a parsed model serializes to different bytes");
  spikeae::SavedModel reparsed;
  try {
    reparsed = spikeae::parse_model(again, "serialized");
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    die("a serialized model does not parse");
  }
  if (!same_model(model, reparsed)) die("a model changed in a serialize/parse round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(bytes);
  if (size >= 16) {  // header (12) and trailer (4)
    std::string fixed(bytes);
    const std::uint32_t crc = crc32_of(std::string_view(fixed).substr(0, size - 4));
    for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<char>(crc >> (8 * i));
    if (fixed != bytes) check(fixed);
  }
  return 0;
}
