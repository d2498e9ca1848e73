// Checkpoints: round trip, bit-identical resumption (at an epoch boundary and
// mid-epoch), and refusal of damaged files.
#include <gtest/gtest.h>

#include <cstring>

#include "spikeae/checkpoint.h"
#include "spikeae/error.h"
#include "spikeae/random.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::same_bits;

struct Fixture {
  TrainingConfig config;
  ExampleSet train_set, validation_set;

  Fixture() {
    config.architecture = {{64, 10, 64}, 3, {}};
    config.init = {0.5, 3.0};
    config.encoding.noise_factor = 0.2;
    config.train = {4, 5, 2, 2, 9};
    train_set = make_example_set(testing::ink_blobs(48, 1), config.encoding, 2);
    validation_set = make_example_set(testing::ink_blobs(16, 3), config.encoding, 4);
  }
  Network initial() const {
    return make_network(config.architecture, config.neuron, config.init, config.train.seed);
  }
};

// Trains until stop_after_steps batches (or the end), returning the last checkpoint.
Checkpoint checkpoint_after(const Fixture& f, int epochs, int stop_after_steps) {
  TrainingConfig config = f.config;
  config.train.epochs = epochs;
  Checkpoint last{config, "blobs", {}};
  int steps = 0;
  TrainCallbacks callbacks;
  callbacks.stop_requested = [&] { return stop_after_steps >= 0 && steps++ >= stop_after_steps; };
  callbacks.on_checkpoint = [&](const TrainingState& state) { last.state = state; };
  train_network(f.initial(), config, f.train_set, f.validation_set, callbacks);
  return last;
}

TEST(Checkpoint, RoundTripsExactly) {
  const Fixture f;
  const Checkpoint original = checkpoint_after(f, 2, 13);  // mid-epoch 2
  ASSERT_EQ(original.state.epoch, 1);
  ASSERT_GT(original.state.position, 0u);
  const Checkpoint parsed = parse_checkpoint(serialize_checkpoint(original), "mem");
  EXPECT_TRUE(parsed.state == original.state);
  EXPECT_EQ(parsed.dataset, "blobs");
  EXPECT_EQ(parsed.config.train.seed, f.config.train.seed);
}

TEST(Checkpoint, ResumingGivesTheUninterruptedModelBitForBit) {
  const Fixture f;
  const TrainResult straight = train_network(f.initial(), f.config, f.train_set, f.validation_set);
  for (int stop_after : {9, 10, 17, 23}) {  // epoch boundary (48/5 -> 10 steps) and mid-epoch
    const Checkpoint saved = checkpoint_after(f, f.config.train.epochs, stop_after);
    const Checkpoint loaded = parse_checkpoint(serialize_checkpoint(saved), "mem");
    const TrainResult resumed =
        resume_training(loaded.state, f.config, f.train_set, f.validation_set);
    EXPECT_TRUE(same_bits(resumed.final_network, straight.final_network)) << stop_after;
    EXPECT_TRUE(same_bits(resumed.best_network, straight.best_network)) << stop_after;
    EXPECT_EQ(resumed.best_epoch, straight.best_epoch);
    ASSERT_EQ(resumed.history.size(), straight.history.size());
    for (std::size_t e = 0; e < straight.history.size(); ++e) {
      EXPECT_EQ(resumed.history[e].train_loss, straight.history[e].train_loss);
      EXPECT_EQ(resumed.history[e].validation_loss, straight.history[e].validation_loss);
    }
  }
}

std::string parse_error(const std::string& bytes) {
  try {
    parse_checkpoint(bytes, "run/checkpoint.spikeae");
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Checkpoint, RefusesDamagedData) {
  const Fixture f;
  const std::string good = serialize_checkpoint(checkpoint_after(f, 1, -1));
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  EXPECT_NE(parse_error(flipped).find("checksum mismatch"), std::string::npos);
  EXPECT_NE(parse_error(good.substr(0, good.size() - 7)).find("checksum"), std::string::npos);
  EXPECT_NE(parse_error(good.substr(0, 10)).find("run/checkpoint.spikeae"), std::string::npos);
  EXPECT_NE(parse_error("SPIKEAE\x1a" + good.substr(8)).find("not a spikeae checkpoint"),
            std::string::npos);
  std::string future = good;
  future[8] = 2;
  EXPECT_NE(parse_error(future).find("unsupported checkpoint format version 2"), std::string::npos);
}

TEST(Checkpoint, ResumeRefusesAPositionBeyondTheEpoch) {
  const Fixture f;
  Checkpoint saved = checkpoint_after(f, 2, 13);
  saved.state.position = 1000;
  saved.state.epoch_losses.resize(1000);
  EXPECT_THROW(resume_training(saved.state, f.config, f.train_set, f.validation_set), Error);
}

}  // namespace
}  // namespace spikeae
