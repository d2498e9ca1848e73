#include "spikeae/adam.h"

#include <algorithm>
#include <cmath>

namespace spikeae {
namespace {

using Blocks = std::vector<std::vector<double>>;

Blocks zeros_like(const Blocks& blocks) {
  Blocks result;
  for (const auto& block : blocks) result.emplace_back(block.size(), 0.0);
  return result;
}

void adam_update(const AdamOptions& options, double learning_rate, double bias1, double bias2,
                 const std::vector<double>& gradient, std::vector<double>& m,
                 std::vector<double>& v, std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double g = gradient[i];
    m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g;
    v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g * g;
    values[i] -= learning_rate * (m[i] / bias1) / std::sqrt(v[i] / bias2 + options.epsilon);
  }
}

}  // namespace

void Gradients::set_zero() {
  for (auto& block : weights) std::fill(block.begin(), block.end(), 0.0);
  for (auto& block : pulses) std::fill(block.begin(), block.end(), 0.0);
}

void Gradients::add(const Gradients& other) {
  for (std::size_t c = 0; c < weights.size(); ++c) {
    for (std::size_t i = 0; i < weights[c].size(); ++i) weights[c][i] += other.weights[c][i];
    for (std::size_t i = 0; i < pulses[c].size(); ++i) pulses[c][i] += other.pulses[c][i];
  }
}

void Gradients::scale(double factor) {
  for (auto& block : weights)
    for (double& g : block) g *= factor;
  for (auto& block : pulses)
    for (double& g : block) g *= factor;
}

Gradients make_gradients(const Network& network) {
  return {zeros_like(network.weights), zeros_like(network.pulses)};
}

AdamState make_adam_state(const Network& network) {
  return {0, zeros_like(network.weights), zeros_like(network.weights), zeros_like(network.pulses),
          zeros_like(network.pulses)};
}

void adam_step(const AdamOptions& options, const Gradients& gradients, AdamState& state,
               Network& network) {
  ++state.step;
  const double bias1 = 1.0 - std::pow(options.beta1, static_cast<double>(state.step));
  const double bias2 = 1.0 - std::pow(options.beta2, static_cast<double>(state.step));
  for (std::size_t c = 0; c < network.weights.size(); ++c) {
    adam_update(options, options.learning_rate, bias1, bias2, gradients.weights[c],
                state.weight_m[c], state.weight_v[c], network.weights[c]);
    adam_update(options, options.learning_rate_pulses, bias1, bias2, gradients.pulses[c],
                state.pulse_m[c], state.pulse_v[c], network.pulses[c]);
    for (double& pulse : network.pulses[c]) pulse = std::max(pulse, 0.0);
  }
}

}  // namespace spikeae
