// The dense kind runs the blocked vector kernels of forward.cc and backward.cc;
// the local and conv kinds one neuron at a time through its own inputs
// (docs/model.md section 2.1). All give each neuron the spike of solve_spike on
// its inputs.
#include "engine/cpu/layer_kernels.h"

#include <algorithm>

#include "model/layer_model.h"
#include "neuron/neuron.h"

namespace spikeae {
namespace {

class DenseKernels final : public LayerKernels {
 public:
  void fire(const Network& network, int c, ForwardState& state) const override {
    const std::size_t n_post = network.n_post(c), width = block_width(n_post);
    for (std::size_t first = 0; first < n_post; first += width) {
      fire_neurons(network, c, first, std::min(width, n_post - first), state, state.scratch);
    }
  }

  void backpropagate(const Network& network, int c, const ForwardState& state,
                     std::span<const double> post_delta, const LossOptions& options,
                     Gradients& gradients, BackwardState& backward_state,
                     std::span<double> input_delta) const override {
    const std::size_t n_post = network.n_post(c), width = block_width(n_post);
    for (std::size_t first = 0; first < n_post; first += width) {
      backpropagate_neurons(network, c, state, post_delta, options, first,
                            std::min(width, n_post - first), gradients, backward_state.terms,
                            input_delta);
    }
  }
};

// Each neuron's own input events, in the layer's order, with sources renumbered
// to the index of their weight in weights[c].
template <class Geometry>
std::size_t gather_own_inputs(const EventView& events, const Geometry& geometry, int post,
                              NeuronInputs& own) {
  std::size_t count = 0;
  for (std::size_t e = 0; e < events.time.size(); ++e) {
    const std::ptrdiff_t index = geometry.weight_index(static_cast<int>(events.source[e]), post);
    if (index == kNotConnected) continue;
    own.time[count] = events.time[e];
    own.exp_decay[count] = events.exp_decay[e];
    own.source[count] = static_cast<std::uint32_t>(index);
    ++count;
  }
  return count;
}

double clip(double value, double limit) { return std::min(std::max(value, -limit), limit); }

// One neuron at a time through its own inputs, for any kind whose Geometry maps
// (source, post) to a weight index; shared weights sum their gradients.
template <class Geometry, Geometry (*geometry_of)(const Network&, int)>
class PerNeuronKernels final : public LayerKernels {
 public:
  void fire(const Network& network, int c, ForwardState& state) const override {
    const Geometry geometry = geometry_of(network, c);
    const EventView events = state.inputs[c].view();
    NeuronInputs& own = state.neuron_inputs;
    for (int post = 0; post < network.n_post(c); ++post) {
      const std::size_t count = gather_own_inputs(events, geometry, post, own);
      const EventView view{
          {own.time.data(), count}, {own.exp_decay.data(), count}, {own.source.data(), count}};
      state.solutions[c][post] = solve_spike(view, network.weights[c], network.neuron);
      state.spike_times[c][post] = state.solutions[c][post].time;
    }
  }

  // docs/model.md section 4, per neuron over its causal inputs, with the clipping
  // and no-spike penalty of the dense kernels.
  void backpropagate(const Network& network, int c, const ForwardState& state,
                     std::span<const double> post_delta, const LossOptions& options,
                     Gradients& gradients, BackwardState&,
                     std::span<double> input_delta) const override {
    const Geometry geometry = geometry_of(network, c);
    const EventView events = state.inputs[c].view();
    const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
    const double limit = options.clip_derivative;
    const std::vector<double>& weights = network.weights[c];
    std::vector<double>& gradient = gradients.weights[c];
    for (int post = 0; post < network.n_post(c); ++post) {
      const SpikeSolution& spike = state.solutions[c][post];
      if (!spike.spiked()) {
        add_penalty(geometry, network.fan_in(c), post, options.penalty_no_spike, gradient);
        continue;
      }
      const double delta = post_delta[post];
      if (delta == 0.0) continue;
      const DerivativeFactors factors = derivative_factors(spike, network.neuron);
      int causal_seen = 0;
      for (std::size_t e = 0; e < events.time.size() && causal_seen < spike.n_causal; ++e) {
        const std::uint32_t source = events.source[e];
        const std::ptrdiff_t index = geometry.weight_index(static_cast<int>(source), post);
        if (index == kNotConnected) continue;
        ++causal_seen;
        const auto i = static_cast<std::size_t>(index);
        const SpikeDerivatives d = spike_derivatives(factors, weights[i], events.time[e],
                                                     events.exp_decay[e], network.neuron);
        gradient[i] += delta * clip(d.d_weight, limit);
        if (source >= first_delta_source) input_delta[source] += delta * clip(d.d_time, limit);
      }
    }
  }

 private:
  // A silent neuron's penalty falls on the weight of every input it sees.
  static void add_penalty(const Geometry& geometry, int fan_in, int post, double penalty,
                          std::vector<double>& gradient) {
    for (int source = 0; source < fan_in; ++source) {
      const std::ptrdiff_t index = geometry.weight_index(source, post);
      if (index != kNotConnected) gradient[static_cast<std::size_t>(index)] -= penalty;
    }
  }
};

using LocalKernels = PerNeuronKernels<LocalGeometry, &local_geometry>;
using ConvKernels = PerNeuronKernels<ConvGeometry, &conv_geometry>;

}  // namespace

const LayerKernels& layer_kernels(LayerKind kind) {
  static const DenseKernels dense;
  static const LocalKernels local;
  static const ConvKernels conv;
  if (kind == LayerKind::conv) return conv;
  return kind == LayerKind::local ? static_cast<const LayerKernels&>(local) : dense;
}

}  // namespace spikeae
