#include "ann/ann_kernels.h"

#include "spikeae/loss.h"

namespace spikeae::ann {
namespace {

using ConstMatrixMap = Eigen::Map<const RowMatrix>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstVectorMap = Eigen::Map<const RowVector>;
using VectorMap = Eigen::Map<RowVector>;

// y = f(z) over a contiguous block (the top rows of a row-major matrix).
void apply(Activation activation, const double* z, double* y, Eigen::Index count) {
  for (Eigen::Index k = 0; k < count; ++k) y[k] = activate(activation, z[k]);
}

// grad *= f'(z), elementwise.
void multiply_by_slope(Activation activation, const double* z, const double* y, double* grad,
                       Eigen::Index count) {
  for (Eigen::Index k = 0; k < count; ++k) grad[k] *= activation_slope(activation, z[k], y[k]);
}

}  // namespace

Workspace::Workspace(const AnnModel& model, std::size_t rows) {
  const auto n = static_cast<Eigen::Index>(rows);
  inputs.setZero(n, model.inputs);
  targets.setZero(n, model.outputs());
  hidden_z.setZero(n, model.hidden());
  hidden.setZero(n, model.hidden());
  output_z.setZero(n, model.outputs());
  outputs.setZero(n, model.outputs());
  output_grad.setZero(n, model.outputs());
  hidden_grad.setZero(n, model.hidden());
}

void forward_rows(const AnnModel& model, Workspace& ws, std::size_t rows) {
  const auto n = static_cast<Eigen::Index>(rows);
  const ConstMatrixMap w1(model.w1.data(), model.inputs, model.hidden());
  const ConstVectorMap b1(model.b1.data(), model.hidden());
  auto z = ws.hidden_z.topRows(n);
  z.noalias() = ws.inputs.topRows(n) * w1;
  z.rowwise() += b1;
  apply(model.options.encoder, z.data(), ws.hidden.data(), z.size());
  decode_rows(model, ws, rows);
}

void decode_rows(const AnnModel& model, Workspace& ws, std::size_t rows) {
  const auto n = static_cast<Eigen::Index>(rows);
  const ConstMatrixMap w2(model.w2.data(), model.hidden(), model.outputs());
  const ConstVectorMap b2(model.b2.data(), model.outputs());
  auto z = ws.output_z.topRows(n);
  z.noalias() = ws.hidden.topRows(n) * w2;
  z.rowwise() += b2;
  apply(model.options.decoder, z.data(), ws.outputs.data(), z.size());
}

void row_losses(const Workspace& ws, std::size_t rows, std::span<double> losses) {
  const auto width = static_cast<std::size_t>(ws.outputs.cols());
  for (std::size_t r = 0; r < rows; ++r) {
    // The spiking model's loss with latency 0: the same formula and summation order.
    losses[r] = reconstruction_loss({ws.outputs.data() + r * width, width},
                                    {ws.targets.data() + r * width, width}, 0.0);
  }
}

void backward_rows(const AnnModel& model, Workspace& ws, std::size_t rows,
                   AnnGradients& gradients) {
  const auto n = static_cast<Eigen::Index>(rows);
  const ConstMatrixMap w2(model.w2.data(), model.hidden(), model.outputs());
  // d/do of mean_k (o_k - x_k)^2 is 2 (o_k - x_k) / n_pixels.
  auto output_grad = ws.output_grad.topRows(n);
  output_grad = (ws.outputs.topRows(n) - ws.targets.topRows(n)) * (2.0 / model.outputs());
  multiply_by_slope(model.options.decoder, ws.output_z.data(), ws.outputs.data(),
                    output_grad.data(), output_grad.size());
  auto hidden_grad = ws.hidden_grad.topRows(n);
  hidden_grad.noalias() = output_grad * w2.transpose();
  multiply_by_slope(model.options.encoder, ws.hidden_z.data(), ws.hidden.data(), hidden_grad.data(),
                    hidden_grad.size());

  MatrixMap g_w2(gradients.w2.data(), model.hidden(), model.outputs());
  VectorMap g_b2(gradients.b2.data(), model.outputs());
  MatrixMap g_w1(gradients.w1.data(), model.inputs, model.hidden());
  VectorMap g_b1(gradients.b1.data(), model.hidden());
  g_w2.noalias() += ws.hidden.topRows(n).transpose() * output_grad;
  g_b2.noalias() += output_grad.colwise().sum();
  g_w1.noalias() += ws.inputs.topRows(n).transpose() * hidden_grad;
  g_b1.noalias() += hidden_grad.colwise().sum();
}

}  // namespace spikeae::ann
