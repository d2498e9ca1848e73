// The dense baseline's batched forward and backward passes (internal). The
// matrix products use Eigen, single-threaded: parallelism comes from our pool over
// fixed shards, so a shard's sums never depend on the thread count.
#pragma once

// GEMM packing buffers of a 784x32 layer (~200 KB) go on the stack rather than
// the heap, so a training step does not allocate.
#define EIGEN_STACK_ALLOCATION_LIMIT 1048576
#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Core>
#include <cstddef>
#include <span>

#include "spikeae/ann.h"

namespace spikeae::ann {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<double, 1, Eigen::Dynamic>;

// Scratch memory for batches of up to `rows` examples, allocated once per worker.
struct Workspace {
  RowMatrix inputs, targets;
  RowMatrix hidden_z, hidden;   // pre-activations and activations
  RowMatrix output_z, outputs;  // likewise
  RowMatrix output_grad, hidden_grad;

  Workspace(const AnnModel& model, std::size_t rows);
  std::size_t capacity() const { return static_cast<std::size_t>(inputs.rows()); }
};

// Hidden and output activations of the first `rows` rows of workspace.inputs.
void forward_rows(const AnnModel& model, Workspace& workspace, std::size_t rows);
// Outputs from workspace.hidden's first `rows` rows.
void decode_rows(const AnnModel& model, Workspace& workspace, std::size_t rows);

// After forward_rows: each row's loss into `losses` (mean over pixels of the squared
// error against workspace.targets).
void row_losses(const Workspace& workspace, std::size_t rows, std::span<double> losses);

// After forward_rows: adds the sum over the rows of each example's loss gradient.
void backward_rows(const AnnModel& model, Workspace& workspace, std::size_t rows,
                   AnnGradients& gradients);

}  // namespace spikeae::ann
