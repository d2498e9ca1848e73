// Hot loops are compiled twice, for AVX2 machines and for any x86-64, and the
// loader picks one at run time. Without contraction (-ffp-contract=off) both
// versions compute the same bits, so results do not depend on the machine's ISA.
#pragma once

// The kernels rely on IEEE infinities and NaN (kNoSpike is +inf; a fired
// neuron's B is NaN so that it fails every comparison), which -ffast-math
// (-ffinite-math-only) would let the compiler assume away.
#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error "spikeae's numerical core must not be built with -ffast-math or -ffinite-math-only"
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define SPIKEAE_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SPIKEAE_VECTOR_CLONES
#endif
