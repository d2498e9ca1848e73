// Hot loops are compiled twice, for AVX2 machines and for any x86-64, and the
// loader picks one at run time. Without contraction (-ffp-contract=off) both
// versions compute the same bits, so results do not depend on the machine's ISA.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define SPIKEAE_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SPIKEAE_VECTOR_CLONES
#endif
