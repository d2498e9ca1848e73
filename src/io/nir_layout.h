// What the NIR writer and reader share: node names, edges and the CubaLIF
// constants of the alpha kernel (docs/nir.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "spikeae/network.h"

namespace spikeae::nir {

// The NIR version whose HDF5 layout the files follow.
inline constexpr const char* kNirVersion = "1.0";
inline constexpr const char* kProducer = "spikeae";
inline const std::string kInputNode = "input";
inline const std::string kOutputNode = "output";

// Nodes of layer l = 1..L (fed by connection l - 1).
inline std::string neuron_node(int l) { return "lif" + std::to_string(l); }
inline std::string linear_node(int l) { return "linear" + std::to_string(l); }
inline std::string pulse_source_node(int l) { return "pulses" + std::to_string(l); }
inline std::string pulse_linear_node(int l) { return "pulse_linear" + std::to_string(l); }

// Every node name and its NIR type, in graph order.
std::vector<std::pair<std::string, std::string>> graph_nodes(const Architecture& architecture);

// (source, target) pairs; the pulse nodes exist only when n_pulses > 0.
std::vector<std::pair<std::string, std::string>> graph_edges(const Architecture& architecture);

// The CubaLIF parameters that make its membrane the alpha kernel exactly:
// tau_syn = tau_mem = 1/decay_rate, r * w_in = 1/decay_rate^2 (docs/nir.md).
struct CubaLifConstants {
  double tau_syn, tau_mem, r, v_leak, v_threshold, w_in, v_reset;
};
CubaLifConstants alpha_kernel_constants(const NeuronParams& neuron);

// The CubaLIF datasets in file order, with their value from `constants`.
std::vector<std::pair<std::string, double>> cuba_lif_fields(const CubaLifConstants& constants);

}  // namespace spikeae::nir
