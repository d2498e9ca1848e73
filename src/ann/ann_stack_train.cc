#include "ann/ann_stack_train.h"

#include <algorithm>
#include <cmath>

namespace spikeae::ann {
namespace {

// Adam's betas as the spiking trainer's; TensorFlow's eps (docs/model.md section 7).
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-7;

}  // namespace

StackStepper::StackStepper(AnnModel& model, ThreadPool& pool)
    : model_(model),
      pool_(pool),
      plan_(model),
      batch_(model, static_cast<std::size_t>(model.options.batch_size)),
      sum_(make_ann_stack_gradients(model)),
      m_(make_ann_stack_gradients(model)),
      v_(make_ann_stack_gradients(model)) {}

void StackStepper::step(const AnnExampleSet& set, std::span<const std::size_t> batch,
                        std::span<double> losses) {
  const std::size_t width = set.pixels;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    std::copy_n(set.inputs.data() + batch[r] * width, width, batch_.row(batch_.a, 0, r));
    std::copy_n(set.targets.data() + batch[r] * width, width, batch_.targets.data() + r * width);
  }
  // One thread: a dense layer's product covers the whole batch.
  forward_rows(plan_, model_, 0, batch_, batch.size());
  backward_errors(plan_, model_, batch_.targets.data(), batch_, batch.size());
  for (std::size_t r = 0; r < batch.size(); ++r) {
    losses[r] = example_loss(batch_, r, batch_.targets.data() + r * width);
  }
  ++step_;
  const double scale = 1.0 / static_cast<double>(batch.size());
  pool_.run(plan_.layers.size(), [&](std::size_t c, int) {
    connection_gradient(plan_, batch_, batch.size(), static_cast<int>(c), sum_);
    adam_update(model_.weights[c], sum_.weights[c], m_.weights[c], v_.weights[c], scale);
    adam_update(model_.biases[c], sum_.biases[c], m_.biases[c], v_.biases[c], scale);
  });
}

// value -= lr / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t)) + eps), m and v of the
// batch mean gradient (the gradient sum times `scale`).
void StackStepper::adam_update(std::vector<double>& values, const std::vector<double>& gradient,
                               std::vector<double>& m, std::vector<double>& v, double scale) const {
  const double t = static_cast<double>(step_);
  const double step_size = model_.options.learning_rate / (1.0 - std::pow(kBeta1, t));
  const double inverse_bias2 = 1.0 / (1.0 - std::pow(kBeta2, t));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double g = gradient[i] * scale;
    m[i] = kBeta1 * m[i] + (1.0 - kBeta1) * g;
    v[i] = kBeta2 * v[i] + (1.0 - kBeta2) * g * g;
    values[i] -= step_size * m[i] / (std::sqrt(v[i] * inverse_bias2) + kEpsilon);
  }
}

void stack_losses(const AnnModel& model, const AnnExampleSet& set, ThreadPool& pool,
                  std::span<double> losses) {
  check_stack_shapes(model);
  const StackPlan plan(model);
  constexpr std::size_t kChunk = 64;
  std::vector<StackBatch> chunks(static_cast<std::size_t>(pool.size()), StackBatch(model, kChunk));
  const std::size_t width = set.pixels;
  pool.run((set.size() + kChunk - 1) / kChunk, [&](std::size_t chunk, int w) {
    const std::size_t begin = chunk * kChunk;
    const std::size_t rows = std::min(set.size(), begin + kChunk) - begin;
    StackBatch& batch = chunks[w];
    std::copy_n(set.inputs.data() + begin * width, rows * width, batch.a[0].data());
    forward_rows(plan, model, 0, batch, rows);
    for (std::size_t r = 0; r < rows; ++r) {
      losses[begin + r] = example_loss(batch, r, set.targets.data() + (begin + r) * width);
    }
  });
}

}  // namespace spikeae::ann
