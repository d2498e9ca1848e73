#include "engine/cpu/batch_stepper.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <thread>

#include "engine/cpu/backward.h"
#include "engine/cpu/forward.h"
#include "engine/cpu/thread_choice.h"
#include "engine/input_train.h"
#include "optim/sharded_adam.h"
#include "spikeae/loss.h"
#include "spikeae/trainer.h"

namespace spikeae {
namespace {

// Examples of a batch held at once (about 100 KB each for the README network).
constexpr int kMaxSlots = 64;

// One example of a batch, kept from the first phase of a step to the last.
struct ExampleSlot {
  ForwardState forward;
  std::vector<double> targets;       // target spike times of the outputs
  std::vector<double> output_delta;  // error of every output neuron
  std::vector<double> block_delta;   // [block][input]: error each output block sends back

  ExampleSlot(const Network& network, std::size_t blocks)
      : forward(make_forward_state(network)),
        targets(network.n_outputs()),
        output_delta(network.n_outputs()),
        block_delta(blocks * network.fan_in(network.num_connections() - 1)) {}
};

// Scratch of one thread.
struct StepWorker {
  LayerScratch scratch;
  BackwardState backward;
  std::vector<double> input_delta;  // error of the output layer's inputs, all blocks added

  explicit StepWorker(const Network& network)
      : scratch(block_width(network.n_post(network.num_connections() - 1))),
        backward(make_backward_state(network)),
        input_delta(network.fan_in(network.num_connections() - 1)) {}
};

// The pool runs solo (ThreadChoice) while one lives, and with all threads again
// after it, whatever a step threw: the pool also serves evaluation.
class SoloScope {
 public:
  SoloScope(ThreadPool& pool, bool solo) : pool_(pool) { pool_.set_solo(solo); }
  ~SoloScope() { pool_.set_solo(false); }
  SoloScope(const SoloScope&) = delete;
  SoloScope& operator=(const SoloScope&) = delete;

 private:
  ThreadPool& pool_;
};

// Optimiser steps of one run on `state` (docs/performance.md): a step runs
// three rounds of tasks, (1) each example's layers below the output layer,
// (2) the output layer in fixed blocks of neurons, one task per (block, shard)
// taking the shard's examples in order, forward and backward; the last task of
// a block in the last chunk also takes the Adam update of the block's weights,
// while they are in its cache, (3) per shard, each example's loss and the
// layers below; then Adam for the other parameters. The three rounds share one
// pool round, each task waiting for the tasks it needs. The batch is cut into fixed
// shards whose gradient sums are added in shard order, and the blocks' errors
// are added in block order, so results do not depend on the number of threads.
class BatchStepper final : public TrainingStepper {
 public:
  BatchStepper(TrainingState& state, const TrainingConfig& config, ThreadPool& pool)
      : config_(config),
        pool_(pool),
        state_(state),
        last_(state.network.num_connections() - 1),
        // The blocks of forward() and backward(), so the step gives their bits.
        block_width_(block_width(state.network.n_post(last_))),
        blocks_((state.network.n_post(last_) + block_width_ - 1) / block_width_),
        shards_(config.train.gradient_shards, make_gradients(state.network)),
        adam_(config.adam, state.network, state.adam, shards_),
        pending_shards_(blocks_),
        pending_examples_(shards_.size()),
        pending_blocks_(shards_.size()),
        thread_choice_(pool.size() > 1) {
    const int slots = std::min(config.train.batch_size, kMaxSlots);
    for (int i = 0; i < slots; ++i) slots_.emplace_back(state.network, blocks_);
    for (int w = 0; w < pool.size(); ++w) workers_.emplace_back(state.network);
    output_tasks_.reserve(blocks_ * shards_.size());
    shard_order_.reserve(shards_.size());
    lower_tasks_.reserve(slots_.size());
  }

