// The network as plain data: layer sizes, pulse times and contiguous weights
// (docs/model.md section 2). Forward and backward passes are free functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "spikeae/layer_spec.h"
#include "spikeae/neuron_params.h"

namespace spikeae {

// Layer sizes from input to output, e.g. {784, 32, 784}, and pulses per non-input layer.
struct Architecture {
  std::vector<int> layer_sizes = {784, 32, 784};
  int n_pulses = 10;
  // connections[c]: how layer c + 1 sees layer c; empty for an all-dense network
  // (its only spelling, so that equal networks compare equal).
  std::vector<LayerSpec> connections;

  friend bool operator==(const Architecture&, const Architecture&) = default;
};

// Modified Glorot initialisation: weight ~ Normal(multiplier * sigma, sigma),
// sigma = sqrt(2 / (fan_in + fan_out)), fan_in counting the pulses.
struct InitOptions {
  double nonpulse_weight_mean_multiplier = -7.038462;  // regular (neuron-to-neuron) inputs
  double pulse_weight_mean_multiplier = 4.213218;      // pulse inputs
};

struct Network {
  Architecture architecture;
  NeuronParams neuron;
  // weights[c] connects layer c to layer c + 1, laid out by its kind (docs/model.md
  // section 2.1). Dense: input-major [pre][post], weights[c][pre * n_post(c) + post],
  // pre in [0, fan_in(c)): the n_c regular inputs first, then the n_pulses pulses.
  // Input-major because an input spike updates every neuron of the next layer.
  std::vector<std::vector<double>> weights;
  // pulses[c] holds the n_pulses pulse times feeding layer c + 1, each >= 0.
  std::vector<std::vector<double>> pulses;

  int num_connections() const { return static_cast<int>(weights.size()); }
  LayerSpec layer(int c) const {
    return architecture.connections.empty() ? LayerSpec{} : architecture.connections[c];
  }
  bool all_dense() const;
  int n_pre(int c) const { return architecture.layer_sizes[c]; }
  int n_post(int c) const { return architecture.layer_sizes[c + 1]; }
  // Input sources of connection c (whatever its kind reads of them).
  int fan_in(int c) const { return n_pre(c) + architecture.n_pulses; }
  int n_pulses() const { return architecture.n_pulses; }
  int n_inputs() const { return architecture.layer_sizes.front(); }
  // The weight from input `pre` to `post` of a dense connection c.
  double weight(int c, int pre, int post) const {
    return weights[c][static_cast<std::size_t>(pre) * n_post(c) + post];
  }
  double& weight(int c, int pre, int post) {
    return weights[c][static_cast<std::size_t>(pre) * n_post(c) + post];
  }
  int n_outputs() const { return architecture.layer_sizes.back(); }
  // Weights plus pulse times: (i+p)*h + (h+p)*o + 2*p for i-h-o (docs/model.md section 2).
  std::size_t parameter_count() const;

  friend bool operator==(const Network&, const Network&) = default;
};

// weights[c] as a row-major matrix (rows, columns), by the connection's kind:
// dense (fan_in, n_post), local (n_post, window + n_pulses), conv (C_out, C_in*K*K +
// n_pulses).
std::array<std::size_t, 2> weight_shape(const Network& network, int c);

// The weight from input `source` (regular inputs, then pulses) to neuron `post`
// of connection c; 0 where the connection's kind links none.
double input_weight(const Network& network, int c, int source, int post);

// Network with pulses at (i+1)/(p+1) and weights drawn from `seed` (deterministic).
Network make_network(const Architecture& architecture, const NeuronParams& neuron,
                     const InitOptions& init, std::uint64_t seed);

}  // namespace spikeae
