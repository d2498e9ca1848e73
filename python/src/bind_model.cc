// spikeae._core.Model: creation, files, parameters, batched forward passes,
// losses and the membrane potential of single neurons.
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "spikeae/activity.h"
#include "spikeae/encoding.h"
#include "spikeae/error.h"
#include "spikeae/loss.h"
#include "spikeae/membrane.h"
#include "spikeae/reconstruction_picture.h"

namespace spikeae::python {
namespace {

namespace fs = std::filesystem;

int layer_count(const Model& model) {
  return static_cast<int>(model.network().architecture.layer_sizes.size());
}

void check_connection(const Model& model, int c) {
  if (c < 0 || c >= model.network().num_connections()) {
    throw Error("connection " + std::to_string(c) + " does not exist: the network has " +
                std::to_string(model.network().num_connections()) + " (0 to " +
                std::to_string(model.network().num_connections() - 1) + ")");
  }
}

Model create(const TrainingConfig& config) {
  validate(config);
  Network network =
      make_network(config.architecture, config.neuron, config.init, config.train.seed);
  return Model{
      SavedModel{std::move(network), config, 0, std::numeric_limits<double>::quiet_NaN(), ""}};
}

py::array_t<double> get_weights(const Model& model, int c) {
  check_connection(model, c);
  const Network& net = model.network();
  const auto [rows, columns] = weight_shape(net, c);
  py::array_t<double> out =
      new_doubles({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(columns)});
  std::copy(net.weights[c].begin(), net.weights[c].end(), out.mutable_data());
  return out;
}

void set_weights(Model& model, int c, const Doubles& values) {
  check_connection(model, c);
  Network& net = model.saved.network;
  const std::string what = "weights of connection " + std::to_string(c);
  const auto [rows, columns] = weight_shape(net, c);
  const std::string row_meaning = net.layer(c).kind == LayerKind::dense
                                      ? std::to_string(net.n_pre(c)) + " inputs, then " +
                                            std::to_string(net.n_pulses()) + " pulses"
                                  : is_convolution(net.layer(c).kind)
                                      ? "one per output channel, " + layer_spec_text(net.layer(c))
                                      : "one per neuron, " + layer_spec_text(net.layer(c));
  if (rows_of(values, columns, what.c_str()) != rows) {
    throw Error(what + " must have " + std::to_string(rows) + " rows (" + row_meaning + "), got " +
                std::to_string(values.shape(0)));
  }
  for (py::ssize_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values.data()[i])) throw Error(what + " must be finite numbers");
  }
  std::copy(values.data(), values.data() + values.size(), net.weights[c].begin());
}

py::array_t<double> get_pulses(const Model& model, int c) {
  check_connection(model, c);
  const std::vector<double>& pulses = model.network().pulses[c];
  py::array_t<double> out = new_doubles({static_cast<py::ssize_t>(pulses.size())});
  std::copy(pulses.begin(), pulses.end(), out.mutable_data());
  return out;
}

void set_pulses(Model& model, int c, const Doubles& values) {
  check_connection(model, c);
  std::vector<double>& pulses = model.saved.network.pulses[c];
  const std::string what = "pulse times of connection " + std::to_string(c);
  if (values.ndim() != 1 || static_cast<std::size_t>(values.size()) != pulses.size()) {
    throw Error(what + " must be a (" + std::to_string(pulses.size()) + ",) array");
  }
  for (py::ssize_t i = 0; i < values.size(); ++i) {
    const double t = values.data()[i];
    if (!(std::isfinite(t) && t >= 0.0)) throw Error(what + " must be finite and >= 0");
  }
  std::copy(values.data(), values.data() + values.size(), pulses.begin());
}

