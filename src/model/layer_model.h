// What a layer kind is to the model (docs/model.md section 2.1): how its weights
// are laid out, which inputs each neuron sees, and its initial weights. One
// stateless instance per kind; the engines run the kinds (engine/cpu/layer_kernels.h).
// A new kind adds a LayerKind, a LayerModel and its kernels; the trainer, the
// optimiser and the model file stay as they are.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "spikeae/network.h"
#include "spikeae/random.h"

namespace spikeae {

inline constexpr std::ptrdiff_t kNotConnected = -1;

class LayerModel {
 public:
  virtual ~LayerModel() = default;
  // weights[c] seen as a row-major matrix (rows, columns), e.g. for the bindings.
  virtual std::array<std::size_t, 2> weight_shape(const Network& network, int c) const = 0;
  // Entries of network.weights[c] for these layer sizes and spec.
  std::size_t weight_count(const Network& network, int c) const {
    const auto [rows, columns] = weight_shape(network, c);
    return rows * columns;
  }
  // Index into weights[c] of the weight from input `source` (regular inputs, then
  // pulses) to neuron `post`, or kNotConnected.
  virtual std::ptrdiff_t weight_index(const Network& network, int c, int source,
                                      int post) const = 0;
  // Fills weights[c] (already weight_count long) with the modified Glorot draw of
  // InitOptions, in storage order (docs/model.md section 2).
  virtual void initialise(const Network& network, int c, const InitOptions& init, Rng& rng,
                          std::vector<double>& weights) const = 0;
};

const LayerModel& layer_model(LayerKind kind);

// Where the window of a local connection's neuron starts (docs/model.md section 2.1).
struct LocalGeometry {
  int n_pre = 0, n_post = 0, window = 0, n_pulses = 0;

  // The windows are spread evenly: the first starts at neuron 0, the last ends at n_pre.
  int first_input(int post) const {
    if (n_post == 1) return 0;
    return static_cast<int>(static_cast<long long>(post) * (n_pre - window) / (n_post - 1));
  }
  int row_size() const { return window + n_pulses; }
  // Position of input `source` in neuron post's row of weights, or -1.
  int row_position(int source, int post) const {
    if (source >= n_pre) return window + (source - n_pre);
    const int k = source - first_input(post);
    return k >= 0 && k < window ? k : -1;
  }
  std::ptrdiff_t weight_index(int source, int post) const {
    const int position = row_position(source, post);
    return position < 0 ? kNotConnected : std::ptrdiff_t(post) * row_size() + position;
  }
  // Calls visit(source, weight index) for every input neuron post sees, pulses last.
  template <class Visit>
  void for_each_input(int post, Visit&& visit) const {
    const std::ptrdiff_t row = std::ptrdiff_t(post) * row_size();
    const int first = first_input(post);
    for (int k = 0; k < window; ++k) visit(first + k, row + k);
    for (int p = 0; p < n_pulses; ++p) visit(n_pre + p, row + window + p);
  }
  // Calls visit(post, weight index) for every neuron that sees input `source`, in order.
  template <class Visit>
  void for_each_output(int source, Visit&& visit) const {
    if (source >= n_pre) {
      for (int post = 0; post < n_post; ++post)
        visit(post, std::ptrdiff_t(post) * row_size() + window + (source - n_pre));
      return;
    }
    // Windows start in increasing order: the first that still holds source, on.
    int low = 0, high = n_post;
    while (low < high) {
      const int middle = (low + high) / 2;
      if (first_input(middle) + window > source)
        high = middle;
      else
        low = middle + 1;
    }
    for (int post = low; post < n_post && first_input(post) <= source; ++post) {
      visit(post, std::ptrdiff_t(post) * row_size() + (source - first_input(post)));
    }
  }
};

LocalGeometry local_geometry(const Network& network, int c);

// Which kernel tap links a conv or tconv connection's input to its neuron
// (docs/model.md section 2.1): one row of taps, then pulse weights, per output channel.
// A conv neuron (o, y, x) sees input (i, yy, xx) through tap (i, ky, kx) with
// yy = y S - P + ky; a tconv neuron sees it when y = yy S - P + ky.
template <bool Transposed>
struct KernelGeometry {
  ConvShape shape;
  int n_pulses = 0;

