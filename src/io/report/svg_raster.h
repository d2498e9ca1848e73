// An inline SVG raster of one example's spikes: one row per neuron, one panel per layer.
#pragma once

#include <string>
#include <vector>

namespace spikeae::report {

struct RasterLayer {
  std::string name;
  std::vector<double> times;  // one per neuron; kNoSpike: silent
};

std::string svg_raster(const std::vector<RasterLayer>& layers);

}  // namespace spikeae::report
