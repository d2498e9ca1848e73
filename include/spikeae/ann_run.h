// The dense baseline trained with the run protocol of run.h: the same split, noise
// seeds, per-epoch history and best-validation model, tested on the test images.
// It writes no run folder; front ends save the baseline's model themselves.
#pragma once

#include <limits>

#include "spikeae/ann_trainer.h"
#include "spikeae/run.h"

namespace spikeae {

struct AnnRunSpec {
  AnnModel start;  // trained with its own options (make_ann_model for a new one)
  SplitOptions split;
};

struct AnnRunOutcome {
  AnnTrainResult result;
  // Of result.best_model on the test images; NaN without test images or epochs.
  double test_loss = std::numeric_limits<double>::quiet_NaN();
};

// Splits data.training_file (seeded by the model's seed), encodes every set with its
// own noise seed, trains and tests the best-validation model. Throws Error on bad
// options, split sizes or image sizes.
AnnRunOutcome run_ann_training(const AnnRunSpec& spec, RunData data,
                               const AnnCallbacks& callbacks = {});

}  // namespace spikeae
