// Where the images come from: a named data set in the data folder, or the
// user's own IDX files.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "spikeae/data_paths.h"
#include "spikeae/trainer.h"

namespace spikeae::cli {

struct DataFlags {
  std::string dataset = "mnist";
  std::string data_dir;  // empty: $SPIKEAE_DATA_DIR, ./data, then the build's data folder
  std::string train_images, train_labels, test_images, test_labels;  // own IDX files
  std::size_t test_size = 0;                                         // 0: all test images
};

void add_data_flags(CLI::App& command, DataFlags& flags);

// Loads the training and test files; test set cut to test_size when given.
TrainTestData load_data(const DataFlags& flags);

// True when any of the own-file flags is given (then all four are needed).
bool uses_own_files(const DataFlags& flags);

// A short name of the data for file contents and messages.
std::string data_name(const DataFlags& flags);

struct SplitFlags {
  std::size_t train_size = SplitOptions{}.train_size;
  std::size_t validation_size = SplitOptions{}.validation_size;
  std::string order = "shuffled";
};

void add_split_flags(CLI::App& command, SplitFlags& flags);
SplitOptions split_options(const SplitFlags& flags);

}  // namespace spikeae::cli
