#include "spikeae/memory_check.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "spikeae/error.h"

namespace spikeae {
namespace {

// Copies of the parameters a run holds: network, best network, two Adam moments, the
// result's two networks and a checkpoint's serialised network and best network.
constexpr double kParameterCopies = 8.0;
// An encoded image: per pixel a 2-byte source index and an 8-byte time, plus the byte itself.
constexpr double kBytesPerPixel = 11.0;

std::string gigabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  return text;
}

}  // namespace

double parameter_count(const Architecture& architecture) {
  const auto& sizes = architecture.layer_sizes;
  double count = 0.0;
  for (std::size_t c = 0; c + 1 < sizes.size(); ++c) {
    count += (static_cast<double>(sizes[c]) + architecture.n_pulses) * sizes[c + 1];
  }
  return count;
}

double estimated_training_bytes(const TrainingConfig& config, std::size_t images,
                                std::size_t pixels) {
  const double copies = kParameterCopies + config.train.gradient_shards;
  const double parameters = parameter_count(config.architecture) * copies * sizeof(double);
  const double data = static_cast<double>(images) * static_cast<double>(pixels) * kBytesPerPixel;
  return parameters + data;
}

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0.0;
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

void check_training_memory(const TrainingConfig& config, std::size_t images, std::size_t pixels) {
  const double needed = estimated_training_bytes(config, images, pixels);
  const double available = physical_memory_bytes();
  if (available > 0.0 && needed > available) {
    char parameters[32];
    std::snprintf(parameters, sizeof parameters, "%.3g", parameter_count(config.architecture));
    throw Error("this configuration needs about " + gigabytes(needed) + " of memory (" +
                parameters + " parameters, " + std::to_string(images) + " images of " +
                std::to_string(pixels) + " pixels), more than this machine's " +
                gigabytes(available) + ": use smaller layers or fewer images");
  }
}

}  // namespace spikeae
