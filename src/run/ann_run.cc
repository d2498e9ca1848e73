// The run protocol for the dense baseline (include/spikeae/ann_run.h).
#include "spikeae/ann_run.h"

#include <utility>

#include "run/run_sets.h"

namespace spikeae {

AnnRunOutcome run_ann_training(const AnnRunSpec& spec, RunData data,
                               const AnnCallbacks& callbacks) {
  const AnnOptions& options = spec.start.options;
  validate(options);
  const RunSets<AnnExampleSet> sets = make_run_sets(
      split_run_data(std::move(data), spec.split, options.seed), options.seed,
      [&options](const Dataset& images, std::uint64_t noise_seed) {
        return make_ann_example_set(images, options.encoding, noise_seed, 0, options.threads);
      });
  AnnRunOutcome outcome{train_ann(spec.start, sets.train, sets.validation, callbacks)};
  if (outcome.result.best_epoch > 0 && sets.test.size() > 0) {
    outcome.test_loss = evaluate_ann_loss(outcome.result.best_model, sets.test, options.threads);
  }
  return outcome;
}

}  // namespace spikeae
