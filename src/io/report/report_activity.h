// What the report shows of a network's spikes on test images: one example's spike
// times per layer and, over many examples, how many neurons of each layer fired.
#pragma once

#include <cstddef>
#include <vector>

#include "io/report/svg_raster.h"
#include "spikeae/network.h"
#include "spikeae/trainer.h"

namespace spikeae::report {

struct LayerCounts {
  std::string name;
  std::size_t size = 0;                // neurons in the layer
  std::vector<std::size_t> per_image;  // neurons that fired, one entry per example
};

struct ReportActivity {
  std::vector<RasterLayer> raster;  // example 0: input, hidden and output layers
  std::vector<LayerCounts> counts;  // per layer, over every example of the set
};

// Runs every example of `set` through `network` (on all threads).
ReportActivity measure_report_activity(const Network& network, const ExampleSet& set);

}  // namespace spikeae::report
