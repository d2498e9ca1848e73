#include "spikeae/backward.h"

#include <algorithm>
#include <cmath>

#include "vector_clones.h"

namespace spikeae {
namespace {

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
    const bool passes_error = spike.spiked() && post_delta[j] != 0.0;
    const DerivativeFactors f =
        passes_error ? derivative_factors(spike, network.neuron.decay_rate) : DerivativeFactors{};
    terms.delta[j] = passes_error ? post_delta[j] : 0.0;
    terms.causal_count[j] = passes_error ? spike.n_causal : 0.0;
    terms.inverse[j] = f.inverse;
    terms.b_over_a[j] = f.b_over_a;
    terms.w_over_tau[j] = f.w_over_tau;
    terms.w_plus_one[j] = f.w_plus_one;
    if (passes_error) max_causal = std::max(max_causal, spike.n_causal);
    if (!spike.spiked()) {
      for (std::size_t pre = 0; pre < fan_in; ++pre) weight_gradients[pre * n_post + j] -= penalty;
    }
  }
  return max_causal;
}

// One causal input event e of the layer: adds delta_j * clip(dt_j/dw) to the
// event's weight-gradient row and returns sum_j delta_j * clip(dt_j/dt_e) in 8
// fixed partial sums (deterministic). Same expressions as spike_derivatives.
SPIKEAE_VECTOR_CLONES
double backpropagate_event(std::size_t n, double e, double t, double exp_decay, double tau,
                           double limit, bool want_delta, const double* __restrict weights,
                           const NeuronTerms& terms, double* __restrict gradients) {
  const double* __restrict delta = terms.delta.data();
  const double* __restrict causal = terms.causal_count.data();
  const double* __restrict inverse = terms.inverse.data();
  const double* __restrict b_over_a = terms.b_over_a.data();
  const double* __restrict w_over_tau = terms.w_over_tau.data();
  const double* __restrict w_plus_one = terms.w_plus_one.data();
  double partial[8] = {};
  for (std::size_t j = 0; j < n; ++j) {
    const double active = causal[j] > e ? delta[j] : 0.0;
    const double common = exp_decay * inverse[j];
    const double relative = t - b_over_a[j];
    double d_weight = common * (relative + w_over_tau[j]);
    d_weight = d_weight < -limit ? -limit : (d_weight > limit ? limit : d_weight);
    gradients[j] += active * d_weight;
    double d_time = weights[j] * common * (tau * relative + w_plus_one[j]);
    d_time = d_time < -limit ? -limit : (d_time > limit ? limit : d_time);
    partial[j & 7] += want_delta ? active * d_time : 0.0;
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
        n_post, e, events.time[e], events.exp_decay[e], network.neuron.decay_rate,
        options.clip_derivative, source >= first_delta_source,
        network.weights[c].data() + source * n_post, backward_state.terms,
        gradients.weights[c].data() + source * n_post);
  }
  const int n_pre = network.n_pre(c);
  for (int i = 0; i < network.n_pulses(); ++i) gradients.pulses[c][i] += input_delta[n_pre + i];
}

}  // namespace

void NeuronTerms::resize(std::size_t n) {
  for (auto* v : {&delta, &causal_count, &inverse, &b_over_a, &w_over_tau, &w_plus_one}) {
    v->resize(n);
  }
}

BackwardState make_backward_state(const Network& network) {
  BackwardState state;
  std::size_t widest = 0;
  for (int c = 0; c < network.num_connections(); ++c) {
    state.delta.emplace_back(network.fan_in(c));
    widest = std::max<std::size_t>(widest, network.n_post(c));
  }
  state.output_delta.resize(network.n_outputs());
  state.terms.resize(widest);
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
