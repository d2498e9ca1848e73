#include "data_flags.h"

#include "hyperparameter_flags.h"
#include "integer_flags.h"
#include "spikeae/error.h"

namespace spikeae::cli {

namespace {
constexpr std::uint64_t kMaxImages = 1u << 31;  // larger sets cannot be indexed by the IDX reader
}  // namespace

void add_data_flags(CLI::App& command, DataFlags& flags) {
  command.add_option("--dataset", flags.dataset, "Named data set")
      ->check(CLI::IsMember(known_dataset_names()))
      ->capture_default_str()
      ->group("Data");
  command
      .add_option(both_spellings("--data-dir"), flags.data_dir,
                  "Folder holding mnist/ and fashion-mnist/ (default: $SPIKEAE_DATA_DIR, "
                  "./data, then the source tree's data/)")
      ->group("Data");
  command
      .add_option(both_spellings("--train-images"), flags.train_images,
                  "Own IDX training images (with --train-labels)")
      ->group("Data");
  command
      .add_option(both_spellings("--train-labels"), flags.train_labels, "Own IDX training labels")
      ->group("Data");
  command
      .add_option(both_spellings("--test-images"), flags.test_images,
                  "Own IDX test images (with --test-labels)")
      ->group("Data");
  command.add_option(both_spellings("--test-labels"), flags.test_labels, "Own IDX test labels")
      ->group("Data");
  command
      .add_option(both_spellings("--test-size"), flags.test_size,
                  "Use only the first N test images (0: all)")
      ->check(integer_in(0, kMaxImages))
      ->capture_default_str()
      ->group("Data");
}

TrainTestData load_data(const DataFlags& flags) {
  DatasetFiles files;
  if (uses_own_files(flags)) {
    if (flags.train_images.empty() || flags.train_labels.empty() || flags.test_images.empty() ||
        flags.test_labels.empty()) {
      throw Error(
          "own data needs all four of --train-images, --train-labels, --test-images, "
          "--test-labels");
    }
    files = {flags.train_images, flags.train_labels, flags.test_images, flags.test_labels};
  } else {
    std::optional<std::filesystem::path> dir;
    if (!flags.data_dir.empty()) dir = flags.data_dir;
    files = locate_dataset(flags.dataset, dir);
  }
  TrainTestData data = load_dataset_files(files);
  if (data.train.rows != data.test.rows || data.train.cols != data.test.cols) {
    throw Error("training images are " + std::to_string(data.train.rows) + "x" +
                std::to_string(data.train.cols) + " but test images are " +
                std::to_string(data.test.rows) + "x" + std::to_string(data.test.cols));
  }
  if (flags.test_size > 0 && flags.test_size < data.test.size()) {
    data.test = data.test.slice(0, flags.test_size);
  }
  return data;
}

bool uses_own_files(const DataFlags& flags) {
  return !flags.train_images.empty() || !flags.train_labels.empty() || !flags.test_images.empty() ||
         !flags.test_labels.empty();
}

std::string data_name(const DataFlags& flags) {
  return flags.train_images.empty() ? flags.dataset : flags.train_images;
}

void add_split_flags(CLI::App& command, SplitFlags& flags) {
  command
      .add_option(both_spellings("--train-size"), flags.train_size,
                  "Training images taken from the training file")
      ->check(integer_in(1, kMaxImages))
      ->capture_default_str()
      ->group("Data");
  command
      .add_option(both_spellings("--validation-size"), flags.validation_size,
                  "Validation images taken from the training file; they choose the best "
                  "model")
      ->check(integer_in(1, kMaxImages))
      ->capture_default_str()
      ->group("Data");
  command
      .add_option("--split", flags.order,
                  "shuffled: a seeded random split; sequential: the first train-size images, "
                  "then the next validation-size")
      ->check(CLI::IsMember({"shuffled", "sequential"}))
      ->capture_default_str()
      ->group("Data");
}

// Sizes of 0 are refused by the flags' checks and again by split_train_validation.
SplitOptions split_options(const SplitFlags& flags) {
  return {flags.train_size, flags.validation_size, flags.order == "shuffled"};
}

}  // namespace spikeae::cli
