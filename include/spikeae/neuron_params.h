// Network-wide constants of the alpha neuron (docs/model.md section 1).
#pragma once

namespace spikeae {

struct NeuronParams {
  double decay_rate = 0.172556;      // tau, a rate (1/time), shared by every synapse; > 0
  double fire_threshold = 0.834236;  // theta, shared by every neuron; > 0

  friend bool operator==(const NeuronParams&, const NeuronParams&) = default;
};

}  // namespace spikeae
