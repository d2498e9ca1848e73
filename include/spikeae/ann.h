// The conventional (non-spiking) dense autoencoder the paper compares with:
// i - h - i with biases, one activation per layer (docs/model.md section 7).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spikeae/encoding.h"
#include "spikeae/layer_spec.h"

namespace spikeae {

enum class Activation { relu, sigmoid, elu, tanh, gaussian };

inline constexpr std::array kActivations = {Activation::relu, Activation::sigmoid, Activation::elu,
                                            Activation::tanh, Activation::gaussian};

std::string_view activation_name(Activation activation);
// Throws Error listing the valid names.
Activation parse_activation(std::string_view name);

// f(z): relu max(0, z); sigmoid 1 / (1 + e^-z); elu z or e^z - 1; tanh; gaussian e^(-z^2).
double activate(Activation activation, double z);
// f'(z), given y = f(z) (sigmoid, tanh and gaussian reuse it).
double activation_slope(Activation activation, double z, double y);

struct AnnOptions {
  int hidden = 32;
  Activation encoder = Activation::relu;
  Activation decoder = Activation::sigmoid;
  // The paper's baseline sees natural (non-inverted) brightness; noise as the SNN's.
  EncodingOptions encoding{.inverted = false, .noise_factor = 0.0};
  double learning_rate = 0.001;  // Adam as TensorFlow's (eps 1e-7 outside the square root)
  int batch_size = 7;
  int epochs = 1;
  int threads = 0;  // 0: all hardware threads; results do not depend on it
  // Kept with the model for its file format; the trainer no longer uses it: a
  // batch's gradient is one sum whose order does not depend on the thread count.
  int gradient_shards = 2;
  std::uint64_t seed = 1;  // weights, noise, split and shuffling all derive from it

  friend bool operator==(const AnnOptions&, const AnnOptions&) = default;
};

// Throws Error naming the first option outside its accepted range (or not finite).
void validate(const AnnOptions& options);

// Weights are input-major like the spiking network's: w1[p * hidden + j] joins
// input p to hidden unit j, w2[j * outputs + k] hidden unit j to output k.
// A model of any other shape is a stack (ann_stack.h): w1 ... b2 stay empty and
// layer_sizes, connections, weights and biases hold it.
struct AnnModel {
  int inputs = 0;      // as many outputs (an autoencoder)
  AnnOptions options;  // a stack's options.hidden is the size of its middle layer
  std::vector<double> w1, b1, w2, b2;
  std::vector<int> layer_sizes;                      // a stack's; empty for the i-h-i model
  std::vector<LayerSpec> connections;                // one per connection; empty when all dense
  std::vector<std::vector<double>> weights, biases;  // one array per connection

  bool is_stack() const { return !layer_sizes.empty(); }
  int hidden() const { return options.hidden; }
  int outputs() const { return inputs; }
  std::size_t parameter_count() const {
    std::size_t count = w1.size() + b1.size() + w2.size() + b2.size();
    for (const auto& block : weights) count += block.size();
    for (const auto& block : biases) count += block.size();
    return count;
  }

  friend bool operator==(const AnnModel&, const AnnModel&) = default;
};

// i * h + h + h * o + o.
std::size_t ann_parameter_count(int inputs, int hidden);

// Validates the options; Glorot-uniform weights from derive_seed(seed, kWeights)
// (w1 then w2, in storage order), zero biases.
AnnModel make_ann_model(int input_size, const AnnOptions& options);

// Throws Error unless the weight and bias sizes match inputs and hidden.
void check_shapes(const AnnModel& model);

// Row-major batches of n examples: inputs (n, inputs), hidden (n, hidden),
// outputs (n, outputs); n is inputs.size() / model.inputs. A stack's hidden
// activations are its middle layer's (ann_stack.h).
void ann_forward(const AnnModel& model, std::span<const double> inputs, std::span<double> hidden,
                 std::span<double> outputs);
// Outputs from hidden activations (n, hidden).
void ann_decode(const AnnModel& model, std::span<const double> hidden, std::span<double> outputs);

// Gradients shaped like the model's parameters.
struct AnnGradients {
  std::vector<double> w1, b1, w2, b2;

  void set_zero();
};
AnnGradients make_ann_gradients(const AnnModel& model);

// The mean over the batch of the per-example loss (mean over pixels of
// (output - target)^2), with its exact gradient written into `gradients`.
// i-h-i models only (a stack's is ann_stack_loss_gradient).
double ann_loss_gradient(const AnnModel& model, std::span<const double> inputs,
                         std::span<const double> targets, AnnGradients& gradients);

}  // namespace spikeae
