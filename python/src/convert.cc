#include "convert.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <variant>

#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/threads.h"

namespace spikeae::python {
namespace {

// Examples per pool task: small enough to balance a few hundred images over the
// threads, large enough that task hand-out costs nothing.
constexpr std::size_t kChunk = 64;  // examples per task, as the CPU engine takes them

std::string shape_text(const py::array& array) {
  std::string text = "(";
  for (py::ssize_t d = 0; d < array.ndim(); ++d) {
    text += (d > 0 ? ", " : "") + std::to_string(array.shape(d));
  }
  return text + (array.ndim() == 1 ? ",)" : ")");
}

int pool_size(std::size_t count, int threads) {
  const std::size_t chunks = (count + kChunk - 1) / kChunk;
  const auto wanted = static_cast<std::size_t>(resolve_thread_count(threads));
  return static_cast<int>(std::max<std::size_t>(1, std::min(wanted, chunks)));
}

}  // namespace

Dataset to_dataset(const Bytes& images, const std::optional<Bytes>& labels) {
  if (images.ndim() != 3) {
    throw Error("images must be a (count, rows, cols) array, got shape " + shape_text(images));
  }
  Dataset data;
  const auto count = static_cast<std::size_t>(images.shape(0));
  data.rows = static_cast<int>(images.shape(1));
  data.cols = static_cast<int>(images.shape(2));
  data.pixels.assign(images.data(), images.data() + images.size());
  if (labels) {
    if (labels->ndim() != 1 || static_cast<std::size_t>(labels->shape(0)) != count) {
      throw Error("labels must be a (" + std::to_string(count) + ",) array, got shape " +
                  shape_text(*labels));
    }
    data.labels.assign(labels->data(), labels->data() + count);
  } else {
    data.labels.assign(count, 0);
  }
  return data;
}

RunData to_run_data(const Bytes& training_file, const std::optional<Bytes>& test_images) {
  RunData data{to_dataset(training_file, std::nullopt), {}};
  if (test_images) data.test = to_dataset(*test_images, std::nullopt);
  return data;
}

py::array_t<std::uint8_t> images_to_array(const Dataset& data) {
  py::array_t<std::uint8_t> array(
      {static_cast<py::ssize_t>(data.size()), py::ssize_t{data.rows}, py::ssize_t{data.cols}});
  if (!data.pixels.empty())
    std::memcpy(array.mutable_data(), data.pixels.data(), data.pixels.size());
  return array;
}

py::array_t<std::uint8_t> labels_to_array(const Dataset& data) {
  py::array_t<std::uint8_t> array(static_cast<py::ssize_t>(data.labels.size()));
  if (!data.labels.empty())
    std::memcpy(array.mutable_data(), data.labels.data(), data.labels.size());
  return array;
}

py::array_t<double> new_doubles(std::vector<py::ssize_t> shape) {
  return py::array_t<double>(std::move(shape));
}

std::size_t rows_of(const py::array& array, std::size_t cols, const char* what) {
  if (array.ndim() != 2 || static_cast<std::size_t>(array.shape(1)) != cols) {
    throw Error(std::string(what) + " must be a (count, " + std::to_string(cols) +
                ") array, got shape " + shape_text(array));
  }
  return static_cast<std::size_t>(array.shape(0));
}

void check_times(std::span<const double> times, const char* what) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (std::isnan(times[i]) || times[i] == -kNoSpike) {
      throw Error(std::string(what) + " must be numbers or +inf (no spike), got " +
                  (std::isnan(times[i]) ? "nan" : "-inf") + " at flat index " + std::to_string(i));
    }
  }
}

void check_noise_factor(double noise_factor) {
  if (!(noise_factor >= 0.0 && noise_factor <= 1.0)) {
    throw Error("invalid noise_factor: must be in [0, 1], got " + std::to_string(noise_factor));
  }
}

int thread_count(const Model& model, std::optional<int> threads) {
  const int value = threads.value_or(model.saved.config.train.threads);
  if (value < 0 || value > 1024) {
    throw Error("invalid threads: must be an integer in [0, 1024], got " + std::to_string(value));
  }
  return value;
}

std::unique_ptr<Engine> make_engine(std::size_t count, int threads) {
  return make_cpu_engine(pool_size(count, threads));
}

py::object option_to_python(const OptionValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
          return py::none();
        } else {
          return py::cast(v);
        }
      },
      value);
}

py::dict row_to_dict(const HyperparameterRow& row) {
  py::dict d;
  for (const OptionSpec& spec : option_table()) {
    if (spec.paper_column())
      d[py::str(std::string(spec.name))] = option_to_python(row_value(row, spec));
  }
  return d;
}

// The table's options in its order (paper columns from the row), then Adam's constants.
py::dict config_to_dict(const TrainingConfig& config) {
  py::dict d = row_to_dict(row_from_config(config));
  for (const OptionSpec& spec : option_table()) {
    if (spec.paper_column() || spec.access.get == nullptr) continue;
    d[py::str(std::string(spec.name))] = option_to_python(spec.access.get(config));
  }
  d["beta1"] = config.adam.beta1;
  d["beta2"] = config.adam.beta2;
  d["epsilon"] = config.adam.epsilon;
  return d;
}

py::dict metrics_to_dict(const EpochMetrics& metrics, std::optional<double> test_loss) {
  py::dict d;
  d["epoch"] = metrics.epoch;
  d["train_loss"] = metrics.train_loss;
  d["validation_loss"] = metrics.validation_loss;
  if (test_loss) d["test_loss"] = *test_loss;
  d["seconds"] = metrics.seconds;
  d["examples_per_second"] = metrics.examples_per_second;
  d["best"] = metrics.best;
  return d;
}

}  // namespace spikeae::python
