// Fuzzes the IDX readers (raw and gzip) with arbitrary file contents.
// The bytes go into an in-memory file (memfd), read through its /proc/self/fd path,
// so no disk I/O happens per input. Any spikeae::Error is an accepted refusal;
// crashes, sanitizer reports, other exceptions and broken invariants are findings.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikeae/error.h"
#include "spikeae/idx.h"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_idx: %s\n", what);
  std::abort();
}

// One in-memory file reused for every input.
const std::string& memory_file(int& fd) {
  static int file = -1;
  static std::string path;
  if (file < 0) {
    file = memfd_create("fuzz_idx", 0);
    if (file < 0) die("memfd_create failed");
    path = "/proc/self/fd/" + std::to_string(file);
  }
  fd = file;
  return path;
}

void fill(int fd, const std::uint8_t* data, std::size_t size) {
  if (ftruncate(fd, 0) != 0) die("ftruncate failed");
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) die("pwrite failed");
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fd = -1;
  const std::string& path = memory_file(fd);
  fill(fd, data, size);
  try {
    const spikeae::IdxImages images = spikeae::read_idx_images(path);
    if (images.count <= 0 || images.rows <= 0 || images.cols <= 0) die("non-positive dimension");
    const auto expected = static_cast<std::uint64_t>(images.count) *
                          static_cast<std::uint64_t>(images.rows) *
                          static_cast<std::uint64_t>(images.cols);
    if (images.pixels.size() != expected) die("pixel count differs from count x rows x cols");
  } catch (const spikeae::Error&) {
  }
  try {
    const std::vector<std::uint8_t> labels = spikeae::read_idx_labels(path);
    if (labels.empty()) die("empty label list accepted");
  } catch (const spikeae::Error&) {
  }
  return 0;
}
