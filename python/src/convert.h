// Shared pieces of the Python bindings: numpy <-> library types, the model
// object, and the per-file registration functions.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/dataset.h"
#include "spikeae/engine.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/model_file.h"
#include "spikeae/option_table.h"
#include "spikeae/run.h"
#include "spikeae/trainer.h"

namespace spikeae::python {

namespace py = pybind11;

// Arguments converted to C-contiguous arrays of one dtype (copied only when needed).
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Bytes = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;
using Floats = py::array_t<float, py::array::c_style | py::array::forcecast>;

// The object behind spikeae.Model: a network with the options it was made or
// trained with, exactly what a model file holds.
struct Model {
  SavedModel saved;

  const Network& network() const { return saved.network; }
};

// A (count, rows, cols) uint8 array as a Dataset (copied); labels (count,) or zeros.
Dataset to_dataset(const Bytes& images, const std::optional<Bytes>& labels);
// A run's training file and test images (none: no test loss).
RunData to_run_data(const Bytes& training_file, const std::optional<Bytes>& test_images);
py::array_t<std::uint8_t> images_to_array(const Dataset& data);  // (count, rows, cols)
py::array_t<std::uint8_t> labels_to_array(const Dataset& data);  // (count,)

// A new C-contiguous array of the given shape (uninitialised).
py::array_t<double> new_doubles(std::vector<py::ssize_t> shape);

// Rows of a 2-D array whose rows must have `cols` entries; throws Error naming `what`.
std::size_t rows_of(const py::array& array, std::size_t cols, const char* what);

// Throws Error when a spike time is NaN or -inf (+inf means "no spike").
void check_times(std::span<const double> times, const char* what);

// Throws Error unless 0 <= noise_factor <= 1.
void check_noise_factor(double noise_factor);

// Worker threads for a call: `threads` or the model's, checked.
int thread_count(const Model& model, std::optional<int> threads);

// An engine for `count` examples on `threads` threads (0: all), no more threads
// than the work needs.
std::unique_ptr<Engine> make_engine(std::size_t count, int threads);

py::object option_to_python(const OptionValue& value);  // None for none
py::dict row_to_dict(const HyperparameterRow& row);     // paper column names, table order
py::dict config_to_dict(const TrainingConfig& config);
// test_loss, when given, follows validation_loss.
py::dict metrics_to_dict(const EpochMetrics& metrics,
                         std::optional<double> test_loss = std::nullopt);

void bind_config(py::module_& module);
void bind_data(py::module_& module);
void bind_model(py::module_& module);
void bind_train(py::module_& module);
void bind_ann(py::module_& module);
void bind_nir(py::module_& module);

}  // namespace spikeae::python
