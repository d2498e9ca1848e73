// The encoded input spike train of one example, as the engines read it (internal).
#pragma once

#include <cstdint>
#include <span>
#include <utility>

#include "spikeae/trainer.h"

namespace spikeae {

// Example i's input events: their sources (pixel indices) and times, sorted by time.
inline std::pair<std::span<const std::uint16_t>, std::span<const double>> input_train(
    const ExampleSet& set, std::size_t i) {
  const std::size_t begin = set.inputs.offsets[i];
  const std::size_t count = set.inputs.events(i);
  return {{set.inputs.source.data() + begin, count}, {set.inputs.time.data() + begin, count}};
}

}  // namespace spikeae
