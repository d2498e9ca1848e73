// What a resumed run keeps from its checkpoint and what it may change.
#include <string>

#include "spikeae/error.h"
#include "spikeae/run.h"

namespace spikeae {

bool may_change_on_resume(std::string_view option) {
  return option == "epochs" || option == "threads";
}

TrainingConfig continued_config(const Checkpoint& checkpoint, const TrainingConfig& asked,
                                bool epochs_given, const std::string& checkpoint_name) {
  TrainingConfig config = checkpoint.config;
  const int done = checkpoint.state.epoch;
  if (epochs_given) {
    if (asked.train.epochs < done) {
      throw Error("epochs " + std::to_string(asked.train.epochs) + " is fewer than the " +
                  std::to_string(done) + " epochs " + checkpoint_name + " has completed");
    }
    config.train.epochs = asked.train.epochs;
  }
  config.train.threads = asked.train.threads;
  return config;
}

}  // namespace spikeae
