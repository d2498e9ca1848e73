// Building, checking and running an ANN stack (include/spikeae/ann_stack.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "ann/ann_stack_pass.h"
#include "spikeae/ann_stack.h"
#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

constexpr int kMaxLayerSize = 1 << 24;
constexpr std::size_t kMaxLayers = 64;

LayerSpec spec_of(const AnnModel& model, int c) {
  return model.connections.empty() ? LayerSpec{} : model.connections[c];
}

bool all_dense(const std::vector<LayerSpec>& connections) {
  return std::all_of(connections.begin(), connections.end(),
                     [](const LayerSpec& spec) { return spec == LayerSpec{}; });
}

void check_layer_sizes(const std::vector<int>& layer_sizes) {
  if (layer_sizes.size() < 3 || layer_sizes.size() > kMaxLayers) {
    throw Error("an ANN needs 3 to " + std::to_string(kMaxLayers) + " layers, got " +
                std::to_string(layer_sizes.size()));
  }
  for (int size : layer_sizes) {
    if (size < 1 || size > kMaxLayerSize) {
      throw Error("invalid layer size " + std::to_string(size) + ": must be in [1, " +
                  std::to_string(kMaxLayerSize) + "]");
    }
  }
  if (layer_sizes.back() != layer_sizes.front()) {
    throw Error("an ANN autoencoder's last layer must be as large as its input: " +
                std::to_string(layer_sizes.back()) + " outputs for " +
                std::to_string(layer_sizes.front()) + " inputs");
  }
}

// Glorot's fan-in and fan-out of a connection: the inputs a neuron sees and the
// neurons an input reaches, on average for local, conv and tconv.
std::array<double, 2> fans(const AnnModel& model, int c) {
  const LayerSpec spec = spec_of(model, c);
  const double n_pre = model.layer_sizes[c], n_post = model.layer_sizes[c + 1];
  const ConvShape& s = spec.conv;
  const double taps = double(s.kernel) * s.kernel, spread = double(s.stride) * s.stride;
  switch (spec.kind) {
    case LayerKind::local:
      return {double(spec.window), spec.window * n_post / n_pre};
    case LayerKind::conv:
      return {s.in_channels * taps, s.out_channels * taps / spread};
    case LayerKind::tconv:
      return {s.in_channels * taps / spread, s.out_channels * taps};
    case LayerKind::dense:
      break;
  }
  return {n_pre, n_post};
}

void glorot_uniform(std::vector<double>& weights, std::array<double, 2> fan, Rng& rng) {
  const double limit = std::sqrt(6.0 / (fan[0] + fan[1]));
  for (double& w : weights) w = limit * (2.0 * rng.uniform() - 1.0);
}

std::size_t rows_in(std::size_t values, int width, const char* what) {
  if (values % static_cast<std::size_t>(width) != 0) {
    throw Error(std::string(what) + " hold " + std::to_string(values) +
                " values, not a whole number of rows of " + std::to_string(width));
  }
  return values / static_cast<std::size_t>(width);
}

}  // namespace

bool is_plain_ann_shape(const std::vector<int>& layer_sizes,
                        const std::vector<LayerSpec>& connections) {
  return layer_sizes.size() == 3 && all_dense(connections) && layer_sizes[0] == layer_sizes[2];
}

AnnModel make_ann_model(const std::vector<int>& layer_sizes,
                        const std::vector<LayerSpec>& connections, const AnnOptions& options) {
  check_layer_sizes(layer_sizes);
  check_layer_specs(connections, layer_sizes);
  AnnOptions with_hidden = options;
  with_hidden.hidden = layer_sizes[layer_sizes.size() / 2];
  if (is_plain_ann_shape(layer_sizes, connections)) {
    return make_ann_model(layer_sizes[0], with_hidden);
  }
  validate(with_hidden);
  AnnModel model;
  model.inputs = layer_sizes[0];
  model.options = with_hidden;
  model.layer_sizes = layer_sizes;
  if (!all_dense(connections)) model.connections = connections;  // all dense has one spelling: none
  Rng rng(derive_seed(options.seed, Stream::kWeights));
  for (int c = 0; c + 1 < static_cast<int>(layer_sizes.size()); ++c) {
    const auto [rows, columns] = ann_weight_shape(model, c);
    model.weights.emplace_back(rows * columns);
    glorot_uniform(model.weights.back(), fans(model, c), rng);
    model.biases.emplace_back(ann_bias_count(model, c), 0.0);
  }
  return model;
}

std::array<std::size_t, 2> ann_weight_shape(const AnnModel& model, int c) {
  const LayerSpec spec = spec_of(model, c);
  const auto n_pre = static_cast<std::size_t>(model.layer_sizes[c]);
  const auto n_post = static_cast<std::size_t>(model.layer_sizes[c + 1]);
  const ConvShape& s = spec.conv;
  switch (spec.kind) {
    case LayerKind::local:
      return {n_post, static_cast<std::size_t>(spec.window)};
    case LayerKind::conv:
    case LayerKind::tconv:
      return {static_cast<std::size_t>(s.out_channels),
              static_cast<std::size_t>(s.in_channels) * s.kernel * s.kernel};
    case LayerKind::dense:
      break;
  }
  return {n_pre, n_post};
}

