// What the command-line tests share: tiny synthetic IDX data, the training flags
// that make a run take milliseconds, small text helpers, and a fixture holding one
// data folder and one trained model for a whole test suite.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "spikeae/idx.h"
#include "spikeae/image_grid.h"
#include "test_support.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;

constexpr int kSide = 8;  // images are kSide x kSide pixels
constexpr int kTrainImages = 60;
constexpr int kTestImages = 20;
constexpr int kHidden = 6;  // as tiny_training_flags() says
constexpr int kPulses = 3;

using test_support::Contains;

std::string read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::istringstream stream(line);
  for (std::string field; std::getline(stream, field, separator);) fields.push_back(field);
  return fields;
}

// The number after `"key":` in a JSON line (NaN when the key is missing or not a number).
double json_value(const std::string& line, const std::string& key) {
  const std::size_t at = line.find("\"" + key + "\":");
  if (at == std::string::npos) return std::nan("");
  const char* begin = line.c_str() + at + key.size() + 3;
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  return end == begin ? std::nan("") : value;
}

// Every "test loss X" printed, in order.
std::vector<std::string> printed_test_losses(const std::string& output) {
  static const std::regex pattern("test loss ([0-9.]+)");
  std::vector<std::string> values;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    values.push_back((*it)[1]);
  }
  return values;
}

// --- Running the tool --------------------------------------------------------

using testing::Child;
using testing::finish;
using testing::read_some;
using testing::run;
using testing::RunResult;
using testing::spawn;
using testing::operator+;

// --- Synthetic data ------------------------------------------------------------

// Blank images with a plus-shaped blob of ink at a random place; deterministic.
IdxImages blob_images(int count, int side, std::uint32_t seed) {
  IdxImages images{count, side, side, std::vector<std::uint8_t>(count * side * side, 0)};
  std::mt19937 rng(seed);
  for (int i = 0; i < count; ++i) {
    const int top = 1 + static_cast<int>(rng() % (side - 3));
    const int left = 1 + static_cast<int>(rng() % (side - 3));
    std::uint8_t* image = images.pixels.data() + i * side * side;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) image[(top + r) * side + left + c] = r == 1 || c == 1 ? 255 : 96;
    }
  }
  return images;
}

std::vector<std::uint8_t> cycling_labels(int count) {
  std::vector<std::uint8_t> labels(count);
  for (int i = 0; i < count; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  return labels;
}

// The four own-data flags for IDX files under `dir`, written there first.
std::vector<std::string> write_data_set(const fs::path& dir, int side) {
  fs::create_directories(dir);
  write_idx_images(dir / "train-images", blob_images(kTrainImages, side, 1));
  write_idx_labels(dir / "train-labels", cycling_labels(kTrainImages));
  write_idx_images(dir / "test-images", blob_images(kTestImages, side, 2));
  write_idx_labels(dir / "test-labels", cycling_labels(kTestImages));
  return {"--train-images", (dir / "train-images").string(),
          "--train-labels", (dir / "train-labels").string(),
          "--test-images",  (dir / "test-images").string(),
          "--test-labels",  (dir / "test-labels").string()};
}

// Small enough that a run takes milliseconds; the weight means make neurons spike on 8x8 inputs
// and the learning rate makes two epochs enough to beat the untrained network.
const std::vector<std::string>& tiny_training_flags() {
  static const std::vector<std::string> flags = split(
      "--train-size 40 --validation-size 20 --epochs 2 --batch_size 5 --n_hidden 6 --n_pulses 3 "
      "--nonpulse_weight_mean_multiplier 0.5 --pulse_weight_mean_multiplier 3 "
      "--learning_rate 0.01",
      ' ');
  return flags;
}

// `flags` with the value after `name` replaced.
std::vector<std::string> with_flag(std::vector<std::string> flags, const std::string& name,
                                   const std::string& value) {
  for (std::size_t i = 0; i + 1 < flags.size(); ++i) {
    if (flags[i] == name) flags[i + 1] = value;
  }
  return flags;
}

// One folder of data and one trained model, shared by every test (each run is a process).
class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new test_support::TempFolder("spikeae_cli");
    ASSERT_FALSE(folder_->path().empty());
    data_ = new std::vector<std::string>(write_data_set(path("data"), kSide));
    train_run_ = new RunResult(train({"--threads", "2", "--out", run_dir().string()}));
  }

  static void TearDownTestSuite() {
    delete train_run_;
    delete data_;
    delete folder_;  // removes the folder
  }

  static RunResult train(const std::vector<std::string>& extra) {
    return run(std::vector<std::string>{"train"} + *data_ + tiny_training_flags() + extra);
  }

  // eval, reconstruct or embed of the shared model on the shared test images.
  static RunResult inspect(const std::string& command, const std::vector<std::string>& extra) {
    return run(std::vector<std::string>{command, model_path().string()} + *data_ + extra);
  }

  static fs::path run_dir() { return path("run"); }
  static fs::path model_path() { return run_dir() / "model.spikeae"; }
  static fs::path path(const std::string& name) { return folder_->path() / name; }
  static const std::vector<std::string>& data() { return *data_; }
  static const RunResult& train_run() { return *train_run_; }

 private:
  static inline test_support::TempFolder* folder_ = nullptr;
  static inline std::vector<std::string>* data_ = nullptr;
  static inline RunResult* train_run_ = nullptr;
};

}  // namespace
}  // namespace spikeae
