// The non-spiking baseline in any shape the spiking network takes: a stack of
// dense, local, conv and tconv connections (docs/model.md sections 2.1 and 7).
// Hidden layers use the encoder activation, the last layer the decoder's. The
// plain i-h-i dense shape keeps the batched model of ann.h.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spikeae/ann.h"
#include "spikeae/layer_spec.h"

namespace spikeae {

// True for 3 layers i-h-i joined densely: the shape ann.h's batched model runs.
bool is_plain_ann_shape(const std::vector<int>& layer_sizes,
                        const std::vector<LayerSpec>& connections);

// A model of these layer sizes and connections (one spec per connection, or none
// for all dense): the i-h-i model of make_ann_model for the plain shape (bit for
// bit, options.hidden taken from the sizes), a stack otherwise. Glorot-uniform
// weights from derive_seed(seed, kWeights), connection by connection in storage
// order, zero biases. Throws Error on sizes or specs that do not fit, or an
// output layer unlike the input.
AnnModel make_ann_model(const std::vector<int>& layer_sizes,
                        const std::vector<LayerSpec>& connections, const AnnOptions& options);

// The shape a front end asks for: an architecture string (docs/model.md section
// 2.2), which layer_sizes and layers may repeat but not contradict; or layer
// sizes with the connections' specs (none: all dense); or neither, for
// input-hidden-input with options.hidden.
struct AnnShapeRequest {
  std::optional<std::string> architecture;
  std::optional<std::vector<int>> layer_sizes;
  std::optional<std::string> layers;
  std::optional<int> hidden;  // given explicitly: a stack's middle layer must agree
};

// The model of that shape for images of input_size pixels; throws Error when the
// request contradicts itself or its input layer is not input_size.
AnnModel make_requested_ann_model(int input_size, const AnnShapeRequest& request,
                                  const AnnOptions& options);

// The stack's weights[c] as a row-major matrix: dense (n_pre, n_post), input-major
// like w1; local (n_post, window); conv and tconv (C_out, C_in * K * K), the taps
// of docs/model.md section 2.1 without pulses.
std::array<std::size_t, 2> ann_weight_shape(const AnnModel& model, int c);
// Entries of biases[c]: one per neuron (dense, local), one per output channel (conv, tconv).
std::size_t ann_bias_count(const AnnModel& model, int c);
// The layer whose activations ann_forward returns as hidden: the middle one.
int ann_embedding_layer(const AnnModel& model);

// Throws Error unless a stack's layers, specs, weights and biases fit together.
void check_stack_shapes(const AnnModel& model);

// A stack's gradients, shaped like its weights and biases.
struct AnnStackGradients {
  std::vector<std::vector<double>> weights, biases;

  void set_zero();
  void add(const AnnStackGradients& other);
};
AnnStackGradients make_ann_stack_gradients(const AnnModel& model);

// As ann_loss_gradient, for a stack: the batch mean loss, its exact gradient
// written into `gradients`.
double ann_stack_loss_gradient(const AnnModel& model, std::span<const double> inputs,
                               std::span<const double> targets, AnnStackGradients& gradients);

}  // namespace spikeae
