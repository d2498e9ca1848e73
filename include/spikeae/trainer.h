// Mini-batch training with data-parallel threads, validation every epoch and the
// best-validation model kept (docs/model.md section 4). Reports through callbacks;
// never prints.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/dataset.h"
#include "spikeae/encoding.h"
#include "spikeae/engine.h"
#include "spikeae/network.h"

namespace spikeae {

// Clean images (the targets) with their encoded, possibly noisy, input spike trains.
struct ExampleSet {
  Dataset images;
  EncodedSet inputs;
  bool inverted = true;  // how targets are read from the images

  std::size_t size() const { return images.size(); }
};

ExampleSet make_example_set(Dataset images, const EncodingOptions& encoding,
                            std::uint64_t noise_seed);

// Clean target times of image i (1 for silent pixels), written into `out`.
void target_times(const ExampleSet& set, std::size_t i, std::span<double> out);

// How the training file is divided into training and validation images.
struct SplitOptions {
  std::size_t train_size = 54000;
  std::size_t validation_size = 6000;
  bool shuffled = true;  // false: the first train_size images, then the next validation_size
};

struct TrainValidation {
  Dataset train;
  Dataset validation;
};

// Throws Error when the file holds fewer than train_size + validation_size images.
TrainValidation split_train_validation(const Dataset& training_file, const SplitOptions& options,
                                       std::uint64_t seed);

// The order of the training examples in epoch `epoch` (1-based): a function of
// (seed, epoch) only, so a run can resume mid-epoch without generator state.
std::vector<std::size_t> epoch_order(std::size_t size, std::uint64_t seed, int epoch);

struct Progress {
  int epoch = 0;                   // 1-based
  std::size_t examples_done = 0;   // in this epoch
  std::size_t examples_total = 0;  // in this epoch
  double seconds = 0.0;            // since the epoch started
  double mean_loss = 0.0;          // training loss of the examples done so far
};

struct EpochMetrics {
  int epoch = 0;
  double train_loss = 0.0;       // mean over the epoch's examples, as they were trained on
  double validation_loss = 0.0;  // after the epoch
  double seconds = 0.0;          // training time of the epoch (without validation)
  double examples_per_second = 0.0;
  bool best = false;  // lowest validation loss so far

  friend bool operator==(const EpochMetrics&, const EpochMetrics&) = default;
};

struct TrainingState;

struct TrainCallbacks {
  std::function<void(const Progress&)> on_progress;  // a few times per second
  // After validation, with the network as it is at the end of the epoch.
  std::function<void(const EpochMetrics&, const Network&)> on_epoch;
  std::function<bool()> stop_requested;  // checked between batches
  // After every epoch (before on_epoch), and when stop_requested ends a run
  // mid-epoch: what a checkpoint must hold.
  std::function<void(const TrainingState&)> on_checkpoint;
};

// Everything a run needs to continue bit for bit: the network, the optimiser, and
// where in which epoch it is. Shuffling and noise are derived from (seed, epoch),
// so no generator state is needed (docs/model.md section 4).
struct TrainingState {
  Network network;
  AdamState adam;
  int epoch = 0;                     // epochs completed
  std::size_t position = 0;          // examples done in epoch + 1 (0 at an epoch boundary)
  std::vector<double> epoch_losses;  // their losses, in training order
  Network best_network;              // lowest validation loss so far
  int best_epoch = 0;                // 0: no epoch completed
  double best_validation_loss = std::numeric_limits<double>::infinity();
  std::vector<EpochMetrics> history;

  friend bool operator==(const TrainingState&, const TrainingState&) = default;
};

// The state before the first step: a new network's optimiser at rest.
TrainingState start_training(Network network);

struct TrainResult {
  Network final_network;
  Network best_network;
  int best_epoch = 0;                 // 0: no epoch completed
  double best_validation_loss = 0.0;  // +inf when no epoch completed
  std::vector<EpochMetrics> history;
  bool stopped = false;  // stop_requested ended training early
};

// Mean reconstruction loss of `network` over `set` (deterministic for any pool size).
double evaluate_loss(const Network& network, const ExampleSet& set, double latency, Engine& engine);

// The loss of a network that outputs, for every example, the set's mean target
// image: what a run stuck on the mean-image plateau reaches (0 for an empty set).
double mean_image_loss(const ExampleSet& set);

// True when `loss` is not clearly below the mean-image loss (within 10% of it or
// above): the network reconstructs little more than the mean image.
bool on_mean_image_plateau(double loss, double mean_image);

// What a front end tells the user when a run ends on the plateau: both losses and
// what usually helps.
std::string mean_image_plateau_advice(double loss, double mean_image);

// Trains a new network built from config (weights from config.train.seed).
TrainResult train(const TrainingConfig& config, const ExampleSet& train_set,
                  const ExampleSet& validation_set, const TrainCallbacks& callbacks = {});

// Continues training `network` (used by train and by callers holding their own network).
TrainResult train_network(Network network, const TrainingConfig& config,
                          const ExampleSet& train_set, const ExampleSet& validation_set,
                          const TrainCallbacks& callbacks = {});

// Continues a run from `state` (a checkpoint) until config.train.epochs epochs are
// complete; the result is bit-identical to a run that was never interrupted. With an
// empty validation set the validation loss is NaN and the latest network is kept as
// the best (the CLI and spikeae.fit refuse such a split).
TrainResult resume_training(TrainingState state, const TrainingConfig& config,
                            const ExampleSet& train_set, const ExampleSet& validation_set,
                            const TrainCallbacks& callbacks = {});
// The same on a given engine (the functions above use the CPU engine with
// config.train.threads threads).
TrainResult resume_training(TrainingState state, const TrainingConfig& config,
                            const ExampleSet& train_set, const ExampleSet& validation_set,
                            const TrainCallbacks& callbacks, Engine& engine);

}  // namespace spikeae
