// Four doubles as one GCC vector-extension value: one ymm register in the AVX2
// clone of a function, two xmm registers in its baseline clone; both compute
// lane by lane the bits of the scalar expressions. Values travel by reference
// (by value they would change the calling convention between clones, -Wpsabi).
#pragma once

#include <cstdint>
#include <cstring>

namespace spikeae {

using Vec4 = double __attribute__((vector_size(4 * sizeof(double))));
// What comparing two Vec4 gives: a lane is -1 where the comparison holds, 0 elsewhere.
using Mask4 = std::int64_t __attribute__((vector_size(4 * sizeof(std::int64_t))));

inline void load4(Vec4& v, const double* p) { std::memcpy(&v, p, sizeof v); }
inline void store4(double* p, const Vec4& v) { std::memcpy(p, &v, sizeof v); }

// std::min(std::max(x, low), high) lane by lane, with the same selects.
inline void clamp4(Vec4& x, double low, double high) {
  x = x < low ? low : x;
  x = high < x ? high : x;
}

// Whether any lane of m is nonzero (two ORs, no store).
inline bool any_lane(const Mask4& m) {
  const Mask4 halves = m | __builtin_shufflevector(m, m, 2, 3, 0, 1);
  return (halves[0] | halves[1]) != 0;
}

}  // namespace spikeae
