#include "integer_flags.h"

#include <charconv>
#include <limits>
#include <string>

namespace spikeae::cli {
namespace {

// True when `text` is a whole decimal integer within [low, high].
bool parse_in_range(const std::string& text, std::int64_t low, std::uint64_t high) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && text.front() == '-') {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(first, last, value);
    return ec == std::errc() && end == last && value >= low;
  }
  if (!text.empty() && text.front() == '+') ++first;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(first, last, value);
  const bool above_low = low <= 0 || value >= static_cast<std::uint64_t>(low);
  return first != last && ec == std::errc() && end == last && value <= high && above_low;
}

// The typed text with control bytes shown as '?', so it cannot steer the terminal.
std::string printable(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text;
}

}  // namespace

CLI::Validator integer_in(std::int64_t low, std::uint64_t high) {
  const std::string range =
      "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        if (parse_in_range(text, low, high)) return "";
        return "must be " + range + ", got " + printable(text);
      },
      "", "integer_in");
}

CLI::Validator integer_in(const OptionSpec& spec) {
  if (spec.range.style != RangeStyle::kNone) {
    return integer_in(static_cast<std::int64_t>(spec.range.low),
                      static_cast<std::uint64_t>(spec.range.high));
  }
  if (spec.type == OptionType::kUint64) {
    return integer_in(0, std::numeric_limits<std::uint64_t>::max());
  }
  return integer_in(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}

}  // namespace spikeae::cli
