// What a layer kind is to the CPU engine: the forward and backward passes of the
// neurons of one connection (docs/architecture.md, "Layers"). forward() and
// backward() ask layer_kernels(kind) for each connection; the model side of a
// kind (its weights' layout and initial values) is model/layer_model.h.
#pragma once

#include <span>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"

namespace spikeae {

class LayerKernels {
 public:
  virtual ~LayerKernels() = default;
  // Fires every neuron of connection c from state.inputs[c]: writes
  // state.solutions[c] and state.spike_times[c].
  virtual void fire(const Network& network, int c, ForwardState& state) const = 0;
  // The backward pass of connection c, given the error post_delta of each of its
  // neurons: adds its weight gradient (and the no-spike penalty) to
  // gradients.weights[c] and adds to input_delta[source] (fan_in(c) entries) the
  // error each input receives; the first layer's regular inputs (data) receive none.
  virtual void backpropagate(const Network& network, int c, const ForwardState& state,
                             std::span<const double> post_delta, const LossOptions& options,
                             Gradients& gradients, BackwardState& backward_state,
                             std::span<double> input_delta) const = 0;
};

const LayerKernels& layer_kernels(LayerKind kind);

}  // namespace spikeae
