// What a resumed run keeps from its checkpoint and what it may change.
#include <string>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/option_table.h"
#include "spikeae/run.h"

namespace spikeae {
namespace {

struct Conflict {
  std::string option, asked, saved;
};

std::string option_name(const OptionSpec& spec, const ResumeWording& wording) {
  return std::string(wording.names_are_flags ? spec.flag : spec.name);
}

// A value as the conflict list shows it. A bool named by its flag shows the option's
// name too, since a flag may reverse it (--non-inverted sets inverted=false).
std::string shown(const OptionSpec& spec, const TrainingConfig& config,
                  const ResumeWording& wording) {
  const std::string text = option_value_text(spec.access.get(config));
  const bool named = wording.names_are_flags && spec.type == OptionType::kBool;
  return named ? std::string(spec.name) + "=" + text : text;
}

bool was_given(const OptionSpec& spec, const std::set<std::string>& given) {
  // A preset or preset file sets the whole paper row, so it gives every column.
  const bool whole_row = given.count("preset") > 0 || given.count("preset_file") > 0;
  return given.count(std::string(spec.name)) > 0 || (whole_row && spec.paper_column());
}

std::vector<Conflict> resume_conflicts(const TrainingConfig& asked, const TrainingConfig& saved,
                                       const std::set<std::string>& given,
                                       const ResumeWording& wording) {
  std::vector<Conflict> conflicts;
  for (const OptionSpec& spec : option_table()) {
    if (spec.access.get == nullptr || may_change_on_resume(spec.name)) continue;
    if (!was_given(spec, given)) continue;
    const std::string asked_text = shown(spec, asked, wording);
    const std::string saved_text = shown(spec, saved, wording);
    if (asked_text != saved_text)
      conflicts.push_back({option_name(spec, wording), asked_text, saved_text});
  }
  return conflicts;
}

}  // namespace

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

TrainingConfig checked_resume_config(const Checkpoint& checkpoint, const TrainingConfig& asked,
                                     const std::set<std::string>& given,
                                     const ResumeWording& wording,
                                     const std::string& checkpoint_name) {
  const std::vector<Conflict> conflicts =
      resume_conflicts(asked, checkpoint.config, given, wording);
  if (!conflicts.empty()) {
    std::string list;
    for (const Conflict& c : conflicts) {
      list +=
          (list.empty() ? "" : ", ") + c.option + " " + c.asked + " (checkpoint: " + c.saved + ")";
    }
    throw Error(wording.resume + " continues the run of " + checkpoint_name +
                " as it was started, but " + list + ": only " + wording.changeable +
                " can change; " + wording.instead);
  }
  return continued_config(checkpoint, asked, given.count("epochs") > 0, checkpoint_name);
}

}  // namespace spikeae