  int out_height() const { return Transposed ? shape.transposed_out_height() : shape.out_height(); }
  int out_width() const { return Transposed ? shape.transposed_out_width() : shape.out_width(); }
  int n_pre() const { return shape.in_channels * shape.height * shape.width; }
  int taps() const { return shape.in_channels * shape.kernel * shape.kernel; }
  int row_size() const { return taps() + n_pulses; }
  // The tap offset along one axis from input coordinate `in` to output `out`.
  int tap(int in, int out) const {
    return Transposed ? out - (in * shape.stride - shape.padding)
                      : in - (out * shape.stride - shape.padding);
  }
  // Position of input `source` in the row of neuron post's channel, or -1.
  int row_position(int source, int post) const {
    if (source >= n_pre()) return taps() + (source - n_pre());
    const ConvShape& s = shape;
    const int x = post % out_width(), y = post / out_width() % out_height();
    const int xx = source % s.width, yy = source / s.width % s.height;
    const int channel = source / (s.width * s.height);
    const int ky = tap(yy, y), kx = tap(xx, x);
    if (ky < 0 || ky >= s.kernel || kx < 0 || kx >= s.kernel) return -1;
    return (channel * s.kernel + ky) * s.kernel + kx;
  }
  std::ptrdiff_t weight_index(int source, int post) const {
    const int position = row_position(source, post);
    if (position < 0) return kNotConnected;
    const int channel = post / (out_height() * out_width());
    return std::ptrdiff_t(channel) * row_size() + position;
  }
  // Calls visit(source, weight index) for every input neuron post sees, by input
  // channel and row, pulses last.
  template <class Visit>
  void for_each_input(int post, Visit&& visit) const {
    const ConvShape& s = shape;
    const int x = post % out_width(), y = post / out_width() % out_height();
    const std::ptrdiff_t row = std::ptrdiff_t(post / (out_height() * out_width())) * row_size();
    const auto [y_first, y_last] = Transposed ? reach(y, s.height) : patch(y, s.height);
    const auto [x_first, x_last] = Transposed ? reach(x, s.width) : patch(x, s.width);
    for (int channel = 0; channel < s.in_channels; ++channel) {
      for (int yy = y_first; yy <= y_last; ++yy) {
        for (int xx = x_first; xx <= x_last; ++xx) {
          const int position = (channel * s.kernel + tap(yy, y)) * s.kernel + tap(xx, x);
          visit((channel * s.height + yy) * s.width + xx, row + position);
        }
      }
    }
    for (int p = 0; p < n_pulses; ++p) visit(n_pre() + p, row + taps() + p);
  }
  // Calls visit(post, weight index) for every neuron that sees input `source`, in
  // order: by output channel and row, for a pulse every neuron.
  template <class Visit>
  void for_each_output(int source, Visit&& visit) const {
    const ConvShape& s = shape;
    const int height = out_height(), width = out_width();
    if (source >= n_pre()) {
      const std::ptrdiff_t position = taps() + (source - n_pre()), row_length = row_size();
      const int channels = s.out_channels, plane = height * width;
      for (int channel = 0, post = 0; channel < channels; ++channel) {
        for (int k = 0; k < plane; ++k, ++post) visit(post, channel * row_length + position);
      }
      return;
    }
    const int xx = source % s.width, yy = source / s.width % s.height;
    const int in_channel = source / (s.width * s.height);
    const auto [y_first, y_last] = Transposed ? patch(yy, height) : reach(yy, height);
    const auto [x_first, x_last] = Transposed ? patch(xx, width) : reach(xx, width);
    // Locals, not members: visit's stores could otherwise alias the shape's ints.
    const int kernel = s.kernel, channels = s.out_channels, x_count = x_last - x_first + 1;
    const int tap_step = Transposed ? 1 : -s.stride;  // the tap's move per output column
    const std::ptrdiff_t row_length = row_size();
    for (int channel = 0; channel < channels; ++channel) {
      const std::ptrdiff_t row = channel * row_length;
      for (int y = y_first; y <= y_last; ++y) {
        int position = (in_channel * kernel + tap(yy, y)) * kernel + tap(xx, x_first);
        int post = (channel * height + y) * width + x_first;
        for (int k = 0; k < x_count; ++k, ++post, position += tap_step) visit(post, row + position);
      }
    }
  }

 private:
  // The K x K patch of coordinates c S - P ... c S - P + K - 1 within [0, size):
  // the inputs of conv output c, or the outputs of tconv input c.
  std::pair<int, int> patch(int c, int size) const {
    const int first = c * shape.stride - shape.padding;
    return {std::max(first, 0), std::min(first + shape.kernel, size) - 1};
  }
  // The coordinates whose patch holds c: d with 0 <= c + P - d S < K, i.e.
  // (c + P - K) / S < d <= (c + P) / S, within [0, size).
  std::pair<int, int> reach(int c, int size) const {
    const int top = c + shape.padding;
    const int first = top - shape.kernel < 0 ? 0 : (top - shape.kernel) / shape.stride + 1;
    return {first, std::min(top / shape.stride, size - 1)};
  }
};

using ConvGeometry = KernelGeometry<false>;
using TConvGeometry = KernelGeometry<true>;

ConvGeometry conv_geometry(const Network& network, int c);
TConvGeometry tconv_geometry(const Network& network, int c);

}  // namespace spikeae
