// One example's forward and backward pass through an ANN stack (internal). The
// plan lists, once per model shape, which inputs each neuron of a local, conv or
// tconv connection sees, so the per-example loops allocate nothing.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "spikeae/ann.h"
#include "spikeae/ann_stack.h"

namespace spikeae::ann {

struct StackLayer {
  LayerKind kind = LayerKind::dense;
  int n_pre = 0, n_post = 0;
  Activation activation = Activation::relu;
  int neurons_per_bias = 1;  // conv and tconv: a channel's neurons share a bias
  // Not dense: neuron post sees sources[k] through weights[c][taps[k]] for k in
  // [first[post], first[post + 1]).
  std::vector<std::size_t> first;
  std::vector<int> sources;
  std::vector<int> taps;
};

struct StackPlan {
  std::vector<StackLayer> layers;  // one per connection

  explicit StackPlan(const AnnModel& model);
};

// Row-major (rows, layer size) matrices, per layer, for up to `capacity`
// examples: pre-activations z, activations a (a[0]: the inputs) and errors
// dLoss/dz, which the weight gradients of a whole batch are products of; and
// the targets (rows, outputs).
struct StackBatch {
  std::vector<std::size_t> sizes;
  std::vector<std::vector<double>> z, a, error;
  std::vector<double> targets;

  StackBatch(const AnnModel& model, std::size_t capacity);
  double* row(std::vector<std::vector<double>>& m, int layer, std::size_t r) {
    return m[layer].data() + r * sizes[layer];
  }
  const double* row(const std::vector<std::vector<double>>& m, int layer, std::size_t r) const {
    return m[layer].data() + r * sizes[layer];
  }
};

// Fills rows [0, rows) of z and a of the layers above `first` from a[first]:
// a dense layer in one product over the rows, the others row by row.
void forward_rows(const StackPlan& plan, const AnnModel& model, int first, StackBatch& batch,
                  std::size_t rows);

// After forward_rows(0): row r's loss against `target` (mean over pixels of the
// squared error).
double example_loss(const StackBatch& batch, std::size_t r, const double* target);

// After forward_rows(0): the errors of rows [0, rows) on every layer but the
// inputs, against `targets` (rows, outputs).
void backward_errors(const StackPlan& plan, const AnnModel& model, const double* targets,
                     StackBatch& batch, std::size_t rows);

// After backward_errors of rows [0, rows): connection c's gradient, summed over
// those rows in their order, written into `gradients`.
void connection_gradient(const StackPlan& plan, const StackBatch& batch, std::size_t rows, int c,
                         AnnStackGradients& gradients);

}  // namespace spikeae::ann

namespace spikeae::ann {

// ann_forward and ann_decode for a stack (hidden: the middle layer's activations).
void stack_forward(const AnnModel& model, std::span<const double> inputs, std::span<double> hidden,
                   std::span<double> outputs);
void stack_decode(const AnnModel& model, std::span<const double> hidden, std::span<double> outputs);

}  // namespace spikeae::ann
