// One neuron of any kind: exact spike time, causal inputs and derivatives
// (docs/model.md sections 1, 1.4 and 4), through the kind's policy type
// (alpha.h, exponential.h). Pure functions over spans: no allocation.
#pragma once

#include <span>

#include "neuron/neuron_kinds.h"
#include "neuron/spike.h"
#include "spikeae/membrane.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

// See docs/model.md section 1.2: scan events in time order; the candidate spike
// of the first k events counts only if it falls in [t_k, t_{k+1}].
template <class Neuron>
SpikeSolution solve_spike_of_kind(const EventView& events, std::span<const double> weights,
                                  const NeuronParams& params) {
  const typename Neuron::Constants constants(params);
  const std::size_t n = events.time.size();
  double a = 0.0;
  double b = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    Neuron::add_input(weights[events.source[k]], events.exp_decay[k], events.time[k], a, b);
    const EventWindow window = event_window(events, k);
    if (!Neuron::may_cross(a, b, Neuron::window(window, constants))) continue;
    double extra = 0.0;
    const double t_out = Neuron::crossing(a, b, constants, &extra);
    if (!(t_out >= window.t_k) || t_out > window.t_next) continue;
    return {t_out, static_cast<int>(k + 1), a, b, extra};
  }
  return {kNoSpike, static_cast<int>(n), a, b, 0.0};
}

// Event-driven, exact spike time for weights indexed by event source.
SpikeSolution solve_spike(const EventView& events, std::span<const double> weights,
                          const NeuronParams& params);

// Threshold crossing of the kind's V with running sums a and b over all inputs
// so far (alpha: V(t) = exp(-tau t)(A t - B)), or kNoSpike if none on the
// rising side; writes the kind's extra term (alpha: W0) to *lambert_out.
double crossing_time(double a, double b, const NeuronParams& params, double* lambert_out);

// Per-neuron factors of the derivatives, computed once per spike and shared by
// all its causal inputs (alpha: docs/model.md section 1.3).
using DerivativeFactors = Factors<double>;
using SpikeDerivatives = Derivatives<double>;
DerivativeFactors derivative_factors(const SpikeSolution& spike, const NeuronParams& params);

// Partial derivatives of a spike time wrt one causal input (unclipped), with
// the layer kernels' expressions, so both agree bit for bit.
SpikeDerivatives spike_derivatives(const DerivativeFactors& f, double weight, double input_time,
                                   double input_exp_decay, const NeuronParams& params);

// membrane_potential, for the kind of `params`, is public (spikeae/membrane.h).

}  // namespace spikeae