  void step(const ExampleSet& set, std::span<const std::size_t> batch,
            std::span<double> losses) override {
    // Examples go through in chunks of at most slots_.size(), so that a large batch
    // needs no more memory; each shard still takes its examples in order.
    const auto start = std::chrono::steady_clock::now();
    {
      const SoloScope solo(pool_, thread_choice_.solo());
      adam_.begin_step(1.0 / static_cast<double>(batch.size()));
      for (std::size_t begin = 0; begin < batch.size(); begin += slots_.size()) {
        run_chunk(set, batch, begin, std::min(batch.size(), begin + slots_.size()), losses);
      }
      adam_.finish_step(pool_, ShardedAdam::weight_block(last_));
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    thread_choice_.record(took.count(), batch.size());
  }

 private:
  // The three rounds for examples batch[begin, end), in one pool round. The pool
  // hands out tasks in index order: first every example's round 1, then the
  // block tasks of round 2 (in diagonals), then each shard's round 3. A task
  // waits only for tasks taken before it (a block task for its shard's
  // examples, a shard's round 3 for its block tasks), so a thread done early
  // with one round starts on the next instead of waiting for the slowest task.
  void run_chunk(const ExampleSet& set, std::span<const std::size_t> batch, std::size_t begin,
                 std::size_t end, std::span<double> losses) {
    const std::size_t count = batch.size();
    const std::size_t n_shards = std::min<std::size_t>(shards_.size(), count);
    const bool last_chunk = end == count;
    for (auto& pending : pending_shards_) pending.store(n_shards, std::memory_order_relaxed);
    for (auto& pending : pending_blocks_) pending.store(blocks_, std::memory_order_relaxed);
    task_failed_.store(false, std::memory_order_relaxed);
    order_output_tasks(count, n_shards, begin, end);
    order_lower_tasks(count, n_shards, begin, end);
    for (std::size_t s = 0; s < n_shards; ++s) {
      const auto [first, last] = shard_examples(s, count, n_shards, begin, end);
      pending_examples_[s].store(last - first, std::memory_order_relaxed);
    }
    const std::size_t n_lower = lower_tasks_.size(), n_output = output_tasks_.size();
    pool_.run(n_lower + n_output + n_shards, [&](std::size_t task, int w) {
      try {
        if (task < n_lower) {
          run_lower_task(set, batch, begin, task);
        } else if (task < n_lower + n_output) {
          run_output_task(count, n_shards, begin, end, last_chunk, task - n_lower, w);
        } else {
          // Round 3 takes the shards in shard_order_, the order in which round
          // 2's last turn finishes them.
          const std::size_t s = shard_order_[task - n_lower - n_output];
          const auto [first, last] = shard_examples(s, count, n_shards, begin, end);
          if (!wait_until_zero(pending_blocks_[s])) return;
          run_shard_lower_backward(s, first, last, begin, losses, w);
        }
      } catch (...) {
        task_failed_.store(true, std::memory_order_release);  // releases the waiting tasks
        throw;
      }
    });
  }

  // Round 2, one (block, shard) task: the shard's examples in order through the
  // block, once round 1 has finished them.
  void run_output_task(std::size_t count, std::size_t n_shards, std::size_t begin, std::size_t end,
                       bool last_chunk, std::size_t task, int w) {
    const auto [block, s] = output_tasks_[task];
    const auto [first, last] = shard_examples(s, count, n_shards, begin, end);
    if (!wait_until_zero(pending_examples_[s])) return;
    for (std::size_t i = first; i < last; ++i) {
      run_output_block(block, slots_[i - begin], shards_[s], workers_[w]);
    }
    pending_blocks_[s].fetch_sub(1, std::memory_order_acq_rel);
    // The block's gradient is complete once all its shards are done (acquire:
    // the other shards' sums are visible).
    if (last_chunk && pending_shards_[block].fetch_sub(1, std::memory_order_acq_rel) == 1) {
      update_output_weights(block);
    }
  }

  // Round 3 for shard s: each example's loss and the layers below the output
  // layer, in order. It reads and writes no memory that round 2's tasks (Adam
  // on the output weights included) still touch.
  void run_shard_lower_backward(std::size_t s, std::size_t first, std::size_t last,
                                std::size_t begin, std::span<double> losses, int w) {
    for (std::size_t i = first; i < last; ++i) {
      const ExampleSlot& slot = slots_[i - begin];
      losses[i] =
          reconstruction_loss(slot.forward.output_times(), slot.targets, config_.loss.latency);
      backpropagate_lower_layers(state_.network, slot, shards_[s], workers_[w]);
    }
  }

  // The (block, shard) tasks of round 2 in diagonals: in turn r, the i-th shard
  // (by examples, most first) takes block (i + r) mod blocks. Tasks that run at
  // once then write different shards' gradients: two blocks of one shard write
  // the two halves of the same rows, whose lines the cores then pass back and
  // forth (docs/performance.md). On two threads, each keeps one block and takes
  // one task of each shard, so they finish together.
  void order_output_tasks(std::size_t count, std::size_t n_shards, std::size_t begin,
                          std::size_t end) {
    const auto examples = [&](std::size_t s) {
      const auto [first, last] = shard_examples(s, count, n_shards, begin, end);
      return last - first;
    };
    shard_order_.resize(n_shards);
    std::iota(shard_order_.begin(), shard_order_.end(), std::size_t{0});
    std::stable_sort(shard_order_.begin(), shard_order_.end(),
                     [&](std::size_t x, std::size_t y) { return examples(x) > examples(y); });
    output_tasks_.clear();
    for (std::size_t turn = 0; turn < blocks_; ++turn) {
      for (std::size_t i = 0; i < n_shards; ++i) {
        output_tasks_.emplace_back((i + turn) % blocks_, shard_order_[i]);
      }
    }
  }

  // Round 1's tasks: the chunk's examples (batch indices), shard by shard in
  // shard_order_, the order in which round 2's first turn needs them.
  void order_lower_tasks(std::size_t count, std::size_t n_shards, std::size_t begin,
                         std::size_t end) {
    lower_tasks_.clear();
    for (const std::size_t s : shard_order_) {
      const auto [first, last] = shard_examples(s, count, n_shards, begin, end);
      for (std::size_t i = first; i < last; ++i) lower_tasks_.emplace_back(i, s);
    }
  }

  // Round 1 for one example, then counts it off for its shard's block tasks.
  void run_lower_task(const ExampleSet& set, std::span<const std::size_t> batch, std::size_t begin,
                      std::size_t task) {
    const auto [i, s] = lower_tasks_[task];
    run_lower_layers(set, batch[i], slots_[i - begin]);
    pending_examples_[s].fetch_sub(1, std::memory_order_release);
  }

  // Polls until `pending` reaches zero (acquire: the work it counted is
  // visible); false if a task failed.
  bool wait_until_zero(const std::atomic<std::size_t>& pending) const {
    for (int poll = 0; pending.load(std::memory_order_acquire) != 0; ++poll) {
      if (task_failed_.load(std::memory_order_acquire)) return false;
      // Then give the core away: the thread we wait for may be waiting for it.
      if (poll < kPollRounds) {
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
    return true;
  }

  // The output neurons [first, end) of a block.
  std::pair<std::size_t, std::size_t> block_neurons(std::size_t block) const {
    const std::size_t first = block * block_width_;
    return {first, std::min(first + block_width_, std::size_t(state_.network.n_post(last_)))};
  }

  // Examples of shard s (of a batch of `count`) within the chunk [begin, end);
  // an empty range (first == last) when the shard has none there.
  static std::pair<std::size_t, std::size_t> shard_examples(std::size_t s, std::size_t count,
                                                            std::size_t n_shards, std::size_t begin,
                                                            std::size_t end) {
    const std::size_t first = std::max(begin, s * count / n_shards);
    return {first, std::max(first, std::min(end, (s + 1) * count / n_shards))};
  }

  void run_lower_layers(const ExampleSet& set, std::size_t example, ExampleSlot& slot) const {
    const auto [sources, times] = input_train(set, example);
    forward_to_last_connection(state_.network, sources, times, slot.forward);
    target_times(set, example, slot.targets);
  }

  // Forward and backward pass of one block of output neurons for one example.
  void run_output_block(std::size_t block, ExampleSlot& slot, Gradients& gradients,
                        StepWorker& worker) const {
    const Network& network = state_.network;
    const auto [first, end] = block_neurons(block);
    const std::size_t n = end - first;
    fire_neurons(network, last_, first, n, slot.forward, worker.scratch);
    const std::span<const double> output_times = slot.forward.output_times();
    output_deltas(output_times.subspan(first, n), std::span(slot.targets).subspan(first, n),
                  config_.loss.latency, std::span(slot.output_delta).subspan(first, n));
    const std::size_t fan_in = network.fan_in(last_);
    const std::span<double> block_delta =
        std::span(slot.block_delta).subspan(block * fan_in, fan_in);
    std::fill(block_delta.begin(), block_delta.end(), 0.0);
    backpropagate_neurons(network, last_, slot.forward, slot.output_delta, config_.loss, first, n,
                          gradients, worker.backward.terms, block_delta);
  }

  // Adam on the output weights of one block: its columns of every input's row.
  // The blocks' updates often run at once, so each starts at its own row: two
  // cores never write the two halves of one row together (order changes no bits).
  void update_output_weights(std::size_t block) const {
    const std::size_t n_post = state_.network.n_post(last_);
    const auto rows = static_cast<std::size_t>(state_.network.fan_in(last_));
    const auto [first, end] = block_neurons(block);
    for (std::size_t k = 0, row = block * rows / blocks_; k < rows; ++k, row = (row + 1) % rows) {
      adam_.update(ShardedAdam::weight_block(last_), row * n_post + first, row * n_post + end);
    }
  }

  // Adds the blocks' errors in block order, then runs the layers below.
  void backpropagate_lower_layers(const Network& network, const ExampleSlot& slot,
                                  Gradients& gradients, StepWorker& worker) const {
    std::vector<double>& input_delta = worker.input_delta;
    std::fill(input_delta.begin(), input_delta.end(), 0.0);
    for (std::size_t block = 0; block < blocks_; ++block) {
      const double* delta = slot.block_delta.data() + block * input_delta.size();
      for (std::size_t k = 0; k < input_delta.size(); ++k) input_delta[k] += delta[k];
    }
    add_pulse_gradients(network, last_, input_delta, gradients);
    backward_below(network, last_, slot.forward, input_delta, config_.loss, gradients,
                   worker.backward);
  }

  const TrainingConfig& config_;
  ThreadPool& pool_;
  TrainingState& state_;
  int last_;                 // the output layer's connection
  std::size_t block_width_;  // output neurons per block
  std::size_t blocks_;
  std::vector<ExampleSlot> slots_;
  std::vector<StepWorker> workers_;
  std::vector<Gradients> shards_;  // zero between steps (unused ones stay zero)
  ShardedAdam adam_;
  std::vector<std::atomic<std::size_t>> pending_shards_;  // [block]: shard tasks still running
  std::vector<std::pair<std::size_t, std::size_t>> output_tasks_;  // round 2: (block, shard)
  // Shards by examples, most first: the order of rounds 1 and 3 and of each turn of round 2.
  std::vector<std::size_t> shard_order_;
  std::vector<std::pair<std::size_t, std::size_t>> lower_tasks_;  // round 1: (example, shard)
  std::vector<std::atomic<std::size_t>> pending_examples_;  // [shard]: round 1 tasks still running
  std::vector<std::atomic<std::size_t>> pending_blocks_;    // [shard]: round 2 tasks still running
  std::atomic<bool> task_failed_{false};
  ThreadChoice thread_choice_;  // all threads or the caller alone, by measured speed
};

}  // namespace

std::unique_ptr<TrainingStepper> make_batch_stepper(TrainingState& state,
                                                    const TrainingConfig& config,
                                                    ThreadPool& pool) {
  return std::make_unique<BatchStepper>(state, config, pool);
}

}  // namespace spikeae
