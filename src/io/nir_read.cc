// load_nir: the graphs save_nir writes, read back into a model. Anything else
// (another producer, other node types, changed constants) is refused by name.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "hdf5_file.h"
#include "nir_layout.h"
#include "spikeae/error.h"
#include "spikeae/nir_file.h"

namespace spikeae {
namespace {

using io::h5::Dims;
using io::h5::open_group;
using io::h5::read_doubles;
using io::h5::read_string;

constexpr const char* kOnlyOwn = ": spikeae imports only the NIR graphs it exports";

double read_double(hid_t group, const std::string& name) {
  return read_doubles(group, name, 1).at(0);
}

std::int64_t read_integer(hid_t group, const std::string& name, std::int64_t low,
                          std::int64_t high) {
  const double value = read_double(group, name);
  if (!(value >= static_cast<double>(low) && value <= static_cast<double>(high)) ||
      value != std::floor(value)) {
    throw Error(name + " must be an integer in [" + std::to_string(low) + ", " +
                std::to_string(high) + "]");
  }
  return static_cast<std::int64_t>(value);
}

void check_shape(hid_t node, const std::string& node_name, const std::string& field,
                 const Dims& expected) {
  const Dims dims = io::h5::dataset_dims(node, field);
  if (dims == expected) return;
  auto text = [](const Dims& d) {
    std::string s = "(";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + (d.size() == 1 ? ",)" : ")");
  };
  throw Error("node " + node_name + ": " + field + " has shape " + text(dims) + ", expected " +
              text(expected));
}

std::vector<double> read_array(hid_t node, const std::string& node_name, const std::string& field,
                               const Dims& expected) {
  check_shape(node, node_name, field, expected);
  std::size_t count = 1;
  for (hsize_t d : expected) count *= d;
  return read_doubles(node, field, count);
}

// The architecture and neuron constants the graph's metadata declares.
Network read_declared_network(hid_t metadata) {
  if (!io::h5::has_child(metadata, "producer") ||
      read_string(metadata, "producer") != nir::kProducer) {
    throw Error(std::string("not written by spikeae (its metadata has no producer \"spikeae\")") +
                kOnlyOwn);
  }
  const std::int64_t layout = read_integer(metadata, "spikeae_nir_layout", 0, 1 << 30);
  if (layout != kNirLayoutVersion) {
    throw Error("spikeae_nir_layout " + std::to_string(layout) + " is not supported (this " +
                "version reads " + std::to_string(kNirLayoutVersion) + ")");
  }
  Network network;
  const std::string kind = read_string(metadata, "neuron_kind");
  if (kind != "alpha") throw Error("neuron_kind \"" + kind + "\" is not supported" + kOnlyOwn);
  network.neuron.decay_rate = read_double(metadata, "decay_rate");
  network.neuron.fire_threshold = read_double(metadata, "fire_threshold");
  const std::vector<double> sizes = read_doubles(metadata, "layer_sizes", kMaxModelLayers + 1);
  network.architecture.layer_sizes.clear();  // not the default architecture's
  for (double size : sizes) {
    if (!(size >= 1 && size <= kMaxModelLayerSize) || size != std::floor(size)) {
      throw Error("layer_sizes must hold integers in [1, " + std::to_string(kMaxModelLayerSize) +
                  "]");
    }
    network.architecture.layer_sizes.push_back(static_cast<int>(size));
  }
  if (sizes.size() < 2) throw Error("layer_sizes must name at least 2 layers");
  network.architecture.n_pulses =
      static_cast<int>(read_integer(metadata, "n_pulses", 0, kMaxModelPulses));
  return network;
}

void check_node_set(hid_t nodes, const Architecture& architecture) {
  const auto expected = nir::graph_nodes(architecture);
  std::set<std::string> names;
  for (const auto& [name, type] : expected) names.insert(name);
  for (const std::string& name : io::h5::child_names(nodes)) {
    if (names.count(name) > 0) continue;
    const auto node = open_group(nodes, name);
    throw Error("unsupported node " + name + " (type " + read_string(node.get(), "type") + ")" +
                kOnlyOwn);
  }
  for (const auto& [name, type] : expected) {
    if (!io::h5::has_child(nodes, name)) throw Error("node " + name + " is missing");
    const auto node = open_group(nodes, name);
    const std::string actual = read_string(node.get(), "type");
    if (actual != type) {
      throw Error("node " + name + " is a " + actual + ", expected a " + type + kOnlyOwn);
    }
  }
}

void check_shape_node(hid_t nodes, const std::string& name, int size) {
  const auto node = open_group(nodes, name);
  const std::vector<double> shape = read_array(node.get(), name, "shape", {1});
  if (shape[0] != size) {
    throw Error("node " + name + " has shape (" + std::to_string(static_cast<long long>(shape[0])) +
                ",), expected (" + std::to_string(size) + ",)");
  }
}

// The CubaLIF of layer l must hold the alpha kernel's constants of `neuron`.
void check_neurons(hid_t nodes, int l, int size, const NeuronParams& neuron) {
  const std::string name = nir::neuron_node(l);
  const auto node = open_group(nodes, name);
  for (const auto& [field, value] : nir::cuba_lif_fields(nir::alpha_kernel_constants(neuron))) {
    for (double actual : read_array(node.get(), name, field, {static_cast<hsize_t>(size)})) {
      if (actual != value) {
        throw Error("node " + name + ": " + field + " is not the alpha kernel's (" +
                    std::to_string(value) + " from decay_rate and fire_threshold)" + kOnlyOwn);
      }
    }
  }
}

// Writes Linear weight (out, columns) into the input-major rows from `first_source`.
void read_linear(hid_t nodes, const std::string& name, Network& network, int c, int first_source,
                 int columns) {
  const int rows = network.n_post(c);
  const auto node = open_group(nodes, name);
  const std::vector<double> weight = read_array(
      node.get(), name, "weight", {static_cast<hsize_t>(rows), static_cast<hsize_t>(columns)});
  for (int post = 0; post < rows; ++post) {
    for (int i = 0; i < columns; ++i) {
      network.weight(c, first_source + i, post) =
          weight[static_cast<std::size_t>(post) * columns + i];
    }
  }
}

void read_connection(hid_t nodes, Network& network, int c) {
  const int l = c + 1, p = network.n_pulses();
  network.weights[c].assign(static_cast<std::size_t>(network.fan_in(c)) * network.n_post(c), 0.0);
  read_linear(nodes, nir::linear_node(l), network, c, 0, network.n_pre(c));
  if (p > 0) {
    read_linear(nodes, nir::pulse_linear_node(l), network, c, network.n_pre(c), p);
    check_shape_node(nodes, nir::pulse_source_node(l), p);
    const auto source = open_group(nodes, nir::pulse_source_node(l));
    const auto metadata = open_group(source.get(), "metadata");
    network.pulses[c] = read_array(metadata.get(), nir::pulse_source_node(l) + " metadata",
                                   "spike_times", {static_cast<hsize_t>(p)});
  }
  check_neurons(nodes, l, network.n_post(c), network.neuron);
}

void check_edges(hid_t graph, const Architecture& architecture) {
  const auto expected = nir::graph_edges(architecture);
  const Dims dims = io::h5::dataset_dims(graph, "edges");
  if (dims.size() != 2 || dims[1] != 2) throw Error("edges must be (source, target) pairs");
  const std::vector<std::string> names = io::h5::read_strings(graph, "edges", 2 * expected.size());
  std::set<std::pair<std::string, std::string>> actual;
  for (std::size_t i = 0; i + 1 < names.size(); i += 2) actual.emplace(names[i], names[i + 1]);
  const std::set<std::pair<std::string, std::string>> wanted(expected.begin(), expected.end());
  if (actual != wanted || names.size() != 2 * expected.size()) {
    throw Error("the edges are not those of spikeae's layered graph" + std::string(kOnlyOwn));
  }
}

// The options NIR does not hold keep their defaults; the metadata restores the rest.
TrainingConfig read_config(hid_t metadata, const Network& network) {
  TrainingConfig config;
  config.architecture = network.architecture;
  config.neuron = network.neuron;
  config.encoding.inverted = read_integer(metadata, "encoding_inverted", 0, 1) == 1;
  config.encoding.noise_factor = read_double(metadata, "noise_factor");
  config.loss.latency = read_double(metadata, "output_latency");
  const std::string seed = read_string(metadata, "seed");
  try {
    std::size_t end = 0;
    config.train.seed = std::stoull(seed, &end);
    if (end != seed.size()) throw std::invalid_argument(seed);
  } catch (const std::exception&) {
    throw Error("seed \"" + seed + "\" is not a number");
  }
  return config;
}

SavedModel read_model(hid_t file) {
  read_string(file, "version");
  const auto graph = open_group(file, "node");
  if (read_string(graph.get(), "type") != "NIRGraph") throw Error("node is not a NIRGraph");
  if (!io::h5::has_child(graph.get(), "metadata")) {
    throw Error(std::string("the graph has no metadata") + kOnlyOwn);
  }
  const auto metadata = open_group(graph.get(), "metadata");
  SavedModel model;
  model.network = read_declared_network(metadata.get());
  Network& network = model.network;
  const auto nodes = open_group(graph.get(), "nodes");
  check_node_set(nodes.get(), network.architecture);
  check_shape_node(nodes.get(), nir::kInputNode, network.n_inputs());
  check_shape_node(nodes.get(), nir::kOutputNode, network.n_outputs());
  const int connections = static_cast<int>(network.architecture.layer_sizes.size()) - 1;
  network.weights.resize(connections);
  network.pulses.resize(connections);
  for (int c = 0; c < connections; ++c) read_connection(nodes.get(), network, c);
  check_edges(graph.get(), network.architecture);
  model.config = read_config(metadata.get(), network);
  model.dataset = read_string(metadata.get(), "dataset");
  model.epochs_trained =
      static_cast<int>(read_integer(metadata.get(), "epochs_trained", 0, 1 << 30));
  model.validation_loss = read_double(metadata.get(), "validation_loss");
  return model;
}

}  // namespace

SavedModel load_nir(const std::filesystem::path& path) {
  SavedModel model;
  {
    const io::h5::Session session;
    const auto file = io::h5::open_file(path);
    try {
      model = read_model(file.get());
    } catch (const Error& error) {
      throw Error(path.string() + ": " + error.what());
    }
  }
  try {
    serialize_model(model);  // the model file's checks: sizes, finite weights, valid options
  } catch (const Error& error) {
    throw Error(path.string() + ": " + error.what());
  }
  return model;
}

}  // namespace spikeae
