// Lambert W0: an initial guess by region, refined by Halley's iteration
// (docs/model.md section 5 for the series and the error analysis).
#include "spikeae/lambert_w.h"

#include <cmath>
#include <limits>

namespace spikeae {
namespace {

// e split into a double and its rounding error, so that e*z + 1 near the branch
// point keeps its low-order bits (fma).
constexpr double kEHigh = 2.718281828459045090795598298427648842334747314453125;
constexpr double kELow = 1.4456468917292501578e-16;

// Distance to the branch point scaled as p = sqrt(2 (e z + 1)); W0 = -1 + p - p^2/3 + ...
double branch_distance(double z) {
  const double ez_plus_one = std::fma(kEHigh, z, 1.0) + kELow * z;
  return std::sqrt(2.0 * std::max(ez_plus_one, 0.0));
}

double branch_series(double p) {
  // Coefficients of the series of W0 around z = -1/e in p.
  return -1.0 +
         p * (1.0 + p * (-1.0 / 3.0 +
                         p * (11.0 / 72.0 + p * (-43.0 / 540.0 +
                                                 p * (769.0 / 17280.0 + p * (-221.0 / 8505.0))))));
}

double initial_guess(double z) {
  if (z < -0.25) return branch_series(branch_distance(z));
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
  if (z == 0.0) return 0.0;
  if (std::isinf(z)) return z;
  const double p = branch_distance(z);
  // Truncation error of the series is below p^7 / 60: exact to double here.
  if (p < 2e-3) return branch_series(p);

  double w = initial_guess(z);
  double previous_step = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < 12; ++iteration) {
    const double ew = std::exp(w);
    const double residual = w * ew - z;
    const double slope = ew * (w + 1.0);
    const double step = residual / (slope - (w + 2.0) * residual / (2.0 * w + 2.0));
    // Near the branch point rounding noise keeps steps above a few ulp: stop
    // once they no longer shrink.
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
