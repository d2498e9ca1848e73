#include "spikeae/run_files.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "spikeae/atomic_file.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/reconstruction_picture.h"
#include "spikeae/run_folder.h"

namespace spikeae {

RunSummary summarize_run(const TrainResult& result, const ExampleSet& test,
                         const ExampleSet& validation, double latency, Engine& engine) {
  RunSummary summary;
  summary.best_epoch = result.best_epoch;
  const bool trained = result.best_epoch > 0;
  // Without a completed epoch there is no best model to test (nothing is saved either).
  summary.test_loss = trained && test.size() > 0
                          ? evaluate_loss(result.best_network, test, latency, engine)
                          : std::numeric_limits<double>::quiet_NaN();
  summary.mean_image_loss = mean_image_loss(validation);
  summary.plateau =
      trained && on_mean_image_plateau(result.best_validation_loss, summary.mean_image_loss);
  return summary;
}

void write_run_files(const std::filesystem::path& folder, SavedModel model, const ExampleSet& test,
                     const RunSummary& summary, MetricsLog& log) {
  model.config.train.threads = 0;
  save_model(folder / kModelFile, model);
  if (test.size() > 0) {
    std::vector<std::size_t> shown(std::min<std::size_t>(10, test.size()));
    std::iota(shown.begin(), shown.end(), std::size_t{0});
    write_reconstruction_png(folder / kPictureFile, model.network, test, model.config.loss.latency,
                             shown);
  }
  write_file_atomically(folder / kHyperparameterFile,
                        format_hyperparameter_table({row_from_config(model.config)}));
  log.finish(summary);
}

}  // namespace spikeae
