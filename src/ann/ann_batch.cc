// The dense kernels' buffers, the choice of kernels for this processor, and the
// per-example loss (ann_kernels.h).
#include "ann/ann_kernels.h"
#include "spikeae/loss.h"

namespace spikeae::ann {

BatchBuffers::BatchBuffers(const AnnModel& model, std::size_t rows)
    : capacity(rows),
      pixels(static_cast<std::size_t>(model.inputs)),
      inputs(rows * model.inputs),
      targets(rows * model.outputs()),
      hidden_z(rows * model.hidden()),
      hidden(rows * model.hidden()),
      output_z(rows * model.outputs()),
      outputs(rows * model.outputs()),
      output_grad(rows * model.outputs()),
      hidden_grad(rows * model.hidden()) {}

const Kernels& kernels() {
#ifdef SPIKEAE_ANN_AVX2
  // The results of the two sets differ only by the order of floating-point sums.
  static const Kernels& chosen =
      __builtin_cpu_supports("avx2") ? avx2_kernels() : generic_kernels();
  return chosen;
#else
  return generic_kernels();
#endif
}

std::vector<ColumnBlock> column_blocks(int width, int max_width) {
  const int count = (width + max_width - 1) / max_width;
  std::vector<ColumnBlock> blocks;
  for (int b = 0; b < count; ++b) {
    const int first = b * width / count;
    blocks.push_back({first, (b + 1) * width / count - first});
  }
  return blocks;
}

void row_losses(const BatchBuffers& buffers, std::size_t rows, std::span<double> losses) {
  const std::size_t width = buffers.pixels;
  for (std::size_t r = 0; r < rows; ++r) {
    // The spiking model's loss with latency 0: the same formula and summation order.
    losses[r] = reconstruction_loss({buffers.outputs.data() + r * width, width},
                                    {buffers.targets.data() + r * width, width}, 0.0);
  }
}

}  // namespace spikeae::ann