// Spike times of layers first_layer + 1 .. output (or the output only) from dense
// times of layer first_layer: one (count, size) array per layer.
py::list forward(const Model& model, const Doubles& times, int first_layer, bool all_layers,
                 std::optional<int> threads) {
  const Network& net = model.network();
  const int layers = layer_count(model);
  if (first_layer < 0 || first_layer > layers - 2) {
    throw Error("layer " + std::to_string(first_layer) +
                " cannot feed the network: it has layers " + "0 to " + std::to_string(layers - 1) +
                " and the output has no next layer");
  }
  const std::size_t width = net.architecture.layer_sizes[first_layer];
  const std::size_t count = rows_of(times, width, "spike times");
  check_times({times.data(), static_cast<std::size_t>(times.size())}, "spike times");
  const int n_threads = thread_count(model, threads);
  std::vector<int> shown;  // layers returned
  for (int l = all_layers ? first_layer + 1 : layers - 1; l < layers; ++l) shown.push_back(l);
  py::list result;
  std::vector<double*> outputs;
  for (int l : shown) {
    py::array_t<double> array =
        new_doubles({static_cast<py::ssize_t>(count), net.architecture.layer_sizes[l]});
    outputs.push_back(array.mutable_data());
    result.append(array);
  }
  const double* in = times.data();
  {
    py::gil_scoped_release release;
    const auto source = [&](std::size_t i, std::span<double> layer) {
      std::copy(in + i * width, in + (i + 1) * width, layer.begin());
    };
    const auto sink = [&](std::size_t i, std::span<const std::vector<double>> reached) {
      for (std::size_t k = 0; k < shown.size(); ++k) {
        const std::vector<double>& spikes = reached[shown[k] - first_layer - 1];
        std::copy(spikes.begin(), spikes.end(), outputs[k] + i * spikes.size());
      }
    };
    make_engine(count, n_threads)->propagate(net, first_layer, count, source, sink);
  }
  return result;
}

// The rows of given input spike times (checked), or nullptr when none are given.
const double* given_inputs(const std::optional<Doubles>& inputs, std::size_t count,
                           std::size_t pixels) {
  if (!inputs) return nullptr;
  if (rows_of(*inputs, pixels, "input spike times") != count) {
    throw Error("input spike times must have one row per image");
  }
  check_times({inputs->data(), static_cast<std::size_t>(inputs->size())}, "input spike times");
  return inputs->data();
}

// Per-example reconstruction losses against the clean images, from given input
// times or from the images encoded with (noise_factor, noise_seed); and their mean.
py::tuple losses(const Model& model, const Bytes& images, const std::optional<Doubles>& inputs,
                 double noise_factor, std::uint64_t noise_seed, std::optional<int> threads) {
  const Network& net = model.network();
  const std::size_t pixels = net.n_inputs();
  const std::size_t count = rows_of(images, pixels, "images");
  if (count == 0) throw Error("the loss of no images is undefined: give at least one image");
  if (net.n_outputs() != net.n_inputs()) {
    throw Error("the loss needs as many outputs as inputs, got " + std::to_string(net.n_inputs()) +
                " and " + std::to_string(net.n_outputs()));
  }
  const double* given = given_inputs(inputs, count, pixels);
  check_noise_factor(noise_factor);
  const int n_threads = thread_count(model, threads);
  const EncodingOptions encoding{model.saved.config.encoding.inverted, noise_factor};
  const double latency = model.saved.config.loss.latency;
  py::array_t<double> per_example = new_doubles({static_cast<py::ssize_t>(count)});
  double* out = per_example.mutable_data();
  const std::uint8_t* bytes = images.data();
  double mean = 0.0;
  {
    py::gil_scoped_release release;
    const auto source = [&](std::size_t i, std::span<double> x) {
      const std::span<const std::uint8_t> image(bytes + i * pixels, pixels);
      if (given == nullptr) {
        encode_image_dense(image, encoding, noise_seed, i, x);
      } else {
        std::copy(given + i * pixels, given + (i + 1) * pixels, x.begin());
      }
    };
    const auto sink = [&](std::size_t i, std::span<const std::vector<double>> layers) {
      const std::span<const std::uint8_t> image(bytes + i * pixels, pixels);
      thread_local std::vector<double> target;
      target.resize(pixels);
      for (std::size_t k = 0; k < pixels; ++k) target[k] = pixel_time(image[k], encoding.inverted);
      out[i] = reconstruction_loss(layers.back(), target, latency);
    };
    make_engine(count, n_threads)->propagate(net, 0, count, source, sink);
    // Summed in index order, as evaluate_loss does: the same bits for any thread count.
    mean = std::accumulate(out, out + count, 0.0) / static_cast<double>(count);
  }
  return py::make_tuple(per_example, mean);
}

void check_neuron(const Model& model, int layer, int neuron) {
  const int layers = layer_count(model);
  if (layer < 1 || layer >= layers) {
    throw Error("layer " + std::to_string(layer) + " has no membrane potential: give 1 to " +
                std::to_string(layers - 1) + " (layer 0 is the input)");
  }
  const int size = model.network().n_post(layer - 1);
  if (neuron < 0 || neuron >= size) {
    throw Error("layer " + std::to_string(layer) + " has neurons 0 to " + std::to_string(size - 1) +
                ", got " + std::to_string(neuron));
  }
}

