#include "resume_flags.h"

#include <vector>

#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"

namespace spikeae::cli {
namespace {

struct Conflict {
  std::string flag, asked, saved;
};

void compare(std::vector<Conflict>& out, bool given, const std::string& flag,
             const std::string& asked, const std::string& saved) {
  if (given && asked != saved) out.push_back({flag, asked, saved});
}

}  // namespace

void check_resume_flags(const HyperparameterFlags& flags, const std::set<std::string>& given,
                        const TrainingConfig& checkpoint, std::size_t pixels,
                        const std::string& checkpoint_path) {
  const TrainingConfig asked = resolve_config(flags, pixels);
  const HyperparameterRow asked_row = row_from_config(asked);
  const HyperparameterRow saved_row = row_from_config(checkpoint);
  const bool whole_row = given.count("--preset") || given.count("--preset-file");
  std::vector<Conflict> conflicts;
  for (const std::string& name : hyperparameter_names()) {
    compare(conflicts, whole_row || flags.given.count(name), "--" + name,
            hyperparameter_text(asked_row, name), hyperparameter_text(saved_row, name));
  }
  compare(conflicts, given.count("--layer-sizes"), "--layer-sizes",
          format_layer_sizes(asked.architecture.layer_sizes, ','),
          format_layer_sizes(checkpoint.architecture.layer_sizes, ','));
  compare(conflicts, given.count("--non-inverted"), "--non-inverted",
          asked.encoding.inverted ? "inverted" : "non-inverted",
          checkpoint.encoding.inverted ? "inverted" : "non-inverted");
  compare(conflicts, given.count("--neuron-kind"), "--neuron-kind",
          std::string(neuron_kind_name(asked.neuron.kind)),
          std::string(neuron_kind_name(checkpoint.neuron.kind)));
  compare(conflicts, given.count("--seed"), "--seed", std::to_string(asked.train.seed),
          std::to_string(checkpoint.train.seed));
  compare(conflicts, given.count("--gradient-shards"), "--gradient-shards",
          std::to_string(asked.train.gradient_shards),
          std::to_string(checkpoint.train.gradient_shards));
  if (conflicts.empty()) return;
  std::string list;
  for (const Conflict& c : conflicts) {
    list += (list.empty() ? "" : ", ") + c.flag + " " + c.asked + " (checkpoint: " + c.saved + ")";
  }
  throw Error("--resume continues the run of " + checkpoint_path + " as it was started, but " +
              list + ": only --epochs and --threads can change; drop the other flags, or start " +
              "a new run with another --out (or --overwrite)");
}

}  // namespace spikeae::cli
