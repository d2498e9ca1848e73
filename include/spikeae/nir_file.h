// Models as NIR graphs (the Neuromorphic Intermediate Representation, an HDF5
// file): export for other simulators and hardware, and import of the files
// spikeae writes. The mapping, its derivation and what a consumer must honour
// are in docs/nir.md.
#pragma once

#include <cstdint>
#include <filesystem>

#include "spikeae/model_file.h"

namespace spikeae {

// The layout of spikeae's graphs (node names, metadata), stored in the graph's
// metadata as spikeae_nir_layout; import accepts this one.
inline constexpr std::int64_t kNirLayoutVersion = 1;

// Writes `model` as a NIR graph, atomically. Every connection becomes a dense
// Linear node (local ones with zeros where unconnected). Throws Error for a
// model NIR cannot express exactly (the exponential neuron kind) or a malformed
// model, naming `path`.
void save_nir(const std::filesystem::path& path, const SavedModel& model);

// Reads a graph written by save_nir: the network bit for bit (as dense
// connections), its neuron constants, encoding and latency; the other options
// keep their defaults. Throws Error naming `path` and the problem: missing
// file, not HDF5, damaged, not a spikeae graph, unsupported or missing nodes,
// wrong shapes or values.
SavedModel load_nir(const std::filesystem::path& path);

}  // namespace spikeae
