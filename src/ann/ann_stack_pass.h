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

// Pre-activations z and activations a of every layer (a[0]: the inputs), and the
// errors of the layers being walked back.
struct StackWorkspace {
  std::vector<std::vector<double>> z, a;
  std::vector<double> error, error_below;

  explicit StackWorkspace(const AnnModel& model);
};

// Fills a[first + 1 ...] from a[first].
void forward_from(const StackPlan& plan, const AnnModel& model, int first, StackWorkspace& work);

// After forward_from(0): the example's loss against `target` (mean over pixels
// of the squared error), its gradient added to `gradients`.
double backward(const StackPlan& plan, const AnnModel& model, const double* target,
                StackWorkspace& work, AnnStackGradients& gradients);

// After forward_from(0): the example's loss.
double example_loss(const StackWorkspace& work, const double* target);

}  // namespace spikeae::ann

namespace spikeae::ann {

// ann_forward and ann_decode for a stack (hidden: the middle layer's activations).
void stack_forward(const AnnModel& model, std::span<const double> inputs, std::span<double> hidden,
                   std::span<double> outputs);
void stack_decode(const AnnModel& model, std::span<const double> hidden, std::span<double> outputs);

}  // namespace spikeae::ann
