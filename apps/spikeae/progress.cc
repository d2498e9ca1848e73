#include "progress.h"

#include <unistd.h>

#include <cmath>

namespace spikeae::cli {

std::string format_duration(double seconds) {
  const long total = std::lround(std::max(seconds, 0.0));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, total / 60 % 60);
  } else if (total >= 60) {
    std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lds", total);
  }
  return text;
}

ProgressPrinter::ProgressPrinter(std::FILE* out, int total_epochs)
    : out_(out), total_epochs_(total_epochs), terminal_(isatty(fileno(out)) != 0) {}

void ProgressPrinter::update(const Progress& p) {
  const double fraction = static_cast<double>(p.examples_done) / p.examples_total;
  const double rate = p.examples_done / std::max(p.seconds, 1e-9);
  const double eta = (p.examples_total - p.examples_done) / std::max(rate, 1e-9);
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(out_, "\repoch %d/%d [%s] %zu/%zu  %.0f ex/s  ETA %s  loss %.5f ", p.epoch,
                 total_epochs_, bar.c_str(), p.examples_done, p.examples_total, rate,
                 format_duration(eta).c_str(), p.mean_loss);
  } else if (p.seconds - last_line_seconds_ >= 10.0 && p.examples_done < p.examples_total) {
    // Logs and pipes get a line every ten seconds, not a carriage-return bar.
    last_line_seconds_ = p.seconds;
    std::fprintf(out_, "epoch %d/%d: %zu/%zu examples, %.0f ex/s, ETA %s, loss %.5f\n", p.epoch,
                 total_epochs_, p.examples_done, p.examples_total, rate,
                 format_duration(eta).c_str(), p.mean_loss);
  }
  std::fflush(out_);
}

void ProgressPrinter::epoch_done(const EpochMetrics& m) {
  if (terminal_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "epoch %d/%d: train loss %.5f, validation loss %.5f%s  (%.1f s, %.0f ex/s)\n",
               m.epoch, total_epochs_, m.train_loss, m.validation_loss, m.best ? " *best*" : "",
               m.seconds, m.examples_per_second);
  std::fflush(out_);
  last_line_seconds_ = -1e9;
}

}  // namespace spikeae::cli
