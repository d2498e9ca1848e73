// Lambert W0: on [-1/e, 0] the vectorisable kernel of vector_math.h; above 0 an
// initial guess by region refined by Halley's iteration (docs/model.md section 5).
#include "neuron/lambert_w.h"

#include <cmath>
#include <limits>

#include "engine/cpu/vector_math.h"

namespace spikeae {
namespace {

double initial_guess(double z) {
  if (z < 0.5) return z * (1.0 + z * (-1.0 + z * (1.5 + z * (-8.0 / 3.0))));
  if (z < 3.0) return std::log1p(z) * (1.0 - std::log1p(std::log1p(z)) / (2.0 + std::log1p(z)));
  const double l1 = std::log(z);
  const double l2 = std::log(l1);
  return l1 - l2 + l2 / l1;
}

}  // namespace

double lambert_w0(double z) {
  if (!(z >= kMinusInverseE)) {
    // Within rounding of -1/e the argument is the branch point itself.
    return z >= kMinusInverseE - 4 * std::numeric_limits<double>::epsilon() ? -1.0 : std::nan("");
  }
  if (z <= 0.0) return vector_math::lambert_w0_negative(z);
  if (std::isinf(z)) return z;

  double w = initial_guess(z);
  double previous_step = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < 12; ++iteration) {
    const double ew = std::exp(w);
    const double residual = w * ew - z;
    const double slope = ew * (w + 1.0);
    const double step = residual / (slope - (w + 2.0) * residual / (2.0 * w + 2.0));
    // Stop once steps no longer shrink (rounding noise).
    if (std::abs(step) >= previous_step) break;
    w -= step;
    // Halley's error after a step of size s is about s^3 / (1 + w)^2: below
    // double precision once s < 1e-6 (1 + w), so no confirming iteration.
    if (std::abs(step) <= 1e-6 * (1.0 + w)) break;
    previous_step = std::abs(step);
  }
  return w;
}

}  // namespace spikeae
