// One instruction set's dense kernels (ann_kernels.h). This file is compiled
// twice: as itself for any x86-64, and through ann_kernels_avx2.cc for AVX2.
#include "ann/ann_kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "engine/cpu/vector_math.h"

#ifdef SPIKEAE_ANN_KERNELS_AVX2
#define SPIKEAE_ANN_KERNELS_NAME avx2_kernels
#define SPIKEAE_ANN_EIGEN_NAMESPACE SpikeaeEigenAvx2
#else
#define SPIKEAE_ANN_KERNELS_NAME generic_kernels
#define SPIKEAE_ANN_EIGEN_NAMESPACE SpikeaeEigenGeneric
#endif

// GEMM packing buffers of a 784x32 layer (~200 KB) go on the stack rather than
// the heap, so a training step does not allocate.
#define EIGEN_STACK_ALLOCATION_LIMIT 1048576
#define EIGEN_DONT_PARALLELIZE
// Each compilation's Eigen gets a namespace of its own: the linker would otherwise
// merge the two builds' inline functions, and might run AVX2 code on any machine.
#define Eigen SPIKEAE_ANN_EIGEN_NAMESPACE
#include <Eigen/Core>

namespace spikeae::ann {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<double, 1, Eigen::Dynamic>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstVectorMap = Eigen::Map<const RowVector>;
using VectorMap = Eigen::Map<RowVector>;

ConstMatrixMap matrix(const std::vector<double>& values, std::size_t rows, int width) {
  return ConstMatrixMap(values.data(), static_cast<Eigen::Index>(rows), width);
}
MatrixMap matrix(std::vector<double>& values, std::size_t rows, int width) {
  return MatrixMap(values.data(), static_cast<Eigen::Index>(rows), width);
}

// y = f(z) elementwise. ReLU and the exponentials get loops of their own, with
// the branch-free exp (within 1.5 ulp of libm's), so that they vectorise.
void apply(Activation activation, const double* z, double* y, std::size_t count) {
  switch (activation) {
    case Activation::relu:
      for (std::size_t k = 0; k < count; ++k) y[k] = z[k] > 0.0 ? z[k] : 0.0;
      return;
    case Activation::sigmoid:
      for (std::size_t k = 0; k < count; ++k) y[k] = 1.0 / (1.0 + vector_math::exp(-z[k]));
      return;
    case Activation::gaussian:
      for (std::size_t k = 0; k < count; ++k) y[k] = vector_math::exp(-z[k] * z[k]);
      return;
    default:
      for (std::size_t k = 0; k < count; ++k) y[k] = activate(activation, z[k]);
  }
}

// grad *= f'(z), elementwise, with activation_slope's formulas.
void multiply_by_slope(Activation activation, const double* z, const double* y, double* grad,
                       std::size_t count) {
  switch (activation) {
    case Activation::relu:
      for (std::size_t k = 0; k < count; ++k) grad[k] *= z[k] > 0.0 ? 1.0 : 0.0;
      return;
    case Activation::sigmoid:
      for (std::size_t k = 0; k < count; ++k) grad[k] *= y[k] * (1.0 - y[k]);
      return;
    default:
      for (std::size_t k = 0; k < count; ++k) grad[k] *= activation_slope(activation, z[k], y[k]);
  }
}

void decode(const AnnModel& model, BatchBuffers& buffers, std::size_t rows) {
  const ConstMatrixMap w2(model.w2.data(), model.hidden(), model.outputs());
  const ConstVectorMap b2(model.b2.data(), model.outputs());
  MatrixMap z = matrix(buffers.output_z, rows, model.outputs());
  z.noalias() = matrix(std::as_const(buffers.hidden), rows, model.hidden()) * w2;
  z.rowwise() += b2;
  apply(model.options.decoder, z.data(), buffers.outputs.data(), rows * model.outputs());
}

void forward(const AnnModel& model, BatchBuffers& buffers, std::size_t rows) {
  const ConstMatrixMap w1(model.w1.data(), model.inputs, model.hidden());
  const ConstVectorMap b1(model.b1.data(), model.hidden());
  MatrixMap z = matrix(buffers.hidden_z, rows, model.hidden());
  z.noalias() = matrix(std::as_const(buffers.inputs), rows, model.inputs) * w1;
  z.rowwise() += b1;
  apply(model.options.encoder, z.data(), buffers.hidden.data(), rows * model.hidden());
  decode(model, buffers, rows);
}

// Row r's `count` entries from column `first` of a row-major (rows, width) matrix.
template <typename Values>
auto* row_segment(Values& values, std::size_t r, int width, int first) {
  return values.data() + r * static_cast<std::size_t>(width) + static_cast<std::size_t>(first);
}

void encode_columns(const AnnModel& model, BatchBuffers& buffers, std::size_t rows, int first,
                    int count) {
  const ConstMatrixMap w1(model.w1.data(), model.inputs, model.hidden());
  const ConstVectorMap b1(model.b1.data(), model.hidden());
  auto z = matrix(buffers.hidden_z, rows, model.hidden()).middleCols(first, count);
  z.noalias() =
      matrix(std::as_const(buffers.inputs), rows, model.inputs) * w1.middleCols(first, count);
  z.rowwise() += b1.segment(first, count);
  for (std::size_t r = 0; r < rows; ++r) {
    apply(model.options.encoder, row_segment(buffers.hidden_z, r, model.hidden(), first),
          row_segment(buffers.hidden, r, model.hidden(), first), static_cast<std::size_t>(count));
  }
}

// The output error 2 (o - x) / n_pixels times g'(z), over one row's segment.
void output_error(const AnnModel& model, BatchBuffers& buffers, std::size_t r, int first,
                  std::size_t count) {
  const double factor = 2.0 / model.outputs();
  const double* o = row_segment(buffers.outputs, r, model.outputs(), first);
  const double* x = row_segment(buffers.targets, r, model.outputs(), first);
  double* grad = row_segment(buffers.output_grad, r, model.outputs(), first);
  for (std::size_t k = 0; k < count; ++k) grad[k] = (o[k] - x[k]) * factor;
  multiply_by_slope(model.options.decoder, row_segment(buffers.output_z, r, model.outputs(), first),
                    o, grad, count);
}

void decode_columns(const AnnModel& model, BatchBuffers& buffers, std::size_t rows, int first,
                    int count, double* hidden_grad_part) {
  const ConstMatrixMap w2(model.w2.data(), model.hidden(), model.outputs());
  const ConstVectorMap b2(model.b2.data(), model.outputs());
  const auto w2_columns = w2.middleCols(first, count);
  auto z = matrix(buffers.output_z, rows, model.outputs()).middleCols(first, count);
  z.noalias() = matrix(std::as_const(buffers.hidden), rows, model.hidden()) * w2_columns;
  z.rowwise() += b2.segment(first, count);
  const auto width = static_cast<std::size_t>(count);
  for (std::size_t r = 0; r < rows; ++r) {
    apply(model.options.decoder, row_segment(buffers.output_z, r, model.outputs(), first),
          row_segment(buffers.outputs, r, model.outputs(), first), width);
    output_error(model, buffers, r, first, width);
  }
  MatrixMap part(hidden_grad_part, static_cast<Eigen::Index>(rows), model.hidden());
  part.noalias() =
      matrix(std::as_const(buffers.output_grad), rows, model.outputs()).middleCols(first, count) *
      w2_columns.transpose();
}

void hidden_errors(const AnnModel& model, BatchBuffers& buffers, std::size_t rows,
                   std::span<const double* const> parts) {
  const std::size_t count = rows * static_cast<std::size_t>(model.hidden());
  double* grad = buffers.hidden_grad.data();
  std::copy_n(parts[0], count, grad);
  for (std::size_t p = 1; p < parts.size(); ++p) {
    for (std::size_t k = 0; k < count; ++k) grad[k] += parts[p][k];
  }
  multiply_by_slope(model.options.encoder, buffers.hidden_z.data(), buffers.hidden.data(), grad,
                    count);
}

void w1_gradient(const AnnModel& model, const BatchBuffers& buffers, std::size_t rows, int first,
                 int count, double* out) {
  const ConstMatrixMap inputs = matrix(buffers.inputs, rows, model.inputs);
  MatrixMap gradient(out, count, model.hidden());
  gradient.noalias() = inputs.middleCols(first, count).transpose() *
                       matrix(buffers.hidden_grad, rows, model.hidden());
}

void output_gradient_columns(const AnnModel& model, const BatchBuffers& buffers, std::size_t rows,
                             int first, int count, double* w2_out, double* b2_out) {
  const auto output_grad =
      matrix(buffers.output_grad, rows, model.outputs()).middleCols(first, count);
  using StridedMap = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
  StridedMap w2(w2_out + first, model.hidden(), count, Eigen::OuterStride<>(model.outputs()));
  w2.noalias() = matrix(buffers.hidden, rows, model.hidden()).transpose() * output_grad;
  VectorMap(b2_out + first, count) = output_grad.colwise().sum();
}

void hidden_bias_gradient(const AnnModel& model, const BatchBuffers& buffers, std::size_t rows,
                          double* b1_out) {
  VectorMap(b1_out, model.hidden()) =
      matrix(buffers.hidden_grad, rows, model.hidden()).colwise().sum();
}

}  // namespace

const Kernels& SPIKEAE_ANN_KERNELS_NAME() {
  static constexpr Kernels kKernels{
      forward,       decode,      encode_columns,          decode_columns,
      hidden_errors, w1_gradient, output_gradient_columns, hidden_bias_gradient};
  return kKernels;
}

}  // namespace spikeae::ann
