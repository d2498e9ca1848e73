// A labelled image data set held compactly as bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace spikeae {

// Images stored row-major, one byte per pixel, images back to back:
// pixel (r, c) of image i is pixels[i * rows * cols + r * cols + c].
struct Dataset {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::uint8_t> labels;  // one per image

  std::size_t size() const { return labels.size(); }
  std::size_t pixels_per_image() const { return static_cast<std::size_t>(rows) * cols; }
  std::span<const std::uint8_t> image(std::size_t index) const {
    return {pixels.data() + index * pixels_per_image(), pixels_per_image()};
  }
  // Images [begin, begin + count) as a new data set; throws Error when out of range.
  Dataset slice(std::size_t begin, std::size_t count) const;
  // Images picked by index, in the given order.
  Dataset gather(std::span<const std::size_t> indices) const;
};

}  // namespace spikeae
