// Lambert W0 against known values and against its defining identity.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "neuron/lambert_w.h"

namespace spikeae {
namespace {

struct KnownValue {
  double z;
  double w;
};

// Reference values (W0(1) is the omega constant; the rest are standard tables).
constexpr KnownValue kKnown[] = {
    {-0.36787944117144233, -1.0},
    {-0.3, -0.48940222718021502},
    {-0.2, -0.25917110181907374},
    {-0.1, -0.11183255915896296},
    {0.0, 0.0},
    {0.1, 0.091276527160862264},
    {0.5, 0.35173371124919582},
    {1.0, 0.56714329040978387},
    {std::numbers::e, 1.0},
    {10.0, 1.7455280027406994},
    {100.0, 3.3856301402900502},
    {1e6, 11.383358086140053},
};

TEST(LambertW0, MatchesKnownValuesToNearDoublePrecision) {
  for (const auto& known : kKnown) {
    EXPECT_NEAR(lambert_w0(known.z), known.w, 4e-16 * std::max(1.0, std::abs(known.w)))
        << "z = " << known.z;
  }
}

TEST(LambertW0, SatisfiesDefiningIdentityAcrossDomain) {
  for (double z = -0.3678; z < 50.0; z = z < 0 ? z + 0.001 : z * 1.01 + 1e-3) {
    const double w = lambert_w0(z);
    ASSERT_GE(w, -1.0);
    EXPECT_NEAR(w * std::exp(w), z, 2e-15 * std::max(1.0, std::abs(z))) << "z = " << z;
  }
}

// Near the branch point W0(-1/e + d) = -1 + sqrt(2 e d) - (2/3) e d + O(d^1.5).
TEST(LambertW0, FollowsBranchPointExpansion) {
  // The double nearest -1/e is off by ~1e-17, which bounds how small d can be here.
  for (double d : {1e-10, 1e-8, 1e-6}) {
    const double z = kMinusInverseE + d;
    const double exact_d = z - kMinusInverseE;  // the d the double z really carries
    const double p = std::sqrt(2.0 * std::numbers::e * exact_d);
    const double expected = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p;
    EXPECT_NEAR(lambert_w0(z), expected, 1e-11) << "d = " << d;
  }
}

TEST(LambertW0, BranchPointAndOutsideDomain) {
  EXPECT_EQ(lambert_w0(kMinusInverseE), -1.0);
  EXPECT_TRUE(std::isnan(lambert_w0(-0.4)));
  EXPECT_TRUE(std::isnan(lambert_w0(std::nan(""))));
}

TEST(LambertW0, IsIncreasingOnNegativeAxis) {
  double previous = -1.0;
  for (double z = -0.36787; z < 0.0; z += 1e-4) {
    const double w = lambert_w0(z);
    EXPECT_GT(w, previous) << "z = " << z;
    previous = w;
  }
}

}  // namespace
}  // namespace spikeae
