// One-row hyperparameter tables on disk (`--preset-file`, the `hyperparameters.tsv`
// a training run writes).
#pragma once

#include <filesystem>

#include "spikeae/hyperparameters.h"

namespace spikeae {

// Reads a tab-separated table with the paper's column names and exactly one row;
// throws Error naming the file (missing, a folder, unreadable, malformed, not one row).
HyperparameterRow read_preset_file(const std::filesystem::path& path);

}  // namespace spikeae
