#include "spikeae/network.h"

#include <algorithm>

#include "model/layer_model.h"
#include "spikeae/random.h"

namespace spikeae {

bool Network::all_dense() const {
  return std::all_of(architecture.connections.begin(), architecture.connections.end(),
                     [](const LayerSpec& spec) { return spec.kind == LayerKind::dense; });
}

std::size_t Network::parameter_count() const {
  std::size_t count = 0;
  for (int c = 0; c < num_connections(); ++c) {
    count += weights[c].size() + pulses[c].size();
  }
  return count;
}

std::array<std::size_t, 2> weight_shape(const Network& network, int c) {
  return layer_model(network.layer(c).kind).weight_shape(network, c);
}

double input_weight(const Network& network, int c, int source, int post) {
  const std::ptrdiff_t index =
      layer_model(network.layer(c).kind).weight_index(network, c, source, post);
  return index == kNotConnected ? 0.0 : network.weights[c][static_cast<std::size_t>(index)];
}

Network make_network(const Architecture& architecture, const NeuronParams& neuron,
                     const InitOptions& init, std::uint64_t seed) {
  check_layer_specs(architecture.connections, architecture.layer_sizes);
  Network network{architecture, neuron, {}, {}};
  const int p = architecture.n_pulses;
  Rng rng(derive_seed(seed, Stream::kWeights));
  for (int c = 0; c + 1 < static_cast<int>(architecture.layer_sizes.size()); ++c) {
    const LayerModel& layer = layer_model(network.layer(c).kind);
    std::vector<double>& weights = network.weights.emplace_back(layer.weight_count(network, c));
    layer.initialise(network, c, init, rng, weights);
    std::vector<double>& pulses = network.pulses.emplace_back(p);
    for (int i = 0; i < p; ++i) pulses[i] = (i + 1.0) / (p + 1.0);
  }
  return network;
}

}  // namespace spikeae