std::size_t ann_bias_count(const AnnModel& model, int c) {
  const LayerSpec spec = spec_of(model, c);
  if (is_convolution(spec.kind)) return static_cast<std::size_t>(spec.conv.out_channels);
  return static_cast<std::size_t>(model.layer_sizes[c + 1]);
}

int ann_embedding_layer(const AnnModel& model) {
  return model.is_stack() ? static_cast<int>(model.layer_sizes.size() / 2) : 1;
}

void check_stack_shapes(const AnnModel& model) {
  check_layer_sizes(model.layer_sizes);
  check_layer_specs(model.connections, model.layer_sizes);
  const std::size_t connections = model.layer_sizes.size() - 1;
  bool fits = model.inputs == model.layer_sizes[0] && model.weights.size() == connections &&
              model.biases.size() == connections &&
              model.hidden() == model.layer_sizes[ann_embedding_layer(model)];
  for (std::size_t c = 0; fits && c < connections; ++c) {
    const auto [rows, columns] = ann_weight_shape(model, static_cast<int>(c));
    fits = model.weights[c].size() == rows * columns &&
           model.biases[c].size() == ann_bias_count(model, static_cast<int>(c));
  }
  if (!fits) throw Error("the ANN stack's parameters do not fit its layer sizes and specs");
}

void AnnStackGradients::set_zero() {
  for (auto* blocks : {&weights, &biases}) {
    for (auto& block : *blocks) std::fill(block.begin(), block.end(), 0.0);
  }
}

void AnnStackGradients::add(const AnnStackGradients& other) {
  for (std::size_t c = 0; c < weights.size(); ++c) {
    for (std::size_t k = 0; k < weights[c].size(); ++k) weights[c][k] += other.weights[c][k];
    for (std::size_t k = 0; k < biases[c].size(); ++k) biases[c][k] += other.biases[c][k];
  }
}

AnnStackGradients make_ann_stack_gradients(const AnnModel& model) {
  AnnStackGradients gradients;
  for (const auto& block : model.weights) gradients.weights.emplace_back(block.size(), 0.0);
  for (const auto& block : model.biases) gradients.biases.emplace_back(block.size(), 0.0);
  return gradients;
}

double ann_stack_loss_gradient(const AnnModel& model, std::span<const double> inputs,
                               std::span<const double> targets, AnnStackGradients& gradients) {
  check_stack_shapes(model);
  const std::size_t n = rows_in(inputs.size(), model.inputs, "inputs");
  if (targets.size() != inputs.size()) throw Error("inputs and targets differ in size");
  const ann::StackPlan plan(model);
  ann::StackBatch batch(model, n);
  gradients = make_ann_stack_gradients(model);
  std::copy(inputs.begin(), inputs.end(), batch.a[0].begin());
  const auto width = static_cast<std::size_t>(model.inputs);
  ann::forward_rows(plan, model, 0, batch, n);
  ann::backward_errors(plan, model, targets.data(), batch, n);
  double sum = 0.0;
  for (std::size_t r = 0; r < n; ++r)
    sum += ann::example_loss(batch, r, targets.data() + r * width);
  for (int c = 0; c < static_cast<int>(plan.layers.size()); ++c) {
    ann::connection_gradient(plan, batch, n, c, gradients);
  }
  const double scale = n == 0 ? 0.0 : 1.0 / static_cast<double>(n);
  for (auto* blocks : {&gradients.weights, &gradients.biases}) {
    for (auto& block : *blocks) {
      for (double& g : block) g *= scale;
    }
  }
  return sum * scale;
}

namespace ann {

namespace {

// Runs `count` rows of `rows` one at a time from layer `first` (its width per
// row) to the output; copies each row's middle layer to `hidden` unless empty.
void run_rows(const AnnModel& model, int first, std::span<const double> rows, std::size_t count,
              std::span<double> hidden, std::span<double> outputs) {
  const StackPlan plan(model);
  StackBatch batch(model, 1);
  const std::size_t width = batch.sizes[first], h = static_cast<std::size_t>(model.hidden());
  const auto out_width = static_cast<std::size_t>(model.inputs);
  const int middle = ann_embedding_layer(model);
  for (std::size_t r = 0; r < count; ++r) {
    std::copy_n(rows.data() + r * width, width, batch.a[first].data());
    forward_rows(plan, model, first, batch, 1);
    if (!hidden.empty()) std::copy_n(batch.a[middle].data(), h, hidden.data() + r * h);
    std::copy_n(batch.a.back().data(), out_width, outputs.data() + r * out_width);
  }
}

}  // namespace

void stack_forward(const AnnModel& model, std::span<const double> inputs, std::span<double> hidden,
                   std::span<double> outputs) {
  check_stack_shapes(model);
  const std::size_t n = rows_in(inputs.size(), model.inputs, "inputs");
  run_rows(model, 0, inputs, n, hidden, outputs);
}

void stack_decode(const AnnModel& model, std::span<const double> hidden,
                  std::span<double> outputs) {
  check_stack_shapes(model);
  const std::size_t n = rows_in(hidden.size(), model.hidden(), "hidden activations");
  run_rows(model, ann_embedding_layer(model), hidden, n, {}, outputs);
}

}  // namespace ann
}  // namespace spikeae
