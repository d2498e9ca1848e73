#include "engine/cpu/backward.h"

#include <algorithm>
#include <cmath>

#include "engine/cpu/layer_kernels.h"
#include "engine/cpu/simd.h"
#include "engine/cpu/vector_clones.h"
#include "neuron/neuron_kinds.h"

namespace spikeae {
namespace {

// The per-neuron factors of n neurons from their spikes and errors; neurons that
// are silent or have no error get zeros (no causal inputs). Branch-free, so it vectorises.
template <class Neuron>
SPIKEAE_VECTOR_CLONES void fill_terms(std::size_t n, const SpikeSolution* __restrict spikes,
                                      const double* __restrict post_delta,
                                      const typename Neuron::Constants& constants,
                                      double* __restrict delta, double* __restrict causal_count,
                                      double* __restrict const (&factors)[kFactorCount]) {
  const typename Neuron::Constants k = constants;
  double* __restrict factor0 = factors[0];
  double* __restrict factor1 = factors[1];
  double* __restrict factor2 = factors[2];
  double* __restrict factor3 = factors[3];
  for (std::size_t j = 0; j < n; ++j) {
    const SpikeSolution& spike = spikes[j];
    const bool passes_error = (spike.time != kNoSpike) & (post_delta[j] != 0.0);
    // Computed for every neuron (junk for the others, then dropped).
    const Factors<double> f = Neuron::derivative_factors(spike, k);
    delta[j] = passes_error ? post_delta[j] : 0.0;
    causal_count[j] = passes_error ? static_cast<double>(spike.n_causal) : 0.0;
    factor0[j] = passes_error ? f.value[0] : 0.0;
    factor1[j] = passes_error ? f.value[1] : 0.0;
    factor2[j] = passes_error ? f.value[2] : 0.0;
    factor3[j] = passes_error ? f.value[3] : 0.0;
  }
}

// Fills the per-neuron factors of neurons [first, first + n) of connection c;
// silent neurons also get the no-spike penalty on every input weight.
template <class Neuron>
void prepare_neurons(const Network& network, int c, const ForwardState& state,
                     std::span<const double> post_delta, double penalty, std::size_t first,
                     std::size_t n, NeuronTerms& terms, std::vector<double>& weight_gradients) {
  const SpikeSolution* spikes = state.solutions[c].data();
  double* const factors[kFactorCount] = {
      terms.factor[0].data() + first, terms.factor[1].data() + first,
      terms.factor[2].data() + first, terms.factor[3].data() + first};
  fill_terms<Neuron>(n, spikes + first, post_delta.data() + first,
                     typename Neuron::Constants(network.neuron), terms.delta.data() + first,
                     terms.causal_count.data() + first, factors);
  const std::size_t n_post = network.n_post(c);
  const std::size_t fan_in = network.fan_in(c);
  for (std::size_t j = first; j < first + n; ++j) {
    if (spikes[j].spiked()) continue;
    for (std::size_t pre = 0; pre < fan_in; ++pre) weight_gradients[pre * n_post + j] -= penalty;
  }
}

// One input event for a block of neurons: what event_kernel reads.
struct BlockEvent {
  std::size_t first, n;    // the block's neurons
  double index;            // e, as a double (compared with causal counts)
  double time, exp_decay;  // t_e and exp(tau t_e)
  double tau, limit;       // decay rate and clip_derivative
  const double* weights;   // the event's weight row, from the block's first neuron
  double* gradients;       // its weight-gradient row, likewise
};

// One causal input event e, for a block of neurons [first, first + n) of the
// layer: adds delta_j * clip(dt_j/dw) to the event's weight-gradient
// row and returns the sum over j of delta_j * clip(dt_j/dt_e), the error sent to the
// event's source. The expressions are Neuron::derivatives, on four lanes or
// one; the sum puts term j in partial sum j mod 8, so its order is fixed whatever the block size.
// kAllCausal: the event is causal for every neuron of the block, so the test
// that zeroes the others is left out (same bits). kSendsError: false when the
// source takes no error (the first layer's data inputs); the sum is then skipped.
template <class Neuron, bool kAllCausal, bool kSendsError>
[[gnu::always_inline]] inline double event_kernel(const BlockEvent& event,
                                                  const NeuronTerms& terms) {
  const auto [first, n, e, t, exp_decay, tau, limit, event_weights, event_gradients] = event;
  const double* __restrict weights = event_weights;
  double* __restrict gradients = event_gradients;
  const double* __restrict delta = terms.delta.data() + first;
  const double* __restrict causal = terms.causal_count.data() + first;
  const double* __restrict factor0 = terms.factor[0].data() + first;
  const double* __restrict factor1 = terms.factor[1].data() + first;
  const double* __restrict factor2 = terms.factor[2].data() + first;
  const double* __restrict factor3 = terms.factor[3].data() + first;
  // Neurons j..j+3: adds their weight gradients, adds their error terms to `sum`.
  const auto four_neurons = [&](std::size_t j, Vec4& sum) {
    Vec4 active, v, weight{};
    load4(active, delta + j);
    if constexpr (!kAllCausal) {
      load4(v, causal + j);
      active = v > e ? active : 0.0;
    }
    Factors<Vec4> f;
    load4(f.value[0], factor0 + j);
    load4(f.value[1], factor1 + j);
    load4(f.value[2], factor2 + j);
    load4(f.value[3], factor3 + j);
    if constexpr (kSendsError) load4(weight, weights + j);
    Derivatives<Vec4> d = Neuron::derivatives(f, weight, t, exp_decay, tau);
    clamp4(d.d_weight, -limit, limit);
    load4(v, gradients + j);
    store4(gradients + j, v + active * d.d_weight);
    if constexpr (!kSendsError) return;
    clamp4(d.d_time, -limit, limit);
    sum += active * d.d_time;
  };
  // The same for one neuron.
  const auto one_neuron = [&](std::size_t j) {
    const double active = causal[j] > e ? delta[j] : 0.0;
    const Derivatives<double> d =
        Neuron::derivatives(Factors<double>{{factor0[j], factor1[j], factor2[j], factor3[j]}},
                            weights[j], t, exp_decay, tau);
    gradients[j] += active * std::min(std::max(d.d_weight, -limit), limit);
    return active * std::min(std::max(d.d_time, -limit), limit);
  };
  if constexpr (!kSendsError) {
    Vec4 unused{};
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) four_neurons(j, unused);
    for (; j < n; ++j) one_neuron(j);
    return 0.0;
  }
  Vec4 low{}, high{};  // partial sums 0-3 and 4-7
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    four_neurons(j, low);
    four_neurons(j + 4, high);
  }
  double partial[8];
  store4(partial, low);
  store4(partial + 4, high);
  for (std::size_t k = 0; j < n; ++j, ++k) partial[k] += one_neuron(j);
  double sum = 0.0;
  for (double p : partial) sum += p;
  return sum;
}

