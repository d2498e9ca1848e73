#include "spikeae/adam.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/cpu/vector_clones.h"
#include "optim/sharded_adam.h"

namespace spikeae {
namespace {

using Blocks = std::vector<std::vector<double>>;

inline double adam_denominator(const AdamOptions& options, double v_hat) {
  return options.epsilon_inside_sqrt ? std::sqrt(v_hat + options.epsilon)
                                     : std::sqrt(v_hat) + options.epsilon;
}

// The bias corrections of step `step` folded into two scalars, so that an update
// costs one division and one square root (docs/model.md section 4):
// value -= step_size * m / denominator(v * inverse_bias2).
struct AdamScalars {
  double step_size;      // learning_rate / (1 - beta1^step)
  double inverse_bias2;  // 1 / (1 - beta2^step)
};

AdamScalars adam_scalars(const AdamOptions& options, double learning_rate, std::int64_t step) {
  const double bias1 = 1.0 - std::pow(options.beta1, static_cast<double>(step));
  const double bias2 = 1.0 - std::pow(options.beta2, static_cast<double>(step));
  return {learning_rate / bias1, 1.0 / bias2};
}

Blocks zeros_like(const Blocks& blocks) {
  Blocks result;
  for (const auto& block : blocks) result.emplace_back(block.size(), 0.0);
  return result;
}

void adam_update(const AdamOptions& options, AdamScalars scalars,
                 const std::vector<double>& gradient, std::vector<double>& m,
                 std::vector<double>& v, std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double g = gradient[i];
    m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g;
    v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g * g;
    values[i] -= scalars.step_size * m[i] / adam_denominator(options, v[i] * scalars.inverse_bias2);
  }
}

// shards[0] += shards[s] over [begin, end), zeroing shards[s].
SPIKEAE_VECTOR_CLONES
void fold_shard(double* __restrict first, double* __restrict other, std::size_t begin,
                std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    first[i] += other[i];
    other[i] = 0.0;
  }
}

// Everything one step of adam_range needs, chosen so that its loop has no
// branch and vectorises: eps is added both inside and outside the root, one of
// the two being 0 (adding 0 changes no bits), and the clamp is a max with 0 or -inf.
struct StepConstants {
  double beta1, one_minus_beta1, beta2, one_minus_beta2;
  AdamScalars scalars;
  double epsilon_inside, epsilon_outside;
  double floor;  // lowest value a parameter may take
  double scale;  // of the summed gradient
  // 0.0, but not a constant the compiler sees: the shards are zeroed by stores in
  // the vector loop instead of two memset calls after it (short ranges pay for calls).
  double zero;
};

StepConstants step_constants(const AdamOptions& options, const AdamBlock& block,
                             AdamScalars scalars, double scale) {
  const bool inside = options.epsilon_inside_sqrt;
  return {options.beta1,
          1.0 - options.beta1,
          options.beta2,
          1.0 - options.beta2,
          scalars,
          inside ? options.epsilon : 0.0,
          inside ? 0.0 : options.epsilon,
          block.clamp_at_zero ? 0.0 : -std::numeric_limits<double>::infinity(),
          scale,
          0.0};
}

// One parameter's Adam update from its scaled gradient g; the loops below inline
// it, so each is still one vector loop (same arithmetic as adam_update).
[[gnu::always_inline]] inline void adam_element(const StepConstants& c, double g, double& m,
                                                double& v, double& value) {
  const double m_i = c.beta1 * m + c.one_minus_beta1 * g;
  const double v_i = c.beta2 * v + c.one_minus_beta2 * g * g;
  m = m_i;
  v = v_i;
  const double denominator =
      std::sqrt(v_i * c.scalars.inverse_bias2 + c.epsilon_inside) + c.epsilon_outside;
  const double updated = value - c.scalars.step_size * m_i / denominator;
  value = updated < c.floor ? c.floor : updated;
}

// The Adam update over [begin, end) with gradient scale * (g0 + g1); both are
// zeroed as they are read.
SPIKEAE_VECTOR_CLONES
void adam_range(const StepConstants& k, double* __restrict g0, double* __restrict g1,
                double* __restrict m, double* __restrict v, double* __restrict values,
                std::size_t begin, std::size_t end) {
  const StepConstants c = k;  // a local copy: the stores below cannot alias it
  // Two vectors per iteration, so the loop's own instructions count half as often.
#pragma GCC unroll 2
  for (std::size_t i = begin; i < end; ++i) {
    const double g = (g0[i] + g1[i]) * c.scale;
    g0[i] = c.zero;
    g1[i] = c.zero;
    adam_element(c, g, m[i], v[i], values[i]);
  }
}

