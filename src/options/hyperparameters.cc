// Paper hyperparameter rows: strict text parsing, the table format and the
// mapping onto the per-concern config structs.
#include "spikeae/hyperparameters.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "spikeae/architecture_spec.h"
#include "spikeae/error.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace detail {
// Defined in the paper_presets.cc that CMake generates from the .tsv.
std::string_view paper_table_text();
}  // namespace detail

namespace {

// The paper's columns, in the order of its table: the paper entries of the option table.
const std::vector<const OptionSpec*>& columns() {
  static const std::vector<const OptionSpec*> paper = [] {
    std::vector<const OptionSpec*> out;
    for (const OptionSpec& spec : option_table()) {
      if (spec.paper_column()) out.push_back(&spec);
    }
    return out;
  }();
  return paper;
}

constexpr int kInputSize = 784;  // MNIST pixels: the paper's input and output layers
constexpr double kMatchTolerance = 1e-9;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// Quoted, with control characters (a NUL would cut the message short) as \xNN.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
    out += escaped;
  }
  return out + "\"";
}

std::optional<std::size_t> column_index(std::string_view name) {
  for (std::size_t i = 0; i < columns().size(); ++i) {
    if (columns()[i]->name == name) return i;
  }
  return std::nullopt;
}

std::string valid_names_text() { return join(hyperparameter_names(), ", "); }

[[noreturn]] void throw_bad_value(std::string_view name, std::string_view value,
                                  std::string_view expected) {
  throw Error("invalid value " + quoted(value) + " for hyperparameter " + std::string(name) +
              ": expected " + std::string(expected));
}

double parse_double(std::string_view name, std::string_view text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) throw_bad_value(name, text, "a number in range");
  if (ec != std::errc() || ptr != end || text.empty()) throw_bad_value(name, text, "a number");
  // inf/nan parse, but no hyperparameter accepts them.
  if (!std::isfinite(value)) throw_bad_value(name, text, "a finite number");
  return value;
}

int parse_int(std::string_view name, std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    throw_bad_value(name, text, "an integer in the range of int");
  }
  if (ec != std::errc() || ptr != end || text.empty()) throw_bad_value(name, text, "an integer");
  return value;
}

void set_column(HyperparameterRow& row, const OptionSpec& column, std::string_view value) {
  if (column.type == OptionType::kDouble) {
    set_row_value(row, column, parse_double(column.name, value));
  } else {
    set_row_value(row, column, parse_int(column.name, value));
  }
}

std::string format_column(const HyperparameterRow& row, const OptionSpec& column) {
  return option_value_text(row_value(row, column));
}

// Table fields may carry stray spaces or a CRLF '\r' from hand editing (tabs split fields).
std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \r";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string location(std::string_view source, std::size_t line) {
  return std::string(source) + ":" + std::to_string(line) + ": ";
}

// Maps each field position of a line to its column, from the header line.
std::vector<std::size_t> parse_header(std::string_view line, std::string_view source,
                                      std::size_t line_number) {
  const std::string where = location(source, line_number);
  std::vector<std::size_t> order;
  std::vector<int> seen_at(columns().size(), 0);
  const auto fields = split(line, '\t');
  for (std::size_t position = 0; position < fields.size(); ++position) {
    const std::string_view name = trim(fields[position]);
    const auto index = column_index(name);
    if (!index) {
      throw Error(
          where + "unknown column " + quoted(name) + " in the header (field " +
          std::to_string(position + 1) +
          "); the first line must be the tab-separated column names: " + valid_names_text());
    }
    if (seen_at[*index] != 0) {
      throw Error(where + "column " + quoted(name) + " appears twice in the header (fields " +
                  std::to_string(seen_at[*index]) + " and " + std::to_string(position + 1) + ")");
    }
    seen_at[*index] = static_cast<int>(position + 1);
    order.push_back(*index);
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < columns().size(); ++i) {
    if (seen_at[i] == 0) missing.emplace_back(columns()[i]->name);
  }
  if (!missing.empty()) {
    throw Error(where + "the header is missing column(s) " + join(missing, ", ") +
                "; every table needs all of: " + valid_names_text());
  }
  return order;
}

