#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "ann/ann_kernels.h"
#include "ann/ann_stack_pass.h"
#include "spikeae/ann.h"
#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

constexpr int kMaxInputs = 1 << 24;

// Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
void glorot_uniform(std::vector<double>& weights, int fan_in, int fan_out, Rng& rng) {
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  for (double& w : weights) w = limit * (2.0 * rng.uniform() - 1.0);
}

std::size_t rows_in(std::span<const double> values, int width, const char* what) {
  const auto cols = static_cast<std::size_t>(width);
  if (values.size() % cols != 0) {
    throw Error(std::string(what) + " hold " + std::to_string(values.size()) +
                " values, not a whole number of rows of " + std::to_string(cols));
  }
  return values.size() / cols;
}

// Examples per block when running whole batches through a workspace.
constexpr std::size_t kRows = 256;

}  // namespace

std::size_t ann_parameter_count(int inputs, int hidden) {
  const auto i = static_cast<std::size_t>(inputs), h = static_cast<std::size_t>(hidden);
  return i * h + h + h * i + i;
}

AnnModel make_ann_model(int input_size, const AnnOptions& options) {
  validate(options);
  if (input_size < 1 || input_size > kMaxInputs) {
    throw Error("invalid input_size: must be an integer in [1, " + std::to_string(kMaxInputs) +
                "], got " + std::to_string(input_size));
  }
  AnnModel model;
  model.inputs = input_size;
  model.options = options;
  const auto i = static_cast<std::size_t>(input_size);
  const auto h = static_cast<std::size_t>(options.hidden);
  model.w1.resize(i * h);
  model.b1.assign(h, 0.0);
  model.w2.resize(h * i);
  model.b2.assign(i, 0.0);
  Rng rng(derive_seed(options.seed, Stream::kWeights));
  glorot_uniform(model.w1, input_size, options.hidden, rng);
  glorot_uniform(model.w2, options.hidden, input_size, rng);
  return model;
}

void check_shapes(const AnnModel& model) {
  if (model.is_stack()) {
    check_stack_shapes(model);
    return;
  }
  const auto i = static_cast<std::size_t>(model.inputs);
  const auto h = static_cast<std::size_t>(model.hidden());
  if (model.inputs < 1 || model.w1.size() != i * h || model.b1.size() != h ||
      model.w2.size() != h * i || model.b2.size() != i) {
    throw Error("the ANN model's parameters do not fit " + std::to_string(model.inputs) + "-" +
                std::to_string(model.hidden()) + "-" + std::to_string(model.inputs));
  }
}

void ann_forward(const AnnModel& model, std::span<const double> inputs, std::span<double> hidden,
                 std::span<double> outputs) {
  if (model.is_stack()) {
    ann::stack_forward(model, inputs, hidden, outputs);
    return;
  }
  const std::size_t n = rows_in(inputs, model.inputs, "inputs");
  const auto i = static_cast<std::size_t>(model.inputs);
  const auto h = static_cast<std::size_t>(model.hidden());
  ann::BatchBuffers buffers(model, std::min(n, kRows));
  for (std::size_t begin = 0; begin < n; begin += kRows) {
    const std::size_t rows = std::min(kRows, n - begin);
    std::copy_n(inputs.data() + begin * i, rows * i, buffers.inputs.data());
    ann::kernels().forward(model, buffers, rows);
    std::copy_n(buffers.hidden.data(), rows * h, hidden.data() + begin * h);
    std::copy_n(buffers.outputs.data(), rows * i, outputs.data() + begin * i);
  }
}

void ann_decode(const AnnModel& model, std::span<const double> hidden, std::span<double> outputs) {
  if (model.is_stack()) {
    ann::stack_decode(model, hidden, outputs);
    return;
  }
  const std::size_t n = rows_in(hidden, model.hidden(), "hidden activations");
  const auto i = static_cast<std::size_t>(model.inputs);
  const auto h = static_cast<std::size_t>(model.hidden());
  ann::BatchBuffers buffers(model, std::min(n, kRows));
  for (std::size_t begin = 0; begin < n; begin += kRows) {
    const std::size_t rows = std::min(kRows, n - begin);
    std::copy_n(hidden.data() + begin * h, rows * h, buffers.hidden.data());
    ann::kernels().decode(model, buffers, rows);
    std::copy_n(buffers.outputs.data(), rows * i, outputs.data() + begin * i);
  }
}

void AnnGradients::set_zero() {
  for (auto* block : {&w1, &b1, &w2, &b2}) std::fill(block->begin(), block->end(), 0.0);
}

AnnGradients make_ann_gradients(const AnnModel& model) {
  return {std::vector<double>(model.w1.size(), 0.0), std::vector<double>(model.b1.size(), 0.0),
          std::vector<double>(model.w2.size(), 0.0), std::vector<double>(model.b2.size(), 0.0)};
}

double ann_loss_gradient(const AnnModel& model, std::span<const double> inputs,
                         std::span<const double> targets, AnnGradients& gradients) {
  if (model.is_stack()) throw Error("an ANN stack's gradient is ann_stack_loss_gradient's");
  const std::size_t n = rows_in(inputs, model.inputs, "inputs");
  if (targets.size() != inputs.size()) throw Error("inputs and targets differ in size");
  const ann::Kernels& kernels = ann::kernels();
  ann::BatchBuffers buffers(model, n);
  std::copy(inputs.begin(), inputs.end(), buffers.inputs.data());
  std::copy(targets.begin(), targets.end(), buffers.targets.data());
  // The training step's passes, each over all columns at once.
  kernels.encode_columns(model, buffers, n, 0, model.hidden());
  std::vector<double> hidden_grad(n * static_cast<std::size_t>(model.hidden()));
  kernels.decode_columns(model, buffers, n, 0, model.outputs(), hidden_grad.data());
  const std::array<const double*, 1> parts = {hidden_grad.data()};
  kernels.hidden_errors(model, buffers, n, parts);
  std::vector<double> losses(n);
  ann::row_losses(buffers, n, losses);
  gradients = make_ann_gradients(model);
  kernels.w1_gradient(model, buffers, n, 0, model.inputs, gradients.w1.data());
  kernels.output_gradient_columns(model, buffers, n, 0, model.outputs(), gradients.w2.data(),
                                  gradients.b2.data());
  kernels.hidden_bias_gradient(model, buffers, n, gradients.b1.data());
  const double scale = n == 0 ? 0.0 : 1.0 / static_cast<double>(n);
  for (auto* block : {&gradients.w1, &gradients.b1, &gradients.w2, &gradients.b2}) {
    for (double& g : *block) g *= scale;
  }
  double sum = 0.0;
  for (double loss : losses) sum += loss;
  return sum * scale;
}

}  // namespace spikeae
