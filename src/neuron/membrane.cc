#include "spikeae/membrane.h"

#include "neuron/neuron.h"

namespace spikeae {

double input_contribution(double t, double input_time, double weight, const NeuronParams& neuron) {
  const double one[] = {input_time};
  const double weights[] = {weight};
  return membrane_potential(t, one, weights, neuron.decay_rate);
}

double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, const NeuronParams& neuron) {
  return membrane_potential(t, input_times, weights, neuron.decay_rate);
}

}  // namespace spikeae
