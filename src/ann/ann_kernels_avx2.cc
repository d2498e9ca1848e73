// The dense kernels compiled for AVX2 (without FMA contraction, like the rest of
// the core): Eigen's products then use 4-wide vectors instead of SSE2's 2.
#define SPIKEAE_ANN_KERNELS_AVX2
#include "ann/ann_kernels.cc"  // NOLINT(bugprone-suspicious-include)
