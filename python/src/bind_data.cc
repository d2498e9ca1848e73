// Data: IDX files, the named data sets, the train/validation split, the spike
// encoding of images, and a few free helpers (seeds, V(t), pictures, files).
#include <cmath>
#include <map>
#include <string>

#include "convert.h"
#include "spikeae/atomic_file.h"
#include "spikeae/data_paths.h"
#include "spikeae/encoding.h"
#include "spikeae/error.h"
#include "spikeae/idx.h"
#include "spikeae/image_grid.h"
#include "neuron/neuron.h"
#include "spikeae/random.h"

namespace spikeae::python {
namespace {

namespace fs = std::filesystem;

Stream stream_named(const std::string& name) {
  static const std::map<std::string, Stream> streams = {
      {"weights", Stream::kWeights},
      {"train_noise", Stream::kTrainNoise},
      {"validation_noise", Stream::kValidationNoise},
      {"test_noise", Stream::kTestNoise},
      {"split", Stream::kSplit},
      {"shuffle", Stream::kShuffle},
      {"image_noise", Stream::kImageNoise}};
  const auto found = streams.find(name);
  if (found == streams.end()) {
    std::string names;
    for (const auto& [key, value] : streams) names += (names.empty() ? "" : ", ") + key;
    throw Error("unknown random stream \"" + name + "\"; valid names: " + names);
  }
  return found->second;
}

py::tuple dataset_arrays(const Dataset& data) {
  return py::make_tuple(images_to_array(data), labels_to_array(data));
}

py::array_t<std::uint8_t> read_images(const fs::path& path) {
  IdxImages images;
  {
    py::gil_scoped_release release;
    images = read_idx_images(path);
  }
  Dataset data{images.rows, images.cols, std::move(images.pixels), {}};
  data.labels.resize(static_cast<std::size_t>(images.count));
  return images_to_array(data);
}

py::array_t<std::uint8_t> read_labels(const fs::path& path) {
  Dataset data;
  {
    py::gil_scoped_release release;
    data.labels = read_idx_labels(path);
  }
  return labels_to_array(data);
}

void write_images(const fs::path& path, const Bytes& images) {
  const Dataset data = to_dataset(images, std::nullopt);
  IdxImages idx{static_cast<int>(data.size()), data.rows, data.cols, data.pixels};
  py::gil_scoped_release release;
  write_idx_images(path, idx);
}

void write_labels(const fs::path& path, const Bytes& labels) {
  if (labels.ndim() != 1) throw Error("labels must be a 1-D array");
  const std::vector<std::uint8_t> values(labels.data(), labels.data() + labels.size());
  py::gil_scoped_release release;
  write_idx_labels(path, values);
}

py::dict locate(const std::string& name, const std::optional<fs::path>& data_dir) {
  const DatasetFiles files = locate_dataset(name, data_dir);
  py::dict d;
  d["train_images"] = files.train_images;
  d["train_labels"] = files.train_labels;
  d["test_images"] = files.test_images;
  d["test_labels"] = files.test_labels;
  return d;
}

py::tuple load_files(const fs::path& train_images, const fs::path& train_labels,
                     const fs::path& test_images, const fs::path& test_labels) {
  TrainTestData data;
  {
    py::gil_scoped_release release;
    data = load_dataset_files({train_images, train_labels, test_images, test_labels});
  }
  return py::make_tuple(images_to_array(data.train), labels_to_array(data.train),
                        images_to_array(data.test), labels_to_array(data.test));
}

py::tuple split(const Bytes& images, const Bytes& labels, std::size_t train_size,
                std::size_t validation_size, bool shuffled, std::uint64_t seed) {
  const Dataset data = to_dataset(images, labels);
  TrainValidation parts;
  {
    py::gil_scoped_release release;
    parts = split_train_validation(data, {train_size, validation_size, shuffled}, seed);
  }
  return py::make_tuple(images_to_array(parts.train), labels_to_array(parts.train),
                        images_to_array(parts.validation), labels_to_array(parts.validation));
}

// (count, pixels) bytes -> (count, pixels) spike times; image i uses noise index first_index + i.
py::array_t<double> encode(const Bytes& images, bool inverted, double noise_factor,
                           std::uint64_t noise_seed, std::size_t first_index) {
  check_noise_factor(noise_factor);
  if (images.ndim() != 2) throw Error("images must be a (count, pixels) array");
  const auto count = static_cast<std::size_t>(images.shape(0));
  const auto pixels = static_cast<std::size_t>(images.shape(1));
  py::array_t<double> out = new_doubles({images.shape(0), images.shape(1)});
  const std::uint8_t* in = images.data();
  double* times = out.mutable_data();
  const EncodingOptions options{inverted, noise_factor};
  py::gil_scoped_release release;
  for (std::size_t i = 0; i < count; ++i) {
    encode_image_dense({in + i * pixels, pixels}, options, noise_seed, first_index + i,
                       {times + i * pixels, pixels});
  }
  return out;
}

py::array_t<double> targets(const Bytes& images, bool inverted) {
  py::array_t<double> out =
      new_doubles(std::vector<py::ssize_t>(images.shape(), images.shape() + images.ndim()));
  const std::uint8_t* in = images.data();
  double* times = out.mutable_data();
  for (py::ssize_t i = 0; i < images.size(); ++i) times[i] = pixel_time(in[i], inverted);
  return out;
}

py::array_t<double> potential(const Doubles& t, const Doubles& input_times, const Doubles& weights,
                              double decay_rate) {
  if (input_times.ndim() != 1 || weights.ndim() != 1 || input_times.size() != weights.size()) {
    throw Error("input_times and weights must be 1-D arrays of the same length");
  }
  check_times({input_times.data(), static_cast<std::size_t>(input_times.size())}, "input times");
  py::array_t<double> out = new_doubles(std::vector<py::ssize_t>(t.shape(), t.shape() + t.ndim()));
  const std::span<const double> inputs(input_times.data(), input_times.size());
  const std::span<const double> w(weights.data(), weights.size());
  for (py::ssize_t i = 0; i < t.size(); ++i) {
    out.mutable_data()[i] = membrane_potential(t.data()[i], inputs, w, decay_rate);
  }
  return out;
}

void image_grid(const fs::path& path, const Floats& tiles, int padding, int scale, int background,
                std::vector<std::string> row_labels, std::string caption) {
  if (tiles.ndim() != 4) throw Error("tiles must be a (grid_rows, grid_cols, rows, cols) array");
  if (background < 0 || background > 255) throw Error("background must be in [0, 255]");
  ImageGrid grid;
  grid.grid_rows = static_cast<int>(tiles.shape(0));
  grid.grid_cols = static_cast<int>(tiles.shape(1));
  grid.tile_rows = static_cast<int>(tiles.shape(2));
  grid.tile_cols = static_cast<int>(tiles.shape(3));
  grid.padding = padding;
  grid.scale = scale;
  grid.background = static_cast<std::uint8_t>(background);
  grid.tiles.assign(tiles.data(), tiles.data() + tiles.size());
  grid.row_labels = std::move(row_labels);
  grid.caption = std::move(caption);
  py::gil_scoped_release release;
  write_png(path, grid);
}

}  // namespace

void bind_data(py::module_& m) {
  m.def("read_idx_images", &read_images, py::arg("path"),
        "Images of an IDX file (raw or gzip) as a (count, rows, cols) uint8 array.");
  m.def("read_idx_labels", &read_labels, py::arg("path"),
        "Labels of an IDX file (raw or gzip) as a (count,) uint8 array.");
  m.def(
      "load_idx_dataset",
      [](const fs::path& images, const fs::path& labels) {
        Dataset data;
        {
          py::gil_scoped_release release;
          data = load_idx_dataset(images, labels);
        }
        return dataset_arrays(data);
      },
      py::arg("images"), py::arg("labels"), "(images, labels) of an image and a label file.");
  m.def("write_idx_images", &write_images, py::arg("path"), py::arg("images"),
        "Writes (count, rows, cols) uint8 images as a raw IDX file (atomically).");
  m.def("write_idx_labels", &write_labels, py::arg("path"), py::arg("labels"),
        "Writes (count,) uint8 labels as a raw IDX file (atomically).");
  m.def("known_dataset_names", &known_dataset_names, "Names locate_dataset accepts.");
  m.def("locate_dataset", &locate, py::arg("name"), py::arg("data_dir") = std::nullopt,
        "The four IDX files of a named data set.");
  m.def("load_dataset_files", &load_files, py::arg("train_images"), py::arg("train_labels"),
        py::arg("test_images"), py::arg("test_labels"),
        "(train_images, train_labels, test_images, test_labels) arrays.");
  m.def("split_train_validation", &split, py::arg("images"), py::arg("labels"),
        py::arg("train_size"), py::arg("validation_size"), py::arg("shuffled"), py::arg("seed"),
        "(train_images, train_labels, validation_images, validation_labels), as spikeae train.");
  m.def("encode_images", &encode, py::arg("images"), py::arg("inverted"), py::arg("noise_factor"),
        py::arg("noise_seed"), py::arg("first_index"),
        "Spike times (inf: no spike) of (count, pixels) images.");
  m.def("target_times", &targets, py::arg("images"), py::arg("inverted"),
        "Clean spike times of pixels, 1 for a silent pixel (the loss targets).");
  m.def(
      "derive_seed",
      [](std::uint64_t seed, const std::string& stream, std::uint64_t index) {
        return derive_seed(seed, stream_named(stream), index);
      },
      py::arg("seed"), py::arg("stream"), py::arg("index") = 0,
      "The seed of one random stream derived from a run's seed.");
  m.def("membrane_potential", &potential, py::arg("t"), py::arg("input_times"), py::arg("weights"),
        py::arg("decay_rate"),
        "V(t) of a neuron with these inputs (ignoring its own spike), for every t.");
  m.def("write_image_grid", &image_grid, py::arg("path"), py::arg("tiles"), py::arg("padding"),
        py::arg("scale"), py::arg("background"), py::arg("row_labels"), py::arg("caption"),
        "Writes a PNG grid of grayscale tiles with values in [0, 1] (NaN: background).");
  m.def(
      "write_file_atomically",
      [](const fs::path& path, const py::bytes& bytes) {
        const std::string data = bytes;
        py::gil_scoped_release release;
        write_file_atomically(path, data);
      },
      py::arg("path"), py::arg("data"), "Replaces a file atomically with these bytes.");
}

}  // namespace spikeae::python
