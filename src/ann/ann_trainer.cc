#include "spikeae/ann_trainer.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <string>

#include "ann/ann_kernels.h"
#include "ann/ann_stack_train.h"
#include "engine/cpu/thread_pool.h"
#include "optim/sharded_adam.h"
#include "spikeae/adam.h"
#include "spikeae/error.h"
#include "train/training_common.h"

namespace spikeae {
namespace {

using Clock = TrainingClock;

// Copies examples `indices` of `set` into the buffers' first rows.
void load_rows(const AnnExampleSet& set, std::span<const std::size_t> indices,
               ann::BatchBuffers& buffers) {
  const std::size_t width = set.pixels;
  for (std::size_t r = 0; r < indices.size(); ++r) {
    std::copy_n(set.inputs.data() + indices[r] * width, width, buffers.inputs.data() + r * width);
    std::copy_n(set.targets.data() + indices[r] * width, width, buffers.targets.data() + r * width);
  }
}

void check_compatible(const AnnModel& model, const AnnExampleSet& set, const char* name) {
  if (set.size() > 0 && set.pixels != static_cast<std::size_t>(model.inputs)) {
    throw Error(std::string(name) + " images have " + std::to_string(set.pixels) +
                " pixels but the ANN has " + std::to_string(model.inputs) + " inputs");
  }
}

std::vector<ann::BatchBuffers> make_buffers(const AnnModel& model, int count, std::size_t rows) {
  std::vector<ann::BatchBuffers> buffers;
  for (int w = 0; w < count; ++w) buffers.emplace_back(model, rows);
  return buffers;
}

// Adam moments for the four parameter arrays.
struct AnnAdamState {
  std::int64_t step = 0;
  AnnGradients m, v;
};

// ShardedAdam's blocks, in this order. Their gradients are never stored (the
// stepper uses update_outer only), so they have no shard buffers.
enum ParameterArray : std::size_t { kW1, kB1, kW2, kB2 };

std::vector<AdamBlock> adam_blocks(double learning_rate, AnnModel& model, AnnAdamState& state) {
  using Member = std::vector<double> AnnGradients::*;
  const std::array<std::pair<std::vector<double>*, Member>, 4> arrays = {{
      {&model.w1, &AnnGradients::w1},
      {&model.b1, &AnnGradients::b1},
      {&model.w2, &AnnGradients::w2},
      {&model.b2, &AnnGradients::b2},
  }};
  std::vector<AdamBlock> blocks;
  for (const auto& [values, member] : arrays) {
    blocks.push_back({learning_rate, *values, state.m.*member, state.v.*member, {}, false});
  }
  return blocks;
}

// Rows [first, first + count) of w1 (count 0: b1), whose batch gradient one task
// computes and applies while it is still in cache.
struct HiddenTask {
  int first, count;
};

// Tasks of about kParametersPerTask parameters, so that threads share the work;
// the layout depends on the model's shape only.
std::vector<HiddenTask> hidden_tasks(const AnnModel& model) {
  constexpr int kParametersPerTask = 2048;
  const int per_task = std::max(1, kParametersPerTask / model.hidden());
  std::vector<HiddenTask> tasks;
  for (int first = 0; first < model.inputs; first += per_task) {
    tasks.push_back({first, std::min(per_task, model.inputs - first)});
  }
  tasks.push_back({0, 0});
  return tasks;
}

// Optimiser steps on `model`. The whole batch goes through each matrix product
// at once: the hidden layer, then the output layer in blocks of pixels that
// threads share, each block also computing and applying its part of the w2 and
// b2 update; then tasks that do the same for slices of w1 (and b1). No product's
// shape depends on the thread count, so neither do the results.
class AnnStepper {
 public:
  AnnStepper(AnnModel& model, ThreadPool& pool)
      : model_(model),
        pool_(pool),
        kernels_(ann::kernels()),
        buffers_(model, static_cast<std::size_t>(model.options.batch_size)),
        adam_state_{0, make_ann_gradients(model), make_ann_gradients(model)},
        adam_(adam_options(), adam_state_.step,
              adam_blocks(model.options.learning_rate, model, adam_state_)),
        hidden_tasks_(hidden_tasks(model)),
        output_blocks_(ann::column_blocks(model.outputs(), kOutputBlockWidth)),
        hidden_grad_parts_(output_blocks_.size() * buffers_.hidden_grad.size()),
        ones_(buffers_.capacity, 1.0) {
    for (std::size_t b = 0; b < output_blocks_.size(); ++b) {
      part_pointers_.push_back(hidden_grad_part(b));
    }
  }

