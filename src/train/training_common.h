// Small pieces both trainers (spiking and ANN) use (internal).
#pragma once

#include <chrono>
#include <numeric>
#include <span>

namespace spikeae {

using TrainingClock = std::chrono::steady_clock;

inline double seconds_since(TrainingClock::time_point start) {
  return std::chrono::duration<double>(TrainingClock::now() - start).count();
}

// Sum in index order, so the total does not depend on which thread did what.
inline double ordered_mean(std::span<const double> values) {
  return values.empty() ? 0.0
                        : std::accumulate(values.begin(), values.end(), 0.0) /
                              static_cast<double>(values.size());
}

}  // namespace spikeae
