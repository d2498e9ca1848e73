#include "resume_flags.h"

#include <filesystem>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/option_table.h"
#include "spikeae/run.h"

namespace spikeae::cli {
namespace {

struct Conflict {
  std::string flag, asked, saved;
};

// A value as the conflict list shows it; a bool is named, since its flag reverses it.
std::string shown(const OptionSpec& spec, const TrainingConfig& config) {
  const std::string text = option_value_text(spec.access.get(config));
  return spec.type == OptionType::kBool ? std::string(spec.name) + "=" + text : text;
}

}  // namespace

void check_resume_flags(const HyperparameterFlags& flags, const std::set<std::string>& given,
                        const TrainingConfig& checkpoint, std::size_t pixels,
                        const std::string& checkpoint_path) {
  const TrainingConfig asked = resolve_config(flags, pixels);
  const bool whole_row = given.count("--preset") || given.count("--preset-file");
  std::vector<Conflict> conflicts;
  for (const OptionSpec& spec : option_table()) {
    if (spec.access.get == nullptr || may_change_on_resume(spec.name)) continue;
    const std::string flag(spec.flag);
    const bool typed = given.count(flag) > 0 || (whole_row && spec.paper_column());
    const std::string asked_text = shown(spec, asked);
    const std::string saved_text = shown(spec, checkpoint);
    if (typed && asked_text != saved_text) conflicts.push_back({flag, asked_text, saved_text});
  }
  if (conflicts.empty()) return;
  std::string list;
  for (const Conflict& c : conflicts) {
    list += (list.empty() ? "" : ", ") + c.flag + " " + c.asked + " (checkpoint: " + c.saved + ")";
  }
  throw Error("--resume continues the run of " + checkpoint_path + " as it was started, but " +
              list + ": only --epochs and --threads can change; drop the other flags, or start " +
              "a new run with another --out (or --overwrite)");
}

TrainingConfig resumed_config(const HyperparameterFlags& flags, const std::set<std::string>& given,
                              const Checkpoint& checkpoint, const std::string& out) {
  const std::string path = (std::filesystem::path(out) / kCheckpointFile).string();
  const auto pixels = static_cast<std::size_t>(checkpoint.config.architecture.layer_sizes.front());
  check_resume_flags(flags, given, checkpoint.config, pixels, path);
  return continued_config(checkpoint, resolve_config(flags, pixels), given.count("--epochs") > 0,
                          path);
}

}  // namespace spikeae::cli
