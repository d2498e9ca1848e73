// The alpha neuron, V(t) = sum w (t - t_i) exp(-tau (t - t_i)): all of its math
// in one policy type (docs/model.md sections 1 to 1.3), used by the scalar
// solve (neuron.h) and the layer kernels (engine/cpu) alike. Everything is
// inline and branch-free where the layer kernels call it per neuron, so that
// their loops over a block of neurons vectorise.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/cpu/simd.h"
#include "engine/cpu/vector_math.h"
#include "neuron/lambert_w.h"
#include "neuron/spike.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

struct AlphaNeuron {
  static constexpr NeuronKind kKind = NeuronKind::alpha;

  struct Constants {
    double decay_rate;                  // tau
    double threshold;                   // theta
    double inverse_tau;                 // 1 / tau
    double decay_rate_times_threshold;  // tau theta

    explicit Constants(const NeuronParams& params)
        : decay_rate(params.decay_rate),
          threshold(params.fire_threshold),
          inverse_tau(1.0 / params.decay_rate),
          decay_rate_times_threshold(params.decay_rate * params.fire_threshold) {}
  };

  // What the per-neuron tests of one input event compare against.
  struct Window {
    double t_k, t_next;
    double bound_limit;  // theta exp(tau t_k)
    double exact_limit;  // theta exp(tau t_next)
    double inverse_tau;
    std::int64_t last;
  };
  static Window window(const EventWindow& w, const Constants& k) {
    const double bound_limit = k.threshold * w.exp_k, exact_limit = k.threshold * w.exp_next;
    return {w.t_k, w.t_next, bound_limit, exact_limit, k.inverse_tau, w.last};
  }

  // Section 1: A += w exp(tau t), B += w t exp(tau t).
  static void add_input(double weight, double exp_t, double t, double& a, double& b) {
    const double weighted = weight * exp_t;
    a += weighted;
    b += weighted * t;
  }

  // The one-comparison bound of section 1.2, A t_next - B >= theta exp(tau t_k):
  // necessary for a crossing in the window; false for B = NaN (a fired neuron).
  static bool passes_bound(double a, double b, const Window& w) {
    return a * w.t_next - b >= w.bound_limit;
  }

  // The pre-check of section 1.2 (steps 1-3) for V(t) = exp(-tau t)(A t - B),
  // rising from below theta at t_k: true when it may cross theta before t_next.
  static bool may_cross(double a, double b, const Window& w) {
    if (!(a > 0.0)) return false;
    // peak = B/A + 1/tau, multiplied by A > 0 to avoid a division.
    const double peak_times_a = b + a * w.inverse_tau;
    if (!(peak_times_a > a * w.t_k)) return false;
    if (w.last || peak_times_a < a * w.t_next) return true;
    return a * w.t_next - b >= w.exact_limit;
  }

  // The bound and the pre-check together, branch-free (1 or 0) for the layer kernels.
  static std::int64_t is_candidate(double a, double b, const Window& w) {
    const std::int64_t bound = a * w.t_next - b >= w.bound_limit;
    const double peak_times_a = b + a * w.inverse_tau;
    const std::int64_t rising = peak_times_a > a * w.t_k;
    const std::int64_t before_next = peak_times_a < a * w.t_next;
    const std::int64_t reaches_next = a * w.t_next - b >= w.exact_limit;
    return bound & rising & (w.last | before_next | reaches_next);
  }

  // passes_bound and is_candidate on four neurons: a lane of `lanes` is nonzero
  // where true (out-parameters: a vector return would change the ABI between clones).
  static void bound_lanes(const Vec4& a, const Vec4& b, const Window& w, Mask4& lanes) {
    lanes = a * w.t_next - b >= w.bound_limit;
  }
  static void candidate_lanes(const Vec4& a, const Vec4& b, const Window& w, Mask4& lanes) {
    const Vec4 at_next = a * w.t_next - b;
    const Vec4 peak_times_a = b + a * w.inverse_tau;
    const Mask4 rising = peak_times_a > a * w.t_k;
    const Mask4 before_next = peak_times_a < a * w.t_next;
    const Mask4 reaches_next = at_next >= w.exact_limit;
    const Mask4 may_reach = w.last ? Mask4{} - 1 : before_next | reaches_next;
    lanes = (at_next >= w.bound_limit) & rising & may_reach;
  }