// g[q * count + i] = sum_r c[q + r * c_stride] * rows[r * row_stride + i] for q
// in [0, repeats), over r in order. Rows are added three per pass over g (still
// one after the other: the same bits as one per pass), so that g is loaded and
// stored less often.
SPIKEAE_VECTOR_CLONES
void outer_sum(const double* __restrict c, std::size_t c_stride, const double* __restrict rows,
               std::size_t row_stride, std::size_t row_count, double* __restrict g,
               std::size_t count, std::size_t repeats) {
  for (std::size_t q = 0; q < repeats; ++q, ++c, g += count) {
    for (std::size_t i = 0; i < count; ++i) g[i] = row_count > 0 ? c[0] * rows[i] : 0.0;
    std::size_t r = 1;
    for (; r + 3 <= row_count; r += 3) {
      const double c0 = c[r * c_stride], c1 = c[(r + 1) * c_stride], c2 = c[(r + 2) * c_stride];
      const double* row0 = rows + r * row_stride;
      const double* row1 = row0 + row_stride;
      const double* row2 = row1 + row_stride;
      for (std::size_t i = 0; i < count; ++i) {
        g[i] = ((g[i] + c0 * row0[i]) + c1 * row1[i]) + c2 * row2[i];
      }
    }
    for (; r < row_count; ++r) {
      const double c_r = c[r * c_stride];
      const double* row = rows + r * row_stride;
      for (std::size_t i = 0; i < count; ++i) g[i] += c_r * row[i];
    }
  }
}

// adam_range for a gradient that is neither zeroed nor paired with a second
// shard (g + 0 is g): the same bits as adam_range with a zero second shard.
SPIKEAE_VECTOR_CLONES
void adam_range_of(const StepConstants& k, const double* __restrict gradient, double* __restrict m,
                   double* __restrict v, double* __restrict values, std::size_t count) {
  const StepConstants c = k;
  for (std::size_t i = 0; i < count; ++i)
    adam_element(c, gradient[i] * c.scale, m[i], v[i], values[i]);
}

std::vector<AdamBlock> network_blocks(const AdamOptions& options, Network& network,
                                      AdamState& state, std::vector<Gradients>& shards) {
  std::vector<AdamBlock> blocks;
  for (std::size_t c = 0; c < network.weights.size(); ++c) {
    AdamBlock weights{
        options.learning_rate, network.weights[c], state.weight_m[c], state.weight_v[c], {}, false};
    AdamBlock pulses{options.learning_rate_pulses,
                     network.pulses[c],
                     state.pulse_m[c],
                     state.pulse_v[c],
                     {},
                     true};
    for (Gradients& shard : shards) {
      weights.shard_gradients.push_back(shard.weights[c].data());
      pulses.shard_gradients.push_back(shard.pulses[c].data());
    }
    blocks.push_back(std::move(weights));
    blocks.push_back(std::move(pulses));
  }
  return blocks;
}

}  // namespace

ShardedAdam::ShardedAdam(const AdamOptions& options, Network& network, AdamState& state,
                         std::vector<Gradients>& shards)
    : ShardedAdam(options, state.step, network_blocks(options, network, state, shards)) {}

ShardedAdam::ShardedAdam(const AdamOptions& options, std::int64_t& step,
                         std::vector<AdamBlock> blocks)
    : options_(options), step_(step), blocks_(std::move(blocks)) {
  constexpr std::size_t kChunk = 2048;  // parameters per task: small enough to balance threads
  scalars_.resize(blocks_.size());
  std::size_t single_shard_parameters = 0;
  for (const AdamBlock& block : blocks_) {
    if (block.shard_gradients.size() == 1) single_shard_parameters += block.values.size();
  }
  // Each single-shard block gets its own zeros: adam_range writes them (with 0).
  zeros_.assign(single_shard_parameters, 0.0);
  double* next_zeros = zeros_.data();
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const std::size_t size = blocks_[b].values.size();
    const bool single = blocks_[b].shard_gradients.size() == 1;
    zeros_of_block_.push_back(single ? next_zeros : nullptr);
    if (single) next_zeros += size;
    for (std::size_t begin = 0; begin < size; begin += kChunk) {
      ranges_.push_back({b, begin, std::min(size, begin + kChunk)});
    }
  }
}

void ShardedAdam::step(double scale, ThreadPool& pool) {
  begin_step(scale);
  finish_step(pool);
}

void ShardedAdam::begin_step(double scale) {
  ++step_;
  scale_ = scale;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const AdamScalars s = adam_scalars(options_, blocks_[b].learning_rate, step_);
    scalars_[b] = {s.step_size, s.inverse_bias2};
  }
}

