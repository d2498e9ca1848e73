#include "spikeae/encoding.h"

#include <algorithm>
#include <array>

#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

// Encoded values are at most 1, and exactly 1 means no spike.
bool spikes(double value) { return value < 1.0; }

}  // namespace

// Noise mean is 1 for the inverted encoding, 0 otherwise (docs/model.md section 3).
void encode_image_values(std::span<const std::uint8_t> image, const EncodingOptions& options,
                         std::uint64_t noise_seed, std::size_t image_index, std::span<double> out) {
  Rng rng(derive_seed(noise_seed, Stream::kImageNoise, image_index));
  const bool noisy = options.noisy();
  const double noise_mean = options.inverted ? 1.0 : 0.0;
  for (std::size_t k = 0; k < image.size(); ++k) {
    double x = pixel_time(image[k], options.inverted);
    if (noisy) x = std::clamp(x + options.noise_factor * (noise_mean + rng.normal()), 0.0, 1.0);
    out[k] = x;
  }
}

void encode_image_dense(std::span<const std::uint8_t> image, const EncodingOptions& options,
                        std::uint64_t noise_seed, std::size_t image_index, std::span<double> out) {
  encode_image_values(image, options, noise_seed, image_index, out);
  for (std::size_t k = 0; k < image.size(); ++k) out[k] = spikes(out[k]) ? out[k] : kNoSpike;
}

const std::array<double, 256>& pixel_time_table(bool inverted) {
  static const auto kTables = [] {
    std::array<std::array<double, 256>, 2> tables{};
    for (int byte = 0; byte < 256; ++byte) {
      tables[0][byte] = pixel_time(static_cast<std::uint8_t>(byte), false);
      tables[1][byte] = pixel_time(static_cast<std::uint8_t>(byte), true);
    }
    return tables;
  }();
  return kTables[inverted ? 1 : 0];
}

namespace {

// Appends one noise-free image's spike train. A pixel's time is then a strictly
// monotone function of its byte, so a counting sort by time rank (byte or
// 255 - byte), stable in pixel order, gives the (time, pixel) order in linear time.
void append_noise_free(std::span<const std::uint8_t> image, bool inverted, EncodedSet& encoded) {
  const std::array<double, 256>& times = pixel_time_table(inverted);
  const auto rank = [inverted](std::uint8_t byte) { return inverted ? 255 - byte : byte; };
  std::array<std::size_t, 257> first{};  // first[r + 1] counts rank r, then prefix sums
  for (std::uint8_t byte : image) first[rank(byte) + 1] += spikes(times[byte]);
  for (std::size_t r = 1; r < first.size(); ++r) first[r] += first[r - 1];
  const std::size_t begin = encoded.source.size();
  encoded.source.resize(begin + first.back());
  encoded.time.resize(begin + first.back());
  for (std::size_t pixel = 0; pixel < image.size(); ++pixel) {
    const double time = times[image[pixel]];
    if (!spikes(time)) continue;
    const std::size_t at = begin + first[rank(image[pixel])]++;
    encoded.source[at] = static_cast<std::uint16_t>(pixel);
    encoded.time[at] = time;
  }
}

}  // namespace

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
    if (!options.noisy()) {
      append_noise_free(data.image(i), options.inverted, encoded);
      encoded.offsets.push_back(encoded.source.size());
      continue;
    }
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
