// IDX reader and writer. Files are read whole into memory (MNIST's largest is 47 MB),
// decompressed first when they start with the gzip signature.
#include "spikeae/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <string>
#include <system_error>

#include "spikeae/atomic_file.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// Larger data cannot be indexed by the int counts in IdxImages and Dataset.
constexpr std::uint64_t kMaxDataBytes = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kImagesHeaderBytes = 16;  // magic, count, rows, cols
constexpr std::size_t kLabelsHeaderBytes = 8;   // magic, count
// No valid IDX file, compressed or not, is larger than this.
constexpr std::uint64_t kMaxFileBytes = kMaxDataBytes + kImagesHeaderBytes;

// Which kind of IDX file a reader expects, for messages.
struct IdxKind {
  std::uint32_t magic;
  std::size_t header_bytes;
  const char* noun;     // "image file"
  const char* items;    // "images"
  std::uint32_t other;  // magic of the kind it is most often confused with
  const char* other_noun;
};

constexpr IdxKind kImagesKind{kIdxImagesMagic, kImagesHeaderBytes, "image file",
                              "images",        kIdxLabelsMagic,    "label file"};
constexpr IdxKind kLabelsKind{kIdxLabelsMagic, kLabelsHeaderBytes, "label file",
                              "labels",        kIdxImagesMagic,    "image file"};

[[noreturn]] void fail(const fs::path& path, const std::string& problem) {
  throw Error(path.string() + ": " + problem);
}

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value));
  return text;
}

std::uint32_t read_be32(const Bytes& bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

void append_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void check_readable(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) fail(path, "file not found");
  if (ec) fail(path, "cannot access: " + ec.message());
  if (fs::is_directory(status)) fail(path, "is a directory, expected an IDX file");
}

Bytes read_raw_file(const fs::path& path) {
  check_readable(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open for reading: ") + std::strerror(errno));
  Bytes bytes;
  constexpr std::size_t kChunk = 1 << 20;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  // Room for the final, partly filled chunk too, so the buffer is allocated once.
  if (!ec) bytes.reserve(std::min<std::uintmax_t>(size, kMaxFileBytes) + kChunk);
  while (in) {
    if (bytes.size() > kMaxFileBytes) {
      fail(path, "file is larger than " + std::to_string(kMaxFileBytes) +
                     " bytes, more than any IDX file this library accepts");
    }
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    in.read(reinterpret_cast<char*>(bytes.data() + old_size), kChunk);
    bytes.resize(old_size + static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) fail(path, "read error while loading the file");
  return bytes;
}

bool is_gzip(const Bytes& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

// Decompresses a whole gzip file (one or more members) held in memory.
class Gunzip {
 public:
  explicit Gunzip(const fs::path& path) : path_(path) {
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      fail(path_, "cannot start gzip decompression (zlib out of memory)");
    }
  }
  ~Gunzip() { inflateEnd(&stream_); }
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  Bytes run(Bytes& input) {
    stream_.next_in = input.data();
    stream_.avail_in = static_cast<uInt>(input.size());  // input <= kMaxFileBytes < 4 GiB
    Bytes out;
    out.reserve(size_hint(input));
    while (true) {
      if (step(out) != Z_STREAM_END) continue;
      if (stream_.avail_in == 0) break;
      if (!next_member_follows()) {
        fail(path_, "has " + std::to_string(stream_.avail_in) +
                        " bytes of trailing garbage after the gzip data; the file is corrupt");
      }
      inflateReset(&stream_);
    }
    out.resize(produced_);
    return out;
  }

 private:
  // The gzip trailer's size field saves regrowing the buffer; it is only a hint (it may be
  // garbage in a damaged file), so it is capped by deflate's best ratio, about 1032:1.
  static std::size_t size_hint(const Bytes& input) {
    if (input.size() < 18) return 0;
    const std::uint8_t* tail = input.data() + input.size() - 4;
    const std::uint64_t size = std::uint64_t{tail[0]} | (std::uint64_t{tail[1]} << 8) |
                               (std::uint64_t{tail[2]} << 16) | (std::uint64_t{tail[3]} << 24);
    return static_cast<std::size_t>(
        std::min<std::uint64_t>({size, kMaxFileBytes, input.size() * std::uint64_t{1032}}) + 1);
  }

  // Inflates into the free tail of `out`, growing it when full; returns zlib's status.
  int step(Bytes& out) {
    if (produced_ == out.size()) {
      if (produced_ > kMaxFileBytes) {
        fail(path_, "decompresses to more than " + std::to_string(kMaxFileBytes) +
                        " bytes, more than any IDX file this library accepts");
      }
      out.resize(std::max(out.capacity(), produced_ + std::clamp(produced_, kMinGrowth, kChunk)));
    }
    stream_.next_out = out.data() + produced_;
    stream_.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - produced_, kChunk));
    const uInt offered = stream_.avail_out;
    const int status = inflate(&stream_, Z_NO_FLUSH);
    produced_ += offered - stream_.avail_out;
    check(status);
    return status;
  }

  void check(int status) const {
    if (status == Z_OK || status == Z_STREAM_END) return;
    if (status == Z_BUF_ERROR && stream_.avail_in == 0) {
      fail(path_,
           "gzip data is truncated (the compressed stream ends early, e.g. an interrupted "
           "download); fetch the file again");
    }
    if (status == Z_MEM_ERROR) fail(path_, "out of memory while decompressing gzip data");
    const char* detail = stream_.msg != nullptr ? stream_.msg : "unknown error";
    fail(path_, std::string("corrupt gzip data (") + detail + "); fetch the file again");
  }

  bool next_member_follows() const {
    return stream_.avail_in >= 2 && stream_.next_in[0] == 0x1F && stream_.next_in[1] == 0x8B;
  }

  static constexpr std::size_t kMinGrowth = std::size_t{1} << 16;
  static constexpr std::size_t kChunk = std::size_t{1} << 24;
  const fs::path& path_;
  z_stream stream_{};
  std::size_t produced_ = 0;
};

