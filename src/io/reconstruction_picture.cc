#include "spikeae/reconstruction_picture.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/input_train.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/image_grid.h"
#include "spikeae/loss.h"

namespace spikeae {
namespace {

// Spike time x in [0, 1] (1 = silent) back to brightness for display.
float brightness(double x, bool inverted) {
  const double clamped = std::clamp(x, 0.0, 1.0);
  return static_cast<float>(inverted ? 1.0 - clamped : clamped);
}

}  // namespace

void write_reconstruction_png(const std::filesystem::path& path, const Network& network,
                              const ExampleSet& set, double latency,
                              std::span<const std::size_t> indices) {
  if (indices.empty()) throw Error(path.string() + ": no images to show");
  for (std::size_t i : indices) {
    if (i >= set.size()) {
      throw Error(path.string() + ": image " + std::to_string(i) +
                  " is out of range (the set has " + std::to_string(set.size()) + " images)");
    }
  }
  const std::size_t n_pixels = set.images.pixels_per_image();
  ImageGrid grid;
  grid.tile_rows = set.images.rows;
  grid.tile_cols = set.images.cols;
  grid.grid_rows = 3;
  grid.grid_cols = static_cast<int>(indices.size());
  grid.tiles.assign(3 * indices.size() * n_pixels, 0.0f);
  // The chosen examples' input times, dense (kNoSpike: a silent pixel), and the
  // output times the engine gives for them.
  std::vector<std::vector<double>> inputs(indices.size(), std::vector<double>(n_pixels, kNoSpike));
  for (std::size_t column = 0; column < indices.size(); ++column) {
    const auto [sources, times] = input_train(set, indices[column]);
    for (std::size_t e = 0; e < sources.size(); ++e) inputs[column][sources[e]] = times[e];
  }
  std::vector<std::vector<double>> outputs(indices.size());
  make_cpu_engine(1)->propagate(
      network, 0, indices.size(),
      [&](std::size_t column, std::span<double> times) {
        std::ranges::copy(inputs[column], times.begin());
      },
      [&](std::size_t column, std::span<const std::vector<double>> layers) {
        outputs[column] = layers.back();
      });
  std::vector<double> targets(n_pixels);
  double loss_sum = 0.0;
  for (std::size_t column = 0; column < indices.size(); ++column) {
    const std::size_t i = indices[column];
    const std::span<const double> out = outputs[column];
    target_times(set, i, targets);
    loss_sum += reconstruction_loss(out, targets, latency);
    for (std::size_t k = 0; k < n_pixels; ++k) {
      const double clean = pixel_time(set.images.image(i)[k], set.inverted);
      const double reconstructed = out[k] == kNoSpike ? 1.0 : out[k] - latency;
      grid.tiles[(0 * indices.size() + column) * n_pixels + k] = brightness(clean, set.inverted);
      const double input = inputs[column][k] == kNoSpike ? 1.0 : inputs[column][k];
      grid.tiles[(1 * indices.size() + column) * n_pixels + k] = brightness(input, set.inverted);
      grid.tiles[(2 * indices.size() + column) * n_pixels + k] =
          brightness(reconstructed, set.inverted);
    }
  }
  grid.row_labels = {"clean", "input", "output"};
  char caption[96];
  std::snprintf(caption, sizeof caption, "loss %.5f (mean of these %zu)",
                loss_sum / static_cast<double>(indices.size()), indices.size());
  grid.caption = caption;
  write_png(path, grid);
}

}  // namespace spikeae
