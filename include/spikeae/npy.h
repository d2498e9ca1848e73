// NumPy .npy files (format version 1.0) for arrays that analysis scripts load with np.load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace spikeae {

// A rows x cols float64 array ('<f8', C order: element (r, c) is data[r * cols + c]).
// Infinities and NaNs are stored bit for bit. Throws Error when data.size() != rows * cols.
std::string encode_npy(std::span<const double> data, std::size_t rows, std::size_t cols);

// A 1-D uint8 array ('|u1') of data.size() elements.
std::string encode_npy(std::span<const std::uint8_t> data);

// The same arrays saved atomically at `path`; throws Error naming `path` on failure.
void write_npy(const std::filesystem::path& path, std::span<const double> data, std::size_t rows,
               std::size_t cols);
void write_npy(const std::filesystem::path& path, std::span<const std::uint8_t> data);

}  // namespace spikeae
