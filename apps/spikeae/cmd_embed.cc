// spikeae embed: hidden-layer spike times (the embedding) and labels, as CSV or .npy.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "commands.h"
#include "model_flags.h"
#include "spikeae/atomic_file.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/npy.h"

namespace spikeae::cli {
namespace {

struct Embedding {
  std::size_t rows = 0, cols = 0;
  std::vector<double> times;  // row-major, kNoSpike for a neuron that never fired
  std::vector<std::uint8_t> labels;
};

// The embedding layer is the narrowest hidden layer unless chosen (1-based layer index).
int embedding_layer(const Network& network, std::optional<int> requested) {
  const auto& sizes = network.architecture.layer_sizes;
  if (requested) {
    const int hidden_layers = static_cast<int>(sizes.size()) - 2;
    if (*requested < 1 || *requested > hidden_layers) {
      throw Error("--layer must name a hidden layer, 1 to " + std::to_string(hidden_layers) +
                  ", got " + std::to_string(*requested));
    }
    return *requested;
  }
  int best = 1;
  for (int l = 1; l + 1 < static_cast<int>(sizes.size()); ++l) {
    if (sizes[l] < sizes[best]) best = l;
  }
  return best;
}

Embedding embed(const Network& network, const ExampleSet& set, int layer, int threads) {
  Embedding result{set.size(),
                   static_cast<std::size_t>(network.architecture.layer_sizes[layer]),
                   {},
                   set.images.labels};
  result.times.resize(result.rows * result.cols);
  // Per-example results: the same times on any number of threads.
  const std::unique_ptr<Engine> engine = make_cpu_engine(threads);
  engine->propagate(network, set, [&](std::size_t i, std::span<const std::vector<double>> layers) {
    const std::vector<double>& times = layers[layer - 1];
    std::copy(times.begin(), times.end(), result.times.begin() + i * result.cols);
  });
  return result;
}

std::string to_csv(const Embedding& e) {
  std::ostringstream csv;
  csv.precision(17);
  csv << "label";
  for (std::size_t j = 0; j < e.cols; ++j) csv << ",h" << j;
  csv << "\n";
  for (std::size_t i = 0; i < e.rows; ++i) {
    csv << int{e.labels[i]};
    for (std::size_t j = 0; j < e.cols; ++j) csv << "," << e.times[i * e.cols + j];
    csv << "\n";
  }
  return csv.str();
}

enum class EmbeddingFormat { kCsv, kNpy };

// From the output's extension, in any letter case; anything else is refused.
EmbeddingFormat embedding_format(const std::filesystem::path& out) {
  std::string extension = out.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == ".npy") return EmbeddingFormat::kNpy;
  if (extension == ".csv") return EmbeddingFormat::kCsv;
  throw Error("-o " + out.string() + ": the file name must end in .csv or .npy (the format)");
}

}  // namespace

void add_embed_command(CLI::App& app) {
  struct Flags {
    ModelFlags model;
    std::string output = "embeddings.csv";
    std::optional<int> layer;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "embed", "Hidden spike times of the test images with their labels (inf: no spike)");
  add_model_flags(*command, flags->model);
  command
      ->add_option("-o,--output", flags->output,
                   "Output file: .csv (label,h0,h1,...) or .npy (times; labels in "
                   "<name>_labels.npy)")
      ->capture_default_str();
  command
      ->add_option("--layer", flags->layer,
                   "Hidden layer, 1 to the number of hidden layers (default: the narrowest)")
      ->type_name("INT");
  command->callback([flags] {
    const std::filesystem::path out(flags->output);
    const EmbeddingFormat format = embedding_format(out);
    const LoadedModel loaded = load_model_and_test_set(flags->model);
    const int layer = embedding_layer(loaded.saved.network, flags->layer);
    const Embedding e = embed(loaded.saved.network, loaded.test, layer, flags->model.threads);
    std::printf("embedding of hidden layer %d for %zu test images of %s\n", layer, e.rows,
                loaded.test_name.c_str());
    if (format == EmbeddingFormat::kNpy) {
      write_npy(out, e.times, e.rows, e.cols);
      std::filesystem::path labels = out;
      labels.replace_filename(out.stem().string() + "_labels.npy");
      write_npy(labels, e.labels);
      std::printf("wrote %s and %s (%zu x %zu)\n", out.c_str(), labels.c_str(), e.rows, e.cols);
    } else {
      write_file_atomically(out, to_csv(e));
      std::printf("wrote %s (%zu x %zu)\n", out.c_str(), e.rows, e.cols);
    }
  });
}

}  // namespace spikeae::cli
