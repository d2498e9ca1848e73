// The CPU engine's training step: forward, backward and Adam for a batch in three
// rounds of tasks on a thread pool (docs/performance.md). Internal.
#pragma once

#include <memory>

#include "engine/cpu/thread_pool.h"
#include "spikeae/engine.h"

namespace spikeae {

// `config` and `pool` must outlive the stepper.
std::unique_ptr<TrainingStepper> make_batch_stepper(TrainingState& state,
                                                    const TrainingConfig& config, ThreadPool& pool);

}  // namespace spikeae