  void step(const AnnExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) {
    const std::size_t rows = batch.size();
    load_rows(set, batch, buffers_);
    adam_.begin_step(1.0 / static_cast<double>(rows));
    kernels_.encode_columns(model_, buffers_, rows, 0, model_.hidden());
    pool_.run(output_blocks_.size(), [&](std::size_t b, int) { update_output_block(b, rows); });
    ann::row_losses(buffers_, rows, losses);
    kernels_.hidden_errors(model_, buffers_, rows, part_pointers_);
    pool_.run(hidden_tasks_.size(),
              [&](std::size_t t, int) { update_hidden_slice(hidden_tasks_[t], rows); });
  }

 private:
  double* hidden_grad_part(std::size_t block) {
    return hidden_grad_parts_.data() + block * buffers_.hidden_grad.size();
  }

  // Output pixels of one block: outputs, errors, the block's share of the hidden
  // error (from w2 before its update), then the Adam step of those columns of w2
  // (gradient row j: sum over the batch of hidden_j times the output error) and b2.
  void update_output_block(std::size_t b, std::size_t rows) {
    const auto [first, count] = output_blocks_[b];
    kernels_.decode_columns(model_, buffers_, rows, first, count, hidden_grad_part(b));
    const auto h = static_cast<std::size_t>(model_.hidden());
    const auto o = static_cast<std::size_t>(model_.outputs());
    const auto begin = static_cast<std::size_t>(first);
    const auto width = static_cast<std::size_t>(count);
    const double* errors = buffers_.output_grad.data() + begin;
    for (std::size_t j = 0; j < h; ++j) {
      adam_.update_outer(kW2, j * o + begin, width, buffers_.hidden.data() + j, h, errors, o, rows);
    }
    adam_.update_outer(kB2, begin, width, ones_.data(), 1, errors, o, rows);
  }

  // The Adam step of w1's rows [first, first + count) (row p's gradient: sum over
  // the batch of input p times the hidden error), or of b1 for count 0.
  void update_hidden_slice(const HiddenTask& task, std::size_t rows) {
    const auto h = static_cast<std::size_t>(model_.hidden());
    const auto i = static_cast<std::size_t>(model_.inputs);
    const double* errors = buffers_.hidden_grad.data();
    if (task.count == 0) {
      adam_.update_outer(kB1, 0, h, ones_.data(), 1, errors, h, rows);
      return;
    }
    const auto first = static_cast<std::size_t>(task.first);
    adam_.update_outer(kW1, first * h, h, buffers_.inputs.data() + first, i, errors, h, rows,
                       static_cast<std::size_t>(task.count));
  }

  AdamOptions adam_options() const {
    AdamOptions options;  // the usual Adam of dense networks (docs/model.md section 7)
    options.learning_rate = model_.options.learning_rate;
    options.epsilon = 1e-7;
    options.epsilon_inside_sqrt = false;
    return options;
  }

  // Output blocks of a quarter of a 784-pixel layer.
  static constexpr int kOutputBlockWidth = 256;

