// The reference engine's training step: each example through forward() and
// backward(), the shards' gradients added in order, one adam_step. Any layer kind.
// With a pool the shards run on its threads (the same bits); without, in turn.
#pragma once

#include <memory>

#include "spikeae/engine.h"
#include "spikeae/trainer.h"

namespace spikeae {

class ThreadPool;

std::unique_ptr<TrainingStepper> make_reference_stepper(TrainingState& state,
                                                        const TrainingConfig& config,
                                                        ThreadPool* pool);

}  // namespace spikeae
