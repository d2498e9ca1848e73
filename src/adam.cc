#include "spikeae/adam.h"

#include <algorithm>
#include <cmath>

#include "vector_clones.h"

namespace spikeae {
namespace {

using Blocks = std::vector<std::vector<double>>;

inline double adam_denominator(const AdamOptions& options, double v_hat) {
  return options.epsilon_inside_sqrt ? std::sqrt(v_hat + options.epsilon)
                                     : std::sqrt(v_hat) + options.epsilon;
}

Blocks zeros_like(const Blocks& blocks) {
  Blocks result;
  for (const auto& block : blocks) result.emplace_back(block.size(), 0.0);
  return result;
}

void adam_update(const AdamOptions& options, double learning_rate, double bias1, double bias2,
                 const std::vector<double>& gradient, std::vector<double>& m,
                 std::vector<double>& v, std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double g = gradient[i];
    m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g;
    v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g * g;
    values[i] -= learning_rate * (m[i] / bias1) / adam_denominator(options, v[i] / bias2);
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

// The Adam update over [begin, end) with gradient scale * (g0 + g1), g1 optional
// (nullptr); both are zeroed as they are read.
SPIKEAE_VECTOR_CLONES
void adam_range(const AdamOptions& options, double learning_rate, double bias1, double bias2,
                double scale, bool clamp_at_zero, double* __restrict g0, double* __restrict g1,
                double* __restrict m, double* __restrict v, double* __restrict values,
                std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const double g = (g1 != nullptr ? g0[i] + g1[i] : g0[i]) * scale;
    g0[i] = 0.0;
    if (g1 != nullptr) g1[i] = 0.0;
    m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g;
    v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g * g;
    values[i] -= learning_rate * (m[i] / bias1) / adam_denominator(options, v[i] / bias2);
    if (clamp_at_zero) values[i] = values[i] < 0.0 ? 0.0 : values[i];
  }
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
  constexpr std::size_t kChunk = 8192;  // parameters per task
  for (const AdamBlock& block : blocks_) {
    const std::size_t size = block.values.size();
    for (std::size_t begin = 0; begin < size; begin += kChunk) {
      ranges_.push_back({&block, begin, std::min(size, begin + kChunk)});
    }
  }
}

void ShardedAdam::step(double scale, ThreadPool& pool) {
  ++step_;
  const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(step_));
  const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(step_));
  pool.run(ranges_.size(), [&](std::size_t r, int) {
    const Range& range = ranges_[r];
    const AdamBlock& block = *range.block;
    // Shards are added in order, ((g0 + g1) + g2) + ..., the last one inside the update.
    const std::vector<double*>& shards = block.shard_gradients;
    for (std::size_t s = 1; s + 1 < shards.size(); ++s) {
      fold_shard(shards[0], shards[s], range.begin, range.end);
    }
    adam_range(options_, block.learning_rate, bias1, bias2, scale, block.clamp_at_zero, shards[0],
               shards.size() > 1 ? shards.back() : nullptr, block.m.data(), block.v.data(),
               block.values.data(), range.begin, range.end);
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
  const double bias1 = 1.0 - std::pow(options.beta1, static_cast<double>(state.step));
  const double bias2 = 1.0 - std::pow(options.beta2, static_cast<double>(state.step));
  for (std::size_t c = 0; c < network.weights.size(); ++c) {
    adam_update(options, options.learning_rate, bias1, bias2, gradients.weights[c],
                state.weight_m[c], state.weight_v[c], network.weights[c]);
    adam_update(options, options.learning_rate_pulses, bias1, bias2, gradients.pulses[c],
                state.pulse_m[c], state.pulse_v[c], network.pulses[c]);
    for (double& pulse : network.pulses[c]) pulse = std::max(pulse, 0.0);
  }
}

}  // namespace spikeae
