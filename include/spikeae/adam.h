// Adam optimiser, kept apart from the network so checkpoints can hold both
// (docs/model.md section 4: eps inside the square root).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "spikeae/network.h"

namespace spikeae {

struct AdamOptions {
  double learning_rate = 0.001676;         // weights; >= 0
  double learning_rate_pulses = 0.001441;  // pulse times; >= 0
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  // Where epsilon goes: inside sqrt(v_hat + eps), as the paper's spiking model was
  // tuned with (docs/model.md section 4), or outside, sqrt(v_hat) + eps, the usual
  // form (TensorFlow's, which the paper's ANN baseline used).
  bool epsilon_inside_sqrt = true;
};

// First and second moments for every weight and pulse, shaped like the network.
struct AdamState {
  std::int64_t step = 0;
  std::vector<std::vector<double>> weight_m, weight_v;
  std::vector<std::vector<double>> pulse_m, pulse_v;

  friend bool operator==(const AdamState&, const AdamState&) = default;
};

// Gradients shaped like the network (same layout as Network::weights / pulses).
struct Gradients {
  std::vector<std::vector<double>> weights;
  std::vector<std::vector<double>> pulses;

  void set_zero();
  void add(const Gradients& other);
  void scale(double factor);
};

Gradients make_gradients(const Network& network);
AdamState make_adam_state(const Network& network);

// One Adam step; pulse times are clamped to >= 0 afterwards.
void adam_step(const AdamOptions& options, const Gradients& gradients, AdamState& state,
               Network& network);

}  // namespace spikeae
