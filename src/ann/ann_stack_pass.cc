#include "ann/ann_stack_pass.h"

#include <Eigen/Core>
#include <algorithm>

#include "model/layer_model.h"

namespace spikeae::ann {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::Map<Eigen::VectorXd>;
using ConstVector = Eigen::Map<const Eigen::VectorXd>;

// The inputs of every neuron, from the spiking network's geometry without pulses.
template <class Geometry>
void list_inputs(const Geometry& geometry, StackLayer& layer) {
  layer.first.assign(1, 0);
  for (int post = 0; post < layer.n_post; ++post) {
    geometry.for_each_input(post, [&layer](int source, std::ptrdiff_t index) {
      layer.sources.push_back(source);
      layer.taps.push_back(static_cast<int>(index));
    });
    layer.first.push_back(layer.sources.size());
  }
}

StackLayer plan_layer(const AnnModel& model, int c) {
  const LayerSpec spec = model.connections.empty() ? LayerSpec{} : model.connections[c];
  StackLayer layer;
  layer.kind = spec.kind;
  layer.n_pre = model.layer_sizes[c];
  layer.n_post = model.layer_sizes[c + 1];
  const bool last = c + 2 == static_cast<int>(model.layer_sizes.size());
  layer.activation = last ? model.options.decoder : model.options.encoder;
  if (spec.kind == LayerKind::local) {
    list_inputs(LocalGeometry{layer.n_pre, layer.n_post, spec.window, 0}, layer);
  } else if (spec.kind == LayerKind::conv) {
    list_inputs(ConvGeometry{spec.conv, 0}, layer);
    layer.neurons_per_bias = spec.conv.out_height() * spec.conv.out_width();
  } else if (spec.kind == LayerKind::tconv) {
    list_inputs(TConvGeometry{spec.conv, 0}, layer);
    layer.neurons_per_bias = spec.conv.transposed_out_height() * spec.conv.transposed_out_width();
  }
  return layer;
}

void dense_forward(const StackLayer& layer, const double* w, const double* b, const double* in,
                   double* z) {
  const Eigen::Map<const RowMatrix> weights(w, layer.n_pre, layer.n_post);
  Vector(z, layer.n_post).noalias() = weights.transpose() * ConstVector(in, layer.n_pre);
  Vector(z, layer.n_post) += ConstVector(b, layer.n_post);
}

void listed_forward(const StackLayer& layer, const double* w, const double* b, const double* in,
                    double* z) {
  for (int post = 0; post < layer.n_post; ++post) {
    double sum = b[post / layer.neurons_per_bias];
    for (std::size_t k = layer.first[post]; k < layer.first[post + 1]; ++k) {
      sum += w[layer.taps[k]] * in[layer.sources[k]];
    }
    z[post] = sum;
  }
}

// Adds the weight and bias gradients of `error` (dLoss/dz of the layer above) and
// writes dLoss/da of the layer below into `below`.
void dense_backward(const StackLayer& layer, const double* w, const double* in, const double* error,
                    double* gw, double* gb, double* below) {
  const ConstVector e(error, layer.n_post);
  Eigen::Map<RowMatrix>(gw, layer.n_pre, layer.n_post).noalias() +=
      ConstVector(in, layer.n_pre) * e.transpose();
  Vector(gb, layer.n_post) += e;
  Vector(below, layer.n_pre).noalias() =
      Eigen::Map<const RowMatrix>(w, layer.n_pre, layer.n_post) * e;
}

void listed_backward(const StackLayer& layer, const double* w, const double* in,
                     const double* error, double* gw, double* gb, double* below) {
  std::fill_n(below, layer.n_pre, 0.0);
  for (int post = 0; post < layer.n_post; ++post) {
    const double e = error[post];
    gb[post / layer.neurons_per_bias] += e;
    for (std::size_t k = layer.first[post]; k < layer.first[post + 1]; ++k) {
      gw[layer.taps[k]] += e * in[layer.sources[k]];
      below[layer.sources[k]] += w[layer.taps[k]] * e;
    }
  }
}

}  // namespace

StackPlan::StackPlan(const AnnModel& model) {
  for (int c = 0; c + 1 < static_cast<int>(model.layer_sizes.size()); ++c) {
    layers.push_back(plan_layer(model, c));
  }
}

StackWorkspace::StackWorkspace(const AnnModel& model) {
  int widest = 0;
  for (int size : model.layer_sizes) {
    z.emplace_back(static_cast<std::size_t>(size), 0.0);
    a.emplace_back(static_cast<std::size_t>(size), 0.0);
    widest = std::max(widest, size);
  }
  error.resize(static_cast<std::size_t>(widest));
  error_below.resize(static_cast<std::size_t>(widest));
}

void forward_from(const StackPlan& plan, const AnnModel& model, int first, StackWorkspace& work) {
  for (int c = first; c < static_cast<int>(plan.layers.size()); ++c) {
    const StackLayer& layer = plan.layers[c];
    const double* w = model.weights[c].data();
    const double* b = model.biases[c].data();
    double* z = work.z[c + 1].data();
    if (layer.kind == LayerKind::dense) {
      dense_forward(layer, w, b, work.a[c].data(), z);
    } else {
      listed_forward(layer, w, b, work.a[c].data(), z);
    }
    double* a = work.a[c + 1].data();
    for (int k = 0; k < layer.n_post; ++k) a[k] = activate(layer.activation, z[k]);
  }
}

double example_loss(const StackWorkspace& work, const double* target) {
  const std::vector<double>& outputs = work.a.back();
  double sum = 0.0;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const double d = outputs[k] - target[k];
    sum += d * d;
  }
  return sum / static_cast<double>(outputs.size());
}

double backward(const StackPlan& plan, const AnnModel& model, const double* target,
                StackWorkspace& work, AnnStackGradients& gradients) {
  const int last = static_cast<int>(plan.layers.size());
  const std::vector<double>& y = work.a[last];
  const double scale = 2.0 / static_cast<double>(y.size());
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double slope = activation_slope(model.options.decoder, work.z[last][k], y[k]);
    work.error[k] = scale * (y[k] - target[k]) * slope;
  }
  for (int c = last - 1; c >= 0; --c) {
    const StackLayer& layer = plan.layers[c];
    const double* w = model.weights[c].data();
    double* gw = gradients.weights[c].data();
    double* gb = gradients.biases[c].data();
    const double* in = work.a[c].data();
    if (layer.kind == LayerKind::dense) {
      dense_backward(layer, w, in, work.error.data(), gw, gb, work.error_below.data());
    } else {
      listed_backward(layer, w, in, work.error.data(), gw, gb, work.error_below.data());
    }
    if (c == 0) break;  // the inputs have no error
    const Activation hidden = plan.layers[c - 1].activation;
    for (int k = 0; k < layer.n_pre; ++k) {
      work.error[k] = work.error_below[k] * activation_slope(hidden, work.z[c][k], work.a[c][k]);
    }
  }
  return example_loss(work, target);
}

}  // namespace spikeae::ann
