// Range checks for a whole training configuration, run before any training
// or model file write so a bad option fails early with its name. The options'
// ranges are the option table's.
#include "spikeae/config.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace {

constexpr int kMaxInputSize = 65535;  // spike sources are stored as uint16 pixel indices

[[noreturn]] void fail(std::string_view name, std::string_view accepted, std::string_view got) {
  throw Error("invalid " + std::string(name) + ": must be " + std::string(accepted) + ", got " +
              std::string(got));
}

// NaN fails every comparison, so `in_range` is false for it as well.
void check_double(std::string_view name, double value, bool in_range, std::string_view accepted) {
  if (!std::isfinite(value) || !in_range) fail(name, accepted, number_text(value));
}

// Every layer has n_hidden's range; the bottleneck of an odd stack is what n_hidden
// sets, so its message names both.
void check_layer(const std::vector<int>& sizes, std::size_t i) {
  const bool bottleneck = sizes.size() >= 3 && sizes.size() % 2 == 1 && i == sizes.size() / 2;
  const std::string index = "layer_sizes[" + std::to_string(i) + "]";
  const std::string name = bottleneck ? "n_hidden (" + index + ")" : index;
  OptionSpec layer = *find_option("n_hidden");
  layer.name = name;
  check_option(layer, sizes[i]);
}

void validate_architecture(const Architecture& architecture) {
  const auto& sizes = architecture.layer_sizes;
  if (sizes.size() < 2 || sizes.size() > static_cast<std::size_t>(kMaxLayers)) {
    fail("layer_sizes",
         "2 to " + std::to_string(kMaxLayers) + " layers (input and output included)",
         std::to_string(sizes.size()) + " layer(s)");
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) check_layer(sizes, i);
  if (sizes.front() > kMaxInputSize) {
    fail("layer_sizes[0] (input size)",
         "<= " + std::to_string(kMaxInputSize) + " because pixel indices are 16-bit",
         std::to_string(sizes.front()));
  }
  check_layer_specs(architecture.connections, sizes);
}

// The optimiser's constants: fixed in the library, not options of a run.
void validate_adam_constants(const AdamOptions& adam) {
  check_double("beta1", adam.beta1, adam.beta1 >= 0.0 && adam.beta1 < 1.0, "a number in [0, 1)");
  check_double("beta2", adam.beta2, adam.beta2 >= 0.0 && adam.beta2 < 1.0, "a number in [0, 1)");
  check_double("epsilon", adam.epsilon, adam.epsilon > 0.0 && adam.epsilon <= 1.0,
               "a finite number > 0 (at most 1)");
}

// The kind is an enum, but a file or a cast may hold any number.
void validate_neuron_kind(const NeuronParams& neuron) {
  const auto number = static_cast<std::uint32_t>(neuron.kind);
  if (!neuron_kind_from_number(number)) {
    fail("neuron_kind", "alpha or exponential", std::to_string(number));
  }
}

// The options checked one by one: those with a range, but n_hidden, which the
// stack's check covers.
bool checked_alone(const OptionSpec& spec) {
  return spec.range.style != RangeStyle::kNone && spec.access.get != nullptr &&
         spec.name != "n_hidden";
}

}  // namespace

void validate(const TrainingConfig& config) {
  validate_architecture(config.architecture);
  for (const OptionSpec& spec : option_table()) {
    if (checked_alone(spec)) check_option(spec, spec.access.get(config));
  }
  validate_neuron_kind(config.neuron);
  validate_adam_constants(config.adam);
}

NeuronKind parse_neuron_kind(std::string_view name) {
  const std::optional<NeuronKind> kind = neuron_kind_from_name(name);
  if (!kind) {
    throw Error("invalid neuron_kind \"" + std::string(name) + "\": must be alpha or exponential");
  }
  return *kind;
}

}  // namespace spikeae
