// Training the dense baseline with the spiking trainer's protocol: the same split,
// per-epoch shuffle, fixed gradient shards and best-validation model
// (docs/model.md sections 4 and 7). Reports through callbacks; never prints.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <vector>

#include "spikeae/ann.h"
#include "spikeae/dataset.h"
#include "spikeae/encoding.h"
#include "spikeae/trainer.h"

namespace spikeae {

// Noisy inputs x' (what the spiking network encodes, 1 for "no spike") and the
// clean targets x, row-major (size, pixels).
struct AnnExampleSet {
  std::size_t pixels = 0;
  std::vector<double> inputs;
  std::vector<double> targets;

  std::size_t size() const { return pixels == 0 ? 0 : targets.size() / pixels; }
};

// Image i gets the noise of (noise_seed, first_index + i), as encode_dataset gives it,
// whatever the number of threads (0: all hardware threads).
AnnExampleSet make_ann_example_set(const Dataset& images, const EncodingOptions& encoding,
                                   std::uint64_t noise_seed, std::size_t first_index = 0,
                                   int threads = 1);

// Every example's loss (mean over pixels of (output - target)^2) into `losses`, on
// `threads` threads (0: all hardware threads).
void ann_losses(const AnnModel& model, const AnnExampleSet& set, int threads,
                std::span<double> losses);
// Their mean, summed in index order (the same for any thread count).
double evaluate_ann_loss(const AnnModel& model, const AnnExampleSet& set, int threads);

struct AnnCallbacks {
  // After validation, with the model as it is at the end of the epoch.
  std::function<void(const EpochMetrics&, const AnnModel&)> on_epoch;
  std::function<bool()> stop_requested;  // checked between batches
};

struct AnnTrainResult {
  AnnModel final_model;
  AnnModel best_model;
  int best_epoch = 0;  // 0: no epoch completed
  double best_validation_loss = std::numeric_limits<double>::infinity();
  std::vector<EpochMetrics> history;
  bool stopped = false;  // stop_requested ended training early
};

// Trains `model` for model.options.epochs epochs with its options (Adam from rest).
AnnTrainResult train_ann(AnnModel model, const AnnExampleSet& train_set,
                         const AnnExampleSet& validation_set, const AnnCallbacks& callbacks = {});

}  // namespace spikeae