// The file's IDX bytes, decompressed when it is gzip.
Bytes read_file_bytes(const fs::path& path) {
  Bytes raw = read_raw_file(path);
  if (!is_gzip(raw)) return raw;
  return Gunzip(path).run(raw);
}

const char* idx_type_name(std::uint32_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "16-bit integer";
    case 0x0C:
      return "32-bit integer";
    case 0x0D:
      return "float";
    case 0x0E:
      return "double";
    default:
      return "unknown";
  }
}

// What a magic number denotes, in words, for "found X" messages.
std::string describe_magic(std::uint32_t magic, const Bytes& bytes) {
  if (magic == kIdxImagesMagic) return hex32(magic) + " (an IDX image file)";
  if (magic == kIdxLabelsMagic) return hex32(magic) + " (an IDX label file)";
  if ((magic >> 16) == 0) {
    const std::uint32_t type = (magic >> 8) & 0xFF;
    return hex32(magic) + " (IDX data of " + idx_type_name(type) + " elements with " +
           std::to_string(magic & 0xFF) + " dimensions; only unsigned bytes are supported)";
  }
  const bool text = std::all_of(bytes.begin(), bytes.begin() + 4,
                                [](std::uint8_t c) { return std::isprint(c) || std::isspace(c); });
  return hex32(magic) + (text ? " (looks like text, e.g. an error page saved in place of the data)"
                              : " (not an IDX file)");
}

[[noreturn]] void fail_short_header(const fs::path& path, std::size_t size, const IdxKind& kind) {
  fail(path, "truncated header: file has only " + std::to_string(size) + " bytes, an IDX " +
                 kind.noun + " header needs " + std::to_string(kind.header_bytes));
}

void check_magic(const fs::path& path, const Bytes& bytes, const IdxKind& kind) {
  if (bytes.empty()) fail(path, "file is empty, expected an IDX " + std::string(kind.noun));
  if (bytes.size() < 4) fail_short_header(path, bytes.size(), kind);
  const std::uint32_t magic = read_be32(bytes, 0);
  if (magic == kind.magic) return;
  std::string message = "wrong magic number: found " + describe_magic(magic, bytes) +
                        ", expected " + hex32(kind.magic) + " for an IDX " + kind.noun;
  if (magic == kind.other) {
    message += std::string("; this is an IDX ") + kind.other_noun +
               ", were the image and label files swapped?";
  }
  fail(path, message);
}

// The header's dimensions (count, then rows and cols for images), unchecked.
std::vector<std::uint32_t> header_dims(const fs::path& path, const Bytes& bytes,
                                       const IdxKind& kind) {
  if (bytes.size() < kind.header_bytes) fail_short_header(path, bytes.size(), kind);
  std::vector<std::uint32_t> dims;
  for (std::size_t offset = 4; offset < kind.header_bytes; offset += 4) {
    dims.push_back(read_be32(bytes, offset));
  }
  return dims;
}

// "60000 images of 28x28 pixels" or "60000 labels".
std::string describe_shape(const std::vector<std::uint32_t>& dims, const IdxKind& kind) {
  std::string text = std::to_string(dims[0]) + " " + kind.items;
  if (dims.size() == 3) {
    text += " of " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]) + " pixels";
  }
  return text;
}

// Bytes of data the header promises; rejects zero dimensions and totals over kMaxDataBytes.
std::uint64_t checked_data_bytes(const fs::path& path, const std::vector<std::uint32_t>& dims,
                                 const IdxKind& kind) {
  static constexpr const char* kDimNames[] = {"count", "rows", "cols"};
  std::uint64_t total = 1;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 0) {
      fail(path, std::string("header gives ") + kDimNames[d] + " = 0 (" +
                     describe_shape(dims, kind) + "); an IDX " + kind.noun +
                     " must hold at least one element in every dimension");
    }
    if (dims[d] > kMaxDataBytes / total) {
      fail(path, "header gives absurd dimensions (" + describe_shape(dims, kind) + "): more than " +
                     std::to_string(kMaxDataBytes) + " bytes of data; the header is corrupt");
    }
    total *= dims[d];
  }
  return total;
}

