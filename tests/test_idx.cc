// IDX reading and writing, raw and gzip, and the errors users see for bad files.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "spikeae/dataset.h"
#include "spikeae/error.h"
#include "spikeae/idx.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;

namespace fs = std::filesystem;

// Whether `text` contains `part`, printing both when it does not.

class IdxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("spikeae_test_idx_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path file(const std::string& name) const { return dir_ / name; }

  static void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
  }

  static std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // Compresses with zlib's gz* API, as gzip(1) would.
  static void write_gzip(const fs::path& path, const std::string& bytes) {
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_NE(gz, nullptr) << path;
    ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    ASSERT_EQ(gzclose(gz), Z_OK);
  }

  static std::string be32(std::uint32_t value) {
    return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
            static_cast<char>(value >> 8), static_cast<char>(value)};
  }

  static std::string image_header(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
    return be32(kIdxImagesMagic) + be32(count) + be32(rows) + be32(cols);
  }

  static IdxImages sample_images() {
    IdxImages images{3, 4, 5, {}};
    for (int i = 0; i < 3 * 4 * 5; ++i) images.pixels.push_back(static_cast<std::uint8_t>(i * 7));
    return images;
  }

  // The message of the Error `read` throws; fails the test when it does not throw.
  template <typename Read>
  static std::string error_of(Read read) {
    try {
      read();
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected spikeae::Error";
    return "";
  }

  static std::string images_error(const fs::path& path) {
    return error_of([&] { read_idx_images(path); });
  }

  fs::path dir_;
};

TEST_F(IdxTest, RawRoundTrip) {
  const IdxImages images = sample_images();
  const std::vector<std::uint8_t> labels = {5, 0, 200};  // labels above 9 are allowed
  write_idx_images(file("images"), images);
  write_idx_labels(file("labels"), labels);

  const IdxImages read = read_idx_images(file("images"));
  EXPECT_EQ(read.count, 3);
  EXPECT_EQ(read.rows, 4);
  EXPECT_EQ(read.cols, 5);
  EXPECT_EQ(read.pixels, images.pixels);
  EXPECT_EQ(read_idx_labels(file("labels")), labels);
  EXPECT_EQ(read_bytes(file("images")).substr(0, 16), image_header(3, 4, 5));
}

