// One alpha neuron: exact spike time, causal inputs and derivatives
// (docs/model.md sections 1 and 4). Pure functions over spans: no allocation.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
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

// Per-neuron factors of the derivatives (docs/model.md section 1.3), computed
// once per spike and shared by all its causal inputs.
struct DerivativeFactors {
  double inverse = 0.0;     // 1 / (A (1 + W))
  double b_over_a = 0.0;    // B / A
  double w_over_tau = 0.0;  // W / tau
  double w_plus_one = 0.0;  // W + 1
};
// Branch-free (inline), so that a loop over a layer's neurons vectorises.
inline DerivativeFactors derivative_factors(const SpikeSolution& spike, double decay_rate) {
  const double inverse = 1.0 / (spike.a * (1.0 + spike.lambert));
  // W = -1 exactly (a grazing spike): keep it huge but finite so clipping applies.
  // (NaN and +-inf fail the comparison.)
  const bool finite = std::abs(inverse) <= std::numeric_limits<double>::max();
  return {finite ? inverse : 1e300, spike.b / spike.a, spike.lambert / decay_rate,
          spike.lambert + 1.0};
}

// Partial derivatives of a spike time wrt one causal input (unclipped).
struct SpikeDerivatives {
  double d_weight;  // d t_out / d w_p
  double d_time;    // d t_out / d t_p
};
// The expression order here is the one the layer kernels use, so both agree bit for bit.
inline SpikeDerivatives spike_derivatives(const DerivativeFactors& f, double weight,
                                          double input_time, double input_exp_decay,
                                          double decay_rate) {
  const double common = input_exp_decay * f.inverse;
  const double relative = input_time - f.b_over_a;
  return {common * (relative + f.w_over_tau),
          weight * common * (decay_rate * relative + f.w_plus_one)};
}

// True when V(t) = exp(-tau t)(A t - B), rising from below theta at t_k, may cross
// theta before t_next (the pre-check of docs/model.md section 1.2). Needs A > 0.
// exp_next = exp(tau t_next); `last` means there is no next input.
inline bool may_cross(double a, double b, double inverse_tau, double t_k, double t_next,
                      double exp_next, double threshold, bool last) {
  // peak = B/A + 1/tau, multiplied by A > 0 to avoid a division.
  const double peak_times_a = b + a * inverse_tau;
  if (!(peak_times_a > a * t_k)) return false;
  if (last || peak_times_a < a * t_next) return true;
  return a * t_next - b >= threshold * exp_next;
}

// Membrane potential at time t of a neuron whose inputs arrive at input_times
// (kNoSpike for silent inputs), ignoring its own spike: the direct definition.
double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, double decay_rate);

}  // namespace spikeae
