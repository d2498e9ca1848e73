#include "spikeae/npy.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <string>

#include "spikeae/atomic_file.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// Magic, two version bytes and the 2-byte header length.
constexpr std::size_t kPreambleSize = kMagicSize + 2 + 2;
// NumPy aligns the data to 64 bytes so it can be memory-mapped.
constexpr std::size_t kAlignment = 64;

// The header dictionary, space-padded and newline-terminated so that the data
// starts at a multiple of kAlignment.
std::string header_dict(const std::string& descr, const std::string& shape) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const std::size_t unpadded = kPreambleSize + dict.size() + 1;  // + the final '\n'
  dict.append((kAlignment - unpadded % kAlignment) % kAlignment, ' ');
  dict.push_back('\n');
  return dict;
}

// Magic, version 1.0, little-endian header length, then the header dictionary.
std::string preamble(const std::string& descr, const std::string& shape) {
  const std::string dict = header_dict(descr, shape);
  // Version 1.0 stores the length in 16 bits; our shapes keep the header far shorter.
  std::string out(kMagic, kMagicSize);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(dict.size() & 0xff));
  out.push_back(static_cast<char>(dict.size() >> 8));
  return out + dict;
}

// Appends `value` as 8 little-endian bytes, whatever the host's byte order.
void append_little_endian(std::string& out, double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  for (int byte = 0; byte < 8; ++byte)
    out.push_back(static_cast<char>((bits >> (8 * byte)) & 0xff));
}

// Runs `encode` and prefixes any Error with `path`, then saves the bytes.
template <typename Encode>
void write_encoded(const std::filesystem::path& path, Encode encode) {
  std::string bytes;
  try {
    bytes = encode();
  } catch (const Error& error) {
    throw Error(path.string() + ": " + error.what());
  }
  write_file_atomically(path, bytes);
}

}  // namespace

std::string encode_npy(std::span<const double> data, std::size_t rows, std::size_t cols) {
  const bool overflows = cols != 0 && rows > std::numeric_limits<std::size_t>::max() / cols;
  if (overflows || rows * cols != data.size()) {
    throw Error("npy: " + std::to_string(data.size()) + " values do not fill a " +
                std::to_string(rows) + "x" + std::to_string(cols) + " array");
  }
  const std::string shape = "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
  std::string out = preamble("<f8", shape);
  out.reserve(out.size() + data.size() * sizeof(double));
  for (const double value : data) append_little_endian(out, value);
  return out;
}

std::string encode_npy(std::span<const std::uint8_t> data) {
  std::string out = preamble("|u1", "(" + std::to_string(data.size()) + ",)");
  out.append(reinterpret_cast<const char*>(data.data()), data.size());
  return out;
}

void write_npy(const std::filesystem::path& path, std::span<const double> data, std::size_t rows,
               std::size_t cols) {
  write_encoded(path, [&] { return encode_npy(data, rows, cols); });
}

void write_npy(const std::filesystem::path& path, std::span<const std::uint8_t> data) {
  write_encoded(path, [&] { return encode_npy(data); });
}

}  // namespace spikeae
