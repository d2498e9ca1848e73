// Images to input spike times, with the noise model (docs/model.md section 3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "spikeae/dataset.h"

namespace spikeae {

inline constexpr double kNoSpike = std::numeric_limits<double>::infinity();

struct EncodingOptions {
  bool inverted = true;       // x = 1 - b (dark ink spikes early); false: x = b
  double noise_factor = 0.0;  // eta in [0, 1]: x' = clamp(x + eta * r, 0, 1), r ~ N(mu, 1)

  bool noisy() const { return noise_factor > 0.0; }
  friend bool operator==(const EncodingOptions&, const EncodingOptions&) = default;
};

// Clean spike time of a pixel byte: 1 - b/255 (inverted) or b/255; 1 means no spike.
inline double pixel_time(std::uint8_t byte, bool inverted) {
  const double brightness = byte / 255.0;
  return inverted ? 1.0 - brightness : brightness;
}

// pixel_time of every byte value (the same values): a lookup per pixel instead
// of a division, for the targets of every example and for encoding.
const std::array<double, 256>& pixel_time_table(bool inverted);

// The spiking inputs of one image, sorted by time (ties by pixel index).
struct SpikeTrain {
  std::vector<std::uint16_t> source;  // pixel index
  std::vector<double> time;           // in [0, 1)
};

// Spike trains of a whole data set, stored back to back: image i owns
// events [offsets[i], offsets[i + 1]).
struct EncodedSet {
  std::vector<std::size_t> offsets = {0};
  std::vector<std::uint16_t> source;
  std::vector<double> time;

  std::size_t size() const { return offsets.size() - 1; }
  std::size_t events(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
};

// Pixel indices of encoded spike trains are 16-bit.
inline constexpr std::size_t kMaxEncodedPixels = 65535;

// Encodes every image of `data`; throws Error for images of more than
// kMaxEncodedPixels pixels. The noise of image i depends only on
// (noise_seed, i): one fixed noisy copy of the data set, whatever the thread count.
EncodedSet encode_dataset(const Dataset& data, const EncodingOptions& options,
                          std::uint64_t noise_seed);

// The noisy values x' of one image's pixels, in [0, 1], as dense inputs (the ANN
// baseline's): the spiking encoding's values with 1 where it has no spike.
void encode_image_values(std::span<const std::uint8_t> image, const EncodingOptions& options,
                         std::uint64_t noise_seed, std::size_t image_index, std::span<double> out);

// Encodes one image into a dense vector of times (kNoSpike for silent pixels).
void encode_image_dense(std::span<const std::uint8_t> image, const EncodingOptions& options,
                        std::uint64_t noise_seed, std::size_t image_index, std::span<double> out);

}  // namespace spikeae
