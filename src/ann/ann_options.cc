// Range checks for the dense baseline's options, run once before a model is
// built or trained, so a bad option fails early with its name.
#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "spikeae/ann.h"
#include "spikeae/error.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace {

constexpr int kMaxHidden = 100000;
constexpr int kMaxThreads = 1024;
constexpr int kMaxGradientShards = 4096;

void check_int(const char* name, long long value, long long low, long long high) {
  if (value < low || value > high) {
    throw Error(std::string("invalid ") + name + ": must be an integer in [" + std::to_string(low) +
                ", " + std::to_string(high) + "], got " + std::to_string(value));
  }
}

// NaN fails every comparison, so `in_range` is false for it as well.
void check_double(const char* name, double value, bool in_range, const char* accepted) {
  if (!std::isfinite(value) || !in_range) {
    throw Error(std::string("invalid ") + name + ": must be " + accepted + ", got " +
                number_text(value));
  }
}

}  // namespace

void validate(const AnnOptions& options) {
  check_int("hidden", options.hidden, 1, kMaxHidden);
  check_double("noise_factor", options.encoding.noise_factor,
               options.encoding.noise_factor >= 0.0 && options.encoding.noise_factor <= 1.0,
               "a number in [0, 1]");
  check_double("learning_rate", options.learning_rate, options.learning_rate > 0.0,
               "a finite number > 0");
  check_int("batch_size", options.batch_size, 1, 1 << 30);
  check_int("epochs", options.epochs, 0, 1 << 30);
  check_int("threads", options.threads, 0, kMaxThreads);
  check_int("gradient_shards", options.gradient_shards, 1, kMaxGradientShards);
  for (Activation activation : {options.encoder, options.decoder}) {
    bool known = false;
    for (Activation valid : kActivations) known = known || activation == valid;
    if (!known) throw Error("invalid activation: not one of the known activations");
  }
}

}  // namespace spikeae
