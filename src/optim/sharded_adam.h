// Adam over parameter ranges on a thread pool, with per-shard gradient buffers: the
// optimiser of the CPU engine's batch stepper and of the ANN baseline (internal).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/cpu/thread_pool.h"
#include "spikeae/adam.h"

namespace spikeae {

// One array of parameters for ShardedAdam: its values, Adam moments and one
// gradient buffer per shard, all of values.size() entries (no buffers for a
// block that only update_outer updates).
struct AdamBlock {
  double learning_rate = 0.0;
  std::span<double> values, m, v;
  std::vector<double*> shard_gradients;
  bool clamp_at_zero = false;  // e.g. pulse times stay >= 0
};

// Adam steps whose gradient is the scaled sum of per-shard gradient buffers
// (added in shard order), run over parameter ranges on a thread pool: element-wise,
// so the result does not depend on the pool's size. Holds pointers into the
// parameters, moments and shards, which must outlive it and keep their sizes; built
// once per run, so a step allocates nothing.
class ShardedAdam {
 public:
  ShardedAdam(const AdamOptions& options, Network& network, AdamState& state,
              std::vector<Gradients>& shards);
  // Any parameters (e.g. the dense baseline's); `step` counts the steps taken.
  ShardedAdam(const AdamOptions& options, std::int64_t& step, std::vector<AdamBlock> blocks);

  // One step with gradient scale * (shards[0] + shards[1] + ...); zeroes the shards.
  void step(double scale, ThreadPool& pool);

  // The same step in parts, so that parameters can be updated while their
  // gradients are still in cache: begin_step(), then update() on ranges whose
  // gradients are complete (from any thread, disjoint ranges), then
  // finish_step() on every block not already updated. Same bits as step().
  void begin_step(double scale);
  void update(std::size_t block, std::size_t begin, std::size_t end) const;
  void finish_step(ThreadPool& pool, std::size_t updated_block = kNoBlock);

  // Within a step (after begin_step), for blocks whose gradient is a batch's
  // outer product, computed here and never stored (nor its shards read): values
  // [begin, begin + repeats * count) of `block`, entry q * count + i with gradient
  // scale * sum_r coefficients[q + r * coefficient_stride] * rows[r * row_stride + i],
  // summed over r = 0 .. row_count - 1 in order.
  void update_outer(std::size_t block, std::size_t begin, std::size_t count,
                    const double* coefficients, std::size_t coefficient_stride, const double* rows,
                    std::size_t row_stride, std::size_t row_count, std::size_t repeats = 1) const;

  // Index of connection c's weights among the blocks of the network constructor.
  static std::size_t weight_block(int c) { return 2 * static_cast<std::size_t>(c); }
  static constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);

 private:
  struct Range {
    std::size_t block;
    std::size_t begin, end;
  };
  // What begin_step computes once per block for the updates of the step.
  struct StepScalars {
    double step_size = 0.0;      // learning_rate / (1 - beta1^step)
    double inverse_bias2 = 0.0;  // 1 / (1 - beta2^step)
  };

  AdamOptions options_;
  std::int64_t& step_;
  std::vector<AdamBlock> blocks_;
  std::vector<double*> zeros_of_block_;  // second gradient of a single-shard block, else null
  std::vector<Range> ranges_;
  std::vector<double> zeros_;         // the zeros of all single-shard blocks
  std::vector<StepScalars> scalars_;  // [block]
  double scale_ = 0.0;                // of the summed gradient, this step
};

}  // namespace spikeae
