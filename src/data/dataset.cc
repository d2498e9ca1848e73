// Subsets of a data set, copied out so that each subset owns its bytes.
#include "spikeae/dataset.h"

#include <string>

#include "spikeae/error.h"

namespace spikeae {
namespace {

Dataset empty_like(const Dataset& data, std::size_t count) {
  Dataset out;
  out.rows = data.rows;
  out.cols = data.cols;
  out.pixels.reserve(count * data.pixels_per_image());
  out.labels.reserve(count);
  return out;
}

void append_image(const Dataset& from, std::size_t index, Dataset& to) {
  const std::span<const std::uint8_t> image = from.image(index);
  to.pixels.insert(to.pixels.end(), image.begin(), image.end());
  to.labels.push_back(from.labels[index]);
}

}  // namespace

Dataset Dataset::slice(std::size_t begin, std::size_t count) const {
  // Written as two comparisons so that begin + count cannot overflow.
  if (begin > size() || count > size() - begin) {
    throw Error("Dataset::slice: images [" + std::to_string(begin) + ", " + std::to_string(begin) +
                " + " + std::to_string(count) + ") are out of range for a data set of " +
                std::to_string(size()) + " images");
  }
  Dataset out = empty_like(*this, count);
  for (std::size_t i = begin; i < begin + count; ++i) append_image(*this, i, out);
  return out;
}

Dataset Dataset::gather(std::span<const std::size_t> indices) const {
  Dataset out = empty_like(*this, indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= size()) {
      throw Error("Dataset::gather: index " + std::to_string(indices[k]) + " (entry " +
                  std::to_string(k) + ") is out of range for a data set of " +
                  std::to_string(size()) + " images");
    }
    append_image(*this, indices[k], out);
  }
  return out;
}

}  // namespace spikeae
