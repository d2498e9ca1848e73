// The files a finished run leaves in its folder, written the same way by
// `spikeae train` and spikeae.fit (docs/robustness.md, "Run folders").
#pragma once

#include <filesystem>

#include "spikeae/metrics_log.h"
#include "spikeae/model_file.h"
#include "spikeae/trainer.h"

namespace spikeae {

// What the end of a run measured: the best model's test loss (NaN without test images
// or without a completed epoch) and the plateau check.
RunSummary summarize_run(const TrainResult& result, const ExampleSet& test,
                         const ExampleSet& validation, double latency, Engine& engine);

// Writes model.spikeae, reconstructions.png (the first ten test images; none without
// test images) and hyperparameters.tsv, then the log's last line, which vouches for
// them. `model.config.train.threads` is stored as 0, so files do not depend on it.
void write_run_files(const std::filesystem::path& folder, SavedModel model, const ExampleSet& test,
                     const RunSummary& summary, MetricsLog& log);

}  // namespace spikeae
