// Integer flags read in full: "-1" is not wrapped into a huge unsigned value and
// 2^64 is not clamped, so a typed number is either taken exactly or refused.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "spikeae/option_table.h"

namespace spikeae::cli {

// Accepts decimal integers in [low, high]; the message names the range and the text.
CLI::Validator integer_in(std::int64_t low, std::uint64_t high);

// The same for an integer option of the option table: its range, or all of its type.
CLI::Validator integer_in(const OptionSpec& spec);

}  // namespace spikeae::cli