// The causal events of a block of neurons: [0, n_events), of which those
// before all_causal_events are causal for every neuron of the block; errors
// go to the sources from first_delta_source on.
struct BlockEvents {
  EventView events;
  std::size_t n_events, all_causal_events;
  std::uint32_t first_delta_source;
};

// The block's events in order, for neurons [first, first + n): each adds to
// its row of weight gradients and sends its error to input_delta[source]
// (sources below first_delta_source take none, so it is not computed). The
// event loop runs inside one vector-cloned function: no call per event.
template <class Neuron>
SPIKEAE_VECTOR_CLONES void backpropagate_events(std::size_t first, std::size_t n,
                                                const BlockEvents& block, double tau, double limit,
                                                const double* weights, std::size_t row_stride,
                                                const NeuronTerms& terms, double* gradients,
                                                double* input_delta) {
  for (std::size_t e = 0; e < block.n_events; ++e) {
    const std::uint32_t source = block.events.source[e];
    const BlockEvent event{first,
                           n,
                           static_cast<double>(e),
                           block.events.time[e],
                           block.events.exp_decay[e],
                           tau,
                           limit,
                           weights + source * row_stride,
                           gradients + source * row_stride};
    const bool all_causal = e < block.all_causal_events;
    if (source < block.first_delta_source) {
      all_causal ? event_kernel<Neuron, true, false>(event, terms)
                 : event_kernel<Neuron, false, false>(event, terms);
      continue;
    }
    input_delta[source] += all_causal ? event_kernel<Neuron, true, true>(event, terms)
                                      : event_kernel<Neuron, false, true>(event, terms);
  }
}

