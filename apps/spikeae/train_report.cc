#include "train_report.h"

#include <cstdio>

#include "interrupts.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/threads.h"

namespace spikeae::cli {
namespace {

void warn_if_plateau(const RunOutcome& outcome) {
  if (!outcome.summary.plateau) return;
  const std::string advice = mean_image_plateau_advice(outcome.result.best_validation_loss,
                                                       outcome.summary.mean_image_loss);
  std::fprintf(stderr, "warning: %s\n", advice.c_str());
}

}  // namespace

RunCallbacks terminal_callbacks(const std::string& out, bool test_every_epoch,
                                std::optional<ProgressPrinter>& printer) {
  RunCallbacks callbacks;
  callbacks.on_start = [out, &printer](const RunStart& start) {
    print_start(start, out);
    printer.emplace(stdout, start.config.train.epochs);
  };
  callbacks.on_progress = [&printer](const Progress& p) { printer->update(p); };
  callbacks.on_epoch = [test_every_epoch, &printer](const EpochMetrics& m, const Network&,
                                                    double test_loss) {
    printer->epoch_done(m);
    if (test_every_epoch) std::printf("  test loss after epoch %d: %.5f\n", m.epoch, test_loss);
  };
  callbacks.stop_requested = interrupt_requested;
  return callbacks;
}

void print_start(const RunStart& start, const std::string& out) {
  const TrainingConfig& config = start.config;
  const std::string sizes = format_layer_sizes(config.architecture.layer_sizes);
  const std::vector<LayerSpec>& specs = config.architecture.connections;
  const std::string layers = specs.empty() ? "" : " (" + layer_specs_text(specs) + ")";
  std::printf("spikeae train: %s%s with %d pulses per layer, %zu parameters\n", sizes.c_str(),
              layers.c_str(), config.architecture.n_pulses, start.network.parameter_count());
  std::printf("data: %zu training, %zu validation, %zu test images; noise %g, latency %g, %s\n",
              start.train.size(), start.validation.size(), start.test.size(),
              config.encoding.noise_factor, config.loss.latency,
              config.encoding.inverted ? "inverted encoding" : "non-inverted encoding");
  std::printf("training: %d epochs, batch %d, %d threads, seed %llu\n", config.train.epochs,
              config.train.batch_size, resolve_thread_count(config.train.threads),
              static_cast<unsigned long long>(config.train.seed));
  if (start.stale_files_removed > 0) {
    std::printf("removed %zu temporary file(s) left in %s by stopped runs\n",
                start.stale_files_removed, out.c_str());
  }
  if (start.resumed_epoch > 0 || start.resumed_position > 0) {
    std::printf("resuming after epoch %d (+%zu examples) from %s/%s, to epoch %d\n",
                start.resumed_epoch, start.resumed_position, out.c_str(),
                std::string(kCheckpointFile).c_str(), config.train.epochs);
  }
  std::fflush(stdout);
}

void print_end(const RunOutcome& outcome, const std::string& out) {
  if (outcome.result.stopped) {
    std::printf("\ninterrupted: checkpoint saved; continue with --resume --out %s\n", out.c_str());
  }
  if (outcome.result.best_epoch == 0) throw Error("no epoch completed: nothing to save");
  std::printf("best epoch %d: validation loss %.5f, test loss %.5f\n", outcome.result.best_epoch,
              outcome.result.best_validation_loss, outcome.summary.test_loss);
  warn_if_plateau(outcome);
  std::string files;
  for (const std::string_view name : kRunFiles) {
    if (!files.empty()) files += ", ";
    files += name;
  }
  std::printf("wrote %s/{%s}\n", out.c_str(), files.c_str());
}

}  // namespace spikeae::cli
