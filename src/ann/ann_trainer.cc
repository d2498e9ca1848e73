#include "spikeae/ann_trainer.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <string>

#include "ann/ann_kernels.h"
#include "engine/cpu/thread_pool.h"
#include "optim/sharded_adam.h"
#include "spikeae/adam.h"
#include "spikeae/error.h"
#include "train/training_common.h"

namespace spikeae {
namespace {

using Clock = TrainingClock;

// Copies examples `indices` of `set` into the workspace's first rows.
void load_rows(const AnnExampleSet& set, std::span<const std::size_t> indices, ann::Workspace& ws) {
  const std::size_t width = set.pixels;
  for (std::size_t r = 0; r < indices.size(); ++r) {
    std::copy_n(set.inputs.data() + indices[r] * width, width, ws.inputs.data() + r * width);
    std::copy_n(set.targets.data() + indices[r] * width, width, ws.targets.data() + r * width);
  }
}

void check_compatible(const AnnModel& model, const AnnExampleSet& set, const char* name) {
  if (set.size() > 0 && set.pixels != static_cast<std::size_t>(model.inputs)) {
    throw Error(std::string(name) + " images have " + std::to_string(set.pixels) +
                " pixels but the ANN has " + std::to_string(model.inputs) + " inputs");
  }
}

std::vector<ann::Workspace> make_workspaces(const AnnModel& model, int count, std::size_t rows) {
  std::vector<ann::Workspace> workspaces;
  for (int w = 0; w < count; ++w) workspaces.emplace_back(model, rows);
  return workspaces;
}

// Adam moments for the four parameter arrays.
struct AnnAdamState {
  std::int64_t step = 0;
  AnnGradients m, v;
};

std::vector<AdamBlock> adam_blocks(double learning_rate, AnnModel& model, AnnAdamState& state,
                                   std::vector<AnnGradients>& shards) {
  using Member = std::vector<double> AnnGradients::*;
  const std::array<std::pair<std::vector<double>*, Member>, 4> arrays = {{
      {&model.w1, &AnnGradients::w1},
      {&model.b1, &AnnGradients::b1},
      {&model.w2, &AnnGradients::w2},
      {&model.b2, &AnnGradients::b2},
  }};
  std::vector<AdamBlock> blocks;
  for (const auto& [values, member] : arrays) {
    AdamBlock block{learning_rate, *values, state.m.*member, state.v.*member, {}, false};
    for (AnnGradients& shard : shards) block.shard_gradients.push_back((shard.*member).data());
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// Optimiser steps on `model`: the batch is cut into fixed shards whose gradient
// sums are added in shard order (thread-count independent), as the spiking trainer does.
class AnnStepper {
 public:
  AnnStepper(AnnModel& model, ThreadPool& pool)
      : model_(model),
        pool_(pool),
        n_shards_(static_cast<std::size_t>(
            std::min(model.options.gradient_shards, model.options.batch_size))),
        workspaces_(make_workspaces(model, pool.size(), max_shard_rows())),
        shards_(n_shards_, make_ann_gradients(model)),
        adam_state_{0, make_ann_gradients(model), make_ann_gradients(model)},
        adam_(adam_options(), adam_state_.step,
              adam_blocks(model.options.learning_rate, model, adam_state_, shards_)) {}

  void step(const AnnExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) {
    const std::size_t n_shards = std::min(n_shards_, batch.size());
    pool_.run(n_shards, [&](std::size_t s, int w) {
      const std::size_t begin = s * batch.size() / n_shards;
      const std::size_t rows = (s + 1) * batch.size() / n_shards - begin;
      ann::Workspace& ws = workspaces_[w];
      load_rows(set, batch.subspan(begin, rows), ws);
      ann::forward_rows(model_, ws, rows);
      ann::row_losses(ws, rows, losses.subspan(begin, rows));
      ann::backward_rows(model_, ws, rows, shards_[s]);
    });
    adam_.step(1.0 / static_cast<double>(batch.size()), pool_);
  }

 private:
  std::size_t max_shard_rows() const {
    const auto batch = static_cast<std::size_t>(model_.options.batch_size);
    return (batch + n_shards_ - 1) / n_shards_;
  }
  AdamOptions adam_options() const {
    AdamOptions options;  // the usual Adam of dense networks (docs/model.md section 7)
    options.learning_rate = model_.options.learning_rate;
    options.epsilon = 1e-7;
    options.epsilon_inside_sqrt = false;
    return options;
  }

  AnnModel& model_;
  ThreadPool& pool_;
  std::size_t n_shards_;
  std::vector<ann::Workspace> workspaces_;
  std::vector<AnnGradients> shards_;  // zero between steps (unused ones stay zero)
  AnnAdamState adam_state_;
  ShardedAdam adam_;
};

// Trains one epoch; false when stop_requested ended it early.
bool run_epoch(int epoch, const AnnOptions& options, const AnnExampleSet& train_set,
               AnnStepper& stepper, const AnnCallbacks& callbacks, std::vector<double>& losses) {
  const std::vector<std::size_t> order = epoch_order(train_set.size(), options.seed, epoch);
  losses.resize(order.size());
  const auto batch_size = static_cast<std::size_t>(options.batch_size);
  for (std::size_t position = 0; position < order.size(); position += batch_size) {
    if (callbacks.stop_requested && callbacks.stop_requested()) return false;
    const std::size_t count = std::min(batch_size, order.size() - position);
    stepper.step(train_set, std::span(order).subspan(position, count),
                 std::span(losses).subspan(position, count));
  }
  return true;
}

// Every example's loss, on a pool the caller keeps (training validates every epoch).
void pool_losses(const AnnModel& model, const AnnExampleSet& set, ThreadPool& pool,
                 std::span<double> losses) {
  check_shapes(model);
  check_compatible(model, set, "evaluation");
  constexpr std::size_t kChunk = 64;
  std::vector<ann::Workspace> workspaces = make_workspaces(model, pool.size(), kChunk);
  std::vector<std::size_t> indices(set.size());
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  pool.run((set.size() + kChunk - 1) / kChunk, [&](std::size_t chunk, int w) {
    const std::size_t begin = chunk * kChunk;
    const std::size_t rows = std::min(set.size(), begin + kChunk) - begin;
    load_rows(set, std::span(indices).subspan(begin, rows), workspaces[w]);
    ann::forward_rows(model, workspaces[w], rows);
    ann::row_losses(workspaces[w], rows, losses.subspan(begin, rows));
  });
}

double pool_mean_loss(const AnnModel& model, const AnnExampleSet& set, ThreadPool& pool) {
  std::vector<double> losses(set.size());
  pool_losses(model, set, pool, losses);
  return ordered_mean(losses);
}

}  // namespace

AnnExampleSet make_ann_example_set(const Dataset& images, const EncodingOptions& encoding,
                                   std::uint64_t noise_seed, std::size_t first_index) {
  AnnExampleSet set;
  set.pixels = images.pixels_per_image();
  set.inputs.resize(images.size() * set.pixels);
  set.targets.resize(images.size() * set.pixels);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::span<const std::uint8_t> image = images.image(i);
    encode_image_values(image, encoding, noise_seed, first_index + i,
                        std::span(set.inputs).subspan(i * set.pixels, set.pixels));
    for (std::size_t k = 0; k < set.pixels; ++k) {
      set.targets[i * set.pixels + k] = pixel_time(image[k], encoding.inverted);
    }
  }
  return set;
}

void ann_losses(const AnnModel& model, const AnnExampleSet& set, int threads,
                std::span<double> losses) {
  ThreadPool pool(threads);
  pool_losses(model, set, pool, losses);
}

double evaluate_ann_loss(const AnnModel& model, const AnnExampleSet& set, int threads) {
  ThreadPool pool(threads);
  return pool_mean_loss(model, set, pool);
}

AnnTrainResult train_ann(AnnModel model, const AnnExampleSet& train_set,
                         const AnnExampleSet& validation_set, const AnnCallbacks& callbacks) {
  validate(model.options);
  check_shapes(model);
  check_compatible(model, train_set, "training");
  check_compatible(model, validation_set, "validation");
  if (train_set.size() == 0) throw Error("the training set is empty");
  const AnnOptions& options = model.options;
  ThreadPool pool(options.threads);
  AnnStepper stepper(model, pool);
  AnnTrainResult result;
  result.best_model = model;
  std::vector<double> losses;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = Clock::now();
    if (!run_epoch(epoch, options, train_set, stepper, callbacks, losses)) {
      result.stopped = true;
      break;
    }
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.seconds = seconds_since(start);
    metrics.examples_per_second = losses.size() / std::max(metrics.seconds, 1e-9);
    metrics.train_loss = ordered_mean(losses);
    metrics.validation_loss = validation_set.size() > 0
                                  ? pool_mean_loss(model, validation_set, pool)
                                  : metrics.train_loss;
    metrics.best = metrics.validation_loss < result.best_validation_loss;
    if (metrics.best) {
      result.best_model = model;
      result.best_epoch = epoch;
      result.best_validation_loss = metrics.validation_loss;
    }
    result.history.push_back(metrics);
    if (callbacks.on_epoch) callbacks.on_epoch(metrics, model);
  }
  result.final_model = std::move(model);
  return result;
}

}  // namespace spikeae
