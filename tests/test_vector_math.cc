// The vectorisable exp and W0 of src/engine/cpu/vector_math.h against long-double oracles.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/cpu/vector_math.h"
#include "neuron/lambert_w.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

// Error of `got` in units of the last place of the correctly rounded `exact`.
double ulps(double got, long double exact) {
  const double rounded = static_cast<double>(exact);
  const double ulp = std::nextafter(std::abs(rounded), HUGE_VAL) - std::abs(rounded);
  return static_cast<double>(std::abs(static_cast<long double>(got) - exact) / ulp);
}

TEST(VectorExp, WithinTwoUlpsAcrossItsRange) {
  Rng rng(3);
  double worst = 0.0;
  for (int i = 0; i < 200000; ++i) {
    // Half the arguments where spike times put them (|x| < 5), half anywhere.
    const double x = i % 2 == 0 ? 10.0 * rng.uniform() - 5.0 : 1417.0 * rng.uniform() - 707.5;
    worst = std::max(worst, ulps(vector_math::exp(x), std::exp(static_cast<long double>(x))));
  }
  EXPECT_LT(worst, 2.0);
  EXPECT_GT(worst, 0.0) << "a polynomial exp that is never off by any ulp is suspicious";
}

TEST(VectorExp, SpecialValues) {
  EXPECT_EQ(vector_math::exp(0.0), 1.0);
  EXPECT_EQ(vector_math::exp(710.0), HUGE_VAL);
  EXPECT_EQ(vector_math::exp(HUGE_VAL), HUGE_VAL);
  EXPECT_EQ(vector_math::exp(-800.0), 0.0);
  EXPECT_EQ(vector_math::exp(-HUGE_VAL), 0.0);
  EXPECT_TRUE(std::isnan(vector_math::exp(std::nan(""))));
  // Largest finite result: 2^1024 is reached through 2^1023 * 2.
  EXPECT_NEAR(vector_math::exp(709.78) / std::exp(709.78), 1.0, 1e-15);
  EXPECT_NEAR(vector_math::exp(-707.0) / std::exp(-707.0), 1.0, 1e-15);
}

// W0(z) to long-double precision: Halley's iteration from the double result.
long double reference_w0(double z) {
  long double w = lambert_w0(z);
  for (int i = 0; i < 6; ++i) {
    const long double ew = std::exp(w);
    const long double f = w * ew - z;
    w -= f / (ew * (w + 1) - (w + 2) * f / (2 * w + 2));
  }
  return w;
}

// A few ulp, plus near the branch point the rounding of the residual w e^w - z
// (about 1.6 ulp of 1/e) divided by the slope e^w (1 + w) ~ p / e, which bounds
// any method that refines w by its residual.
double allowed_error(double z, double exact) {
  const double p = vector_math::branch_distance(z);
  return 4e-16 * std::abs(exact) + (p < 0.03 ? 0.0 : 2.5e-16 / p);
}

TEST(VectorLambertW, AccurateOnTheWholeNegativeAxis) {
  for (int i = 0; i < 20000; ++i) {
    const double z = kMinusInverseE * (i + 0.5) / 20000.0;
    const double exact = static_cast<double>(reference_w0(z));
    EXPECT_NEAR(vector_math::lambert_w0_negative(z), exact, allowed_error(z, exact)) << "z = " << z;
  }
}

TEST(VectorLambertW, EachRegionAndItsSeams) {
  // The three regions: branch series (p < 0.03), fit + Halley, Taylor at 0 (z > -1e-4).
  for (double z : {kMinusInverseE, kMinusInverseE + 1e-6, -0.36779, -0.3677, -0.2, -1.0001e-4,
                   -0.9999e-4, -1e-10, -1e-300, 0.0}) {
    const double exact = z == 0.0 ? 0.0 : static_cast<double>(reference_w0(z));
    EXPECT_NEAR(vector_math::lambert_w0_negative(z), exact, allowed_error(z, exact)) << "z = " << z;
  }
  EXPECT_EQ(vector_math::lambert_w0_negative(kMinusInverseE), -1.0);
  EXPECT_EQ(vector_math::lambert_w0_negative(0.0), 0.0);
}

}  // namespace
}  // namespace spikeae
