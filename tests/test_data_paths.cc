// Finding data sets on disk, and loading the real MNIST when it has been fetched.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "spikeae/data_paths.h"
#include "spikeae/error.h"
#include "spikeae/idx.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;

namespace fs = std::filesystem;

constexpr const char* kEnv = "SPIKEAE_DATA_DIR";

// The source tree's data folder, where scripts/fetch_data.sh puts the sets.
std::optional<fs::path> fetched_set(const char* name) {
#ifdef SPIKEAE_SOURCE_DIR
  const fs::path set = fs::path(SPIKEAE_SOURCE_DIR) / "data" / name;
  if (fs::exists(set / "train-images-idx3-ubyte") ||
      fs::exists(set / "train-images-idx3-ubyte.gz")) {
    return set;
  }
#endif
  (void)name;
  return std::nullopt;
}

// Each test gets an empty temp dir, no SPIKEAE_DATA_DIR, and its own working directory.
class DataPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("spikeae_test_paths_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    if (const char* env = std::getenv(kEnv)) saved_env_ = env;
    ::unsetenv(kEnv);
    saved_cwd_ = fs::current_path();
  }
  void TearDown() override {
    fs::current_path(saved_cwd_);
    if (saved_env_) ::setenv(kEnv, saved_env_->c_str(), 1);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Creates empty placeholders: locate_dataset only checks that files exist.
  static void touch(const fs::path& path) {
    fs::create_directories(path.parent_path());
    std::ofstream(path).put('\0');
  }

  static void touch_set(const fs::path& set_dir) {
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      touch(set_dir / name);
    }
  }

  static std::string locate_error(std::string_view name, const std::optional<fs::path>& dir) {
    try {
      locate_dataset(name, dir);
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected spikeae::Error";
    return "";
  }

  // A tiny data set of `count` images of rows x cols, written as IDX files.
  static void write_split(const fs::path& images, const fs::path& labels, int count, int rows,
                          int cols) {
    IdxImages data{count, rows, cols, std::vector<std::uint8_t>(count * rows * cols, 9)};
    write_idx_images(images, data);
    write_idx_labels(labels, std::vector<std::uint8_t>(count, 3));
  }

  fs::path dir_;
  std::optional<std::string> saved_env_;
  fs::path saved_cwd_;
};

TEST_F(DataPathsTest, UnknownNameListsValidNames) {
  const std::string message = locate_error("cifar", dir_);
  EXPECT_TRUE(Contains(message, "unknown data set \"cifar\""));
  EXPECT_TRUE(Contains(message, "mnist, fashion-mnist"));
}

