#include "run/run_sets.h"

namespace spikeae {

RunImages split_run_data(RunData data, const SplitOptions& split, std::uint64_t seed) {
  TrainValidation parts = split_train_validation(data.training_file, split, seed);
  return {std::move(parts.train), std::move(parts.validation), std::move(data.test)};
}

}  // namespace spikeae
