// Network-wide constants of the neuron model (docs/model.md sections 1 and 1.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spikeae {

// The membrane potential's kernel. The numbers are stored in model files: never reuse one.
enum class NeuronKind : std::uint32_t {
  alpha = 0,        // V(t) = sum w (t - t_i) exp(-tau (t - t_i)) (section 1)
  exponential = 1,  // V(t) = sum w (1 - exp(-tau (t - t_i))), non-leaky (section 1.4)
};

// "alpha" or "exponential", as flags and options spell them.
constexpr std::string_view neuron_kind_name(NeuronKind kind) {
  return kind == NeuronKind::exponential ? "exponential" : "alpha";
}

// The kind of a name or a stored number; nullopt for anything unknown.
constexpr std::optional<NeuronKind> neuron_kind_from_name(std::string_view name) {
  if (name == "alpha") return NeuronKind::alpha;
  if (name == "exponential") return NeuronKind::exponential;
  return std::nullopt;
}
constexpr std::optional<NeuronKind> neuron_kind_from_number(std::uint32_t number) {
  if (number == static_cast<std::uint32_t>(NeuronKind::alpha)) return NeuronKind::alpha;
  if (number == static_cast<std::uint32_t>(NeuronKind::exponential)) {
    return NeuronKind::exponential;
  }
  return std::nullopt;
}

struct NeuronParams {
  double decay_rate = 0.172556;      // tau, a rate (1/time), shared by every synapse; > 0
  double fire_threshold = 0.834236;  // theta, shared by every neuron; > 0
  NeuronKind kind = NeuronKind::alpha;

  friend bool operator==(const NeuronParams&, const NeuronParams&) = default;
};

}  // namespace spikeae
