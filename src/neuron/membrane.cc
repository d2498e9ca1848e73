#include "spikeae/membrane.h"

#include "neuron/neuron.h"

namespace spikeae {

// membrane_potential(NeuronParams) is defined with the kinds' kernels in neuron.cc.
double input_contribution(double t, double input_time, double weight, const NeuronParams& neuron) {
  const double one_time[] = {input_time};
  const double one_weight[] = {weight};
  return membrane_potential(t, one_time, one_weight, neuron);
}

}  // namespace spikeae