// The inputs of one neuron of layer c + 1 after a forward pass from x: the
// previous layer's spike times, then the pulses; and its weights, in that order.
std::pair<py::array_t<double>, py::array_t<double>> neuron_inputs(
    const Network& net, int c, int neuron, std::span<const double> x,
    std::span<const std::vector<double>> layers) {
  const int fan_in = net.fan_in(c);
  py::array_t<double> times = new_doubles({fan_in});
  py::array_t<double> weights = new_doubles({fan_in});
  const std::span<const double> previous = c == 0 ? x : std::span<const double>(layers[c - 1]);
  for (int i = 0; i < fan_in; ++i) {
    times.mutable_data()[i] = i < net.n_pre(c) ? previous[i] : net.pulses[c][i - net.n_pre(c)];
    weights.mutable_data()[i] = input_weight(net, c, i, neuron);
  }
  return {times, weights};
}

// Term i of V(t_j): w_i (t_j - t_i) exp(-tau (t_j - t_i)) once input i has arrived.
py::array_t<double> contributions_of(std::span<const double> inputs,
                                     std::span<const double> weights, std::span<const double> t,
                                     const NeuronParams& neuron) {
  py::array_t<double> each =
      new_doubles({static_cast<py::ssize_t>(inputs.size()), static_cast<py::ssize_t>(t.size())});
  double* out = each.mutable_data();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (std::size_t j = 0; j < t.size(); ++j) {
      out[i * t.size() + j] = input_contribution(t[j], inputs[i], weights[i], neuron);
    }
  }
  return each;
}

// V(t) of one neuron for one example (the library's membrane_potential), its spike
// time from the forward pass, its inputs and weights, and optionally each input's term.
py::tuple membrane(const Model& model, const Doubles& example, int layer, int neuron,
                   const Doubles& t, bool contributions) {
  const Network& net = model.network();
  check_neuron(model, layer, neuron);
  if (example.ndim() != 1 || example.size() != net.n_inputs()) {
    throw Error("one example's input spike times must be a (" + std::to_string(net.n_inputs()) +
                ",) array");
  }
  if (t.ndim() != 1) throw Error("t must be a 1-D array of times");
  const std::span<const double> x(example.data(), static_cast<std::size_t>(example.size()));
  check_times(x, "spike times");
  std::vector<std::vector<double>> layers;
  make_engine(1, 1)->propagate(
      net, 0, 1, [&](std::size_t, std::span<double> times) { std::ranges::copy(x, times.begin()); },
      [&](std::size_t, std::span<const std::vector<double>> reached) {
        layers.assign(reached.begin(), reached.end());
      });
  const int c = layer - 1;
  const auto [input_times, weights] = neuron_inputs(net, c, neuron, x, layers);
  const std::span<const double> in(input_times.data(), input_times.size());
  const std::span<const double> w(weights.data(), weights.size());
  const std::span<const double> grid(t.data(), static_cast<std::size_t>(t.size()));
  py::array_t<double> v = new_doubles({static_cast<py::ssize_t>(grid.size())});
  for (std::size_t j = 0; j < grid.size(); ++j) {
    v.mutable_data()[j] = membrane_potential(grid[j], in, w, net.neuron);
  }
  const py::object parts = contributions ? py::object(contributions_of(in, w, grid, net.neuron))
                                         : py::object(py::none());
  return py::make_tuple(v, layers[c][neuron], input_times, weights, parts);
}

py::list activity(const Model& model, const Bytes& images, double noise_factor,
                  std::uint64_t noise_seed, std::optional<int> threads) {
  check_noise_factor(noise_factor);
  const int n_threads = thread_count(model, threads);
  Dataset data = to_dataset(images, std::nullopt);
  if (data.pixels_per_image() != static_cast<std::size_t>(model.network().n_inputs())) {
    throw Error("images have " + std::to_string(data.pixels_per_image()) +
                " pixels but the network has " + std::to_string(model.network().n_inputs()) +
                " inputs");
  }
  if (data.size() == 0) throw Error("activity of no images is undefined: give at least one image");
  std::vector<LayerActivity> layers;
  {
    py::gil_scoped_release release;
    const ExampleSet set = make_example_set(
        std::move(data), {model.saved.config.encoding.inverted, noise_factor}, noise_seed);
    layers = measure_activity(model.network(), set, n_threads);
  }
  py::list result;
  for (const LayerActivity& a : layers) {
    py::dict d;
    d["input_events"] = a.input_events;
    d["spiking_fraction"] = a.spiking_fraction;
    d["causal_inputs"] = a.causal_inputs;
    result.append(d);
  }
  return result;
}

