// The dense kind runs the blocked vector kernels of forward.cc and backward.cc;
// the local kind one neuron at a time through its own inputs (docs/model.md
// section 2.1). Both give each neuron the spike of solve_spike on its inputs.
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

// Each neuron's own input events: those of the layer's events in its window, and
// the pulses, in the layer's order, with sources renumbered to the neuron's row.
std::size_t gather_own_inputs(const EventView& events, const LocalGeometry& local, int post,
                              NeuronInputs& own) {
  std::size_t count = 0;
  for (std::size_t e = 0; e < events.time.size(); ++e) {
    const int position = local.row_position(static_cast<int>(events.source[e]), post);
    if (position < 0) continue;
    own.time[count] = events.time[e];
    own.exp_decay[count] = events.exp_decay[e];
    own.source[count] = static_cast<std::uint32_t>(position);
    ++count;
  }
  return count;
}

double clip(double value, double limit) { return std::min(std::max(value, -limit), limit); }

class LocalKernels final : public LayerKernels {
 public:
  void fire(const Network& network, int c, ForwardState& state) const override {
    const LocalGeometry local = local_geometry(network, c);
    const EventView events = state.inputs[c].view();
    NeuronInputs& own = state.neuron_inputs;
    for (int post = 0; post < local.n_post; ++post) {
      const std::size_t count = gather_own_inputs(events, local, post, own);
      const EventView view{
          {own.time.data(), count}, {own.exp_decay.data(), count}, {own.source.data(), count}};
      const std::span<const double> row(
          network.weights[c].data() + std::size_t(post) * local.row_size(), local.row_size());
      state.solutions[c][post] = solve_spike(view, row, network.neuron);
      state.spike_times[c][post] = state.solutions[c][post].time;
    }
  }

  // docs/model.md section 4, per neuron over its causal inputs, with the clipping
  // and no-spike penalty of the dense kernels.
  void backpropagate(const Network& network, int c, const ForwardState& state,
                     std::span<const double> post_delta, const LossOptions& options,
                     Gradients& gradients, BackwardState&,
                     std::span<double> input_delta) const override {
    const LocalGeometry local = local_geometry(network, c);
    const EventView events = state.inputs[c].view();
    const auto first_delta_source = static_cast<std::uint32_t>(c == 0 ? network.n_pre(0) : 0);
    const double limit = options.clip_derivative;
    for (int post = 0; post < local.n_post; ++post) {
      const std::size_t offset = std::size_t(post) * local.row_size();
      const double* row = network.weights[c].data() + offset;
      double* gradient_row = gradients.weights[c].data() + offset;
      const SpikeSolution& spike = state.solutions[c][post];
      if (!spike.spiked()) {
        for (int k = 0; k < local.row_size(); ++k) gradient_row[k] -= options.penalty_no_spike;
        continue;
      }
      const double delta = post_delta[post];
      if (delta == 0.0) continue;
      const DerivativeFactors factors = derivative_factors(spike, network.neuron);
      int causal_seen = 0;
      for (std::size_t e = 0; e < events.time.size() && causal_seen < spike.n_causal; ++e) {
        const std::uint32_t source = events.source[e];
        const int position = local.row_position(static_cast<int>(source), post);
        if (position < 0) continue;
        ++causal_seen;
        const SpikeDerivatives d = spike_derivatives(factors, row[position], events.time[e],
                                                     events.exp_decay[e], network.neuron);
        gradient_row[position] += delta * clip(d.d_weight, limit);
        if (source >= first_delta_source) input_delta[source] += delta * clip(d.d_time, limit);
      }
    }
  }
};

}  // namespace

const LayerKernels& layer_kernels(LayerKind kind) {
  static const DenseKernels dense;
  static const LocalKernels local;
  return kind == LayerKind::local ? static_cast<const LayerKernels&>(local) : dense;
}

}  // namespace spikeae
