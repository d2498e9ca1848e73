// Fuzzes the hyperparameter table parser (what --preset-file reads) with arbitrary text.
// A table that parses must format and parse back to the same rows, bit for bit, and
// applying a row must either work or throw spikeae::Error (validate names the option).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_hyperparameters: %s\n", what);
  std::abort();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_row(const spikeae::HyperparameterRow& a, const spikeae::HyperparameterRow& b) {
  return same_bits(a.noise_factor_ae, b.noise_factor_ae) && same_bits(a.latency_ae, b.latency_ae) &&
         a.batch_size == b.batch_size && same_bits(a.clip_derivative, b.clip_derivative) &&
         same_bits(a.decay_rate, b.decay_rate) && same_bits(a.fire_threshold, b.fire_threshold) &&
         same_bits(a.learning_rate, b.learning_rate) &&
         same_bits(a.learning_rate_pulses, b.learning_rate_pulses) && a.n_hidden == b.n_hidden &&
         a.n_pulses == b.n_pulses &&
         same_bits(a.nonpulse_weight_mean_multiplier, b.nonpulse_weight_mean_multiplier) &&
         same_bits(a.penalty_no_spike, b.penalty_no_spike) &&
         same_bits(a.pulse_weight_mean_multiplier, b.pulse_weight_mean_multiplier);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<spikeae::HyperparameterRow> rows;
  try {
    rows = spikeae::parse_hyperparameter_table(text, "fuzz");
  } catch (const spikeae::Error&) {
    return 0;
  }
  const std::string formatted = spikeae::format_hyperparameter_table(rows);
  std::vector<spikeae::HyperparameterRow> again;
  try {
    again = spikeae::parse_hyperparameter_table(formatted, "formatted");
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    die("a formatted table does not parse");
  }
  if (again.size() != rows.size()) die("row count changed in a format/parse round trip");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!same_row(rows[i], again[i])) die("a row changed in a format/parse round trip");
  }
  for (const auto& row : rows) {
    for (const bool deep : {false, true}) {
      spikeae::TrainingConfig config;
      if (deep) config.architecture.layer_sizes = {784, 64, 16, 64, 784};
      try {
        spikeae::apply_row(row, config);
        spikeae::validate(config);
      } catch (const spikeae::Error&) {
        continue;
      }
      if (!same_row(spikeae::row_from_config(config), row))
        die("row_from_config(apply_row) differs");
    }
  }
  return 0;
}
