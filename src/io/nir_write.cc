// save_nir: a model as the NIR graph of docs/nir.md, built in memory and
// written with write_file_atomically.
#include <cstdint>
#include <string>
#include <vector>

#include "hdf5_file.h"
#include "nir_layout.h"
#include "spikeae/atomic_file.h"
#include "spikeae/error.h"
#include "spikeae/nir_file.h"

namespace spikeae {
namespace {

using io::h5::create_group;
using io::h5::Dims;
using io::h5::write_doubles;
using io::h5::write_integers;
using io::h5::write_string;

hsize_t dim(int n) { return static_cast<hsize_t>(n); }

void write_integer(hid_t group, const std::string& name, std::int64_t value) {
  write_integers(group, name, std::span(&value, 1), {});
}

void write_double(hid_t group, const std::string& name, double value) {
  write_doubles(group, name, std::span(&value, 1), {});
}

io::h5::Handle write_shape_node(hid_t nodes, const std::string& name, const char* type, int size) {
  auto node = create_group(nodes, name);
  write_string(node.get(), "type", type);
  const std::int64_t shape = size;
  write_integers(node.get(), "shape", std::span(&shape, 1), {1});
  return node;
}

// Linear weight (out, in) from `columns` consecutive sources of connection c,
// read through input_weight so that every layer kind gives its dense matrix.
void write_linear(hid_t nodes, const std::string& name, const Network& network, int c,
                  int first_source, int columns) {
  const int rows = network.n_post(c);
  std::vector<double> weight(static_cast<std::size_t>(rows) * columns);
  for (int post = 0; post < rows; ++post) {
    for (int i = 0; i < columns; ++i) {
      weight[static_cast<std::size_t>(post) * columns + i] =
          input_weight(network, c, first_source + i, post);
    }
  }
  const auto node = create_group(nodes, name);
  write_string(node.get(), "type", "Linear");
  write_doubles(node.get(), "weight", weight, {dim(rows), dim(columns)});
}

void write_pulse_source(hid_t nodes, const Network& network, int c) {
  const auto node =
      write_shape_node(nodes, nir::pulse_source_node(c + 1), "Input", network.n_pulses());
  const auto metadata = create_group(node.get(), "metadata");
  write_doubles(metadata.get(), "spike_times", network.pulses[c], {dim(network.n_pulses())});
  write_string(metadata.get(), "description",
               "one spike per neuron at spike_times, in every run (spikeae's pulses)");
}

void write_neurons(hid_t nodes, const Network& network, int c) {
  const auto node = create_group(nodes, nir::neuron_node(c + 1));
  write_string(node.get(), "type", "CubaLIF");
  const int size = network.n_post(c);
  for (const auto& [field, value] :
       nir::cuba_lif_fields(nir::alpha_kernel_constants(network.neuron))) {
    write_doubles(node.get(), field, std::vector<double>(size, value), {dim(size)});
  }
}

void write_connection(hid_t nodes, const Network& network, int c) {
  write_linear(nodes, nir::linear_node(c + 1), network, c, 0, network.n_pre(c));
  if (network.n_pulses() > 0) {
    write_pulse_source(nodes, network, c);
    write_linear(nodes, nir::pulse_linear_node(c + 1), network, c, network.n_pre(c),
                 network.n_pulses());
  }
  write_neurons(nodes, network, c);
}

void write_edges(hid_t graph, const Architecture& architecture) {
  std::vector<std::string> names;
  for (const auto& [source, target] : nir::graph_edges(architecture)) {
    names.push_back(source);
    names.push_back(target);
  }
  io::h5::write_strings(graph, "edges", names, {names.size() / 2, 2});
}

// What NIR's nodes cannot say, for consumers and for load_nir (docs/nir.md).
void write_metadata(hid_t graph, const SavedModel& model) {
  const auto metadata = create_group(graph, "metadata");
  const hid_t m = metadata.get();
  const Network& network = model.network;
  write_string(m, "producer", nir::kProducer);
  write_integer(m, "spikeae_nir_layout", kNirLayoutVersion);
  write_string(m, "neuron_kind", std::string(neuron_kind_name(network.neuron.kind)));
  write_double(m, "decay_rate", network.neuron.decay_rate);
  write_double(m, "fire_threshold", network.neuron.fire_threshold);
  write_integer(m, "fire_at_most_once", 1);
  write_string(m, "time_unit",
               "spikeae's: input spikes lie in [0, 1); tau_syn and tau_mem are in this unit");
  std::vector<std::int64_t> sizes(network.architecture.layer_sizes.begin(),
                                  network.architecture.layer_sizes.end());
  write_integers(m, "layer_sizes", sizes, {sizes.size()});
  write_integer(m, "n_pulses", network.n_pulses());
  write_string(m, "layer_kinds", layer_specs_text(network.architecture.connections));
  write_integer(m, "encoding_inverted", model.config.encoding.inverted ? 1 : 0);
  write_double(m, "noise_factor", model.config.encoding.noise_factor);
  write_string(m, "input_encoding",
               "pixel i spikes once at x_i = 1 - b_i/255 (encoding_inverted = 1) or b_i/255, "
               "b_i its byte; none when x_i = 1");
  write_double(m, "output_latency", model.config.loss.latency);
  write_string(m, "output_decoding",
               "output k's value is its first spike time minus output_latency; 1 if it never "
               "fires");
  write_string(m, "seed", std::to_string(model.config.train.seed));
  write_string(m, "dataset", model.dataset);
  write_integer(m, "epochs_trained", model.epochs_trained);
  write_double(m, "validation_loss", model.validation_loss);
}

std::string graph_image(const SavedModel& model) {
  const io::h5::Session session;
  const auto file = io::h5::create_memory_file();
  write_string(file.get(), "version", nir::kNirVersion);
  const auto graph = create_group(file.get(), "node");
  write_string(graph.get(), "type", "NIRGraph");
  const Network& network = model.network;
  {
    const auto nodes = create_group(graph.get(), "nodes");
    write_shape_node(nodes.get(), nir::kInputNode, "Input", network.n_inputs());
    for (int c = 0; c < network.num_connections(); ++c) write_connection(nodes.get(), network, c);
    write_shape_node(nodes.get(), nir::kOutputNode, "Output", network.n_outputs());
  }
  write_edges(graph.get(), network.architecture);
  write_metadata(graph.get(), model);
  return io::h5::file_image(file.get());
}

}  // namespace

void save_nir(const std::filesystem::path& path, const SavedModel& model) {
  const std::string what = "cannot export " + path.string();
  if (model.network.neuron.kind != NeuronKind::alpha) {
    throw Error(what + ": NIR has no node for the " +
                std::string(neuron_kind_name(model.network.neuron.kind)) +
                " neuron kind (a non-leaky membrane is a CubaLIF with tau_mem = infinity); "
                "only alpha-kernel models export (docs/nir.md)");
  }
  try {
    serialize_model(model);  // the model file's checks: shapes, finite values
  } catch (const Error& error) {
    throw Error(what + ": " + error.what());
  }
  write_file_atomically(path, graph_image(model));
}

}  // namespace spikeae
