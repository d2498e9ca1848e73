#include "spikeae/metrics_log.h"

#include <cmath>
#include <cstdio>

#include "spikeae/atomic_file.h"

namespace spikeae {
namespace {

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string json_bool(bool value) { return value ? "true" : "false"; }

}  // namespace

MetricsLog::MetricsLog(std::filesystem::path path, const std::vector<EpochMetrics>& history)
    : path_(std::move(path)) {
  for (const EpochMetrics& m : history) add(m, std::nan(""));
}

void MetricsLog::add(const EpochMetrics& m, double test_loss) {
  lines_.push_back(
      "{\"epoch\":" + std::to_string(m.epoch) + ",\"train_loss\":" + json_number(m.train_loss) +
      ",\"validation_loss\":" + json_number(m.validation_loss) +
      ",\"test_loss\":" + json_number(test_loss) + ",\"seconds\":" + json_number(m.seconds) +
      ",\"examples_per_second\":" + json_number(m.examples_per_second) +
      ",\"best\":" + json_bool(m.best) + "}");
}

void MetricsLog::epoch(const EpochMetrics& metrics, double test_loss) {
  add(metrics, test_loss);
  write();
}

void MetricsLog::finish(const RunSummary& summary) {
  lines_.push_back("{\"test_loss\":" + json_number(summary.test_loss) +
                   ",\"best_epoch\":" + std::to_string(summary.best_epoch) +
                   ",\"mean_image_loss\":" + json_number(summary.mean_image_loss) +
                   ",\"plateau\":" + json_bool(summary.plateau) + "}");
  write();
}

void MetricsLog::write() const {
  std::string text;
  for (const std::string& line : lines_) text += line + "\n";
  write_file_atomically(path_, text);
}

}  // namespace spikeae
