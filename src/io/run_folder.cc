#include "spikeae/run_folder.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/atomic_file.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLockName = ".spikeae.lock";

std::string reason(int error) { return std::strerror(error); }

// The pid written in a lock file, for the message that names the owner.
std::string lock_owner(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return "";
  std::string_view owner(text, static_cast<std::size_t>(n));
  while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.remove_suffix(1);
  return " (pid " + std::string(owner) + ")";
}

int take_lock(const fs::path& folder) {
  const fs::path path = folder / kLockName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    throw Error(path.string() + ": cannot create the run folder's lock: " + reason(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string owner = lock_owner(fd);
    ::close(fd);
    if (error == EWOULDBLOCK) {
      throw Error(folder.string() + " is in use by another spikeae run" + owner +
                  ": wait for it to finish, or give another output folder");
    }
    throw Error(path.string() + ": cannot lock the run folder: " + reason(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid only improves another process's message; the lock itself holds.
  }
  return fd;
}

bool process_is_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

std::vector<std::string> run_files_in(const fs::path& folder) {
  std::vector<std::string> present;
  for (const std::string_view name : kRunFiles) {
    std::error_code ec;
    if (fs::exists(folder / name, ec)) present.emplace_back(name);
  }
  return present;
}

std::string list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void remove_run_files(const fs::path& folder, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::error_code ec;
    fs::remove(folder / name, ec);
    if (ec)
      throw Error((folder / name).string() +
                  ": cannot remove the earlier run's file: " + ec.message());
  }
}

// What `mode` allows when the folder already holds run files.
void apply_mode(const fs::path& folder, RunFolderMode mode) {
  const std::vector<std::string> present = run_files_in(folder);
  if (present.empty()) return;
  const bool resumable = fs::exists(folder / kCheckpointFile);
  switch (mode) {
    case RunFolderMode::kOverwrite:
      return;  // removed by clear_earlier_run, once the new run is ready to start
    case RunFolderMode::kResume:
      if (resumable) return;
      throw Error(folder.string() + " holds a run without a checkpoint (" + list(present) +
                  "): it cannot be resumed; replace it with --overwrite (overwrite=True in "
                  "Python), or give another folder");
    case RunFolderMode::kNew:
      throw Error(folder.string() + " already holds a run (" + list(present) +
                  "): continue it with --resume, replace it with --overwrite (overwrite=True "
                  "in Python), or give another output folder");
  }
}

}  // namespace

std::size_t remove_stale_temporary_files(const fs::path& folder) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    const long pid = temporary_file_owner(entry.path().filename().string());
    if (pid == 0 || !process_is_gone(pid)) continue;
    std::error_code remove_ec;
    if (fs::remove(entry.path(), remove_ec)) ++removed;
  }
  return removed;
}

RunFolder::RunFolder(const fs::path& folder, RunFolderMode mode) : folder_(folder), mode_(mode) {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) throw Error(folder_.string() + ": cannot create the output folder: " + ec.message());
  if (!fs::is_directory(folder_, ec)) throw Error(folder_.string() + " is not a folder");
  lock_fd_ = take_lock(folder_);
  try {
    stale_removed_ = remove_stale_temporary_files(folder_);
    apply_mode(folder_, mode);
  } catch (...) {
    ::close(lock_fd_);
    throw;
  }
}

RunFolder::~RunFolder() {
  // Closing the descriptor releases the lock; the lock file stays (removing it would race).
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void RunFolder::clear_earlier_run() {
  if (mode_ == RunFolderMode::kOverwrite) remove_run_files(folder_, run_files_in(folder_));
}

bool RunFolder::has_checkpoint() const {
  std::error_code ec;
  return fs::exists(folder_ / kCheckpointFile, ec);
}

}  // namespace spikeae
