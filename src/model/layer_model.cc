// The dense, local, conv and tconv kinds' LayerModel (docs/model.md section 2.1).
#include "model/layer_model.h"

#include <cmath>

namespace spikeae {
namespace {

double weight_mean_multiplier(const InitOptions& init, bool pulse) {
  return pulse ? init.pulse_weight_mean_multiplier : init.nonpulse_weight_mean_multiplier;
}

// Every input to every neuron: [pre][post].
class DenseModel final : public LayerModel {
 public:
  std::array<std::size_t, 2> weight_shape(const Network& network, int c) const override {
    return {static_cast<std::size_t>(network.fan_in(c)),
            static_cast<std::size_t>(network.n_post(c))};
  }
  std::ptrdiff_t weight_index(const Network& network, int c, int source, int post) const override {
    return static_cast<std::ptrdiff_t>(source) * network.n_post(c) + post;
  }
  void initialise(const Network& network, int c, const InitOptions& init, Rng& rng,
                  std::vector<double>& weights) const override {
    const int n_pre = network.n_pre(c), n_post = network.n_post(c), fan_in = network.fan_in(c);
    const double sigma = std::sqrt(2.0 / (fan_in + n_post));
    for (int pre = 0; pre < fan_in; ++pre) {
      const double multiplier = weight_mean_multiplier(init, pre >= n_pre);
      for (int post = 0; post < n_post; ++post) {
        weights[std::size_t(pre) * n_post + post] = sigma * (multiplier + rng.normal());
      }
    }
  }
};

// A window of the layer below plus the pulses per neuron: [post][window + pulses].
class LocalModel final : public LayerModel {
 public:
  std::array<std::size_t, 2> weight_shape(const Network& network, int c) const override {
    const LocalGeometry local = local_geometry(network, c);
    return {static_cast<std::size_t>(local.n_post), static_cast<std::size_t>(local.row_size())};
  }
  std::ptrdiff_t weight_index(const Network& network, int c, int source, int post) const override {
    return local_geometry(network, c).weight_index(source, post);
  }
  // Glorot's fan-out is the mean number of neurons each neuron below reaches.
  void initialise(const Network& network, int c, const InitOptions& init, Rng& rng,
                  std::vector<double>& weights) const override {
    const LocalGeometry local = local_geometry(network, c);
    const double fan_out = static_cast<double>(local.n_post) * local.window / local.n_pre;
    const double sigma = std::sqrt(2.0 / (local.row_size() + fan_out));
    std::size_t i = 0;
    for (int post = 0; post < local.n_post; ++post) {
      for (int k = 0; k < local.row_size(); ++k, ++i) {
        weights[i] = sigma * (weight_mean_multiplier(init, k >= local.window) + rng.normal());
      }
    }
  }
};

// A kernel per output channel plus its pulse weights: [C_out][C_in*K*K + pulses].
template <class Geometry, Geometry (*geometry_of)(const Network&, int)>
class KernelModel final : public LayerModel {
 public:
  std::array<std::size_t, 2> weight_shape(const Network& network, int c) const override {
    const Geometry geometry = geometry_of(network, c);
    return {static_cast<std::size_t>(geometry.shape.out_channels),
            static_cast<std::size_t>(geometry.row_size())};
  }
  std::ptrdiff_t weight_index(const Network& network, int c, int source, int post) const override {
    return geometry_of(network, c).weight_index(source, post);
  }
  // Glorot with the mean fan-in and fan-out away from the borders: a conv neuron
  // sees C_in*K^2 inputs and reaches C_out*K^2/S^2; a tconv the other way round.
  void initialise(const Network& network, int c, const InitOptions& init, Rng& rng,
                  std::vector<double>& weights) const override {
    const Geometry geometry = geometry_of(network, c);
    const ConvShape& s = geometry.shape;
    const double strides = static_cast<double>(s.stride) * s.stride;
    const double in_taps = static_cast<double>(s.in_channels) * s.kernel * s.kernel;
    const double out_taps = static_cast<double>(s.out_channels) * s.kernel * s.kernel;
    const bool transposed = network.layer(c).kind == LayerKind::tconv;
    const double fan_in = (transposed ? in_taps / strides : in_taps) + geometry.n_pulses;
    const double fan_out = transposed ? out_taps : out_taps / strides;
    const double sigma = std::sqrt(2.0 / (fan_in + fan_out));
    std::size_t i = 0;
    for (int channel = 0; channel < s.out_channels; ++channel) {
      for (int k = 0; k < geometry.row_size(); ++k, ++i) {
        weights[i] = sigma * (weight_mean_multiplier(init, k >= geometry.taps()) + rng.normal());
      }
    }
  }
};

}  // namespace

const LayerModel& layer_model(LayerKind kind) {
  static const DenseModel dense;
  static const LocalModel local;
  static const KernelModel<ConvGeometry, &conv_geometry> conv;
  static const KernelModel<TConvGeometry, &tconv_geometry> tconv;
  return for_kind<LayerModel>(kind, dense, local, conv, tconv);
}

LocalGeometry local_geometry(const Network& network, int c) {
  return {network.n_pre(c), network.n_post(c), network.layer(c).window, network.n_pulses()};
}

ConvGeometry conv_geometry(const Network& network, int c) {
  return {network.layer(c).conv, network.n_pulses()};
}

TConvGeometry tconv_geometry(const Network& network, int c) {
  return {network.layer(c).conv, network.n_pulses()};
}

}  // namespace spikeae
