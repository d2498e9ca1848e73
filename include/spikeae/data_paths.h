// Finding the named data sets (MNIST, Fashion-MNIST) on disk.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/dataset.h"

namespace spikeae {

// The four IDX files of one data set; each may be raw or gzip-compressed.
struct DatasetFiles {
  std::filesystem::path train_images;
  std::filesystem::path train_labels;
  std::filesystem::path test_images;
  std::filesystem::path test_labels;
};

struct TrainTestData {
  Dataset train;
  Dataset test;
};

// Names accepted by locate_dataset: "mnist", "fashion-mnist".
const std::vector<std::string>& known_dataset_names();

// Finds data set `name` in <data dir>/<name>/ under its four standard file names
// (train-images-idx3-ubyte, ...), each raw or with ".gz" (raw wins when both exist).
// The data dir is `data_dir` when given, else $SPIKEAE_DATA_DIR when set, else ./data
// when it holds the set, else the source tree's data/ folder. Throws Error for an
// unknown name, or when the set is missing: the message lists every place searched
// and the command that fetches the set.
DatasetFiles locate_dataset(std::string_view name,
                            const std::optional<std::filesystem::path>& data_dir);

// Loads both splits; throws Error when a file is bad or the splits' image sizes differ.
TrainTestData load_dataset_files(const DatasetFiles& files);

}  // namespace spikeae
