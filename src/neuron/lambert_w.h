// Principal branch W0 of the Lambert W function: the w >= -1 with w * exp(w) = z.
#pragma once

namespace spikeae {

inline constexpr double kMinusInverseE = -0.36787944117144232159552377016146;

// W0(z) for z >= -1/e, accurate to a few ulp away from the branch point and to
// the conditioning limit sqrt(eps) near it. Returns NaN for z < -1/e or NaN.
// Examples: W0(0) = 0, W0(e) = 1, W0(-1/e) = -1.
double lambert_w0(double z);

}  // namespace spikeae
