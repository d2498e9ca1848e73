// Crash-safe replacement: write a uniquely named sibling, fsync it, rename it over the target.
#include "spikeae/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "spikeae/error.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;

// Temporary files are named ".NAME" + kTempMarker + "PID-N" (temporary_file_owner reads it).
constexpr std::string_view kTempMarker = ".tmp-";

// Distinguishes temporary files of concurrent writers inside one process.
std::atomic<std::uint64_t> temp_counter{0};

[[noreturn]] void fail(const fs::path& path, const std::string& step, int error_number) {
  throw Error("cannot write " + path.string() + ": " + step + ": " + std::strerror(error_number));
}

// Folder that holds `path`; "." for a bare file name so the temporary stays beside it.
fs::path parent_folder(const fs::path& path) {
  const fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// The temporary file currently being written; removed on destruction unless committed.
class TempFile {
 public:
  explicit TempFile(const fs::path& target) : target_(target) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!name_.empty()) ::unlink(name_.c_str());
  }

  // Creates a new file with a name no other writer uses (O_EXCL guards against races).
  void create() {
    const std::string stem =
        (parent_folder(target_) / ("." + target_.filename().string())).string();
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string candidate = stem + std::string(kTempMarker) + std::to_string(::getpid()) + "-" +
                              std::to_string(temp_counter.fetch_add(1));
      // 0666 lets the umask decide the final permissions, as for any newly created file.
      const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        fd_ = fd;
        name_ = std::move(candidate);
        return;
      }
      if (errno != EEXIST) fail(target_, "cannot create temporary file " + candidate, errno);
    }
    fail(target_, "cannot find an unused temporary file name", EEXIST);
  }

  // Writes everything, retrying short writes and interrupted calls.
  void write_all(std::string_view bytes) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
      const ssize_t written = ::write(fd_, data, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        fail(target_, "write failed", errno);
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
  }

  // Makes the contents durable before the rename can expose them.
  void sync_and_close() {
    while (::fsync(fd_) != 0) {
      if (errno != EINTR) fail(target_, "fsync failed", errno);
    }
    const int fd = fd_;
    fd_ = -1;
    // A failing close can report a delayed write error (e.g. on network file systems).
    if (::close(fd) != 0 && errno != EINTR) fail(target_, "close failed", errno);
  }

  void rename_over_target() {
    if (std::rename(name_.c_str(), target_.c_str()) != 0) fail(target_, "rename failed", errno);
    name_.clear();  // the temporary name no longer exists
  }

 private:
  fs::path target_;
  std::string name_;
  int fd_ = -1;
};

// Persists the rename itself; best effort because some file systems refuse fsync on folders.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  if (!path.has_filename()) fail(path, "the path does not name a file", EINVAL);
  TempFile temp(path);
  temp.create();
  temp.write_all(bytes);
  temp.sync_and_close();
  temp.rename_over_target();
  sync_folder(parent_folder(path));
}

long temporary_file_owner(std::string_view file_name) {
  if (file_name.empty() || file_name.front() != '.') return 0;
  const std::size_t marker = file_name.rfind(kTempMarker);
  if (marker == std::string_view::npos) return 0;
  const char* first = file_name.data() + marker + kTempMarker.size();
  const char* last = file_name.data() + file_name.size();
  long pid = 0;
  const auto [end, ec] = std::from_chars(first, last, pid);
  if (ec != std::errc() || end == last || *end != '-' || pid <= 0) return 0;
  long counter = 0;
  const auto [counter_end, counter_ec] = std::from_chars(end + 1, last, counter);
  return counter_ec == std::errc() && counter_end == last ? pid : 0;
}

}  // namespace spikeae
