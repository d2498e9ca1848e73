#include "spikeae/loss.h"

#include "spikeae/encoding.h"

namespace spikeae {

double reconstruction_loss(std::span<const double> output_times,
                           std::span<const double> target_times, double latency) {
  double sum = 0.0;
  for (std::size_t k = 0; k < output_times.size(); ++k) {
    // A silent output reads as 1, the time of "no information".
    const double reconstructed = output_times[k] == kNoSpike ? 1.0 : output_times[k] - latency;
    const double error = reconstructed - target_times[k];
    sum += error * error;
  }
  return sum / static_cast<double>(output_times.size());
}

}  // namespace spikeae