  AnnModel& model_;
  ThreadPool& pool_;
  const ann::Kernels& kernels_;
  ann::BatchBuffers buffers_;
  AnnAdamState adam_state_;
  ShardedAdam adam_;
  std::vector<HiddenTask> hidden_tasks_;
  std::vector<ann::ColumnBlock> output_blocks_;
  std::vector<double> hidden_grad_parts_;  // one (batch, hidden) part per output block
  std::vector<const double*> part_pointers_;
  std::vector<double> ones_;  // the coefficients of a bias gradient, one per example
};

// Trains one epoch; false when stop_requested ended it early.
template <class Stepper>
bool run_epoch(int epoch, const AnnOptions& options, const AnnExampleSet& train_set,
               Stepper& stepper, const AnnCallbacks& callbacks, std::vector<double>& losses) {
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
  if (model.is_stack()) {
    ann::stack_losses(model, set, pool, losses);
    return;
  }
  constexpr std::size_t kChunk = 64;
  std::vector<ann::BatchBuffers> buffers = make_buffers(model, pool.size(), kChunk);
  std::vector<std::size_t> indices(set.size());
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  const ann::Kernels& kernels = ann::kernels();
  pool.run((set.size() + kChunk - 1) / kChunk, [&](std::size_t chunk, int w) {
    const std::size_t begin = chunk * kChunk;
    const std::size_t rows = std::min(set.size(), begin + kChunk) - begin;
    load_rows(set, std::span(indices).subspan(begin, rows), buffers[w]);
    kernels.forward(model, buffers[w], rows);
    ann::row_losses(buffers[w], rows, losses.subspan(begin, rows));
  });
}

double pool_mean_loss(const AnnModel& model, const AnnExampleSet& set, ThreadPool& pool) {
  std::vector<double> losses(set.size());
  pool_losses(model, set, pool, losses);
  return ordered_mean(losses);
}

}  // namespace

AnnExampleSet make_ann_example_set(const Dataset& images, const EncodingOptions& encoding,
                                   std::uint64_t noise_seed, std::size_t first_index, int threads) {
  AnnExampleSet set;
  set.pixels = images.pixels_per_image();
  set.inputs.resize(images.size() * set.pixels);
  set.targets.resize(images.size() * set.pixels);
  // Each image has its own noise stream, so images can be encoded in any order.
  constexpr std::size_t kImagesPerTask = 256;
  ThreadPool pool(threads);
  pool.run((images.size() + kImagesPerTask - 1) / kImagesPerTask, [&](std::size_t task, int) {
    const std::size_t end = std::min(images.size(), (task + 1) * kImagesPerTask);
    for (std::size_t i = task * kImagesPerTask; i < end; ++i) {
      const std::span<const std::uint8_t> image = images.image(i);
      encode_image_values(image, encoding, noise_seed, first_index + i,
                          std::span(set.inputs).subspan(i * set.pixels, set.pixels));
      for (std::size_t k = 0; k < set.pixels; ++k) {
        set.targets[i * set.pixels + k] = pixel_time(image[k], encoding.inverted);
      }
    }
  });
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

namespace {

// The epochs of train_ann, with the stepper of the model's shape.
template <class Stepper>
AnnTrainResult train_epochs(AnnModel& model, Stepper& stepper, ThreadPool& pool,
                            const AnnExampleSet& train_set, const AnnExampleSet& validation_set,
                            const AnnCallbacks& callbacks) {
  const AnnOptions& options = model.options;
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
  return result;
}

}  // namespace

AnnTrainResult train_ann(AnnModel model, const AnnExampleSet& train_set,
                         const AnnExampleSet& validation_set, const AnnCallbacks& callbacks) {
  validate(model.options);
  check_shapes(model);
  check_compatible(model, train_set, "training");
  check_compatible(model, validation_set, "validation");
  if (train_set.size() == 0) throw Error("the training set is empty");
  ThreadPool pool(model.options.threads);
  AnnTrainResult result;
  if (model.is_stack()) {
    ann::StackStepper stepper(model, pool);
    result = train_epochs(model, stepper, pool, train_set, validation_set, callbacks);
  } else {
    AnnStepper stepper(model, pool);
    result = train_epochs(model, stepper, pool, train_set, validation_set, callbacks);
  }
  result.final_model = std::move(model);
  return result;
}

}  // namespace spikeae
