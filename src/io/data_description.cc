#include "spikeae/data_description.h"

#include <algorithm>
#include <charconv>

#include "spikeae/data_paths.h"

namespace spikeae {
namespace {

constexpr std::string_view kSplitMark = " (split ";

bool parse_size(std::string_view text, std::size_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// "ORDER TRAIN/VALIDATION" into the description; false when it has another form.
bool parse_split(std::string_view split, DataDescription& out) {
  const std::size_t space = split.find(' ');
  const std::size_t slash = split.find('/');
  if (space == std::string_view::npos || slash == std::string_view::npos || slash < space)
    return false;
  out.split = std::string(split.substr(0, space));
  return (out.split == "shuffled" || out.split == "sequential") &&
         parse_size(split.substr(space + 1, slash - space - 1), out.train_size) &&
         parse_size(split.substr(slash + 1), out.validation_size);
}

}  // namespace

std::string DataDescription::text() const {
  if (split.empty()) return name;
  return name + std::string(kSplitMark) + split + " " + std::to_string(train_size) + "/" +
         std::to_string(validation_size) + ")";
}

DataDescription parse_data_description(std::string_view text) {
  const std::size_t mark = text.rfind(kSplitMark);
  DataDescription parsed;
  if (mark != std::string_view::npos && !text.empty() && text.back() == ')') {
    parsed.name = std::string(text.substr(0, mark));
    const std::string_view split =
        text.substr(mark + kSplitMark.size(), text.size() - mark - kSplitMark.size() - 1);
    if (parse_split(split, parsed)) return parsed;
  }
  return {std::string(text), "", 0, 0};
}

std::optional<std::string> named_dataset(const DataDescription& description) {
  const auto& names = known_dataset_names();
  if (std::find(names.begin(), names.end(), description.name) == names.end()) return std::nullopt;
  return description.name;
}

}  // namespace spikeae
