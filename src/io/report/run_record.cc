#include "io/report/run_record.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "spikeae/error.h"
#include "spikeae/run_folder.h"

namespace spikeae::report {
namespace fs = std::filesystem;
namespace {

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A tiny reader for the flat objects MetricsLog writes; anything else is damage.
class LineReader {
 public:
  LineReader(const std::string& line, const std::string& where) : line_(line), where_(where) {}

  std::vector<std::pair<std::string, double>> object() {
    std::vector<std::pair<std::string, double>> fields;
    expect('{');
    while (peek() != '}') {
      if (!fields.empty()) expect(',');
      std::string key = string();
      expect(':');
      fields.emplace_back(std::move(key), value());
    }
    expect('}');
    if (pos_ != line_.size()) fail("text after the object");
    return fields;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(where_ + ": not a metrics record (" + what + " at column " +
                std::to_string(pos_ + 1) + ")");
  }
  char peek() const { return pos_ < line_.size() ? line_[pos_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string() {
    expect('"');
    const std::size_t end = line_.find('"', pos_);
    if (end == std::string::npos) fail("unterminated name");
    std::string text = line_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return text;
  }
  bool word(std::string_view text) {
    if (line_.compare(pos_, text.size(), text) != 0) return false;
    pos_ += text.size();
    return true;
  }
  double value() {
    if (word("null")) return std::nan("");
    if (word("true")) return 1.0;
    if (word("false")) return 0.0;
    const char* begin = line_.c_str() + pos_;
    char* end = nullptr;
    const double number = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(number)) fail("expected a number");
    pos_ += static_cast<std::size_t>(end - begin);
    return number;
  }

  const std::string& line_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

double field(const std::vector<std::pair<std::string, double>>& fields, std::string_view name,
             const std::string& where) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  throw Error(where + ": the record has no \"" + std::string(name) + "\"");
}

bool has_field(const std::vector<std::pair<std::string, double>>& fields, std::string_view name) {
  for (const auto& entry : fields) {
    if (entry.first == name) return true;
  }
  return false;
}

EpochRecord epoch_record(const std::vector<std::pair<std::string, double>>& fields,
                         const std::string& where) {
  EpochRecord record;
  record.metrics.epoch = static_cast<int>(field(fields, "epoch", where));
  record.metrics.train_loss = field(fields, "train_loss", where);
  record.metrics.validation_loss = field(fields, "validation_loss", where);
  record.metrics.seconds = field(fields, "seconds", where);
  record.metrics.examples_per_second = field(fields, "examples_per_second", where);
  record.metrics.best = field(fields, "best", where) != 0.0;
  record.test_loss = field(fields, "test_loss", where);
  return record;
}

RunSummary summary_record(const std::vector<std::pair<std::string, double>>& fields,
                          const std::string& where) {
  RunSummary summary;
  summary.test_loss = field(fields, "test_loss", where);
  summary.best_epoch = static_cast<int>(field(fields, "best_epoch", where));
  summary.mean_image_loss = field(fields, "mean_image_loss", where);
  summary.plateau = field(fields, "plateau", where) != 0.0;
  return summary;
}

void read_metrics(const fs::path& path, RunRecord& record) {
  std::istringstream lines(read_bytes(path));
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string where = path.string() + " line " + std::to_string(number);
    if (record.summary) throw Error(where + ": a record after the run's closing summary");
    const auto fields = parse_metrics_line(line, where);
    if (has_field(fields, "epoch")) {
      record.epochs.push_back(epoch_record(fields, where));
    } else {
      record.summary = summary_record(fields, where);
    }
  }
  if (record.epochs.empty()) throw Error(path.string() + ": no completed epoch recorded");
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t begin = 0;
  for (std::size_t tab; (tab = line.find('\t', begin)) != std::string::npos; begin = tab + 1) {
    cells.push_back(line.substr(begin, tab - begin));
  }
  cells.push_back(line.substr(begin));
  return cells;
}

void read_hyperparameters(const fs::path& path, RunRecord& record) {
  std::istringstream lines(read_bytes(path));
  std::string names, values;
  std::getline(lines, names);
  std::getline(lines, values);
  const std::vector<std::string> name_cells = split_tabs(names);
  const std::vector<std::string> value_cells = split_tabs(values);
  if (names.empty() || name_cells.size() != value_cells.size()) {
    throw Error(path.string() +
                ": not a hyperparameter table (a header row and a value row "
                "with the same number of tab-separated cells)");
  }
  for (std::size_t i = 0; i < name_cells.size(); ++i) {
    record.hyperparameters.emplace_back(name_cells[i], value_cells[i]);
  }
}

}  // namespace

std::vector<std::pair<std::string, double>> parse_metrics_line(const std::string& line,
                                                               const std::string& where) {
  return LineReader(line, where).object();
}

RunRecord read_run_record(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw Error(folder.string() + ": no such run folder (give the --out folder of spikeae train)");
  }
  for (const std::string_view name : {kMetricsFile, kModelFile}) {
    if (!fs::exists(folder / name, ec)) {
      throw Error(folder.string() + " holds no finished run: " + std::string(name) +
                  " is missing (spikeae train --out writes it)");
    }
  }
  RunRecord record;
  read_metrics(folder / kMetricsFile, record);
  record.model = load_model(folder / kModelFile);
  if (fs::exists(folder / kHyperparameterFile, ec)) {
    read_hyperparameters(folder / kHyperparameterFile, record);
  }
  if (fs::exists(folder / kPictureFile, ec)) record.picture_png = read_bytes(folder / kPictureFile);
  return record;
}

}  // namespace spikeae::report
