// A straightforward, neuron-by-neuron forward and backward pass: the oracle the
// optimised layer kernels are tested against (same math, no batching per layer).
#pragma once

#include <span>
#include <vector>

#include "neuron/neuron.h"
#include "spikeae/adam.h"
#include "spikeae/loss.h"
#include "spikeae/network.h"

namespace spikeae::reference {

struct Pass {
  std::vector<std::vector<double>> layer_times;            // [layer][neuron], layer 0 = inputs
  std::vector<std::vector<SpikeSolution>> solutions;       // [c][post]
  std::vector<std::vector<double>> event_time, event_exp;  // [c][e]
  std::vector<std::vector<std::uint32_t>> event_source;    // [c][e]
};

// Dense input times (kNoSpike = silent) through every layer, one neuron at a time.
Pass forward(const Network& network, std::span<const double> input_times);

// Gradients of one example with the loss conventions of docs/model.md section 4.
Gradients backward(const Network& network, const Pass& pass, std::span<const double> target_times,
                   const LossOptions& options);

}  // namespace spikeae::reference
