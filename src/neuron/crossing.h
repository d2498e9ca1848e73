// The threshold crossing of an alpha neuron (docs/model.md section 1.2) as a
// branch-free inline function, so that the forward pass solves many candidate
// neurons in one vectorised loop; crossing_time (neuron.h) calls the same code.
#pragma once

#include "spikeae/encoding.h"
#include "neuron/lambert_w.h"
#include "spikeae/neuron_params.h"
#include "engine/cpu/vector_math.h"

namespace spikeae {

struct CrossingConstants {
  double decay_rate;                  // tau
  double decay_rate_times_threshold;  // tau theta

  explicit CrossingConstants(const NeuronParams& params)
      : decay_rate(params.decay_rate),
        decay_rate_times_threshold(params.decay_rate * params.fire_threshold) {}
};

// The argument of the crossing: B/A and z = -(tau theta / A) exp(tau B / A);
// `reached` is false when there is no rising crossing (A <= 0 or z < -1/e).
struct CrossingArgument {
  double b_over_a, z;
  bool reached;
};

inline CrossingArgument crossing_argument(double a, double b, const CrossingConstants& k) {
  const bool rising = a > 0.0;
  const double safe_a = rising ? a : 1.0;
  const double b_over_a = b / safe_a;
  const double z =
      -(k.decay_rate_times_threshold / safe_a) * vector_math::exp(k.decay_rate * b_over_a);
  const bool reached = rising & (z >= kMinusInverseE);
  return {b_over_a, z, reached};
}

// Lanes without a crossing evaluate W0 at a harmless argument and are dropped.
inline double lambert_argument(const CrossingArgument& x) { return x.reached ? x.z : -0.1; }

// Spike time B/A - W0(z)/tau from w = W0(z), or kNoSpike; writes W0(z) (0
// without a crossing) to *lambert.
inline double crossing_time(const CrossingArgument& x, double w, const CrossingConstants& k,
                            double* lambert) {
  *lambert = x.reached ? w : 0.0;
  return x.reached ? x.b_over_a - w / k.decay_rate : kNoSpike;
}

// The spike time of a neuron with sums A and B (crossing_time).
inline double crossing(double a, double b, const CrossingConstants& k, double* lambert) {
  const CrossingArgument x = crossing_argument(a, b, k);
  return crossing_time(x, vector_math::lambert_w0_negative(lambert_argument(x)), k, lambert);
}

}  // namespace spikeae
