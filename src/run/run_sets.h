// The protocol pieces every run shares, whichever model it trains: the split of
// the training file and each set's noise seed, all drawn from the run's seed.
#pragma once

#include <cstdint>
#include <utility>

#include "spikeae/random.h"
#include "spikeae/run.h"

namespace spikeae {

struct RunImages {
  Dataset train, validation, test;
};

// The training file split by `split` (seeded by the run's seed); the test images as given.
RunImages split_run_data(RunData data, const SplitOptions& split, std::uint64_t seed);

template <class Set>
struct RunSets {
  Set train, validation, test;
};

// Each set made by make(images, noise_seed), the seed its own stream of the run's
// seed, so the spiking model and the baseline see the same noisy sets.
template <class Make>
auto make_run_sets(RunImages images, std::uint64_t seed, Make make)
    -> RunSets<decltype(make(std::move(images.train), seed))> {
  return {make(std::move(images.train), derive_seed(seed, Stream::kTrainNoise)),
          make(std::move(images.validation), derive_seed(seed, Stream::kValidationNoise)),
          make(std::move(images.test), derive_seed(seed, Stream::kTestNoise))};
}

}  // namespace spikeae
