// Range checks for a whole training configuration, run before any training
// or model file write so a bad option fails early with its name.
#include "spikeae/config.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "spikeae/error.h"

namespace spikeae {
namespace {

constexpr int kMaxThreads = 1024;
constexpr int kMaxGradientShards = 4096;
constexpr int kMaxPulses = 1000;
constexpr int kMaxLayerSize = 100000;
constexpr int kMaxInputSize = 65535;  // spike sources are stored as uint16 pixel indices
constexpr int kMaxEpochs = 1'000'000;
constexpr int kMaxBatchSize = 10'000'000;

// Plausible ranges: far outside the paper's tuned values (docs/robustness.md, "Bounds"),
// yet small enough that a whole run stays finite, so absurd values fail here, by name,
// instead of after an epoch when the model cannot be saved.
constexpr double kMaxDecayRate = 1e3;
constexpr double kMaxFireThreshold = 1e6;
constexpr double kMaxWeightMeanMultiplier = 1e3;
constexpr double kMaxLatency = 1e3;
constexpr double kMaxClipDerivative = 1e12;
constexpr double kMaxPenaltyNoSpike = 1e6;
constexpr double kMaxLearningRate = 10.0;

// Shortest round-trip text, so the message shows the exact offending value.
std::string format_double(double value) {
  std::array<char, 64> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

[[noreturn]] void fail(std::string_view name, std::string_view accepted, std::string_view got) {
  throw Error("invalid " + std::string(name) + ": must be " + std::string(accepted) + ", got " +
              std::string(got));
}

// NaN fails every comparison, so `in_range` is false for it as well.
void check_double(std::string_view name, double value, bool in_range, std::string_view accepted) {
  if (!std::isfinite(value) || !in_range) fail(name, accepted, format_double(value));
}

// (0, high]
void check_positive(std::string_view name, double value, double high) {
  check_double(name, value, value > 0.0 && value <= high,
               "a finite number > 0 (at most " + format_double(high) + ")");
}

// [0, high]
void check_non_negative(std::string_view name, double value, double high) {
  check_double(name, value, value >= 0.0 && value <= high,
               "a finite number >= 0 (at most " + format_double(high) + ")");
}

// [-bound, bound]
void check_magnitude(std::string_view name, double value, double bound) {
  check_double(name, value, std::abs(value) <= bound,
               "a finite number in [-" + format_double(bound) + ", " + format_double(bound) + "]");
}

void check_int(std::string_view name, long long value, long long low, long long high) {
  if (value < low || value > high) {
    fail(name, "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]",
         std::to_string(value));
  }
}

// [low, high], worded for a lower bound that matters and an upper one that is only a guard.
void check_int_at_least(std::string_view name, long long value, long long low, long long high) {
  if (value < low || value > high) {
    fail(name, "an integer >= " + std::to_string(low) + " (at most " + std::to_string(high) + ")",
         std::to_string(value));
  }
}

void validate_architecture(const Architecture& architecture) {
  const auto& sizes = architecture.layer_sizes;
  if (sizes.size() < 2 || sizes.size() > static_cast<std::size_t>(kMaxLayers)) {
    fail("layer_sizes",
         "2 to " + std::to_string(kMaxLayers) + " layers (input and output included)",
         std::to_string(sizes.size()) + " layer(s)");
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    // The bottleneck of an odd stack is what n_hidden sets: name both.
    const bool bottleneck = sizes.size() >= 3 && sizes.size() % 2 == 1 && i == sizes.size() / 2;
    const std::string name = "layer_sizes[" + std::to_string(i) + "]";
    check_int(bottleneck ? "n_hidden (" + name + ")" : name, sizes[i], 1, kMaxLayerSize);
  }
  if (sizes.front() > kMaxInputSize) {
    fail("layer_sizes[0] (input size)",
         "<= " + std::to_string(kMaxInputSize) + " because pixel indices are 16-bit",
         std::to_string(sizes.front()));
  }
  check_int("n_pulses", architecture.n_pulses, 0, kMaxPulses);
}

void validate_neuron(const NeuronParams& neuron) {
  check_positive("decay_rate", neuron.decay_rate, kMaxDecayRate);
  check_positive("fire_threshold", neuron.fire_threshold, kMaxFireThreshold);
  const auto number = static_cast<std::uint32_t>(neuron.kind);
  if (!neuron_kind_from_number(number)) {
    fail("neuron_kind", "alpha or exponential", std::to_string(number));
  }
}

void validate_init(const InitOptions& init) {
  check_magnitude("nonpulse_weight_mean_multiplier", init.nonpulse_weight_mean_multiplier,
                  kMaxWeightMeanMultiplier);
  check_magnitude("pulse_weight_mean_multiplier", init.pulse_weight_mean_multiplier,
                  kMaxWeightMeanMultiplier);
}

void validate_encoding(const EncodingOptions& encoding) {
  const double eta = encoding.noise_factor;
  check_double("noise_factor_ae", eta, eta >= 0.0 && eta <= 1.0, "a number in [0, 1]");
}

void validate_loss(const LossOptions& loss) {
  check_positive("latency_ae", loss.latency, kMaxLatency);
  check_positive("clip_derivative", loss.clip_derivative, kMaxClipDerivative);
  check_non_negative("penalty_no_spike", loss.penalty_no_spike, kMaxPenaltyNoSpike);
}

void validate_adam(const AdamOptions& adam) {
  check_non_negative("learning_rate", adam.learning_rate, kMaxLearningRate);
  check_non_negative("learning_rate_pulses", adam.learning_rate_pulses, kMaxLearningRate);
  check_double("beta1", adam.beta1, adam.beta1 >= 0.0 && adam.beta1 < 1.0, "a number in [0, 1)");
  check_double("beta2", adam.beta2, adam.beta2 >= 0.0 && adam.beta2 < 1.0, "a number in [0, 1)");
  check_positive("epsilon", adam.epsilon, 1.0);
}

void validate_train(const TrainOptions& train) {
  check_int_at_least("batch_size", train.batch_size, 1, kMaxBatchSize);
  check_int_at_least("epochs", train.epochs, 0, kMaxEpochs);
  check_int("threads", train.threads, 0, kMaxThreads);
  check_int("gradient_shards", train.gradient_shards, 1, kMaxGradientShards);
}

}  // namespace

void validate(const TrainingConfig& config) {
  validate_architecture(config.architecture);
  validate_neuron(config.neuron);
  validate_init(config.init);
  validate_encoding(config.encoding);
  validate_loss(config.loss);
  validate_adam(config.adam);
  validate_train(config.train);
}

NeuronKind parse_neuron_kind(std::string_view name) {
  const std::optional<NeuronKind> kind = neuron_kind_from_name(name);
  if (!kind) {
    throw Error("invalid neuron_kind \"" + std::string(name) + "\": must be alpha or exponential");
  }
  return *kind;
}

}  // namespace spikeae
