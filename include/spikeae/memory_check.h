// An estimate of a training run's memory, checked before anything large is
// allocated, so a configuration that cannot fit is refused with the figure
// instead of ending in std::bad_alloc.
#pragma once

#include <cstddef>

#include "spikeae/config.h"

namespace spikeae {

// Parameters of the network the architecture describes (weights of neurons and pulses);
// saturates instead of wrapping for absurd sizes.
double parameter_count(const Architecture& architecture);

// Bytes a run needs: the network, its best copy, Adam's moments, the gradient
// shards and the checkpoint's copies, plus `images` encoded images of `pixels` pixels.
double estimated_training_bytes(const TrainingConfig& config, std::size_t images,
                                std::size_t pixels);

// The machine's physical memory in bytes (0 when unknown).
double physical_memory_bytes();

// Throws Error with both figures when the estimate exceeds the physical memory.
void check_training_memory(const TrainingConfig& config, std::size_t images, std::size_t pixels);

}  // namespace spikeae