HyperparameterRow parse_row(std::string_view line, const std::vector<std::size_t>& order,
                            std::string_view source, std::size_t line_number) {
  const std::string where = location(source, line_number);
  const auto fields = split(line, '\t');
  if (fields.size() != order.size()) {
    throw Error(where + "expected " + std::to_string(order.size()) +
                " tab-separated fields like the header, found " + std::to_string(fields.size()));
  }
  HyperparameterRow row;
  for (std::size_t position = 0; position < fields.size(); ++position) {
    const OptionSpec& column = *columns()[order[position]];
    try {
      set_column(row, column, trim(fields[position]));
    } catch (const Error& error) {
      throw Error(where + "field " + std::to_string(position + 1) + ": " + error.what());
    }
  }
  return row;
}

bool near(double a, double b) { return std::abs(a - b) <= kMatchTolerance; }

// Sorted distinct values, for listing what a preset lookup accepts.
template <typename T, typename Get>
std::string distinct_values(const std::vector<HyperparameterRow>& rows, Get get) {
  std::vector<T> values;
  for (const auto& row : rows) values.push_back(get(row));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<std::string> texts;
  for (T value : values) texts.push_back(number_text(static_cast<double>(value)));
  return join(texts, ", ");
}

}  // namespace

const std::vector<std::string>& hyperparameter_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const OptionSpec* column : columns()) out.emplace_back(column->name);
    return out;
  }();
  return names;
}

std::string_view hyperparameter_help(std::string_view name) {
  const auto index = column_index(name);
  return index ? columns()[*index]->help : std::string_view{};
}

bool hyperparameter_is_integer(std::string_view name) {
  const auto index = column_index(name);
  return index && columns()[*index]->type == OptionType::kInt;
}

std::string hyperparameter_text(const HyperparameterRow& row, std::string_view name) {
  const auto index = column_index(name);
  return index ? format_column(row, *columns()[*index]) : std::string();
}

void set_hyperparameter(HyperparameterRow& row, std::string_view name, std::string_view value) {
  const auto index = column_index(name);
  if (!index) {
    throw Error("unknown hyperparameter " + quoted(name) + "; valid names: " + valid_names_text());
  }
  set_column(row, *columns()[*index], value);
}

std::vector<HyperparameterRow> parse_hyperparameter_table(std::string_view text,
                                                          std::string_view source) {
  std::vector<HyperparameterRow> rows;
  std::optional<std::vector<std::size_t>> order;
  const auto lines = split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (trim(line).empty()) continue;  // blank lines, e.g. the final newline
    if (!order) {
      order = parse_header(line, source, i + 1);
    } else {
      rows.push_back(parse_row(line, *order, source, i + 1));
    }
  }
  if (!order) {
    throw Error(std::string(source) +
                ": the hyperparameter table is empty; expected a header line of column names: " +
                valid_names_text());
  }
  return rows;
}

std::string format_hyperparameter_table(const std::vector<HyperparameterRow>& rows) {
  std::string out = join(hyperparameter_names(), "\t") + "\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns().size(); ++i) {
      if (i > 0) out += '\t';
      out += format_column(row, *columns()[i]);
    }
    out += '\n';
  }
  return out;
}

const std::vector<HyperparameterRow>& paper_presets() {
  // Function-local static: parsed once, initialisation is thread-safe.
  static const std::vector<HyperparameterRow> rows =
      parse_hyperparameter_table(detail::paper_table_text(), "compiled-in paper table");
  return rows;
}

HyperparameterRow paper_preset(double noise, double latency, int hidden) {
  const auto& rows = paper_presets();
  for (const auto& row : rows) {
    if (near(row.noise_factor_ae, noise) && near(row.latency_ae, latency) &&
        row.n_hidden == hidden) {
      return row;
    }
  }
  throw Error(
      "no paper preset for noise " + number_text(noise) + ", latency " + number_text(latency) +
      ", hidden " + std::to_string(hidden) + "; valid noise: " +
      distinct_values<double>(rows, [](const auto& r) { return r.noise_factor_ae; }) +
      "; valid latency: " +
      distinct_values<double>(rows, [](const auto& r) { return r.latency_ae; }) +
      "; valid hidden: " + distinct_values<int>(rows, [](const auto& r) { return r.n_hidden; }));
}

void apply_row(const HyperparameterRow& row, TrainingConfig& config) {
  TrainingConfig changed = config;  // unchanged when n_hidden does not fit the stack
  for (const OptionSpec* column : columns()) column->access.set(changed, row_value(row, *column));
  config = std::move(changed);
}

