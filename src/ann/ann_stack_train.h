// Training steps and losses of an ANN stack (internal; ann_trainer.cc runs them).
// A batch goes through each layer at once on one thread (one product per dense
// layer); then threads share its connections (gradient and Adam step). No
// product's shape depends on the thread count, so neither do the results.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ann/ann_stack_pass.h"
#include "engine/cpu/thread_pool.h"
#include "spikeae/ann_trainer.h"

namespace spikeae::ann {

// Adam steps (TensorFlow's eps, outside the square root) on a stack's parameters.
class StackStepper {
 public:
  StackStepper(AnnModel& model, ThreadPool& pool);

  // One optimiser step on the batch mean gradient; each example's loss into `losses`.
  void step(const AnnExampleSet& set, std::span<const std::size_t> batch, std::span<double> losses);

 private:
  void adam_update(std::vector<double>& values, const std::vector<double>& gradient,
                   std::vector<double>& m, std::vector<double>& v, double scale) const;

  AnnModel& model_;
  ThreadPool& pool_;
  StackPlan plan_;
  StackBatch batch_;
  AnnStackGradients sum_, m_, v_;
  std::int64_t step_ = 0;
};

// Every example's loss, each on one worker.
void stack_losses(const AnnModel& model, const AnnExampleSet& set, ThreadPool& pool,
                  std::span<double> losses);

}  // namespace spikeae::ann
