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

// z = a W + b for every row at once.
void dense_forward(const StackLayer& layer, const double* w, const double* b, const double* in,
                   std::size_t rows, double* z) {
  const auto n = static_cast<Eigen::Index>(rows);
  Eigen::Map<RowMatrix> out(z, n, layer.n_post);
  out.noalias() = Eigen::Map<const RowMatrix>(in, n, layer.n_pre) *
                  Eigen::Map<const RowMatrix>(w, layer.n_pre, layer.n_post);
  out.rowwise() += ConstVector(b, layer.n_post).transpose();
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

// dLoss/da of the layer below from `error` (dLoss/dz of the layer above), every row at once.
void dense_error_below(const StackLayer& layer, const double* w, const double* error,
                       std::size_t rows, double* below) {
  const auto n = static_cast<Eigen::Index>(rows);
  Eigen::Map<RowMatrix>(below, n, layer.n_pre).noalias() =
      Eigen::Map<const RowMatrix>(error, n, layer.n_post) *
      Eigen::Map<const RowMatrix>(w, layer.n_pre, layer.n_post).transpose();
}

void listed_error_below(const StackLayer& layer, const double* w, const double* error,
                        double* below) {
  std::fill_n(below, layer.n_pre, 0.0);
  for (int post = 0; post < layer.n_post; ++post) {
    for (std::size_t k = layer.first[post]; k < layer.first[post + 1]; ++k) {
      below[layer.sources[k]] += w[layer.taps[k]] * error[post];
    }
  }
}

// The batch's weight gradient A^T E in one product: a fixed shape, so a fixed sum.
void dense_gradient(const StackLayer& layer, const double* inputs, const double* errors,
                    std::size_t rows, double* gw) {
  const auto n = static_cast<Eigen::Index>(rows);
  const Eigen::Map<const RowMatrix> a(inputs, n, layer.n_pre);
  const Eigen::Map<const RowMatrix> e(errors, n, layer.n_post);
  Eigen::Map<RowMatrix>(gw, layer.n_pre, layer.n_post).noalias() = a.transpose() * e;
}

void listed_gradient(const StackLayer& layer, const double* inputs, const double* errors,
                     std::size_t rows, double* gw, double* gb) {
  for (std::size_t r = 0; r < rows; ++r) {
    const double* in = inputs + r * layer.n_pre;
    const double* error = errors + r * layer.n_post;
    for (int post = 0; post < layer.n_post; ++post) {
      const double e = error[post];
      gb[post / layer.neurons_per_bias] += e;
      for (std::size_t k = layer.first[post]; k < layer.first[post + 1]; ++k) {
        gw[layer.taps[k]] += e * in[layer.sources[k]];
      }
    }
  }
}

}  // namespace

StackPlan::StackPlan(const AnnModel& model) {
  for (int c = 0; c + 1 < static_cast<int>(model.layer_sizes.size()); ++c) {
    layers.push_back(plan_layer(model, c));
  }
}

StackBatch::StackBatch(const AnnModel& model, std::size_t capacity) {
  for (int size : model.layer_sizes) {
    sizes.push_back(static_cast<std::size_t>(size));
    for (auto* m : {&z, &a, &error}) m->emplace_back(sizes.back() * capacity, 0.0);
  }
  targets.resize(sizes.back() * capacity);
}

void forward_rows(const StackPlan& plan, const AnnModel& model, int first, StackBatch& batch,
                  std::size_t rows) {
  for (int c = first; c < static_cast<int>(plan.layers.size()); ++c) {
    const StackLayer& layer = plan.layers[c];
    const double* w = model.weights[c].data();
    const double* b = model.biases[c].data();
    if (layer.kind == LayerKind::dense) {
      dense_forward(layer, w, b, batch.a[c].data(), rows, batch.z[c + 1].data());
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        listed_forward(layer, w, b, batch.row(batch.a, c, r), batch.row(batch.z, c + 1, r));
      }
    }
    const double* z = batch.z[c + 1].data();
    double* a = batch.a[c + 1].data();
    const std::size_t count = rows * static_cast<std::size_t>(layer.n_post);
    for (std::size_t k = 0; k < count; ++k) a[k] = activate(layer.activation, z[k]);
  }
}

double example_loss(const StackBatch& batch, std::size_t r, const double* target) {
  const int last = static_cast<int>(batch.sizes.size()) - 1;
  const double* outputs = batch.row(batch.a, last, r);
  const std::size_t width = batch.sizes[last];
  double sum = 0.0;
  for (std::size_t k = 0; k < width; ++k) {
    const double d = outputs[k] - target[k];
    sum += d * d;
  }
  return sum / static_cast<double>(width);
}

void backward_errors(const StackPlan& plan, const AnnModel& model, const double* targets,
                     StackBatch& batch, std::size_t rows) {
  const int last = static_cast<int>(plan.layers.size());
  const double* y = batch.a[last].data();
  const double* z = batch.z[last].data();
  double* error = batch.error[last].data();
  const std::size_t width = batch.sizes[last];
  const double scale = 2.0 / static_cast<double>(width);
  for (std::size_t k = 0; k < rows * width; ++k) {
    error[k] = scale * (y[k] - targets[k]) * activation_slope(model.options.decoder, z[k], y[k]);
  }
  for (int c = last - 1; c >= 1; --c) {
    const StackLayer& layer = plan.layers[c];
    const double* w = model.weights[c].data();
    if (layer.kind == LayerKind::dense) {
      dense_error_below(layer, w, batch.error[c + 1].data(), rows, batch.error[c].data());
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        listed_error_below(layer, w, batch.row(batch.error, c + 1, r),
                           batch.row(batch.error, c, r));
      }
    }
    const Activation hidden = plan.layers[c - 1].activation;
    const double* zc = batch.z[c].data();
    const double* ac = batch.a[c].data();
    double* below = batch.error[c].data();
    const std::size_t count = rows * static_cast<std::size_t>(layer.n_pre);
    for (std::size_t k = 0; k < count; ++k) below[k] *= activation_slope(hidden, zc[k], ac[k]);
  }
}

void connection_gradient(const StackPlan& plan, const StackBatch& batch, std::size_t rows, int c,
                         AnnStackGradients& gradients) {
  const StackLayer& layer = plan.layers[c];
  const double* inputs = batch.a[c].data();
  const double* errors = batch.error[c + 1].data();
  std::vector<double>& gw = gradients.weights[c];
  std::vector<double>& gb = gradients.biases[c];
  std::fill(gb.begin(), gb.end(), 0.0);
  if (layer.kind == LayerKind::dense) {
    dense_gradient(layer, inputs, errors, rows, gw.data());
    for (std::size_t r = 0; r < rows; ++r) {
      for (int k = 0; k < layer.n_post; ++k) gb[k] += errors[r * layer.n_post + k];
    }
    return;
  }
  std::fill(gw.begin(), gw.end(), 0.0);
  listed_gradient(layer, inputs, errors, rows, gw.data(), gb.data());
}

}  // namespace spikeae::ann
