// Adam: the sharded, vectorised step (whole or in parts) against the
// straightforward adam_step (bit for bit) and both against the textbook update
// (docs/model.md section 4).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "optim/sharded_adam.h"
#include "spikeae/adam.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

Network small_network() { return make_network({{6, 5, 6}, 3, {}}, {0.2, 0.8}, {-1.0, 2.0}, 7); }

// Random gradients, with some large negative pulse gradients so that a step
// pushes pulse times below zero and the clamp acts.
Gradients random_gradients(const Network& network, Rng& rng) {
  Gradients g = make_gradients(network);
  for (auto& block : g.weights)
    for (double& x : block) x = rng.normal();
  for (auto& block : g.pulses)
    for (double& x : block) x = rng.uniform() < 0.5 ? 1e4 : rng.normal();
  return g;
}

// ((g0 + g1) + g2 ...) * scale, the order ShardedAdam adds shards in.
Gradients summed(const std::vector<Gradients>& shards, double scale) {
  Gradients total = shards[0];
  for (std::size_t s = 1; s < shards.size(); ++s) total.add(shards[s]);
  total.scale(scale);
  return total;
}

bool all_zero(const std::vector<Gradients>& shards) {
  for (const Gradients& shard : shards) {
    for (const auto& block : shard.weights)
      for (double x : block)
        if (x != 0.0) return false;
    for (const auto& block : shard.pulses)
      for (double x : block)
        if (x != 0.0) return false;
  }
  return true;
}

AdamOptions adam_options(double learning_rate, double learning_rate_pulses, bool epsilon_inside) {
  AdamOptions options;
  options.learning_rate = learning_rate;
  options.learning_rate_pulses = learning_rate_pulses;
  options.epsilon_inside_sqrt = epsilon_inside;
  return options;
}

// The step in parts: the output weights in three ranges, out of order, before the rest.
void step_in_parts(ShardedAdam& adam, double scale, std::size_t output_weights, ThreadPool& pool) {
  const std::size_t block = ShardedAdam::weight_block(1);
  adam.begin_step(scale);
  adam.update(block, output_weights / 2, output_weights);
  adam.update(block, 0, 3);
  adam.update(block, 3, output_weights / 2);
  adam.finish_step(pool, block);
}

void expect_sharded_equals_plain(int n_shards, int threads, bool epsilon_inside, bool in_parts) {
  const AdamOptions options = adam_options(0.05, 0.03, epsilon_inside);
  Network sharded_network = small_network();
  Network plain_network = sharded_network;
  AdamState sharded_state = make_adam_state(sharded_network);
  AdamState plain_state = sharded_state;
  std::vector<Gradients> shards(n_shards, make_gradients(sharded_network));
  ShardedAdam adam(options, sharded_network, sharded_state, shards);
  ThreadPool pool(threads);
  Rng rng(11);
  const double scale = 1.0 / 7.0;
  for (int step = 0; step < 5; ++step) {
    // Copied in place: ShardedAdam holds pointers into the shards' buffers.
    for (Gradients& shard : shards) {
      const Gradients fresh = random_gradients(sharded_network, rng);
      shard.weights = fresh.weights;
      shard.pulses = fresh.pulses;
    }
    const Gradients total = summed(shards, scale);
    if (in_parts) {
      step_in_parts(adam, scale, sharded_network.weights[1].size(), pool);
    } else {
      adam.step(scale, pool);
    }
    adam_step(options, total, plain_state, plain_network);
    ASSERT_TRUE(all_zero(shards)) << "shards are zeroed by the step";
  }
  EXPECT_EQ(sharded_network.weights, plain_network.weights);
  EXPECT_EQ(sharded_network.pulses, plain_network.pulses);
  EXPECT_EQ(sharded_state, plain_state);
}

TEST(AdamTest, ShardedStepEqualsPlainStepBitForBit) {
  for (int n_shards : {1, 2, 3}) {
    for (int threads : {1, 2}) {
      for (bool inside : {true, false}) {
        SCOPED_TRACE(testing::Message() << n_shards << " shards, " << threads << " threads, eps "
                                        << (inside ? "inside" : "outside"));
        expect_sharded_equals_plain(n_shards, threads, inside, false);
      }
    }
  }
}

TEST(AdamTest, StepInPartsEqualsPlainStepBitForBit) {
  for (int n_shards : {1, 2, 3}) {
    SCOPED_TRACE(testing::Message() << n_shards << " shards");
    expect_sharded_equals_plain(n_shards, 2, true, true);
  }
}

// The textbook form, bias corrections applied to m and v (docs/model.md section 4).
double textbook_update(double value, double& m, double& v, double g, int step, double lr,
                       const AdamOptions& o) {
  m = o.beta1 * m + (1 - o.beta1) * g;
  v = o.beta2 * v + (1 - o.beta2) * g * g;
  const double m_hat = m / (1 - std::pow(o.beta1, step));
  const double v_hat = v / (1 - std::pow(o.beta2, step));
  const double denominator =
      o.epsilon_inside_sqrt ? std::sqrt(v_hat + o.epsilon) : std::sqrt(v_hat) + o.epsilon;
  return value - lr * m_hat / denominator;
}

TEST(AdamTest, MatchesTheTextbookUpdateAndClampsPulses) {
  for (bool inside : {true, false}) {
    const AdamOptions options = adam_options(0.01, 0.5, inside);
    Network network = small_network();
    Network expected = network;
    AdamState state = make_adam_state(network);
    AdamState moments = state;
    Rng rng(5);
    for (int step = 1; step <= 4; ++step) {
      const Gradients g = random_gradients(network, rng);
      adam_step(options, g, state, network);
      for (std::size_t c = 0; c < expected.weights.size(); ++c) {
        for (std::size_t i = 0; i < expected.weights[c].size(); ++i) {
          expected.weights[c][i] = textbook_update(expected.weights[c][i], moments.weight_m[c][i],
                                                   moments.weight_v[c][i], g.weights[c][i], step,
                                                   options.learning_rate, options);
        }
        for (std::size_t i = 0; i < expected.pulses[c].size(); ++i) {
          const double p =
              textbook_update(expected.pulses[c][i], moments.pulse_m[c][i], moments.pulse_v[c][i],
                              g.pulses[c][i], step, options.learning_rate_pulses, options);
          expected.pulses[c][i] = p < 0.0 ? 0.0 : p;
        }
      }
    }
    int clamped = 0;
    for (std::size_t c = 0; c < expected.weights.size(); ++c) {
      for (std::size_t i = 0; i < expected.weights[c].size(); ++i) {
        EXPECT_NEAR(network.weights[c][i], expected.weights[c][i], 1e-13);
      }
      for (std::size_t i = 0; i < expected.pulses[c].size(); ++i) {
        EXPECT_NEAR(network.pulses[c][i], expected.pulses[c][i], 1e-13);
        EXPECT_GE(network.pulses[c][i], 0.0);
        clamped += network.pulses[c][i] == 0.0;
      }
    }
    EXPECT_GT(clamped, 0) << "the test should push some pulse below zero";
  }
}

}  // namespace
}  // namespace spikeae
