// metrics.jsonl: one JSON object per completed epoch, then the test result. The
// whole file is rewritten atomically after each record, so it always describes
// the epochs of the checkpoint and model beside it, never a mix of two runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "spikeae/trainer.h"

namespace spikeae {

// What the end of a run says about it beside the test loss.
struct RunSummary {
  int best_epoch = 0;
  double test_loss = 0.0;
  double mean_image_loss = 0.0;  // of the validation set
  bool plateau = false;          // best validation loss not clearly below mean_image_loss
};

class MetricsLog {
 public:
  // Starts with the epochs already done (a resumed run); writes nothing yet.
  MetricsLog(std::filesystem::path path, const std::vector<EpochMetrics>& history);

  // test_loss NaN (not measured) is written as null.
  void epoch(const EpochMetrics& metrics, double test_loss);
  void finish(const RunSummary& summary);

 private:
  void add(const EpochMetrics& metrics, double test_loss);
  void write() const;

  std::filesystem::path path_;
  std::vector<std::string> lines_;
};

}  // namespace spikeae
