// Little-endian field writing and bounds-checked reading for the binary formats
// (model files, checkpoints): internal to spikeae_io.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/error.h"

namespace spikeae::io {

inline constexpr std::size_t kDoubleSize = 8;

std::string hex32(std::uint32_t value);
std::string str(std::string_view text);
// CRC-32 (zlib) of any length.
std::uint32_t crc32_of(std::string_view bytes);

// Throws Error "<prefix>: implausible <what> <value> (allowed low to high)".
void check_range(std::int64_t value, std::int64_t low, std::int64_t high, const std::string& what,
                 std::string_view prefix);

// Appends fields little-endian regardless of the host byte order.
class ByteWriter {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void u32(std::uint32_t value) { little_endian(value, 4); }
  void u64(std::uint64_t value) { little_endian(value, 8); }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f64(double value) { u64(std::bit_cast<std::uint64_t>(value)); }
  void boolean(bool value) { u8(value ? 1 : 0); }
  void text(std::string_view value) {
    u64(value.size());
    bytes_.append(value);
  }
  void raw(std::string_view value) { bytes_.append(value); }
  void f64s(std::span<const double> values) {
    for (double value : values) f64(value);
  }
  void reserve(std::size_t size) { bytes_.reserve(size); }
  std::string& bytes() { return bytes_; }

 private:
  void little_endian(std::uint64_t value, int count) {
    for (int i = 0; i < count; ++i) bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }

  std::string bytes_;
};

// The data ended before a field: distinguished so damaged files can be diagnosed.
class Truncated : public Error {
 public:
  using Error::Error;
};

// Reads fields in order, checking every length against the bytes that remain.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::size_t offset, std::string_view source)
      : bytes_(bytes), offset_(offset), source_(source) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  std::string_view source() const { return source_; }

  // Throws Truncated unless `count` items of `item_size` bytes remain (overflow-safe).
  void require(std::size_t count, std::size_t item_size, const std::string& what) const {
    if (count > remaining() / item_size) {
      throw Truncated(str(source_) + ": truncated at byte " + std::to_string(bytes_.size()) +
                      ": reading " + what + " at byte " + std::to_string(offset_) + " requires " +
                      describe_bytes(count, item_size) + ", only " + std::to_string(remaining()) +
                      " remain");
    }
  }

  std::uint8_t u8(const std::string& what) {
    require(1, 1, what);
    return static_cast<std::uint8_t>(bytes_[offset_++]);
  }
  std::uint32_t u32(const std::string& what) {
    return static_cast<std::uint32_t>(little_endian(4, what));
  }
  std::uint64_t u64(const std::string& what) { return little_endian(8, what); }
  double f64(const std::string& what) { return std::bit_cast<double>(u64(what)); }

  bool boolean(const std::string& what) {
    const std::size_t at = offset_;
    const std::uint8_t value = u8(what);
    if (value > 1) {
      throw Error(str(source_) + ": invalid " + what + " byte " + std::to_string(value) +
                  " at byte " + std::to_string(at) + " (expected 0 or 1)");
    }
    return value == 1;
  }

  // A signed field that must lie in [low, high]; the message names its position.
  std::int64_t i64_in(std::int64_t low, std::int64_t high, const std::string& what) {
    const std::size_t at = offset_;
    const auto value = static_cast<std::int64_t>(u64(what));
    check_range(value, low, high, what, str(source_) + ": at byte " + std::to_string(at));
    return value;
  }
  int int_in(std::int64_t low, std::int64_t high, const std::string& what) {
    return static_cast<int>(i64_in(low, high, what));
  }
  int any_int(const std::string& what) {
    return int_in(std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), what);
  }

  std::string text(const std::string& what) {
    const std::uint64_t length = u64(what + " length");
    require(length, 1, what);
    std::string value(bytes_.substr(offset_, length));
    offset_ += length;
    return value;
  }

  // `count` doubles; the size is checked before the vector is allocated.
  std::vector<double> f64s(std::size_t count, const std::string& what) {
    require(count, kDoubleSize, what);
    std::vector<double> values(count);
    for (double& value : values) value = f64(what);
    return values;
  }

 private:
  static std::string describe_bytes(std::size_t count, std::size_t item_size) {
    if (item_size == 1) return std::to_string(count) + " bytes";
    return std::to_string(count) + " x " + std::to_string(item_size) + " bytes";
  }

  std::uint64_t little_endian(int count, const std::string& what) {
    require(static_cast<std::size_t>(count), 1, what);
    std::uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[offset_ + i])} << (8 * i);
    }
    offset_ += static_cast<std::size_t>(count);
    return value;
  }

  std::string_view bytes_;
  std::size_t offset_;
  std::string_view source_;
};

}  // namespace spikeae::io
