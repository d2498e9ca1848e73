// Errors raised at the library's boundaries (files, options, bindings).
#pragma once

#include <stdexcept>
#include <string>

namespace spikeae {

// Every error a user can act on: a bad file, a bad option value, a missing data set.
// The message names the file or option and the problem.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace spikeae
