// The dense kind runs the blocked vector kernels of forward.cc and backward.cc;
// the local, conv and tconv kinds one neuron at a time through its own inputs
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

// Every neuron's own input events, in the layer's order: each event is handed to
// the neurons whose receptive field holds it (event-driven), so a neuron's list
// is in the order a scan of all events would give, to the bit.
template <class Geometry>
void scatter_events(const EventView& events, const Geometry& geometry, std::size_t row,
                    std::vector<std::uint64_t>& lists, std::vector<std::uint32_t>& counts) {
  std::fill(counts.begin(), counts.end(), 0u);
  for (std::size_t e = 0; e < events.source.size(); ++e) {
    const std::uint64_t event = std::uint64_t(e) << 32;
    geometry.for_each_output(
        static_cast<int>(events.source[e]), [&](int post, std::ptrdiff_t index) {
          const auto p = static_cast<std::size_t>(post);
          lists[p * row + counts[p]++] = event | static_cast<std::uint32_t>(index);
        });
  }
}

std::uint32_t event_of(std::uint64_t entry) { return static_cast<std::uint32_t>(entry >> 32); }
std::size_t weight_of(std::uint64_t entry) { return entry & 0xffffffffu; }

double clip(double value, double limit) { return std::min(std::max(value, -limit), limit); }

// One neuron at a time through its own inputs, for any kind whose Geometry lists
// each neuron's (source, weight index); shared weights sum their gradients.
template <class Geometry, Geometry (*geometry_of)(const Network&, int)>
class PerNeuronKernels final : public LayerKernels {
 public:
  void fire(const Network& network, int c, ForwardState& state) const override {
    const Geometry geometry = geometry_of(network, c);
    const EventView events = state.inputs[c].view();
    NeuronInputs& own = state.neuron_inputs;
    const std::size_t row = weight_shape(network, c)[1];
    scatter_events(events, geometry, row, own.lists[c], own.counts[c]);
    for (int post = 0; post < network.n_post(c); ++post) {
      const std::uint64_t* list = own.lists[c].data() + std::size_t(post) * row;
      const std::size_t count = own.counts[c][static_cast<std::size_t>(post)];
      for (std::size_t k = 0; k < count; ++k) {
        const std::uint32_t e = event_of(list[k]);
        own.time[k] = events.time[e];
        own.exp_decay[k] = events.exp_decay[e];
        own.source[k] = static_cast<std::uint32_t>(weight_of(list[k]));
      }
      const EventView view{
          {own.time.data(), count}, {own.exp_decay.data(), count}, {own.source.data(), count}};
      state.solutions[c][post] = solve_spike(view, network.weights[c], network.neuron);
      state.spike_times[c][post] = state.solutions[c][post].time;
    }
  }

  // docs/model.md section 4, per neuron over its causal inputs (the lists fire()
  // made), with the clipping and no-spike penalty of the dense kernels.
  void backpropagate(const Network& network, int c, const ForwardState& state,
                     std::span<const double> post_delta, const LossOptions& options,
                     Gradients& gradients, BackwardState&,
                     std::span<double> input_delta) const override {
    const Geometry geometry = geometry_of(network, c);
    const EventView events = state.inputs[c].view();
    const NeuronInputs& own = state.neuron_inputs;
    const std::size_t row = weight_shape(network, c)[1];
    const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
    const double limit = options.clip_derivative;
    const std::vector<double>& weights = network.weights[c];
    std::vector<double>& gradient = gradients.weights[c];
    for (int post = 0; post < network.n_post(c); ++post) {
      const SpikeSolution& spike = state.solutions[c][post];
      if (!spike.spiked()) {
        // A silent neuron's penalty falls on the weight of every input it sees.
        geometry.for_each_input(post, [&](int, std::ptrdiff_t index) {
          gradient[static_cast<std::size_t>(index)] -= options.penalty_no_spike;
        });
        continue;
      }
      const double delta = post_delta[post];
      if (delta == 0.0) continue;
      const DerivativeFactors factors = derivative_factors(spike, network.neuron);
      const std::uint64_t* list = own.lists[c].data() + std::size_t(post) * row;
      const std::size_t count = own.counts[c][static_cast<std::size_t>(post)];
      const std::size_t causal = std::min<std::size_t>(count, spike.n_causal);
      for (std::size_t k = 0; k < causal; ++k) {
        const std::uint32_t e = event_of(list[k]);
        const std::size_t i = weight_of(list[k]);
        const SpikeDerivatives d = spike_derivatives(factors, weights[i], events.time[e],
                                                     events.exp_decay[e], network.neuron);
        gradient[i] += delta * clip(d.d_weight, limit);
        const std::uint32_t source = events.source[e];
        if (source >= first_delta_source) input_delta[source] += delta * clip(d.d_time, limit);
      }
    }
  }
};

using LocalKernels = PerNeuronKernels<LocalGeometry, &local_geometry>;
using ConvKernels = PerNeuronKernels<ConvGeometry, &conv_geometry>;
using TConvKernels = PerNeuronKernels<TConvGeometry, &tconv_geometry>;

}  // namespace

const LayerKernels& layer_kernels(LayerKind kind) {
  static const DenseKernels dense;
  static const LocalKernels local;
  static const ConvKernels conv;
  static const TConvKernels tconv;
  return for_kind<LayerKernels>(kind, dense, local, conv, tconv);
}

}  // namespace spikeae
