// Trained models on disk: a versioned, little-endian binary format with a CRC-32
// trailer (layout and versioning policy in docs/model_format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>

#include "spikeae/config.h"
#include "spikeae/network.h"

namespace spikeae {

// The format version written by this library; loading accepts the versions from
// kOldestModelFormatVersion to this one (version 2 added the neuron kind,
// version 3 the layer kinds).
inline constexpr std::uint32_t kModelFormatVersion = 3;
inline constexpr std::uint32_t kOldestModelFormatVersion = 1;

// Limits applied when loading (and saving), so a damaged file cannot request huge allocations.
inline constexpr int kMaxModelLayers = kMaxLayers;
inline constexpr int kMaxModelLayerSize = 1'000'000;
inline constexpr int kMaxModelPulses = 10'000;

// A trained network with everything needed to reproduce or describe it.
struct SavedModel {
  Network network;         // architecture, neuron params, pulses, weights
  TrainingConfig config;   // every option it was trained with
  int epochs_trained = 0;  // epoch of this (best-validation) model
  double validation_loss = std::numeric_limits<double>::quiet_NaN();  // NaN: not measured
  std::string dataset;                                                // e.g. "mnist", free text
};

// Writes the model atomically (an existing file is replaced only once the new one is
// complete). Throws Error naming `path` when the model is malformed (weights not shaped
// like the architecture, NaN/Inf weights, negative pulse times) or cannot be written.
void save_model(const std::filesystem::path& path, const SavedModel& model);

// Reads a model file; throws Error naming `path` and the exact problem (not a model file,
// unsupported version, truncated, checksum mismatch, implausible sizes, bad values,
// trailing bytes).
SavedModel load_model(const std::filesystem::path& path);

// The file contents of a model, for embedding in other files (e.g. checkpoints).
std::string serialize_model(const SavedModel& model);

// Parses the bytes written by serialize_model; `source` names the data in error messages.
SavedModel parse_model(std::string_view bytes, std::string_view source);

}  // namespace spikeae