  // The argument of the crossing: B/A and z = -(tau theta / A) exp(tau B / A);
  // `reached` is false when there is no rising crossing (A <= 0 or z < -1/e).
  struct CrossingArgument {
    double b_over_a, z;
    bool reached;
  };
  static CrossingArgument crossing_argument(double a, double b, const Constants& k) {
    const bool rising = a > 0.0;
    const double safe_a = rising ? a : 1.0;
    const double b_over_a = b / safe_a;
    const double z =
        -(k.decay_rate_times_threshold / safe_a) * vector_math::exp(k.decay_rate * b_over_a);
    const bool reached = rising & (z >= kMinusInverseE);
    return {b_over_a, z, reached};
  }

  // Lanes without a crossing evaluate W0 at a harmless argument and are dropped.
  static double lambert_argument(const CrossingArgument& x) { return x.reached ? x.z : -0.1; }

  // Spike time B/A - W0(z)/tau from w = W0(z), or kNoSpike; writes W0(z) (0
  // without a crossing) to *lambert.
  static double crossing_time(const CrossingArgument& x, double w, const Constants& k,
                              double* lambert) {
    *lambert = x.reached ? w : 0.0;
    return x.reached ? x.b_over_a - w / k.decay_rate : kNoSpike;
  }

  // The exact crossing of sections 1 and 1.1 with sums A and B, or kNoSpike.
  static double crossing(double a, double b, const Constants& k, double* lambert) {
    const CrossingArgument x = crossing_argument(a, b, k);
    return crossing_time(x, vector_math::lambert_w0_negative(lambert_argument(x)), k, lambert);
  }

  // The crossing without W0's series (section 5.1), for a vector loop; `check`
  // gets W0's distance p, by which needs_exact_solve tells whether it was exact.
  static constexpr bool kFastSolveMayBeInexact = true;
  static double fast_crossing(double a, double b, const Constants& k, double* lambert,
                              double* check) {
    const CrossingArgument x = crossing_argument(a, b, k);
    const double z = lambert_argument(x);
    *check = vector_math::branch_distance(z);
    return crossing_time(x, vector_math::lambert_w0_halley(z, *check), k, lambert);
  }
  static bool needs_exact_solve(double check) {
    return vector_math::lambert_w0_may_need_series(check);
  }

  // Section 1.3: the factors 1 / (A (1 + W)), B / A, W / tau and W + 1.
  enum : int { kInverse, kBOverA, kWOverTau, kWPlusOne };
  static Factors<double> derivative_factors(const SpikeSolution& spike, const Constants& k) {
    const double inverse = 1.0 / (spike.a * (1.0 + spike.lambert));
    // W = -1 exactly (a grazing spike): keep it huge but finite so clipping applies.
    // (NaN and +-inf fail the comparison.)
    const bool finite = std::abs(inverse) <= std::numeric_limits<double>::max();
    return {{finite ? inverse : 1e300, spike.b / spike.a, spike.lambert / k.decay_rate,
             spike.lambert + 1.0}};
  }

  // Section 1.3's d t_out / d w_p and d t_out / d t_p of input p (at t, with
  // exp(tau t)); the expression order is fixed, so scalar and vector lanes agree bit for bit.
  template <class T>
  static Derivatives<T> derivatives(const Factors<T>& f, const T& weight, double t, double exp_t,
                                    double decay_rate) {
    const T common = exp_t * f.value[kInverse];
    const T relative = t - f.value[kBOverA];
    return {common * (relative + f.value[kWOverTau]),
            weight * common * (decay_rate * relative + f.value[kWPlusOne])};
  }

  // One input's term of V(t), `since` = t - t_i > 0 after it arrived (section 1).
  static double potential_term(double weight, double since, double decay_rate) {
    return weight * since * std::exp(-decay_rate * since);
  }
};

}  // namespace spikeae
