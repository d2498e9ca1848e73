#include "nir_layout.h"

namespace spikeae::nir {

std::vector<std::pair<std::string, std::string>> graph_nodes(const Architecture& architecture) {
  std::vector<std::pair<std::string, std::string>> nodes = {{kInputNode, "Input"}};
  const int layers = static_cast<int>(architecture.layer_sizes.size());
  for (int l = 1; l < layers; ++l) {
    nodes.emplace_back(linear_node(l), "Linear");
    if (architecture.n_pulses > 0) {
      nodes.emplace_back(pulse_source_node(l), "Input");
      nodes.emplace_back(pulse_linear_node(l), "Linear");
    }
    nodes.emplace_back(neuron_node(l), "CubaLIF");
  }
  nodes.emplace_back(kOutputNode, "Output");
  return nodes;
}

std::vector<std::pair<std::string, std::string>> graph_edges(const Architecture& architecture) {
  std::vector<std::pair<std::string, std::string>> edges;
  const int layers = static_cast<int>(architecture.layer_sizes.size());
  for (int l = 1; l < layers; ++l) {
    edges.emplace_back(l == 1 ? kInputNode : neuron_node(l - 1), linear_node(l));
    edges.emplace_back(linear_node(l), neuron_node(l));
    if (architecture.n_pulses > 0) {
      edges.emplace_back(pulse_source_node(l), pulse_linear_node(l));
      edges.emplace_back(pulse_linear_node(l), neuron_node(l));
    }
  }
  edges.emplace_back(neuron_node(layers - 1), kOutputNode);
  return edges;
}

CubaLifConstants alpha_kernel_constants(const NeuronParams& neuron) {
  const double tau = 1.0 / neuron.decay_rate;  // a time constant, in spikeae's time unit
  return {.tau_syn = tau,
          .tau_mem = tau,
          .r = 1.0 / (neuron.decay_rate * neuron.decay_rate),
          .v_leak = 0.0,
          .v_threshold = neuron.fire_threshold,
          .w_in = 1.0,
          .v_reset = 0.0};
}

std::vector<std::pair<std::string, double>> cuba_lif_fields(const CubaLifConstants& constants) {
  return {{"tau_syn", constants.tau_syn},
          {"tau_mem", constants.tau_mem},
          {"r", constants.r},
          {"v_leak", constants.v_leak},
          {"v_threshold", constants.v_threshold},
          {"w_in", constants.w_in},
          {"v_reset", constants.v_reset}};
}

}  // namespace spikeae::nir
