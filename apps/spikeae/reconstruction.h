// Pictures of what the network does: clean input, noisy input, reconstruction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "spikeae/network.h"
#include "spikeae/trainer.h"

namespace spikeae::cli {

// A PNG with three rows (clean, noisy input, reconstruction) and one column per
// example index, in natural brightness (as in the paper's Figure 4).
void write_reconstruction_png(const std::filesystem::path& path, const Network& network,
                              const ExampleSet& set, double latency,
                              std::span<const std::size_t> indices);

}  // namespace spikeae::cli
