// A run's output folder holds one run, owned by one process at a time
// (docs/robustness.md, "Run folders").
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

namespace spikeae {

// How a run may treat a folder that already holds run files.
enum class RunFolderMode {
  kNew,        // refuse a folder that holds another run
  kResume,     // continue the run whose checkpoint is there (or start one in an empty folder)
  kOverwrite,  // remove the other run's files, then start
};

// The files a run writes; a folder holding any of them holds a run.
inline constexpr std::string_view kModelFile = "model.spikeae";
inline constexpr std::string_view kMetricsFile = "metrics.jsonl";
inline constexpr std::string_view kPictureFile = "reconstructions.png";
inline constexpr std::string_view kHyperparameterFile = "hyperparameters.tsv";
inline constexpr std::string_view kCheckpointFile = "checkpoint.spikeae";
inline constexpr std::string_view kReportFile = "report.html";  // written by `spikeae train`
inline constexpr std::array<std::string_view, 6> kRunFiles = {
    kModelFile, kMetricsFile, kPictureFile, kHyperparameterFile, kCheckpointFile, kReportFile};

// Owns a run folder while it lives: creates the folder, takes an exclusive lock
// (released by the kernel even on SIGKILL), removes temporary files that dead
// processes left behind, and checks `mode` against the files of an earlier run.
// Throws Error, before any file is changed, when another process owns the folder
// or when the folder holds another run that `mode` does not allow to touch.
class RunFolder {
 public:
  RunFolder(const std::filesystem::path& folder, RunFolderMode mode);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // With kOverwrite, removes the earlier run's files; call it when the new run is
  // ready to start (options and data checked), so a failed start loses nothing.
  void clear_earlier_run();

  const std::filesystem::path& path() const { return folder_; }
  bool has_checkpoint() const;
  std::size_t stale_files_removed() const { return stale_removed_; }

 private:
  std::filesystem::path folder_;
  RunFolderMode mode_;
  int lock_fd_ = -1;
  std::size_t stale_removed_ = 0;
};

// Removes `.NAME.tmp-PID-N` files of processes that no longer run; returns how many.
std::size_t remove_stale_temporary_files(const std::filesystem::path& folder);

}  // namespace spikeae
