#include "spikeae/backward.h"

#include <algorithm>

namespace spikeae {
namespace {

double clip(double value, double limit) { return std::clamp(value, -limit, limit); }

// A silent neuron: every input weight's gradient gets -penalty (pushes them up).
void penalise_silent(std::span<double> weight_gradients, double penalty) {
  for (double& g : weight_gradients) g -= penalty;
}

// One spiking neuron: weight gradients, and the error passed to its causal inputs.
// Inputs below `first_delta_source` need no error (the network's input pixels).
void backpropagate_neuron(const SpikeSolution& spike, const EventView& events,
                          std::span<const double> weights, double delta, double decay_rate,
                          double clip_limit, std::uint32_t first_delta_source,
                          std::span<double> weight_gradients, std::span<double> input_delta) {
  for (int e = 0; e < spike.n_causal; ++e) {
    const std::uint32_t source = events.source[e];
    const SpikeDerivatives d =
        spike_derivatives(spike, weights[source], events.time[e], events.exp_decay[e], decay_rate);
    weight_gradients[source] += delta * clip(d.d_weight, clip_limit);
    if (source >= first_delta_source) input_delta[source] += delta * clip(d.d_time, clip_limit);
  }
}

void backpropagate_connection(const Network& network, int c, const ForwardState& state,
                              std::span<const double> post_delta, const LossOptions& options,
                              Gradients& gradients, std::span<double> input_delta) {
  std::fill(input_delta.begin(), input_delta.end(), 0.0);
  const std::size_t fan_in = network.fan_in(c);
  const EventView events = state.inputs[c].view();
  // The first layer's regular inputs are data: only its pulses need an error.
  const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
  for (int post = 0; post < network.n_post(c); ++post) {
    const SpikeSolution& spike = state.solutions[c][post];
    const std::span<double> row_gradients(gradients.weights[c].data() + post * fan_in, fan_in);
    if (!spike.spiked()) {
      penalise_silent(row_gradients, options.penalty_no_spike);
      continue;
    }
    if (post_delta[post] == 0.0) continue;
    const std::span<const double> row(network.weights[c].data() + post * fan_in, fan_in);
    backpropagate_neuron(spike, events, row, post_delta[post], network.neuron.decay_rate,
                         options.clip_derivative, first_delta_source, row_gradients, input_delta);
  }
  const int n_pre = network.n_pre(c);
  for (int i = 0; i < network.n_pulses(); ++i) gradients.pulses[c][i] += input_delta[n_pre + i];
}

}  // namespace

BackwardState make_backward_state(const Network& network) {
  BackwardState state;
  for (int c = 0; c < network.num_connections(); ++c) state.delta.emplace_back(network.fan_in(c));
  state.output_delta.resize(network.n_outputs());
  return state;
}

double output_error(std::span<const double> output_times, std::span<const double> target_times,
                    double latency, std::span<double> delta) {
  for (std::size_t k = 0; k < output_times.size(); ++k) {
    delta[k] = output_times[k] == kNoSpike ? 0.0 : output_times[k] - latency - target_times[k];
  }
  return reconstruction_loss(output_times, target_times, latency);
}

void backward(const Network& network, const ForwardState& state, const LossOptions& options,
              Gradients& gradients, BackwardState& backward_state) {
  std::span<const double> post_delta = backward_state.output_delta;
  for (int c = network.num_connections() - 1; c >= 0; --c) {
    backpropagate_connection(network, c, state, post_delta, options, gradients,
                             backward_state.delta[c]);
    post_delta = backward_state.delta[c];  // its first n_pre(c) entries: layer c's neurons
  }
}

}  // namespace spikeae
