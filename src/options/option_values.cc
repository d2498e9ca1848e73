// Option values as text, and the range checks validate() runs with the table's
// bounds: one wording per range style, so messages and docs agree.
#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "spikeae/error.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace {

bool is_integer(OptionType type) { return type == OptionType::kInt || type == OptionType::kUint64; }

// A bound as the user would type it: integers without a fraction or exponent.
std::string bound_text(const OptionSpec& spec, double bound) {
  if (is_integer(spec.type)) return std::to_string(static_cast<long long>(bound));
  return number_text(bound);
}

bool in_range(const OptionRange& range, double value) {
  switch (range.style) {
    case RangeStyle::kNone:
      return true;
    case RangeStyle::kInterval:
      return value >= range.low && value <= range.high;
    case RangeStyle::kLowerBound:
      return (range.low_inclusive ? value >= range.low : value > range.low) && value <= range.high;
    case RangeStyle::kMagnitude:
      return std::abs(value) <= range.high;
  }
  return false;
}

// The value as a double for the range test (exact for every bounded integer option).
double numeric(const OptionValue& value) {
  if (const auto* i = std::get_if<int>(&value)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return static_cast<double>(*u);
  return std::get<double>(value);
}

}  // namespace

std::string number_text(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string option_value_text(const OptionValue& value) {
  if (const auto* i = std::get_if<int>(&value)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* list = std::get_if<std::vector<int>>(&value)) {
    std::string text;
    for (const int size : *list) {
      if (!text.empty()) text += ',';
      text += std::to_string(size);
    }
    return text;
  }
  return "";
}

std::string accepted_values(const OptionSpec& spec) {
  const OptionRange& range = spec.range;
  const std::string low = bound_text(spec, range.low);
  const std::string high = bound_text(spec, range.high);
  const bool integer = is_integer(spec.type);
  std::string text;
  if (spec.type == OptionType::kChoice) {
    for (std::size_t i = 0; i < spec.choices.size(); ++i) {
      text.append(i == 0 ? "" : i + 1 == spec.choices.size() ? " or " : ", ");
      text.append(spec.choices[i]);
    }
    return text;
  }
  switch (range.style) {
    case RangeStyle::kNone:
      break;
    case RangeStyle::kInterval:
      text.append(integer ? "an integer" : "a number").append(" in [").append(low);
      text.append(", ").append(high).append("]");
      break;
    case RangeStyle::kLowerBound:
      text.append(integer ? "an integer " : "a finite number ");
      text.append(range.low_inclusive ? ">= " : "> ").append(low);
      text.append(" (at most ").append(high).append(")");
      break;
    case RangeStyle::kMagnitude:
      text.append("a finite number in [-").append(high).append(", ").append(high).append("]");
      break;
  }
  return text;
}

void check_option(const OptionSpec& spec, const OptionValue& value) {
  if (const auto* name = std::get_if<std::string>(&value)) {
    for (const std::string_view choice : spec.choices) {
      if (*name == choice) return;
    }
    throw Error("invalid " + std::string(spec.name) + ": must be " + accepted_values(spec) +
                ", got \"" + *name + "\"");
  }
  const double number = numeric(value);
  // NaN fails every comparison, so in_range is false for it as well.
  if (std::isfinite(number) && in_range(spec.range, number)) return;
  throw Error("invalid " + std::string(spec.name) + ": must be " + accepted_values(spec) +
              ", got " + option_value_text(value));
}

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kInt:
      return "INT";
    case OptionType::kUint64:
      return "UINT";
    case OptionType::kDouble:
      return "FLOAT";
    case OptionType::kBool:
      return "BOOL";
    case OptionType::kIntList:
      return "LIST";
    case OptionType::kPreset:
      return "NOISE LATENCY HIDDEN";
    case OptionType::kPath:
      return "PATH";
    case OptionType::kChoice:
      return "NAME";
    case OptionType::kText:
      return "SPEC";
  }
  return "";
}

}  // namespace spikeae