TEST_F(DataPathsTest, ExplicitDirFindsRawAndGzipFiles) {
  const fs::path set = dir_ / "mnist";
  touch(set / "train-images-idx3-ubyte");
  touch(set / "train-images-idx3-ubyte.gz");  // raw wins over .gz
  touch(set / "train-labels-idx1-ubyte.gz");
  touch(set / "t10k-images-idx3-ubyte.gz");
  touch(set / "t10k-labels-idx1-ubyte");
  const DatasetFiles files = locate_dataset("mnist", dir_);
  EXPECT_EQ(files.train_images, set / "train-images-idx3-ubyte");
  EXPECT_EQ(files.train_labels, set / "train-labels-idx1-ubyte.gz");
  EXPECT_EQ(files.test_images, set / "t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(files.test_labels, set / "t10k-labels-idx1-ubyte");
}

TEST_F(DataPathsTest, MissingSetNamesPlaceAndFetchCommand) {
  touch(dir_ / "mnist" / "train-images-idx3-ubyte");
  const std::string message = locate_error("mnist", dir_);
  EXPECT_TRUE(Contains(message, "data set \"mnist\" not found"));
  EXPECT_TRUE(Contains(message, (dir_ / "mnist").string()));
  EXPECT_TRUE(Contains(message, "--data-dir"));
  EXPECT_TRUE(Contains(message, "missing train-labels-idx1-ubyte[.gz]"));
  EXPECT_TRUE(Contains(message, "t10k-labels-idx1-ubyte[.gz]"));
  EXPECT_TRUE(Contains(message, "fetch_data.sh --data-dir " + dir_.string() + " mnist"));
}

TEST_F(DataPathsTest, MissingFolderIsReported) {
  const std::string message = locate_error("fashion-mnist", dir_);
  EXPECT_TRUE(Contains(message, (dir_ / "fashion-mnist").string() +
                                    " (the --data-dir given): folder does not exist"));
  EXPECT_TRUE(Contains(message, "apt-get install dataset-fashion-mnist"));
}

TEST_F(DataPathsTest, SetFolderGivenAsDataDirGetsAHint) {
  touch_set(dir_ / "mnist");
  const std::string message = locate_error("mnist", dir_ / "mnist");
  EXPECT_TRUE(Contains(message, "give its parent folder as the data directory"));
}

TEST_F(DataPathsTest, ExplicitDirWinsOverEnvironment) {
  touch_set(dir_ / "env" / "mnist");
  ::setenv(kEnv, (dir_ / "env").c_str(), 1);
  const std::string message = locate_error("mnist", dir_ / "empty");
  EXPECT_TRUE(Contains(message, (dir_ / "empty").string()));
  EXPECT_FALSE(Contains(message, (dir_ / "env").string()));
}

TEST_F(DataPathsTest, EnvironmentDirIsUsed) {
  touch_set(dir_ / "env" / "mnist");
  ::setenv(kEnv, (dir_ / "env").c_str(), 1);
  EXPECT_EQ(locate_dataset("mnist", std::nullopt).train_images,
            dir_ / "env" / "mnist" / "train-images-idx3-ubyte");
}

TEST_F(DataPathsTest, EnvironmentDirIsAuthoritative) {
  touch_set(dir_ / "data" / "mnist");
  fs::current_path(dir_);
  ::setenv(kEnv, (dir_ / "elsewhere").c_str(), 1);
  const std::string message = locate_error("mnist", std::nullopt);
  EXPECT_TRUE(Contains(message, "SPIKEAE_DATA_DIR"));
  EXPECT_TRUE(Contains(message, "--data-dir " + (dir_ / "elsewhere").string()));
}

TEST_F(DataPathsTest, CurrentDirectoryDataIsUsed) {
  touch_set(dir_ / "data" / "mnist");
  fs::current_path(dir_);
  const DatasetFiles files = locate_dataset("mnist", std::nullopt);
  EXPECT_EQ(fs::canonical(files.test_labels),
            fs::canonical(dir_ / "data" / "mnist" / "t10k-labels-idx1-ubyte"));
}

TEST_F(DataPathsTest, LoadsBothSplits) {
  const fs::path set = dir_ / "mnist";
  fs::create_directories(set);
  write_split(set / "train-images-idx3-ubyte", set / "train-labels-idx1-ubyte", 4, 3, 2);
  write_split(set / "t10k-images-idx3-ubyte", set / "t10k-labels-idx1-ubyte", 2, 3, 2);
  const TrainTestData data = load_dataset_files(locate_dataset("mnist", dir_));
  EXPECT_EQ(data.train.size(), 4u);
  EXPECT_EQ(data.test.size(), 2u);
  EXPECT_EQ(data.test.rows, 3);
  EXPECT_EQ(data.test.cols, 2);
}

TEST_F(DataPathsTest, SplitsMustHaveTheSameImageSize) {
  const fs::path set = dir_ / "mnist";
  fs::create_directories(set);
  write_split(set / "train-images-idx3-ubyte", set / "train-labels-idx1-ubyte", 4, 3, 2);
  write_split(set / "t10k-images-idx3-ubyte", set / "t10k-labels-idx1-ubyte", 2, 2, 3);
  try {
    load_dataset_files(locate_dataset("mnist", dir_));
    FAIL() << "expected spikeae::Error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "differ in size"));
    EXPECT_TRUE(Contains(e.what(), "t10k-images-idx3-ubyte"));
  }
}

TEST_F(DataPathsTest, DefaultIsTheSourceTreeDataFolder) {
  const std::optional<fs::path> set = fetched_set("mnist");
  if (!set) GTEST_SKIP() << "MNIST not fetched; run scripts/fetch_data.sh mnist";
  fs::current_path(dir_);  // no ./data here
  EXPECT_TRUE(fs::equivalent(locate_dataset("mnist", std::nullopt).train_labels,
                             *set / "train-labels-idx1-ubyte"));
}

TEST(RealDataTest, Mnist) {
  const std::optional<fs::path> set = fetched_set("mnist");
  if (!set) GTEST_SKIP() << "MNIST not fetched; run scripts/fetch_data.sh mnist";
  const TrainTestData data = load_dataset_files(locate_dataset("mnist", set->parent_path()));
  EXPECT_EQ(data.train.size(), 60000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.train.rows, 28);
  EXPECT_EQ(data.train.cols, 28);
  EXPECT_EQ(data.test.rows, 28);
  EXPECT_EQ(data.test.cols, 28);
  EXPECT_EQ(data.train.labels[0], 5);
  EXPECT_EQ(data.test.labels[0], 7);
}

TEST(RealDataTest, FashionMnist) {
  const std::optional<fs::path> set = fetched_set("fashion-mnist");
  if (!set) GTEST_SKIP() << "Fashion-MNIST not fetched; run scripts/fetch_data.sh fashion-mnist";
  const TrainTestData data =
      load_dataset_files(locate_dataset("fashion-mnist", set->parent_path()));
  EXPECT_EQ(data.train.size(), 60000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.train.rows, 28);
  EXPECT_EQ(data.train.cols, 28);
  EXPECT_EQ(data.train.labels[0], 9);  // ankle boot
}

}  // namespace
}  // namespace spikeae
