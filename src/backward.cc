#include "spikeae/backward.h"

#include <algorithm>
#include <cmath>

namespace spikeae {
namespace {

double clip(double value, double limit) { return std::clamp(value, -limit, limit); }

// Fills the per-neuron factors of connection c; silent neurons get the no-spike
// penalty on every input weight and, like neurons without error, no causal inputs.
int prepare_neurons(const Network& network, int c, const ForwardState& state,
                    std::span<const double> post_delta, double penalty, NeuronTerms& terms,
                    std::vector<double>& weight_gradients) {
  const std::size_t n_post = network.n_post(c);
  const std::size_t fan_in = network.fan_in(c);
  int max_causal = 0;
  for (std::size_t j = 0; j < n_post; ++j) {
    const SpikeSolution& spike = state.solutions[c][j];
    terms.n_causal[j] = 0;
    terms.delta[j] = 0.0;
    terms.factors[j] = {};
    if (!spike.spiked()) {
      for (std::size_t pre = 0; pre < fan_in; ++pre) weight_gradients[pre * n_post + j] -= penalty;
      continue;
    }
    if (post_delta[j] == 0.0) continue;
    terms.delta[j] = post_delta[j];
    terms.factors[j] = derivative_factors(spike, network.neuron.decay_rate);
    terms.n_causal[j] = spike.n_causal;
    max_causal = std::max(max_causal, spike.n_causal);
  }
  return max_causal;
}

// One input event: weight gradients of its row and, when wanted, the error it
// receives, summed over the layer in 8 fixed partial sums (deterministic).
double backpropagate_event(std::size_t n_post, int e, double t, double exp_decay,
                           const double* weights, const NeuronTerms& terms, double tau,
                           double limit, bool want_delta, double* gradients) {
  double partial[8] = {};
  for (std::size_t j = 0; j < n_post; ++j) {
    const DerivativeFactors& f = terms.factors[j];
    const double active = terms.n_causal[j] > e ? terms.delta[j] : 0.0;
    const SpikeDerivatives d = spike_derivatives(f, weights[j], t, exp_decay, tau);
    gradients[j] += active * clip(d.d_weight, limit);
    if (want_delta) partial[j & 7] += active * clip(d.d_time, limit);
  }
  double sum = 0.0;
  for (double p : partial) sum += p;
  return sum;
}

void backpropagate_connection(const Network& network, int c, const ForwardState& state,
                              std::span<const double> post_delta, const LossOptions& options,
                              Gradients& gradients, BackwardState& backward_state) {
  std::vector<double>& input_delta = backward_state.delta[c];
  std::fill(input_delta.begin(), input_delta.end(), 0.0);
  const int max_causal = prepare_neurons(network, c, state, post_delta, options.penalty_no_spike,
                                         backward_state.terms, gradients.weights[c]);
  const std::size_t n_post = network.n_post(c);
  const EventView events = state.inputs[c].view();
  // The first layer's regular inputs are data: only its pulses need an error.
  const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
  for (int e = 0; e < max_causal; ++e) {
    const std::uint32_t source = events.source[e];
    input_delta[source] = backpropagate_event(
        n_post, e, events.time[e], events.exp_decay[e],
        network.weights[c].data() + source * n_post, backward_state.terms,
        network.neuron.decay_rate, options.clip_derivative, source >= first_delta_source,
        gradients.weights[c].data() + source * n_post);
  }
  const int n_pre = network.n_pre(c);
  for (int i = 0; i < network.n_pulses(); ++i) gradients.pulses[c][i] += input_delta[n_pre + i];
}

}  // namespace

BackwardState make_backward_state(const Network& network) {
  BackwardState state;
  std::size_t widest = 0;
  for (int c = 0; c < network.num_connections(); ++c) {
    state.delta.emplace_back(network.fan_in(c));
    widest = std::max<std::size_t>(widest, network.n_post(c));
  }
  state.output_delta.resize(network.n_outputs());
  state.terms.delta.resize(widest);
  state.terms.factors.resize(widest);
  state.terms.n_causal.resize(widest);
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
    backpropagate_connection(network, c, state, post_delta, options, gradients, backward_state);
    post_delta = backward_state.delta[c];  // its first n_pre(c) entries: layer c's neurons
  }
}

}  // namespace spikeae
