// Everything that defines a training run, grouped by concern. The CLI, preset
// rows and the Python package all fill these same structs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "spikeae/adam.h"
#include "spikeae/encoding.h"
#include "spikeae/loss.h"
#include "spikeae/network.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

struct TrainOptions {
  int epochs = 1;
  int batch_size = 7;       // examples per Adam step; >= 1
  int threads = 0;          // 0: all hardware threads; results do not depend on it
  int gradient_shards = 2;  // batch split into this many fixed partial sums (determinism)
  std::uint64_t seed = 1;   // weights, noise, split and shuffling all derive from it
};

// Training length of spikeae train and spikeae.fit when not given (the library's
// TrainOptions keeps 1 epoch for callers that train directly).
inline constexpr int kDefaultRunEpochs = 20;

// The deepest stack a run, a model file or a checkpoint may hold.
inline constexpr int kMaxLayers = 64;

// The full description of a model's training: stored in model files with the weights.
struct TrainingConfig {
  Architecture architecture;
  NeuronParams neuron;
  InitOptions init;
  EncodingOptions encoding;
  LossOptions loss;
  AdamOptions adam;
  TrainOptions train;
};

// Throws Error naming the first option outside its accepted range (or not finite).
void validate(const TrainingConfig& config);

// The kind named "alpha" or "exponential"; throws Error naming both for any other name.
NeuronKind parse_neuron_kind(std::string_view name);

}  // namespace spikeae
