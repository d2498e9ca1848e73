#include "neuron/neuron.h"

#include <cmath>

#include "neuron/crossing.h"

namespace spikeae {

double crossing_time(double a, double b, const NeuronParams& params, double* lambert_out) {
  double lambert = 0.0;
  const double time = crossing(a, b, CrossingConstants(params), &lambert);
  if (lambert_out != nullptr && time != kNoSpike) *lambert_out = lambert;
  return time;
}

// See docs/model.md section 1.2: scan events in time order; the candidate spike
// of the first k events counts only if it falls in [t_k, t_{k+1}].
SpikeSolution solve_spike(const EventView& events, std::span<const double> weights,
                          const NeuronParams& params) {
  const double inverse_tau = 1.0 / params.decay_rate;
  const std::size_t n = events.time.size();
  double a = 0.0;
  double b = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double t_k = events.time[k];
    const double weighted = weights[events.source[k]] * events.exp_decay[k];
    a += weighted;
    b += weighted * t_k;
    if (!(a > 0.0)) continue;
    const bool last = k + 1 == n;
    const double t_next = last ? kNoSpike : events.time[k + 1];
    const double exp_next = last ? kNoSpike : events.exp_decay[k + 1];
    if (!may_cross(a, b, inverse_tau, t_k, t_next, exp_next, params.fire_threshold, last)) {
      continue;
    }
    double lambert = 0.0;
    const double t_out = crossing_time(a, b, params, &lambert);
    if (!(t_out >= t_k) || t_out > t_next) continue;
    return {t_out, static_cast<int>(k + 1), a, b, lambert};
  }
  return {kNoSpike, static_cast<int>(n), a, b, 0.0};
}

double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, double decay_rate) {
  double v = 0.0;
  for (std::size_t i = 0; i < input_times.size(); ++i) {
    const double since = t - input_times[i];
    if (since > 0.0) v += weights[i] * since * std::exp(-decay_rate * since);
  }
  return v;
}

}  // namespace spikeae