// The picture of spikeae train and reconstruct: image i carries the noise of index i.
void write_reconstructions(const Model& model, const std::string& path, const Bytes& images,
                           const std::vector<std::size_t>& indices, double noise_factor,
                           std::uint64_t noise_seed) {
  check_noise_factor(noise_factor);
  Dataset data = to_dataset(images, std::nullopt);
  if (data.pixels_per_image() != static_cast<std::size_t>(model.network().n_inputs())) {
    throw Error("images have " + std::to_string(data.pixels_per_image()) +
                " pixels but the network has " + std::to_string(model.network().n_inputs()) +
                " inputs");
  }
  py::gil_scoped_release release;
  const ExampleSet set = make_example_set(
      std::move(data), {model.saved.config.encoding.inverted, noise_factor}, noise_seed);
  write_reconstruction_png(path, model.network(), set, model.saved.config.loss.latency, indices);
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model>(m, "Model", "A network with every option it was made or trained with.")
      .def(py::init(&create), py::arg("config"), "A new network, weights drawn from config's seed.")
      .def(py::init<const Model&>(), py::arg("other"), "A deep copy.")
      .def_static(
          "load",
          [](const fs::path& path) {
            py::gil_scoped_release release;
            return Model{load_model(path)};
          },
          py::arg("path"), "Reads a model file.")
      .def(
          "save",
          [](const Model& model, const fs::path& path) {
            py::gil_scoped_release release;
            save_model(path, model.saved);
          },
          py::arg("path"), "Writes a model file (atomically).")
      .def(
          "to_bytes", [](const Model& model) { return py::bytes(serialize_model(model.saved)); },
          "The model file's bytes.")
      .def_static(
          "from_bytes",
          [](const py::bytes& bytes, const std::string& source) {
            return Model{parse_model(std::string(bytes), source)};
          },
          py::arg("data"), py::arg("source") = "<bytes>", "A model from a model file's bytes.")
      .def_property_readonly("config", [](const Model& model) { return model.saved.config; })
      .def_property_readonly(
          "layer_sizes",
          [](const Model& model) { return model.network().architecture.layer_sizes; })
      .def_property_readonly("n_pulses",
                             [](const Model& model) { return model.network().n_pulses(); })
      .def_property_readonly("parameter_count",
                             [](const Model& model) { return model.network().parameter_count(); })
      .def_property_readonly("decay_rate",
                             [](const Model& model) { return model.network().neuron.decay_rate; })
      .def_property_readonly(
          "fire_threshold",
          [](const Model& model) { return model.network().neuron.fire_threshold; })
      .def_property_readonly(
          "neuron_kind",
          [](const Model& model) {
            return std::string(neuron_kind_name(model.network().neuron.kind));
          },
          "'alpha' or 'exponential': the membrane potential's kernel (docs/model.md 1.4).")
      .def_property_readonly(
          "layers",
          [](const Model& model) {
            return layer_specs_text(model.network().architecture.connections);
          },
          "How each layer sees the one below: 'dense', or one spec per connection such as "
          "'local:12,dense' (docs/model.md section 2.1).")
      .def_property(
          "epochs_trained", [](const Model& model) { return model.saved.epochs_trained; },
          [](Model& model, int value) { model.saved.epochs_trained = value; })
      .def_property(
          "validation_loss", [](const Model& model) { return model.saved.validation_loss; },
          [](Model& model, double value) { model.saved.validation_loss = value; })
      .def_property(
          "dataset", [](const Model& model) { return model.saved.dataset; },
          [](Model& model, const std::string& value) { model.saved.dataset = value; })
      .def("get_weights", &get_weights, py::arg("connection"))
      .def("set_weights", &set_weights, py::arg("connection"), py::arg("weights"))
      .def("get_pulses", &get_pulses, py::arg("connection"))
      .def("set_pulses", &set_pulses, py::arg("connection"), py::arg("pulses"))
      .def("forward", &forward, py::arg("times"), py::arg("first_layer"), py::arg("all_layers"),
           py::arg("threads"))
      .def("losses", &losses, py::arg("images"), py::arg("inputs"), py::arg("noise_factor"),
           py::arg("noise_seed"), py::arg("threads"))
      .def("membrane", &membrane, py::arg("example"), py::arg("layer"), py::arg("neuron"),
           py::arg("t"), py::arg("contributions"))
      .def("activity", &activity, py::arg("images"), py::arg("noise_factor"), py::arg("noise_seed"),
           py::arg("threads"))
      .def("write_reconstructions", &write_reconstructions, py::arg("path"), py::arg("images"),
           py::arg("indices"), py::arg("noise_factor"), py::arg("noise_seed"));
}

}  // namespace spikeae::python