void ShardedAdam::update(std::size_t b, std::size_t begin, std::size_t end) const {
  const AdamBlock& block = blocks_[b];
  // Shards are added in order, ((g0 + g1) + g2) + ..., the last one inside the
  // update; a single shard is paired with a buffer of zeros.
  const std::vector<double*>& shards = block.shard_gradients;
  for (std::size_t s = 1; s + 1 < shards.size(); ++s) fold_shard(shards[0], shards[s], begin, end);
  double* last = shards.size() > 1 ? shards.back() : zeros_of_block_[b];
  const StepScalars& step = scalars_[b];
  adam_range(step_constants(options_, block, {step.step_size, step.inverse_bias2}, scale_),
             shards[0], last, block.m.data(), block.v.data(), block.values.data(), begin, end);
}

void ShardedAdam::update_outer(std::size_t b, std::size_t begin, std::size_t count,
                               const double* coefficients, std::size_t coefficient_stride,
                               const double* rows, std::size_t row_stride, std::size_t row_count,
                               std::size_t repeats) const {
  // In pieces that stay in L1 between the two loops: whole repeats when they fit.
  constexpr std::size_t kPiece = 256;
  double gradient[kPiece];
  const AdamBlock& block = blocks_[b];
  const StepScalars& step = scalars_[b];
  const StepConstants constants =
      step_constants(options_, block, {step.step_size, step.inverse_bias2}, scale_);
  auto update_piece = [&](std::size_t at, std::size_t entries) {
    adam_range_of(constants, gradient, block.m.data() + at, block.v.data() + at,
                  block.values.data() + at, entries);
  };
  if (count <= kPiece) {
    const std::size_t per_piece = kPiece / count;
    for (std::size_t q = 0; q < repeats; q += per_piece) {
      const std::size_t n = std::min(per_piece, repeats - q);
      outer_sum(coefficients + q, coefficient_stride, rows, row_stride, row_count, gradient, count,
                n);
      update_piece(begin + q * count, n * count);
    }
    return;
  }
  for (std::size_t q = 0; q < repeats; ++q) {
    for (std::size_t done = 0; done < count; done += kPiece) {
      const std::size_t piece = std::min(kPiece, count - done);
      outer_sum(coefficients + q, coefficient_stride, rows + done, row_stride, row_count, gradient,
                piece, 1);
      update_piece(begin + q * count + done, piece);
    }
  }
}

void ShardedAdam::finish_step(ThreadPool& pool, std::size_t updated_block) {
  // A block's ranges are consecutive (constructor): the pool runs the others only.
  const auto skip_begin = std::partition_point(
      ranges_.begin(), ranges_.end(), [&](const Range& r) { return r.block < updated_block; });
  const auto skip_end = std::partition_point(
      skip_begin, ranges_.end(), [&](const Range& r) { return r.block == updated_block; });
  const auto first_skipped = static_cast<std::size_t>(skip_begin - ranges_.begin());
  const auto skipped = static_cast<std::size_t>(skip_end - skip_begin);
  pool.run(ranges_.size() - skipped, [&](std::size_t task, int) {
    const Range& range = ranges_[task < first_skipped ? task : task + skipped];
    update(range.block, range.begin, range.end);
  });
}

void Gradients::set_zero() {
  for (auto& block : weights) std::fill(block.begin(), block.end(), 0.0);
  for (auto& block : pulses) std::fill(block.begin(), block.end(), 0.0);
}

void Gradients::add(const Gradients& other) {
  for (std::size_t c = 0; c < weights.size(); ++c) {
    for (std::size_t i = 0; i < weights[c].size(); ++i) weights[c][i] += other.weights[c][i];
    for (std::size_t i = 0; i < pulses[c].size(); ++i) pulses[c][i] += other.pulses[c][i];
  }
}

void Gradients::scale(double factor) {
  for (auto& block : weights)
    for (double& g : block) g *= factor;
  for (auto& block : pulses)
    for (double& g : block) g *= factor;
}

Gradients make_gradients(const Network& network) {
  return {zeros_like(network.weights), zeros_like(network.pulses)};
}

AdamState make_adam_state(const Network& network) {
  return {0, zeros_like(network.weights), zeros_like(network.weights), zeros_like(network.pulses),
          zeros_like(network.pulses)};
}

void adam_step(const AdamOptions& options, const Gradients& gradients, AdamState& state,
               Network& network) {
  ++state.step;
  const AdamScalars weight_scalars = adam_scalars(options, options.learning_rate, state.step);
  const AdamScalars pulse_scalars = adam_scalars(options, options.learning_rate_pulses, state.step);
  for (std::size_t c = 0; c < network.weights.size(); ++c) {
    adam_update(options, weight_scalars, gradients.weights[c], state.weight_m[c], state.weight_v[c],
                network.weights[c]);
    adam_update(options, pulse_scalars, gradients.pulses[c], state.pulse_m[c], state.pulse_v[c],
                network.pulses[c]);
    for (double& pulse : network.pulses[c]) pulse = std::max(pulse, 0.0);
  }
}

}  // namespace spikeae
