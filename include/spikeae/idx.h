// Reading and writing the IDX files that MNIST and Fashion-MNIST ship in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "spikeae/dataset.h"

namespace spikeae {

inline constexpr std::uint32_t kIdxImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
inline constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension

// The content of an IDX image file: `count` images of rows x cols bytes, back to back.
struct IdxImages {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;
};

// Readers accept the raw file or its gzip compression (recognised by content, not by
// name). Any problem (missing file, wrong magic number, truncated or oversized data,
// corrupt gzip stream) throws Error naming the file and what is wrong with it.
IdxImages read_idx_images(const std::filesystem::path& path);
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path);

// Reads an image file and its label file; throws Error when their counts differ.
Dataset load_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels);

// Writers produce raw (uncompressed) IDX files, replacing `path` atomically.
// They throw Error when the data cannot be stored as IDX or the file cannot be written.
void write_idx_images(const std::filesystem::path& path, const IdxImages& images);
void write_idx_labels(const std::filesystem::path& path, std::span<const std::uint8_t> labels);

}  // namespace spikeae
