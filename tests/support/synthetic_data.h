// Small synthetic image sets for tests: blobs of ink on a blank background.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spikeae/dataset.h"
#include "spikeae/random.h"

namespace spikeae::testing {

// `count` 8x8 images, each a disc of radius ~1.4 pixels at a random centre; the
// label is the centre's column.
inline Dataset ink_blobs(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.rows = data.cols = 8;
  for (std::size_t i = 0; i < count; ++i) {
    const int cx = 2 + static_cast<int>(rng.below(4)), cy = 2 + static_cast<int>(rng.below(4));
    for (int r = 0; r < 8; ++r) {
      for (int c = 0; c < 8; ++c) {
        const int d2 = (r - cy) * (r - cy) + (c - cx) * (c - cx);
        data.pixels.push_back(d2 <= 2 ? static_cast<std::uint8_t>(155 + rng.below(100)) : 0);
      }
    }
    data.labels.push_back(static_cast<std::uint8_t>(cx));
  }
  return data;
}

}  // namespace spikeae::testing
