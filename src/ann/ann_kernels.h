// The dense baseline's batched forward and backward passes (internal). The
// matrix products use Eigen over a whole mini-batch, single-threaded: a product's
// shape never depends on the thread count, so neither do its sums. The kernels
// are compiled for AVX2 and for any x86-64 (ann_kernels_avx2.cc) and one set is
// chosen at run time; this header shows no Eigen type, so the two cannot mix.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "spikeae/ann.h"

namespace spikeae::ann {

// Row-major (rows, width) scratch matrices for batches of up to `capacity` examples.
struct BatchBuffers {
  std::size_t capacity = 0;
  std::size_t pixels = 0;                 // inputs (and outputs) per example
  std::vector<double> inputs, targets;    // (rows, inputs), (rows, outputs)
  std::vector<double> hidden_z, hidden;   // pre-activations and activations
  std::vector<double> output_z, outputs;  // likewise
  std::vector<double> output_grad;        // dLoss/dz of the output layer, per example
  std::vector<double> hidden_grad;        // dLoss/dz of the hidden layer, per example

  BatchBuffers(const AnnModel& model, std::size_t rows);
};

// One instruction set's implementations; all read the first `rows` rows.
struct Kernels {
  // Hidden and output activations of buffers.inputs.
  void (*forward)(const AnnModel& model, BatchBuffers& buffers, std::size_t rows);
  // Outputs from buffers.hidden.
  void (*decode)(const AnnModel& model, BatchBuffers& buffers, std::size_t rows);
  // A training step's forward and backward passes in column blocks that can run
  // at once. encode_columns: hidden columns [first, first + count) of every row
  // (pre-activations and activations).
  void (*encode_columns)(const AnnModel& model, BatchBuffers& buffers, std::size_t rows, int first,
                         int count);
  // After every encode_columns: output columns [first, first + count), their
  // loss gradient (mean over pixels of the squared error against targets) with
  // respect to the pre-activations, and that block's part of the hidden layer's
  // error, (rows, hidden), into hidden_grad_part.
  void (*decode_columns)(const AnnModel& model, BatchBuffers& buffers, std::size_t rows, int first,
                         int count, double* hidden_grad_part);
  // After every decode_columns: hidden_grad, the parts summed in order times f'(z).
  void (*hidden_errors)(const AnnModel& model, BatchBuffers& buffers, std::size_t rows,
                        std::span<const double* const> parts);
  // After hidden_errors: batch sums of the gradient, written (not added): rows
  // [first, first + count) of w1 into `out` (count x hidden).
  void (*w1_gradient)(const AnnModel& model, const BatchBuffers& buffers, std::size_t rows,
                      int first, int count, double* out);
  // After decode_columns of the block: columns [first, first + count) of the w2
  // and b2 gradients, into the same places of w2_out and b2_out (full arrays).
  void (*output_gradient_columns)(const AnnModel& model, const BatchBuffers& buffers,
                                  std::size_t rows, int first, int count, double* w2_out,
                                  double* b2_out);
  // After hidden_errors: the b1 gradient.
  void (*hidden_bias_gradient)(const AnnModel& model, const BatchBuffers& buffers, std::size_t rows,
                               double* b1_out);
};

// The AVX2 kernels on processors that have it, else the generic ones.
const Kernels& kernels();

// The two sets; the Eigen of each lives in its own namespace.
const Kernels& generic_kernels();
const Kernels& avx2_kernels();  // only on x86-64 builds with GCC or Clang

// Columns [first, first + count) of one block of a training step's pass.
struct ColumnBlock {
  int first = 0, count = 0;
};
// `width` columns cut into the fewest blocks of at most max_width, of equal
// width: a layout that depends on the model's shape only.
std::vector<ColumnBlock> column_blocks(int width, int max_width);

// After forward: each row's loss into `losses` (the spiking model's formula).
void row_losses(const BatchBuffers& buffers, std::size_t rows, std::span<double> losses);

}  // namespace spikeae::ann
