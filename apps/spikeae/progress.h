// Training progress for people: a live bar on a terminal, plain lines otherwise.
#pragma once

#include <cstdio>
#include <string>

#include "spikeae/trainer.h"

namespace spikeae::cli {

class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* out, int total_epochs);
  void update(const Progress& progress);
  void epoch_done(const EpochMetrics& metrics);

 private:
  std::FILE* out_;
  int total_epochs_;
  bool terminal_;
  double last_line_seconds_ = -1e9;
};

// "1m05s", "42s"; for ETAs.
std::string format_duration(double seconds);

}  // namespace spikeae::cli
