#include "spikeae/network.h"

#include <cmath>

#include "spikeae/random.h"

namespace spikeae {

std::size_t Network::parameter_count() const {
  std::size_t count = 0;
  for (int c = 0; c < num_connections(); ++c) {
    count += weights[c].size() + pulses[c].size();
  }
  return count;
}

Network make_network(const Architecture& architecture, const NeuronParams& neuron,
                     const InitOptions& init, std::uint64_t seed) {
  Network network{architecture, neuron, {}, {}};
  const int p = architecture.n_pulses;
  Rng rng(derive_seed(seed, Stream::kWeights));
  for (int c = 0; c + 1 < static_cast<int>(architecture.layer_sizes.size()); ++c) {
    const int n_pre = network.n_pre(c);
    const int n_post = network.n_post(c);
    const int fan_in = n_pre + p;
    const double sigma = std::sqrt(2.0 / (fan_in + n_post));
    std::vector<double>& weights = network.weights.emplace_back(std::size_t(n_post) * fan_in);
    for (int pre = 0; pre < fan_in; ++pre) {
      const double multiplier =
          pre < n_pre ? init.nonpulse_weight_mean_multiplier : init.pulse_weight_mean_multiplier;
      for (int post = 0; post < n_post; ++post) {
        weights[std::size_t(pre) * n_post + post] = sigma * (multiplier + rng.normal());
      }
    }
    std::vector<double>& pulses = network.pulses.emplace_back(p);
    for (int i = 0; i < p; ++i) pulses[i] = (i + 1.0) / (p + 1.0);
  }
  return network;
}

}  // namespace spikeae
