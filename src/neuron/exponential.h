// The non-leaky integrate-and-fire neuron with exponentially decaying synaptic
// current, V(t) = sum w (1 - exp(-tau (t - t_i))): all of its math in one
// policy type with the members of AlphaNeuron (docs/model.md section 1.4).
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/cpu/simd.h"
#include "neuron/spike.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

struct ExponentialNeuron {
  static constexpr NeuronKind kKind = NeuronKind::exponential;

  struct Constants {
    double decay_rate;  // tau
    double threshold;   // theta

    explicit Constants(const NeuronParams& params)
        : decay_rate(params.decay_rate), threshold(params.fire_threshold) {}
  };

  struct Window {
    double exp_next;  // exp(tau t_next), +inf after the last event
    double threshold;
  };
  static Window window(const EventWindow& w, const Constants& k) {
    return {w.exp_next, k.threshold};
  }

  // Section 1.4: A += w exp(tau t) and the weight sum S += w.
  static void add_input(double weight, double exp_t, double /*t*/, double& a, double& s) {
    a += weight * exp_t;
    s += weight;
  }

  // V(t_next) >= theta, that is (S - theta) exp(tau t_next) >= A: with A > 0
  // (V rising) exactly the condition for a crossing in the window (section
  // 1.4); false for S = NaN (a fired neuron), and after the last event iff S > theta.
  static bool passes_bound(double a, double s, const Window& w) {
    return (s - w.threshold) * w.exp_next >= a;
  }
  static bool may_cross(double a, double s, const Window& w) {
    return a > 0.0 && passes_bound(a, s, w);
  }
  static std::int64_t is_candidate(double a, double s, const Window& w) {
    return std::int64_t{a > 0.0} & std::int64_t{passes_bound(a, s, w)};
  }

  // passes_bound and is_candidate on four neurons: a lane of `lanes` is nonzero
  // where true (out-parameters: a vector return would change the ABI between clones).
  static void bound_lanes(const Vec4& a, const Vec4& s, const Window& w, Mask4& lanes) {
    lanes = (s - w.threshold) * w.exp_next >= a;
  }
  static void candidate_lanes(const Vec4& a, const Vec4& s, const Window& w, Mask4& lanes) {
    bound_lanes(a, s, w, lanes);
    lanes &= a > 0.0;
  }

  // t = ln(A / (S - theta)) / tau, or kNoSpike when V never rises to theta.
  static double crossing(double a, double s, const Constants& k, double* extra) {
    *extra = 0.0;
    if (!(a > 0.0) || !(s > k.threshold)) return kNoSpike;
    return std::log(a / (s - k.threshold)) / k.decay_rate;
  }

  // The layer kernels' solve is the exact one.
  static constexpr bool kFastSolveMayBeInexact = false;
  static double fast_crossing(double a, double s, const Constants& k, double* extra,
                              double* check) {
    *check = 0.0;
    return crossing(a, s, k, extra);
  }
  static bool needs_exact_solve(double /*check*/) { return false; }

  // Section 1.4: d t / d w_p = exp(tau t_p) / (tau A) - 1 / (tau (S - theta)),
  // d t / d t_p = w_p exp(tau t_p) / A.
  enum : int { kWeightScale, kWeightOffset, kTimeScale, kUnused };
  static Factors<double> derivative_factors(const SpikeSolution& spike, const Constants& k) {
    return {{1.0 / (k.decay_rate * spike.a), 1.0 / (k.decay_rate * (spike.b - k.threshold)),
             1.0 / spike.a, 0.0}};
  }

  template <class T>
  static Derivatives<T> derivatives(const Factors<T>& f, const T& weight, double /*t*/,
                                    double exp_t, double /*decay_rate*/) {
    return {exp_t * f.value[kWeightScale] - f.value[kWeightOffset],
            weight * (exp_t * f.value[kTimeScale])};
  }

  // One input's term of V(t), `since` = t - t_i > 0 after it arrived.
  static double potential_term(double weight, double since, double decay_rate) {
    return weight * -std::expm1(-decay_rate * since);
  }
};

}  // namespace spikeae
