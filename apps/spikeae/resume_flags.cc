#include "resume_flags.h"

#include <filesystem>

#include "spikeae/option_table.h"
#include "spikeae/run.h"

namespace spikeae::cli {
namespace {

const ResumeWording kFlagWording{
    "--resume", true, "--epochs and --threads",
    "drop the other flags, or start a new run with another --out (or --overwrite)"};

// The options typed, by name, from the flags typed (by their first name).
std::set<std::string> given_options(const std::set<std::string>& given_flags) {
  std::set<std::string> names;
  for (const OptionSpec& spec : option_table()) {
    if (given_flags.count(std::string(spec.flag)) > 0) names.emplace(spec.name);
  }
  return names;
}

}  // namespace

TrainingConfig resumed_config(const HyperparameterFlags& flags, const std::set<std::string>& given,
                              const Checkpoint& checkpoint, const std::string& out) {
  const std::string path = (std::filesystem::path(out) / kCheckpointFile).string();
  const auto pixels = static_cast<std::size_t>(checkpoint.config.architecture.layer_sizes.front());
  return checked_resume_config(checkpoint, resolve_config(flags, pixels), given_options(given),
                               kFlagWording, path);
}

}  // namespace spikeae::cli
