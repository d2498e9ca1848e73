// spikeae reconstruct: a PNG of clean inputs, noisy inputs and reconstructions.
#include <cstdio>
#include <memory>
#include <numeric>

#include "commands.h"
#include "integer_flags.h"
#include "model_flags.h"
#include "spikeae/error.h"
#include "spikeae/reconstruction_picture.h"

namespace spikeae::cli {

void add_reconstruct_command(CLI::App& app) {
  struct Flags {
    ModelFlags model;
    std::vector<std::size_t> indices;
    std::size_t count = 10;
    std::string output = "reconstructions.png";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "reconstruct", "PNG grid: clean input, noisy input, reconstruction (rows) per test image");
  add_model_flags(*command, flags->model);
  command->add_option("--indices", flags->indices,
                      "Test images to show (default: the first --count)");
  command->add_option("--count", flags->count, "Number of test images")
      ->check(integer_in(1, 100000))
      ->capture_default_str();
  command->add_option("-o,--output", flags->output, "PNG file to write")->capture_default_str();
  command->callback([flags] {
    const LoadedModel loaded = load_model_and_test_set(flags->model);
    std::vector<std::size_t> indices = flags->indices;
    if (indices.empty()) {
      indices.resize(std::min(flags->count, loaded.test.size()));
      std::iota(indices.begin(), indices.end(), std::size_t{0});
    }
    if (indices.empty()) throw Error("no test images to show");
    for (std::size_t i : indices) {
      if (i >= loaded.test.size()) {
        throw Error("--indices: image " + std::to_string(i) + " is out of range (test set has " +
                    std::to_string(loaded.test.size()) + " images)");
      }
    }
    write_reconstruction_png(flags->output, loaded.saved.network, loaded.test,
                             loaded.saved.config.loss.latency, indices);
    std::printf("wrote %s (%zu test images of %s)\n", flags->output.c_str(), indices.size(),
                loaded.test_name.c_str());
  });
}

}  // namespace spikeae::cli
