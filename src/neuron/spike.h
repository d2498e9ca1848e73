// What every neuron kind works with: a neuron's input events, its spike, and
// the per-event window and derivative types the kinds' policies fill in
// (docs/model.md section 1.4).
#pragma once

#include <cstdint>
#include <span>

#include "spikeae/encoding.h"

namespace spikeae {

// Inputs of a neuron as a time-sorted event list: event e is a spike at time[e]
// from input number source[e] (an index into the neuron's weight row), with
// exp_decay[e] = exp(decay_rate * time[e]) precomputed once per layer.
struct EventView {
  std::span<const double> time;
  std::span<const double> exp_decay;
  std::span<const std::uint32_t> source;
};

// The result of a neuron, with what the derivatives need. `a` and `b` are the
// two running sums of the neuron's kind over its causal inputs (alpha: A and B;
// exponential: A and the weight sum), `lambert` the kind's extra term.
struct SpikeSolution {
  double time = kNoSpike;  // spike time, kNoSpike if the threshold is never reached
  int n_causal = 0;        // events [0, n_causal) caused the spike
  double a = 0.0;
  double b = 0.0;
  double lambert = 0.0;  // alpha: W = W0(z) at the spike, in [-1, 0); exponential: 0

  bool spiked() const { return time != kNoSpike; }
};

// Input event e seen from the scan: its time and exp(tau t), and those of the
// next event (+inf after the last), where its candidate spike must fall.
struct EventWindow {
  double t_k, exp_k;
  double t_next, exp_next;
  std::int64_t last;  // 1 for the last event (64-bit, so it mixes into vector masks)
};

inline EventWindow event_window(const EventView& events, std::size_t e) {
  const bool last = e + 1 == events.time.size();
  return {events.time[e], events.exp_decay[e], last ? kNoSpike : events.time[e + 1],
          last ? kNoSpike : events.exp_decay[e + 1], last ? 1 : 0};
}

// The per-neuron factors of a spike's derivatives, computed once per spike and
// shared by its causal inputs; what each of the four means is the kind's. T is
// double, or a vector of doubles (simd.h) in the backward pass's lanes.
inline constexpr int kFactorCount = 4;
template <class T>
struct Factors {
  T value[kFactorCount];
};

// Partial derivatives of a spike time wrt one causal input (unclipped).
template <class T>
struct Derivatives {
  T d_weight;  // d t_out / d w_p
  T d_time;    // d t_out / d t_p
};

}  // namespace spikeae
