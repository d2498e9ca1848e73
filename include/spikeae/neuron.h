// One alpha neuron: exact spike time, causal inputs and derivatives
// (docs/model.md sections 1 and 4). Pure functions over spans: no allocation.
#pragma once

#include <cstdint>
#include <span>

#include "spikeae/encoding.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

// Inputs of a neuron as a time-sorted event list: event e is a spike at time[e]
// from input number source[e] (an index into the neuron's weight row), with
// exp_decay[e] = exp(decay_rate * time[e]) precomputed once per layer.
struct EventView {
  std::span<const double> time;
  std::span<const double> exp_decay;
  std::span<const std::uint32_t> source;
};

// The result of a neuron, with what the derivatives need.
struct SpikeSolution {
  double time = kNoSpike;  // spike time, kNoSpike if the threshold is never reached
  int n_causal = 0;        // events [0, n_causal) caused the spike
  double a = 0.0;          // A = sum_causal w exp(tau t)
  double b = 0.0;          // B = sum_causal w t exp(tau t)
  double lambert = 0.0;    // W = W0(z) at the spike, in [-1, 0)

  bool spiked() const { return time != kNoSpike; }
};

// Event-driven, exact spike time for weights indexed by event source.
SpikeSolution solve_spike(const EventView& events, std::span<const double> weights,
                          const NeuronParams& params);

// Threshold crossing of V(t) = exp(-tau t)(A t - B), or kNoSpike if none on the rising side.
double crossing_time(double a, double b, const NeuronParams& params, double* lambert_out);

// Partial derivatives of a spike time wrt one causal input (unclipped).
struct SpikeDerivatives {
  double d_weight;  // d t_out / d w_p
  double d_time;    // d t_out / d t_p
};
SpikeDerivatives spike_derivatives(const SpikeSolution& spike, double weight, double input_time,
                                   double input_exp_decay, double decay_rate);

// Membrane potential at time t of a neuron whose inputs arrive at input_times
// (kNoSpike for silent inputs), ignoring its own spike: the direct definition.
double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, double decay_rate);

}  // namespace spikeae
