// The dense (ANN) baseline from Python: the model object, its forward pass and
// losses, the dense input values, and training by the run protocol (ann_run.h).
// The GIL is released while the engine works.
#include <cmath>
#include <cstring>
#include <string>

#include "convert.h"
#include "run_control.h"
#include "spikeae/ann.h"
#include "spikeae/ann_run.h"
#include "spikeae/ann_stack.h"
#include "spikeae/error.h"

namespace spikeae::python {
namespace {

AnnModel create(int input_size, int hidden, const std::string& encoder, const std::string& decoder,
                bool inverted, double noise_factor, std::uint64_t seed, double learning_rate,
                int batch_size, int epochs, int threads, int gradient_shards,
                const std::optional<std::string>& architecture,
                const std::optional<std::vector<int>>& layer_sizes,
                const std::optional<std::string>& layers, std::optional<int> requested_hidden) {
  AnnOptions options;
  options.hidden = hidden;
  options.encoder = parse_activation(encoder);
  options.decoder = parse_activation(decoder);
  options.encoding = {inverted, noise_factor};
  options.learning_rate = learning_rate;
  options.batch_size = batch_size;
  options.epochs = epochs;
  options.threads = threads;
  options.gradient_shards = gradient_shards;
  options.seed = seed;
  return make_requested_ann_model(input_size, {architecture, layer_sizes, layers, requested_hidden},
                                  options);
}

py::dict options_to_dict(const AnnModel& model) {
  const AnnOptions& o = model.options;
  py::dict d;
  d["input_size"] = model.inputs;
  d["hidden"] = o.hidden;
  d["encoder"] = std::string(activation_name(o.encoder));
  d["decoder"] = std::string(activation_name(o.decoder));
  d["inverted"] = o.encoding.inverted;
  d["noise_factor"] = o.encoding.noise_factor;
  d["seed"] = o.seed;
  d["learning_rate"] = o.learning_rate;
  d["batch_size"] = o.batch_size;
  d["epochs"] = o.epochs;
  d["threads"] = o.threads;
  d["gradient_shards"] = o.gradient_shards;
  // Only a stack has these, so an i-h-i model's options (and file) stay as they were.
  if (model.is_stack()) {
    d["layer_sizes"] = model.layer_sizes;
    if (!model.connections.empty()) d["layers"] = layer_specs_text(model.connections);
  }
  return d;
}

std::vector<double>& parameter(AnnModel& model, const std::string& name) {
  if (model.is_stack()) throw Error("an ANN stack's parameters are per connection: use weights(c)");
  if (name == "w1") return model.w1;
  if (name == "b1") return model.b1;
  if (name == "w2") return model.w2;
  if (name == "b2") return model.b2;
  throw Error("unknown ANN parameter \"" + name + "\": must be w1, b1, w2 or b2");
}

std::vector<py::ssize_t> parameter_shape(const AnnModel& model, const std::string& name) {
  const py::ssize_t i = model.inputs, h = model.hidden();
  if (name == "w1") return {i, h};
  if (name == "w2") return {h, i};
  return {name == "b1" ? h : i};
}

py::array_t<double> get_parameter(AnnModel& model, const std::string& name) {
  const std::vector<double>& values = parameter(model, name);
  py::array_t<double> array = new_doubles(parameter_shape(model, name));
  std::memcpy(array.mutable_data(), values.data(), values.size() * sizeof(double));
  return array;
}

void set_parameter(AnnModel& model, const std::string& name, const Doubles& array) {
  std::vector<double>& values = parameter(model, name);
  const std::vector<py::ssize_t> shape = parameter_shape(model, name);
  bool fits = array.ndim() == static_cast<py::ssize_t>(shape.size());
  for (std::size_t d = 0; fits && d < shape.size(); ++d) fits = array.shape(d) == shape[d];
  if (!fits) {
    std::string wanted = "(" + std::to_string(shape[0]);
    wanted += shape.size() > 1 ? ", " + std::to_string(shape[1]) + ")" : ",)";
    throw Error(name + " must have shape " + wanted);
  }
  for (py::ssize_t k = 0; k < array.size(); ++k) {
    if (!std::isfinite(array.data()[k])) throw Error(name + " must hold finite numbers");
  }
  std::memcpy(values.data(), array.data(), values.size() * sizeof(double));
}

// A stack's weights[c] ("weights") or biases[c] ("biases").
std::vector<double>& stack_parameter(AnnModel& model, const std::string& name, int c) {
  if (!model.is_stack()) throw Error("this ANN is input-hidden-input: use w1, b1, w2 and b2");
  const int connections = static_cast<int>(model.weights.size());
  if (c < 0 || c >= connections) {
    throw Error("connection " + std::to_string(c) + " out of range: the ANN has " +
                std::to_string(connections));
  }
  if (name == "weights") return model.weights[c];
  if (name == "biases") return model.biases[c];
  throw Error("unknown ANN parameter \"" + name + "\": must be weights or biases");
}

std::vector<py::ssize_t> stack_shape(const AnnModel& model, const std::string& name, int c) {
  if (name == "biases") return {static_cast<py::ssize_t>(ann_bias_count(model, c))};
  const auto [rows, columns] = ann_weight_shape(model, c);
  return {static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(columns)};
}

py::array_t<double> get_stack_parameter(AnnModel& model, const std::string& name, int c) {
  const std::vector<double>& values = stack_parameter(model, name, c);
  py::array_t<double> array = new_doubles(stack_shape(model, name, c));
  std::memcpy(array.mutable_data(), values.data(), values.size() * sizeof(double));
  return array;
}

void set_stack_parameter(AnnModel& model, const std::string& name, int c, const Doubles& array) {
  std::vector<double>& values = stack_parameter(model, name, c);
  const std::vector<py::ssize_t> shape = stack_shape(model, name, c);
  bool fits = array.ndim() == static_cast<py::ssize_t>(shape.size());
  for (std::size_t d = 0; fits && d < shape.size(); ++d) fits = array.shape(d) == shape[d];
  if (!fits) {
    std::string wanted = "(" + std::to_string(shape[0]);
    wanted += shape.size() > 1 ? ", " + std::to_string(shape[1]) + ")" : ",)";
    throw Error(name + "[" + std::to_string(c) + "] must have shape " + wanted);
  }
  for (py::ssize_t k = 0; k < array.size(); ++k) {
    if (!std::isfinite(array.data()[k])) throw Error(name + " must hold finite numbers");
  }
  std::memcpy(values.data(), array.data(), values.size() * sizeof(double));
}

py::tuple forward(const AnnModel& model, const Doubles& inputs) {
  const std::size_t n = rows_of(inputs, model.inputs, "inputs");
  py::array_t<double> hidden = new_doubles({static_cast<py::ssize_t>(n), model.hidden()});
  py::array_t<double> outputs = new_doubles({static_cast<py::ssize_t>(n), model.outputs()});
  {
    py::gil_scoped_release release;
    ann_forward(model, {inputs.data(), n * model.inputs},
                {hidden.mutable_data(), n * model.hidden()},
                {outputs.mutable_data(), n * model.outputs()});
  }
  return py::make_tuple(hidden, outputs);
}

py::array_t<double> decode(const AnnModel& model, const Doubles& hidden) {
  const std::size_t n = rows_of(hidden, model.hidden(), "hidden activations");
  py::array_t<double> outputs = new_doubles({static_cast<py::ssize_t>(n), model.outputs()});
  {
    py::gil_scoped_release release;
    ann_decode(model, {hidden.data(), n * model.hidden()},
               {outputs.mutable_data(), n * model.outputs()});
  }
  return outputs;
}

// (count, pixels) images as a Dataset of 1 x pixels images.
Dataset flat_dataset(const Bytes& images, std::size_t pixels) {
  Dataset data;
  const std::size_t count = rows_of(images, pixels, "images");
  data.rows = 1;
  data.cols = static_cast<int>(pixels);
  data.pixels.assign(images.data(), images.data() + count * pixels);
  data.labels.assign(count, 0);
  return data;
}

py::array_t<double> encode_values(const Bytes& images, bool inverted, double noise_factor,
                                  std::uint64_t noise_seed, std::size_t first_index) {
  check_noise_factor(noise_factor);
  if (images.ndim() != 2) throw Error("images must be a (count, pixels) array");
  const auto pixels = static_cast<std::size_t>(images.shape(1));
  const Dataset data = flat_dataset(images, pixels);
  AnnExampleSet set;
  {
    py::gil_scoped_release release;
    set = make_ann_example_set(data, {inverted, noise_factor}, noise_seed, first_index);
  }
  py::array_t<double> out =
      new_doubles({static_cast<py::ssize_t>(data.size()), static_cast<py::ssize_t>(pixels)});
  std::memcpy(out.mutable_data(), set.inputs.data(), set.inputs.size() * sizeof(double));
  return out;
}

// Per-example losses against the clean images, the inputs being the images with
// (noise_factor, noise_seed); and their mean, summed in order.
py::tuple losses(const AnnModel& model, const Bytes& images, double noise_factor,
                 std::uint64_t noise_seed, int threads) {
  check_noise_factor(noise_factor);
  const Dataset data = flat_dataset(images, model.inputs);
  if (data.size() == 0) throw Error("the loss of no images is undefined: give at least one image");
  py::array_t<double> out = new_doubles({static_cast<py::ssize_t>(data.size())});
  double mean = 0.0;
  {
    py::gil_scoped_release release;
    const EncodingOptions encoding{model.options.encoding.inverted, noise_factor};
    const AnnExampleSet set = make_ann_example_set(data, encoding, noise_seed);
    std::span<double> per_example(out.mutable_data(), data.size());
    ann_losses(model, set, threads, per_example);
    for (double loss : per_example) mean += loss;
    mean /= static_cast<double>(data.size());
  }
  return py::make_tuple(out, mean);
}

struct AnnRun : RunControl {
  const py::object& on_epoch;
};

void call_on_epoch(AnnRun& run, const EpochMetrics& metrics, const AnnModel& model) {
  if (run.on_epoch.is_none()) return;
  py::gil_scoped_acquire acquire;
  try {
    // Returning True asks to stop after this epoch.
    const py::object copy = py::cast(model, py::return_value_policy::copy);
    if (run.on_epoch(metrics_to_dict(metrics), copy).is(py::bool_(true))) run.stop = true;
  } catch (const py::error_already_set& error) {
    run.remember(error);
  }
}

// spikeae.fit_ann: the run protocol (ann_run.h) with Python callbacks.
py::dict fit(const AnnModel& start, const Bytes& training_file, std::size_t train_size,
             std::size_t validation_size, bool shuffled, const std::optional<Bytes>& test_images,
             const py::object& on_epoch, double check_seconds) {
  const SplitOptions split{train_size, validation_size, shuffled};
  RunData data = to_run_data(training_file, test_images);
  AnnRun run{{check_seconds}, on_epoch};
  AnnCallbacks callbacks;
  callbacks.stop_requested = [&run] { return run.stop_requested(); };
  callbacks.on_epoch = [&run](const EpochMetrics& m, const AnnModel& model) {
    call_on_epoch(run, m, model);
  };
  AnnRunOutcome outcome;
  {
    py::gil_scoped_release release;
    outcome = run_ann_training({start, split}, std::move(data), callbacks);
  }
  const AnnTrainResult& result = outcome.result;
  py::dict out = run_result_dict(result.best_epoch, result.best_validation_loss, result.stopped,
                                 outcome.test_loss, run);
  out["best"] = result.best_model;
  out["final"] = result.final_model;
  return out;
}

}  // namespace

void bind_ann(py::module_& m) {
  py::class_<AnnModel>(m, "AnnModel")
      .def(py::init(&create), py::kw_only(), py::arg("input_size"), py::arg("hidden"),
           py::arg("encoder"), py::arg("decoder"), py::arg("inverted"), py::arg("noise_factor"),
           py::arg("seed"), py::arg("learning_rate"), py::arg("batch_size"), py::arg("epochs"),
           py::arg("threads"), py::arg("gradient_shards"), py::arg("architecture") = py::none(),
           py::arg("layer_sizes") = py::none(), py::arg("layers") = py::none(),
           py::arg("requested_hidden") = py::none(),
           "A new autoencoder, Glorot-uniform weights from the seed, zero biases.")
      .def(py::init<const AnnModel&>(), py::arg("other"), "A deep copy.")
      .def_property_readonly("options", &options_to_dict)
      .def_property_readonly("parameter_count", &AnnModel::parameter_count)
      .def("get_parameter", &get_parameter, py::arg("name"))
      .def("set_parameter", &set_parameter, py::arg("name"), py::arg("values"))
      .def_property_readonly("is_stack", &AnnModel::is_stack)
      .def_property_readonly(
          "connection_count",
          [](const AnnModel& model) { return static_cast<int>(model.weights.size()); })
      .def("get_stack_parameter", &get_stack_parameter, py::arg("name"), py::arg("connection"))
      .def("set_stack_parameter", &set_stack_parameter, py::arg("name"), py::arg("connection"),
           py::arg("values"))
      .def("forward", &forward, py::arg("inputs"), "(hidden, outputs) of (count, inputs) values.")
      .def("decode", &decode, py::arg("hidden"), "Outputs of (count, hidden) activations.")
      .def("losses", &losses, py::arg("images"), py::arg("noise_factor"), py::arg("noise_seed"),
           py::arg("threads"), "(per-example losses, mean) of (count, pixels) images.");
  m.def("encode_values", &encode_values, py::arg("images"), py::arg("inverted"),
        py::arg("noise_factor"), py::arg("noise_seed"), py::arg("first_index"),
        "Noisy input values x' in [0, 1] of (count, pixels) images (1: no spike).");
  m.def("fit_ann", &fit, py::arg("start"), py::arg("training_file"), py::arg("train_size"),
        py::arg("validation_size"), py::arg("shuffled"), py::arg("test_images"),
        py::arg("on_epoch"), py::arg("check_seconds"),
        "Runs the protocol of ann_run.h on a copy of `start`; returns a dict.");
}

}  // namespace spikeae::python