// The backward pass of one block of neurons, for one neuron kind (backpropagate_neurons).
template <class Neuron>
void backpropagate_block(const Network& network, int c, const ForwardState& state,
                         std::span<const double> post_delta, const LossOptions& options,
                         std::size_t first, std::size_t n, Gradients& gradients, NeuronTerms& terms,
                         std::span<double> input_delta) {
  prepare_neurons<Neuron>(network, c, state, post_delta, options.penalty_no_spike, first, n, terms,
                          gradients.weights[c]);
  const std::size_t n_post = network.n_post(c);
  const EventView events = state.inputs[c].view();
  // The first layer's regular inputs are data: only its pulses need an error.
  const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
  const double* causal = terms.causal_count.data() + first;
  const auto [fewest_causal, most_causal] = std::minmax_element(causal, causal + n);
  const BlockEvents block{events, static_cast<std::size_t>(*most_causal),
                          static_cast<std::size_t>(*fewest_causal), first_delta_source};
  backpropagate_events<Neuron>(first, n, block, network.neuron.decay_rate, options.clip_derivative,
                               network.weights[c].data() + first, n_post, terms,
                               gradients.weights[c].data() + first, input_delta.data());
}

void backpropagate_connection(const Network& network, int c, const ForwardState& state,
                              std::span<const double> post_delta, const LossOptions& options,
                              Gradients& gradients, BackwardState& backward_state) {
  std::vector<double>& input_delta = backward_state.delta[c];
  std::fill(input_delta.begin(), input_delta.end(), 0.0);
  layer_kernels(network.layer(c).kind)
      .backpropagate(network, c, state, post_delta, options, gradients, backward_state,
                     input_delta);
  add_pulse_gradients(network, c, input_delta, gradients);
}

}  // namespace

void backpropagate_neurons(const Network& network, int c, const ForwardState& state,
                           std::span<const double> post_delta, const LossOptions& options,
                           std::size_t first, std::size_t n, Gradients& gradients,
                           NeuronTerms& terms, std::span<double> input_delta) {
  // The one branch on the neuron kind of a block's backward pass.
  with_neuron_kind(network.neuron.kind, [&](auto neuron) {
    backpropagate_block<decltype(neuron)>(network, c, state, post_delta, options, first, n,
                                          gradients, terms, input_delta);
  });
}

void add_pulse_gradients(const Network& network, int c, std::span<const double> input_delta,
                         Gradients& gradients) {
  const int n_pre = network.n_pre(c);
  for (int i = 0; i < network.n_pulses(); ++i) gradients.pulses[c][i] += input_delta[n_pre + i];
}

void backward_below(const Network& network, int c, const ForwardState& state,
                    std::span<const double> post_delta, const LossOptions& options,
                    Gradients& gradients, BackwardState& backward_state) {
  for (--c; c >= 0; --c) {
    backpropagate_connection(network, c, state, post_delta, options, gradients, backward_state);
    post_delta = backward_state.delta[c];  // its first n_pre(c) entries: layer c's neurons
  }
}

void NeuronTerms::resize(std::size_t n) {
  delta.resize(n);
  causal_count.resize(n);
  for (std::vector<double>& values : factor) values.resize(n);
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

void output_deltas(std::span<const double> output_times, std::span<const double> target_times,
                   double latency, std::span<double> delta) {
  for (std::size_t k = 0; k < output_times.size(); ++k) {
    delta[k] = output_times[k] == kNoSpike ? 0.0 : output_times[k] - latency - target_times[k];
  }
}

double output_error(std::span<const double> output_times, std::span<const double> target_times,
                    double latency, std::span<double> delta) {
  output_deltas(output_times, target_times, latency, delta);
  return reconstruction_loss(output_times, target_times, latency);
}

void backward(const Network& network, const ForwardState& state, const LossOptions& options,
              Gradients& gradients, BackwardState& backward_state) {
  const int last = network.num_connections() - 1;
  backpropagate_connection(network, last, state, backward_state.output_delta, options, gradients,
                           backward_state);
  backward_below(network, last, state, backward_state.delta[last], options, gradients,
                 backward_state);
}

}  // namespace spikeae
