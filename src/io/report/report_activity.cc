#include "io/report/report_activity.h"

#include <cmath>
#include <string>

#include "engine/input_train.h"
#include "spikeae/engine.h"

namespace spikeae::report {
namespace {

std::string layer_name(std::size_t layer, std::size_t n_layers) {
  if (layer == 0) return "input";
  if (layer + 1 == n_layers) return "output";
  return "hidden " + std::to_string(layer);
}

std::size_t fired(const std::vector<double>& times) {
  std::size_t count = 0;
  for (double t : times) count += std::isfinite(t) ? 1 : 0;
  return count;
}

}  // namespace

ReportActivity measure_report_activity(const Network& network, const ExampleSet& set) {
  const std::vector<int>& sizes = network.architecture.layer_sizes;
  ReportActivity activity;
  for (std::size_t layer = 0; layer < sizes.size(); ++layer) {
    activity.counts.push_back({layer_name(layer, sizes.size()),
                               static_cast<std::size_t>(sizes[layer]),
                               std::vector<std::size_t>(set.size(), 0)});
    activity.raster.push_back(
        {layer_name(layer, sizes.size()),
         std::vector<double>(static_cast<std::size_t>(sizes[layer]), kNoSpike)});
  }
  if (set.size() == 0) return activity;
  for (std::size_t i = 0; i < set.size(); ++i) {
    // Input neurons fire at most once, so events count the pixels that fired.
    activity.counts[0].per_image[i] = set.inputs.events(i);
  }
  const auto [sources, times] = input_train(set, 0);
  for (std::size_t e = 0; e < sources.size(); ++e) activity.raster[0].times[sources[e]] = times[e];
  // The sink may run on several threads at once, each for its own example's slots.
  make_cpu_engine(0)->propagate(
      network, set, [&](std::size_t example, std::span<const std::vector<double>> layers) {
        for (std::size_t k = 0; k < layers.size(); ++k) {
          activity.counts[k + 1].per_image[example] = fired(layers[k]);
          if (example == 0) activity.raster[k + 1].times = layers[k];
        }
      });
  return activity;
}

}  // namespace spikeae::report
