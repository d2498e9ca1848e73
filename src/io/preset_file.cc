#include "spikeae/preset_file.h"

#include <fstream>
#include <sstream>

#include "spikeae/error.h"

namespace spikeae {

HyperparameterRow read_preset_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(name + ": is a directory, not a preset file");
  }
  std::ifstream file(path);
  if (!file) throw Error(name + ": cannot open the preset file");
  std::stringstream text;
  text << file.rdbuf();
  if (file.bad()) throw Error(name + ": cannot read the preset file");
  const std::vector<HyperparameterRow> rows = parse_hyperparameter_table(text.str(), name);
  if (rows.size() != 1) {
    throw Error(name + ": a preset file holds exactly one row, found " +
                std::to_string(rows.size()));
  }
  return rows.front();
}

}  // namespace spikeae
