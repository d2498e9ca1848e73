#include "neuron/neuron.h"

#include <cmath>

namespace spikeae {

SpikeSolution solve_spike(const EventView& events, std::span<const double> weights,
                          const NeuronParams& params) {
  return with_neuron_kind(params.kind, [&](auto neuron) {
    return solve_spike_of_kind<decltype(neuron)>(events, weights, params);
  });
}

double crossing_time(double a, double b, const NeuronParams& params, double* lambert_out) {
  return with_neuron_kind(params.kind, [&](auto neuron) {
    using Neuron = decltype(neuron);
    double extra = 0.0;
    const double time = Neuron::crossing(a, b, typename Neuron::Constants(params), &extra);
    if (lambert_out != nullptr && time != kNoSpike) *lambert_out = extra;
    return time;
  });
}

DerivativeFactors derivative_factors(const SpikeSolution& spike, const NeuronParams& params) {
  return with_neuron_kind(params.kind, [&](auto neuron) {
    using Neuron = decltype(neuron);
    return Neuron::derivative_factors(spike, typename Neuron::Constants(params));
  });
}

SpikeDerivatives spike_derivatives(const DerivativeFactors& f, double weight, double input_time,
                                   double input_exp_decay, const NeuronParams& params) {
  return with_neuron_kind(params.kind, [&](auto neuron) {
    return decltype(neuron)::derivatives(f, weight, input_time, input_exp_decay, params.decay_rate);
  });
}

double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, const NeuronParams& params) {
  return with_neuron_kind(params.kind, [&](auto neuron) {
    double v = 0.0;
    for (std::size_t i = 0; i < input_times.size(); ++i) {
      const double since = t - input_times[i];
      if (since > 0.0) v += decltype(neuron)::potential_term(weights[i], since, params.decay_rate);
    }
    return v;
  });
}

}  // namespace spikeae