HyperparameterRow row_from_config(const TrainingConfig& config) {
  HyperparameterRow row;
  for (const OptionSpec* column : columns()) {
    set_row_value(row, *column, column->access.get(config));
  }
  return row;
}

std::vector<int> with_bottleneck(const std::vector<int>& layer_sizes, int hidden) {
  if (layer_sizes.size() < 3) return {kInputSize, hidden, kInputSize};
  if (layer_sizes.size() % 2 == 0) {
    throw Error("cannot apply n_hidden = " + std::to_string(hidden) + " to layer_sizes with " +
                std::to_string(layer_sizes.size()) +
                " entries: a deep stack needs an odd number of layers so that one middle "
                "(bottleneck) layer takes n_hidden");
  }
  std::vector<int> sizes = layer_sizes;
  sizes[sizes.size() / 2] = hidden;
  return sizes;
}

int bottleneck_size(const std::vector<int>& layer_sizes) {
  if (layer_sizes.size() < 3) return 0;
  if (layer_sizes.size() % 2 == 1) return layer_sizes[layer_sizes.size() / 2];
  return *std::min_element(layer_sizes.begin() + 1, layer_sizes.end() - 1);
}

namespace {

// An explicit stack must agree with every other source of its sizes.
void check_explicit_stack(const std::vector<int>& sizes, const ArchitectureRequest& request) {
  if (sizes.size() < 2) return;  // validate() names what is missing
  const std::string stack = "layer_sizes " + format_layer_sizes(sizes);
  const bool has_middle = sizes.size() >= 3 && sizes.size() % 2 == 1;
  const int middle = has_middle ? sizes[sizes.size() / 2] : 0;
  if (request.n_hidden && !has_middle) {
    throw Error("n_hidden = " + std::to_string(*request.n_hidden) + " cannot be applied to " +
                stack + ": it has no single middle layer; give layer_sizes alone");
  }
  if (request.n_hidden && *request.n_hidden != middle) {
    throw Error("n_hidden = " + std::to_string(*request.n_hidden) + " conflicts with " + stack +
                " (middle layer " + std::to_string(middle) + "): give only one of them");
  }
  if (!request.n_hidden && request.preset_hidden && has_middle &&
      *request.preset_hidden != middle) {
    throw Error(request.preset_name + " has n_hidden = " + std::to_string(*request.preset_hidden) +
                ", which conflicts with " + stack + " (middle layer " + std::to_string(middle) +
                "): give n_hidden " + std::to_string(middle) + " as well to override it");
  }
  if (sizes.front() != sizes.back()) {
    throw Error(stack + " has " + std::to_string(sizes.front()) + " inputs but " +
                std::to_string(sizes.back()) +
                " outputs: an autoencoder's output layer is as large as its input layer");
  }
  if (request.input_size && static_cast<std::size_t>(sizes.front()) != *request.input_size) {
    throw Error(stack + " has " + std::to_string(sizes.front()) + " inputs but the images have " +
                std::to_string(*request.input_size) + " pixels");
  }
}

}  // namespace

std::string format_layer_sizes(const std::vector<int>& sizes, char separator) {
  std::string text;
  for (int size : sizes) {
    if (!text.empty()) text += separator;
    text += std::to_string(size);
  }
  return text;
}

std::vector<int> resolve_layer_sizes(const ArchitectureRequest& request) {
  if (request.architecture) {
    const Architecture described = parse_architecture(*request.architecture);
    check_architecture_agrees(*request.architecture, described, request.layer_sizes,
                              request.layers);
    check_explicit_stack(described.layer_sizes, request);
    return described.layer_sizes;
  }
  if (request.layer_sizes) {
    check_explicit_stack(*request.layer_sizes, request);
    return *request.layer_sizes;
  }
  const int hidden =
      request.n_hidden.value_or(request.preset_hidden.value_or(HyperparameterRow{}.n_hidden));
  constexpr std::size_t kLargestInput = 1u << 30;  // larger is refused by validate(), not wrapped
  const int input = request.input_size
                        ? static_cast<int>(std::min(*request.input_size, kLargestInput))
                        : kInputSize;
  return {input, hidden, input};
}

}  // namespace spikeae
