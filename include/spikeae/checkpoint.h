// Checkpoints: everything `spikeae train --resume` needs to continue a run bit for
// bit (docs/model_format.md, section "Checkpoints").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "spikeae/config.h"
#include "spikeae/trainer.h"

namespace spikeae {

inline constexpr std::uint32_t kCheckpointFormatVersion = 1;

struct Checkpoint {
  TrainingConfig config;
  std::string dataset;  // free text, as in model files
  TrainingState state;
};

std::string serialize_checkpoint(const Checkpoint& checkpoint);
// Refuses damaged, truncated or inconsistent data with a message naming `source`.
Checkpoint parse_checkpoint(std::string_view bytes, std::string_view source);

// Atomic: a crash while saving leaves the previous checkpoint intact.
void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
Checkpoint load_checkpoint(const std::filesystem::path& path);

}  // namespace spikeae