TEST_F(IdxTest, GzipRoundTripDetectedByContent) {
  write_idx_images(file("images"), sample_images());
  write_idx_labels(file("labels"), std::vector<std::uint8_t>{1, 2, 3});
  write_gzip(file("images.gz"), read_bytes(file("images")));
  write_gzip(file("labels-no-suffix"), read_bytes(file("labels")));

  EXPECT_EQ(read_idx_images(file("images.gz")).pixels, sample_images().pixels);
  EXPECT_EQ(read_idx_labels(file("labels-no-suffix")), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(IdxTest, GzipWithSeveralMembers) {
  const std::string labels = be32(kIdxLabelsMagic) + be32(4) + "\x01\x02\x03\x04";
  write_gzip(file("a.gz"), labels.substr(0, 6));
  write_gzip(file("b.gz"), labels.substr(6));
  write_bytes(file("both.gz"), read_bytes(file("a.gz")) + read_bytes(file("b.gz")));
  EXPECT_EQ(read_idx_labels(file("both.gz")), (std::vector<std::uint8_t>{1, 2, 3, 4}));
}

TEST_F(IdxTest, LoadDatasetPairsImagesWithLabels) {
  write_idx_images(file("images"), sample_images());
  write_idx_labels(file("labels"), std::vector<std::uint8_t>{7, 8, 9});
  const Dataset data = load_idx_dataset(file("images"), file("labels"));
  EXPECT_EQ(data.size(), 3u);
  EXPECT_EQ(data.rows, 4);
  EXPECT_EQ(data.cols, 5);
  EXPECT_EQ(data.image(1)[0], sample_images().pixels[20]);
  EXPECT_EQ(data.labels[2], 9);
}

TEST_F(IdxTest, MissingFileIsNamed) {
  const std::string message = images_error(file("no-such-file"));
  EXPECT_TRUE(Contains(message, "no-such-file"));
  EXPECT_TRUE(Contains(message, "not found"));
}

TEST_F(IdxTest, DirectoryIsRejected) {
  EXPECT_TRUE(Contains(images_error(dir_), "is a directory"));
}

TEST_F(IdxTest, UnreadableFileIsNamed) {
  write_idx_labels(file("locked"), std::vector<std::uint8_t>{1});
  fs::permissions(file("locked"), fs::perms::none);
  if (std::ifstream(file("locked")).good()) GTEST_SKIP() << "running as a user who reads anyway";
  const std::string message = error_of([&] { read_idx_labels(file("locked")); });
  EXPECT_TRUE(Contains(message, "locked"));
  EXPECT_TRUE(Contains(message, "cannot open"));
}

TEST_F(IdxTest, LabelsReadAsImagesSuggestsSwap) {
  write_idx_labels(file("train-labels"), std::vector<std::uint8_t>(20, 1));
  const std::string message = images_error(file("train-labels"));
  EXPECT_TRUE(Contains(message, "train-labels"));
  EXPECT_TRUE(Contains(message, "magic"));
  EXPECT_TRUE(Contains(message, "found 0x00000801"));
  EXPECT_TRUE(Contains(message, "expected 0x00000803"));
  EXPECT_TRUE(Contains(message, "swapped"));
}

TEST_F(IdxTest, ImagesReadAsLabelsSuggestsSwap) {
  write_idx_images(file("images"), sample_images());
  const std::string message = error_of([&] { read_idx_labels(file("images")); });
  EXPECT_TRUE(Contains(message, "found 0x00000803"));
  EXPECT_TRUE(Contains(message, "expected 0x00000801"));
  EXPECT_TRUE(Contains(message, "swapped"));
}

TEST_F(IdxTest, TextFileHasWrongMagic) {
  write_bytes(file("page.html"), "<!DOCTYPE html><html>Not Found</html>");
  const std::string message = images_error(file("page.html"));
  EXPECT_TRUE(Contains(message, "magic"));
  EXPECT_TRUE(Contains(message, "text"));
}

TEST_F(IdxTest, EmptyFile) {
  write_bytes(file("empty"), "");
  EXPECT_TRUE(Contains(images_error(file("empty")), "empty"));
}

TEST_F(IdxTest, TruncatedHeader) {
  write_bytes(file("short"), be32(kIdxImagesMagic) + be32(1));
  const std::string message = images_error(file("short"));
  EXPECT_TRUE(Contains(message, "short"));
  EXPECT_TRUE(Contains(message, "truncated header"));
  EXPECT_TRUE(Contains(message, "only 8 bytes"));
  EXPECT_TRUE(Contains(message, "needs 16"));
}

TEST_F(IdxTest, TruncatedData) {
  write_bytes(file("cut"), image_header(2, 2, 2) + "12345");
  const std::string message = images_error(file("cut"));
  EXPECT_TRUE(Contains(message, "truncated data"));
  EXPECT_TRUE(Contains(message, "2 images of 2x2 pixels = 8 bytes"));
  EXPECT_TRUE(Contains(message, "has only 5"));
}

TEST_F(IdxTest, TrailingGarbage) {
  write_bytes(file("long"), be32(kIdxLabelsMagic) + be32(2) + "12xyz");
  const std::string message = error_of([&] { read_idx_labels(file("long")); });
  EXPECT_TRUE(Contains(message, "size mismatch"));
  EXPECT_TRUE(Contains(message, "2 labels = 2 bytes"));
  EXPECT_TRUE(Contains(message, "3 bytes of trailing garbage"));
}

TEST_F(IdxTest, ZeroDimension) {
  write_bytes(file("zero"), image_header(1, 0, 28));
  EXPECT_TRUE(Contains(images_error(file("zero")), "rows = 0"));
  write_bytes(file("none"), be32(kIdxLabelsMagic) + be32(0));
  EXPECT_TRUE(Contains(error_of([&] { read_idx_labels(file("none")); }), "count = 0"));
}

TEST_F(IdxTest, AbsurdDimensionsDoNotOverflow) {
  write_bytes(file("huge"), image_header(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF));
  EXPECT_TRUE(Contains(images_error(file("huge")), "absurd"));
  write_bytes(file("just-over"), image_header(65536, 256, 128));  // 2^31 bytes
  EXPECT_TRUE(Contains(images_error(file("just-over")), "absurd"));
}

TEST_F(IdxTest, LabelCountMustMatchImageCount) {
  write_idx_images(file("images"), sample_images());
  write_idx_labels(file("labels"), std::vector<std::uint8_t>{1, 2});
  const std::string message = error_of([&] { load_idx_dataset(file("images"), file("labels")); });
  EXPECT_TRUE(Contains(message, "3 images"));
  EXPECT_TRUE(Contains(message, "2 labels"));
  EXPECT_TRUE(Contains(message, file("labels").string()));
}

TEST_F(IdxTest, CorruptGzipIsAnError) {
  write_idx_images(file("images"), sample_images());
  std::string packed;
  write_gzip(file("images.gz"), read_bytes(file("images")));
  packed = read_bytes(file("images.gz"));
  for (std::size_t i = 12; i < packed.size() - 8; i += 3) packed[i] = static_cast<char>(~packed[i]);
  write_bytes(file("corrupt.gz"), packed);
  const std::string message = images_error(file("corrupt.gz"));
  EXPECT_TRUE(Contains(message, "corrupt.gz"));
  EXPECT_TRUE(Contains(message, "gzip"));
}

TEST_F(IdxTest, BadGzipChecksumIsAnError) {
  write_idx_images(file("images"), sample_images());
  write_gzip(file("images.gz"), read_bytes(file("images")));
  std::string packed = read_bytes(file("images.gz"));
  packed[packed.size() - 6] ^= 0x55;  // inside the CRC-32 of the trailer
  write_bytes(file("crc.gz"), packed);
  EXPECT_TRUE(Contains(images_error(file("crc.gz")), "corrupt gzip data"));
}

TEST_F(IdxTest, TruncatedGzipIsAnError) {
  write_idx_images(file("images"), sample_images());
  write_gzip(file("images.gz"), read_bytes(file("images")));
  const std::string packed = read_bytes(file("images.gz"));
  write_bytes(file("half.gz"), packed.substr(0, packed.size() / 2));
  const std::string message = images_error(file("half.gz"));
  EXPECT_TRUE(Contains(message, "half.gz"));
  EXPECT_TRUE(Contains(message, "truncated"));
}

TEST_F(IdxTest, GarbageAfterGzipIsAnError) {
  write_idx_images(file("images"), sample_images());
  write_gzip(file("images.gz"), read_bytes(file("images")));
  write_bytes(file("tail.gz"), read_bytes(file("images.gz")) + "junk");
  EXPECT_TRUE(Contains(images_error(file("tail.gz")), "4 bytes of trailing garbage"));
}

TEST_F(IdxTest, WriterRejectsInconsistentImages) {
  IdxImages images = sample_images();
  images.pixels.pop_back();
  const std::string message = error_of([&] { write_idx_images(file("bad"), images); });
  EXPECT_TRUE(Contains(message, "bad"));
  EXPECT_TRUE(Contains(message, "59 bytes"));
  EXPECT_FALSE(fs::exists(file("bad")));
  EXPECT_THROW(write_idx_labels(file("none"), std::vector<std::uint8_t>{}), Error);
}

Dataset numbered_dataset(int count) {
  Dataset data;
  data.rows = 1;
  data.cols = 2;
  for (int i = 0; i < count; ++i) {
    data.pixels.push_back(static_cast<std::uint8_t>(2 * i));
    data.pixels.push_back(static_cast<std::uint8_t>(2 * i + 1));
    data.labels.push_back(static_cast<std::uint8_t>(i));
  }
  return data;
}

TEST(DatasetTest, SliceCopiesTheRange) {
  const Dataset part = numbered_dataset(5).slice(1, 3);
  EXPECT_EQ(part.rows, 1);
  EXPECT_EQ(part.cols, 2);
  EXPECT_EQ(part.labels, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(part.pixels, (std::vector<std::uint8_t>{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(numbered_dataset(5).slice(5, 0).size(), 0u);
}

TEST(DatasetTest, SliceOutOfRangeThrows) {
  const Dataset data = numbered_dataset(5);
  EXPECT_THROW(data.slice(3, 3), Error);
  EXPECT_THROW(data.slice(6, 0), Error);
  EXPECT_THROW(data.slice(1, SIZE_MAX), Error);  // begin + count would overflow
}

TEST(DatasetTest, GatherKeepsTheGivenOrder) {
  const std::vector<std::size_t> indices = {4, 0, 4};
  const Dataset picked = numbered_dataset(5).gather(indices);
  EXPECT_EQ(picked.labels, (std::vector<std::uint8_t>{4, 0, 4}));
  EXPECT_EQ(picked.pixels, (std::vector<std::uint8_t>{8, 9, 0, 1, 8, 9}));
}

TEST(DatasetTest, GatherOutOfRangeThrows) {
  const std::vector<std::size_t> indices = {0, 5};
  try {
    numbered_dataset(5).gather(indices);
    FAIL() << "expected spikeae::Error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(std::string(e.what()), "index 5"));
  }
}

}  // namespace
}  // namespace spikeae
