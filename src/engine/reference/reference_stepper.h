// The reference engine's training step: each example through forward() and
// backward(), the shards' gradients added in order, one adam_step. Any layer kind.
#pragma once

#include <memory>

#include "spikeae/engine.h"
#include "spikeae/trainer.h"

namespace spikeae {

std::unique_ptr<TrainingStepper> make_reference_stepper(TrainingState& state,
                                                        const TrainingConfig& config);

}  // namespace spikeae
