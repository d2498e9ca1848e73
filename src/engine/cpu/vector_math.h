// exp and Lambert W0 on [-1/e, 0] built only from +, -, *, /, sqrt, fma, selects
// and integer bit operations, so that a loop over them vectorises (a call to
// libm's exp does not). One argument or a vector lane compute the same bits
// (docs/model.md section 5).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace spikeae::vector_math {

// c[0] + c[1] x + ... + c[13] x^13 by Estrin's scheme: terms are paired, then
// pairs of pairs, so the chain of dependent operations is 4 multiply-adds long
// instead of 13. The order of operations is fixed, so every caller gets the same bits.
inline double estrin(const double (&c)[14], double x) {
  const double x2 = x * x;
  const double x4 = x2 * x2;
  const double x8 = x4 * x4;
  const double p01 = c[0] + c[1] * x, p23 = c[2] + c[3] * x, p45 = c[4] + c[5] * x;
  const double p67 = c[6] + c[7] * x, p89 = c[8] + c[9] * x, p1011 = c[10] + c[11] * x;
  const double p1213 = c[12] + c[13] * x;
  const double p0_3 = p01 + p23 * x2, p4_7 = p45 + p67 * x2, p8_11 = p89 + p1011 * x2;
  const double p0_7 = p0_3 + p4_7 * x4, p8_13 = p8_11 + p1213 * x4;
  return p0_7 + p8_13 * x8;
}

// exp(x) within 1.5 ulp: x = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor
// polynomial to r^13 (truncation < 5e-18), times 2^k assembled in the exponent bits.
inline double exp(double x) {
  constexpr double kLog2E = 1.4426950408889634074;
  // ln 2 in two parts; the high part has 11 trailing zero bits, so k * kLn2High is exact.
  constexpr double kLn2High = 6.93147180369123816490e-01;
  constexpr double kLn2Low = 1.90821492927058770002e-10;
  // Adding 1.5 * 2^52 rounds to an integer that then sits in the low mantissa bits.
  constexpr double kShift = 6755399441055744.0;
  constexpr double kMax = 709.782712893384;    // above: overflow
  constexpr double kMin = -707.7032713517042;  // -1021 ln 2; below: 0 (2^k stays normal)
  const double clamped = std::min(std::max(x, kMin), kMax);
  const double shifted = clamped * kLog2E + kShift;
  const double k = shifted - kShift;
  const double r = (clamped - k * kLn2High) - k * kLn2Low;
  // e^r = 1 + r q(r): the leading 1 + r... is added last, in one rounding.
  const double q =
      estrin({1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
              1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800, 0.0},
             r);
  const double poly = 1.0 + r * q;
  // k in two's complement is the difference of the bit patterns; 2^k = (k + 1023) << 52.
  const std::int64_t k_bits =
      std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(kShift);
  // 2^k for k = 1024 (x near kMax) is out of range: scale by 2^(k-1), then by 2.
  const double half_power = std::bit_cast<double>((k_bits + 1022) << 52);
  const double result = poly * half_power * 2.0;
  const double saturated = x > kMax ? HUGE_VAL : 0.0;
  return (x > kMax) | (x < kMin) ? saturated : result;
}

// e split into the nearest double and the rest, so that e z + 1 keeps its
// low-order bits near the branch point (fma).
inline constexpr double kEHigh = 2.718281828459045090795598298427648842334747314453125;
inline constexpr double kELow = 1.4456468917292501578e-16;

// p = sqrt(2 (e z + 1)), the distance to the branch point z = -1/e.
inline double branch_distance(double z) {
  const double ez_plus_one = std::fma(kEHigh, z, 1.0) + kELow * z;
  return std::sqrt(2.0 * std::max(ez_plus_one, 0.0));
}

// Series of W0 around the branch point in p to p^11 (coefficients from the
// recurrence of docs/model.md section 5.1); truncation below 2e-3 p^12.
inline double branch_series(double p) {
  constexpr double kCoefficients[] = {169709463197.0 / 69528040243200.0,
                                      -5776369.0 / 1515591000.0,
                                      226287557.0 / 37623398400.0,
                                      -1963.0 / 204120.0,
                                      680863.0 / 43545600.0,
                                      -221.0 / 8505.0,
                                      769.0 / 17280.0,
                                      -43.0 / 540.0,
                                      11.0 / 72.0,
                                      -1.0 / 3.0,
                                      1.0,
                                      -1.0};
  double w = 0.0;
  for (double c : kCoefficients) w = w * p + c;
  return w;
}

// W0 in p on the whole of [-1/e, 0] (p in [0, sqrt 2]) within 1.1e-9: a degree-10
// least-squares Chebyshev fit, in monomial form (scripts/fit_lambert_w.py).
inline double branch_fit(double p) {
  // Lowest power first; the padding zeros cost two multiply-adds and keep one Estrin.
  return estrin(
      {-0.9999999989928912, 0.9999998214566903, -0.33332805790386755, 0.15271628518294006,
       -0.07925595860251312, 0.04314492992916002, -0.0227912812434969, 0.01049804495041684,
       -0.003694474032801149, 0.0008392933348659423, -8.955784971953242e-05, 0.0, 0.0, 0.0},
      p);
}

// W0(z) for z in [-1/e, 0] from p = branch_distance(z): the fit, then one
// Halley step, which takes an error of 1e-9 below double precision. Exact
// except where lambert_w0_may_need_series, where lambert_w0_negative takes a series.
inline double lambert_w0_halley(double z, double p) {
  const double w = branch_fit(p);
  const double ew = exp(w);
  const double residual = w * ew - z;
  const double slope = ew * (w + 1.0);
  // Halley's step f / (f' - f'' f / (2 f')) with both fractions over 2w + 2: one division.
  const double twice_w_plus_one = 2.0 * w + 2.0;
  return w - residual * twice_w_plus_one / (slope * twice_w_plus_one - (w + 2.0) * residual);
}

// Near the branch point (p < 0.03) the Halley step's rounding noise grows like
// 1e-17 / p, and near 0 (|z| < 1e-4) W0 has a cheaper exact series.
inline constexpr double kSeriesBranchDistance = 0.03, kSeriesNearZero = -1e-4;

// Whether a z with p = branch_distance(z) may need a series. For z > -1e-4,
// p > sqrt(2 - 2e-4 e) = 1.41402...; the slightly lower bound in p is safe
// whatever the rounding of p.
inline bool lambert_w0_may_need_series(double p) {
  return (p < kSeriesBranchDistance) | (p > 1.414);
}

// W0(z) for z in [-1/e, 0]: lambert_w0_halley, or where it needs a series, the
// series at the branch point (truncation < 1e-21) or the Taylor series at 0
// (truncation < 11 z^6), both exact there.
inline double lambert_w0_negative(double z) {
  const double p = branch_distance(z);
  const double halley = lambert_w0_halley(z, p);
  const double near_zero =
      z * (1.0 + z * (-1.0 + z * (1.5 + z * (-8.0 / 3.0 + z * (125.0 / 24.0)))));
  const double result = p < kSeriesBranchDistance ? branch_series(p) : halley;
  return z > kSeriesNearZero ? near_zero : result;
}

}  // namespace spikeae::vector_math