void check_data_size(const fs::path& path, const Bytes& bytes, const IdxKind& kind,
                     std::uint64_t data_bytes, const std::string& shape) {
  const std::uint64_t found = bytes.size() - kind.header_bytes;
  if (found == data_bytes) return;
  const std::string expected = "header says " + shape + " = " + std::to_string(data_bytes) +
                               " bytes after the " + std::to_string(kind.header_bytes) +
                               "-byte header";
  if (found < data_bytes) {
    fail(path, "truncated data: " + expected + ", but the file has only " + std::to_string(found) +
                   " (" + std::to_string(data_bytes - found) +
                   " missing); the file is incomplete, e.g. from an interrupted download");
  }
  fail(path, "size mismatch: " + expected + ", but the file has " + std::to_string(found) + " (" +
                 std::to_string(found - data_bytes) +
                 " bytes of trailing garbage); the file or its header is corrupt");
}

// An IDX file's bytes (header still in front) and its header dimensions.
struct CheckedIdx {
  Bytes bytes;
  std::vector<int> dims;
};

// Reads, decompresses and validates a file of `kind`.
CheckedIdx load_checked(const fs::path& path, const IdxKind& kind) {
  Bytes bytes = read_file_bytes(path);
  check_magic(path, bytes, kind);
  const std::vector<std::uint32_t> dims = header_dims(path, bytes, kind);
  const std::uint64_t data_bytes = checked_data_bytes(path, dims, kind);
  check_data_size(path, bytes, kind, data_bytes, describe_shape(dims, kind));
  return {std::move(bytes), std::vector<int>(dims.begin(), dims.end())};  // each <= INT32_MAX
}

// The counts must be positive and the total small enough for a reader to accept.
void check_writable_dims(const fs::path& path, std::initializer_list<std::uint64_t> dims) {
  std::uint64_t total = 1;
  for (const std::uint64_t value : dims) {
    if (value == 0) fail(path, "cannot write an IDX file with a zero dimension");
    if (value > kMaxDataBytes / total) {
      fail(path, "cannot write more than " + std::to_string(kMaxDataBytes) + " bytes of IDX data");
    }
    total *= value;
  }
}

}  // namespace

IdxImages read_idx_images(const fs::path& path) {
  CheckedIdx idx = load_checked(path, kImagesKind);
  idx.bytes.erase(idx.bytes.begin(), idx.bytes.begin() + kImagesHeaderBytes);
  return IdxImages{idx.dims[0], idx.dims[1], idx.dims[2], std::move(idx.bytes)};
}

std::vector<std::uint8_t> read_idx_labels(const fs::path& path) {
  CheckedIdx idx = load_checked(path, kLabelsKind);
  idx.bytes.erase(idx.bytes.begin(), idx.bytes.begin() + kLabelsHeaderBytes);
  return std::move(idx.bytes);
}

Dataset load_idx_dataset(const fs::path& images, const fs::path& labels) {
  IdxImages image_data = read_idx_images(images);
  std::vector<std::uint8_t> label_data = read_idx_labels(labels);
  if (label_data.size() != static_cast<std::size_t>(image_data.count)) {
    throw Error("label count does not match image count: " + images.string() + " has " +
                std::to_string(image_data.count) + " images but " + labels.string() + " has " +
                std::to_string(label_data.size()) +
                " labels; use the label file of the same split (train with train, t10k with "
                "t10k)");
  }
  Dataset data;
  data.rows = image_data.rows;
  data.cols = image_data.cols;
  data.pixels = std::move(image_data.pixels);
  data.labels = std::move(label_data);
  return data;
}

void write_idx_images(const fs::path& path, const IdxImages& images) {
  if (images.count < 0 || images.rows < 0 || images.cols < 0) {
    fail(path, "cannot write images with a negative count, rows or cols");
  }
  const std::uint64_t count = static_cast<std::uint64_t>(images.count);
  const std::uint64_t rows = static_cast<std::uint64_t>(images.rows);
  const std::uint64_t cols = static_cast<std::uint64_t>(images.cols);
  check_writable_dims(path, {count, rows, cols});
  if (images.pixels.size() != count * rows * cols) {
    fail(path, "cannot write images: pixels holds " + std::to_string(images.pixels.size()) +
                   " bytes, but count x rows x cols = " + std::to_string(count * rows * cols));
  }
  std::string out;
  out.reserve(kImagesHeaderBytes + images.pixels.size());
  append_be32(out, kIdxImagesMagic);
  append_be32(out, static_cast<std::uint32_t>(count));
  append_be32(out, static_cast<std::uint32_t>(rows));
  append_be32(out, static_cast<std::uint32_t>(cols));
  out.append(images.pixels.begin(), images.pixels.end());
  write_file_atomically(path, out);
}

void write_idx_labels(const fs::path& path, std::span<const std::uint8_t> labels) {
  check_writable_dims(path, {labels.size()});
  std::string out;
  out.reserve(kLabelsHeaderBytes + labels.size());
  append_be32(out, kIdxLabelsMagic);
  append_be32(out, static_cast<std::uint32_t>(labels.size()));
  out.append(labels.begin(), labels.end());
  write_file_atomically(path, out);
}

}  // namespace spikeae
