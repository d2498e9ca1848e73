// Seeded, platform-independent random numbers. Every random stream (weights,
// noise, split, shuffling) is derived from the run's seed and a purpose, never
// from thread identity or time, so results are reproducible bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace spikeae {

// Purposes of the random streams derived from one seed.
enum class Stream : std::uint64_t {
  kWeights = 1,
  kTrainNoise = 2,
  kValidationNoise = 3,
  kTestNoise = 4,
  kSplit = 5,
  kShuffle = 6,
  kImageNoise = 7,
};

// Mixes (seed, stream, index) into an independent 64-bit seed (splitmix64 finaliser).
std::uint64_t derive_seed(std::uint64_t seed, Stream stream, std::uint64_t index = 0);

// xoshiro256** generator with explicit, portable distributions (the standard
// library's distributions differ between implementations).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64();
  double uniform();                          // [0, 1), 53 random bits
  double normal();                           // N(0, 1), Box-Muller
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound), bound >= 1, unbiased

 private:
  std::uint64_t state_[4];
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

// Fisher-Yates shuffle driven by `rng`.
void shuffle(std::span<std::size_t> values, Rng& rng);

}  // namespace spikeae
