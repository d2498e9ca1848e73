// What a finished run folder holds, read back for the report (docs/robustness.md,
// "Run folders"): the epochs of metrics.jsonl, its closing summary, the
// hyperparameter table, the model and the reconstruction picture.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spikeae/metrics_log.h"
#include "spikeae/model_file.h"

namespace spikeae::report {

struct EpochRecord {
  EpochMetrics metrics;
  double test_loss = 0.0;  // NaN: not measured that epoch
};

struct RunRecord {
  std::vector<EpochRecord> epochs;
  std::optional<RunSummary> summary;  // absent while the run has not finished
  std::vector<std::pair<std::string, std::string>> hyperparameters;  // name, value
  SavedModel model;
  std::string picture_png;  // reconstructions.png's bytes; empty when there is none
};

// Reads `folder`; throws Error naming the folder and the file when it is missing,
// holds no finished run, or a file is damaged.
RunRecord read_run_record(const std::filesystem::path& folder);

// One line of metrics.jsonl as its fields (numbers; null as NaN; true/false as 1/0);
// throws Error naming `where` when the line is not a flat JSON object of those.
std::vector<std::pair<std::string, double>> parse_metrics_line(const std::string& line,
                                                               const std::string& where);

}  // namespace spikeae::report
