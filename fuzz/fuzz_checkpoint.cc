// Fuzzes the checkpoint parser (what `spikeae train --resume` reads) with arbitrary bytes,
// as given and with the outer CRC-32 trailer rewritten to match (the embedded model files
// keep their own checksums, which the seeds get right). A checkpoint that parses must
// serialize to bytes that parse again and serialize to the same bytes. (Not necessarily
// to the input: the parser ignores a few embedded fields, e.g. the best model's config.)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "spikeae/checkpoint.h"
#include "spikeae/error.h"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_checkpoint: %s\n", what);
  std::abort();
}

std::uint32_t crc32_of(std::string_view bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (const char byte : bytes) {
    crc ^= static_cast<unsigned char>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void check(std::string_view bytes) {
  spikeae::Checkpoint checkpoint;
  try {
    checkpoint = spikeae::parse_checkpoint(bytes, "fuzz");
  } catch (const spikeae::Error&) {
    return;
  }
  const std::string again = spikeae::serialize_checkpoint(checkpoint);
  try {
    const spikeae::Checkpoint reparsed = spikeae::parse_checkpoint(again, "serialized");
    if (spikeae::serialize_checkpoint(reparsed) != again) die("round trip changed the state");
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    die("a serialized checkpoint does not parse");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(bytes);
  if (size >= 16) {  // magic and version (12), trailer (4)
    std::string fixed(bytes);
    const std::uint32_t crc = crc32_of(std::string_view(fixed).substr(0, size - 4));
    for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<char>(crc >> (8 * i));
    if (fixed != bytes) check(fixed);
  }
  return 0;
}
