#include "byte_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

namespace spikeae::io {

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::string str(std::string_view text) { return std::string(text); }

// zlib's crc32 takes 32-bit lengths, so long inputs go in chunks.
std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size(), std::size_t{1} << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(chunk));
    bytes.remove_prefix(chunk);
  }
  return static_cast<std::uint32_t>(crc);
}

void check_range(std::int64_t value, std::int64_t low, std::int64_t high, const std::string& what,
                 std::string_view prefix) {
  if (value < low || value > high) {
    throw Error(str(prefix) + ": implausible " + what + " " + std::to_string(value) + " (allowed " +
                std::to_string(low) + " to " + std::to_string(high) + ")");
  }
}

}  // namespace spikeae::io
