// Whether a training step runs on all of the pool's threads or on the calling
// thread alone. A step lasts about half a millisecond and needs every thread's
// tasks, so when another process takes a core, a descheduled thread holds up
// the step and two threads can be slower than one (docs/performance.md, round
// of 2026-12-03). Results do not depend on the number of threads, so the choice
// follows the measured time per example: steps go in windows of kWindowSteps
// run one way, the faster way is kept (the pool only if clearly faster), and
// the other way is timed again after 2, 4, 8 ... windows, then every
// kExploreEvery, so a core given back (or taken) is noticed within a second or
// so of training.
#pragma once

#include <algorithm>
#include <cstddef>

namespace spikeae {

class ThreadChoice {
 public:
  static constexpr int kWindowSteps = 32;
  static constexpr int kExploreEvery = 64;
  static constexpr double kPoolMargin = 1.0 / 0.85;  // the pool is kept if 15% faster

  // enabled: false for a pool of one thread (always "solo", nothing measured).
  explicit ThreadChoice(bool enabled) : enabled_(enabled), solo_(!enabled) {}

  bool solo() const { return solo_; }

  // After each step: how long it took and how many examples it trained.
  void record(double seconds, std::size_t examples) {
    if (!enabled_) return;
    window_seconds_ += seconds;
    window_examples_ += examples;
    if (++window_steps_ < kWindowSteps) return;
    const int mode = solo_ ? 1 : 0;
    if (window_examples_ > 0) per_example_[mode] = window_seconds_ / double(window_examples_);
    window_steps_ = 0;
    window_seconds_ = 0.0;
    window_examples_ = 0;
    solo_ = next_is_solo();
  }

 private:
  bool next_is_solo() {
    if (per_example_[0] < 0.0) return false;  // time each way once first
    if (per_example_[1] < 0.0) return true;
    // The pool must win clearly: one window's time is noisy while a core is
    // shared, and two threads on a quiet machine are 1.7-1.9 times faster.
    const bool faster_solo = per_example_[1] < kPoolMargin * per_example_[0];
    if (++windows_since_check_ < explore_every_) return faster_solo;
    windows_since_check_ = 0;
    // Soon at first, so that a first window slowed by start-up is not trusted for long.
    explore_every_ = std::min(2 * explore_every_, kExploreEvery);
    return !faster_solo;  // the slower way, timed again
  }

  bool enabled_;
  bool solo_;
  int window_steps_ = 0;
  double window_seconds_ = 0.0;
  std::size_t window_examples_ = 0;
  double per_example_[2] = {-1.0, -1.0};  // seconds per example: [pool, solo]
  int windows_since_check_ = 0;
  int explore_every_ = 2;  // doubles up to kExploreEvery
};

}  // namespace spikeae
