// --resume continues a run as it was started: hyperparameter flags given with it
// must agree with the checkpoint; only the training length and threads may change.
#pragma once

#include <set>
#include <string>

#include "hyperparameter_flags.h"
#include "spikeae/checkpoint.h"
#include "spikeae/config.h"

namespace spikeae::cli {

// The config a run resumed from `checkpoint` in folder `out` continues with: the
// checkpoint's, checked against the flags given (`given`: the flags typed, by their
// first name, e.g. "--learning_rate"); only --epochs (more, not fewer) and
// --threads may change it. Throws Error listing every given flag that differs.
TrainingConfig resumed_config(const HyperparameterFlags& flags, const std::set<std::string>& given,
                              const Checkpoint& checkpoint, const std::string& out);

}  // namespace spikeae::cli
