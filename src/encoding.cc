#include "spikeae/encoding.h"

#include <algorithm>

#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae {

// Noise mean is 1 for the inverted encoding, 0 otherwise (docs/model.md section 3).
void encode_image_values(std::span<const std::uint8_t> image, const EncodingOptions& options,
                         std::uint64_t noise_seed, std::size_t image_index, std::span<double> out) {
  Rng rng(derive_seed(noise_seed, Stream::kImageNoise, image_index));
  const bool noisy = options.noise_factor > 0.0;
  const double noise_mean = options.inverted ? 1.0 : 0.0;
  for (std::size_t k = 0; k < image.size(); ++k) {
    double x = pixel_time(image[k], options.inverted);
    if (noisy) x = std::clamp(x + options.noise_factor * (noise_mean + rng.normal()), 0.0, 1.0);
    out[k] = x;
  }
}

// The values are at most 1, so ">= 1: no spike" marks exactly the value 1.
void encode_image_dense(std::span<const std::uint8_t> image, const EncodingOptions& options,
                        std::uint64_t noise_seed, std::size_t image_index, std::span<double> out) {
  encode_image_values(image, options, noise_seed, image_index, out);
  for (std::size_t k = 0; k < image.size(); ++k) out[k] = out[k] >= 1.0 ? kNoSpike : out[k];
}

EncodedSet encode_dataset(const Dataset& data, const EncodingOptions& options,
                          std::uint64_t noise_seed) {
  EncodedSet encoded;
  const std::size_t n_pixels = data.pixels_per_image();
  if (n_pixels > kMaxEncodedPixels) {
    throw Error("images of " + std::to_string(n_pixels) + " pixels cannot be encoded: at most " +
                std::to_string(kMaxEncodedPixels) + " (16-bit pixel indices)");
  }
  std::vector<double> dense(n_pixels);
  std::vector<std::uint16_t> spiking;  // pixel indices, increasing, then sorted by time
  spiking.reserve(n_pixels);
  for (std::size_t i = 0; i < data.size(); ++i) {
    encode_image_dense(data.image(i), options, noise_seed, i, dense);
    // Only the pixels that spike are sorted (about a fifth of MNIST's); the sort
    // is stable, so equal times stay in pixel order.
    spiking.clear();
    for (std::size_t pixel = 0; pixel < n_pixels; ++pixel) {
      if (dense[pixel] != kNoSpike) spiking.push_back(static_cast<std::uint16_t>(pixel));
    }
    std::stable_sort(spiking.begin(), spiking.end(),
                     [&](std::uint16_t x, std::uint16_t y) { return dense[x] < dense[y]; });
    for (std::uint16_t pixel : spiking) {
      encoded.source.push_back(pixel);
      encoded.time.push_back(dense[pixel]);
    }
    encoded.offsets.push_back(encoded.source.size());
  }
  return encoded;
}

}  // namespace spikeae
