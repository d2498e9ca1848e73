// Pictures of what the network does: clean input, noisy input, reconstruction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "spikeae/network.h"
#include "spikeae/trainer.h"

namespace spikeae {

// A PNG with three labelled rows (clean, input, output) and one column per example
// index, in natural brightness (as in the paper's Figure 4), captioned with the mean
// loss of the examples shown. What `spikeae train`, `reconstruct` and spikeae.Model
// write; throws Error naming `path` when it cannot be written.
void write_reconstruction_png(const std::filesystem::path& path, const Network& network,
                              const ExampleSet& set, double latency,
                              std::span<const std::size_t> indices);

}  // namespace spikeae
