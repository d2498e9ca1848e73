// ThreadChoice: a training step runs on the whole pool or on the calling thread
// alone, whichever the last windows of steps measured as faster; the other way
// is timed again, soon at first, then every kExploreEvery windows. And the
// pool's solo mode.
#include <gtest/gtest.h>

#include <vector>

#include "engine/cpu/thread_choice.h"
#include "engine/cpu/thread_pool.h"

namespace spikeae {
namespace {

// Records one window of steps, each taking `seconds` per example of a batch of 7.
void window(ThreadChoice& choice, double seconds) {
  for (int step = 0; step < ThreadChoice::kWindowSteps; ++step) choice.record(7 * seconds, 7);
}

// The modes of the next `windows` windows when the pool takes pool_seconds and
// solo takes solo_seconds per example.
std::vector<bool> modes(ThreadChoice& choice, int windows, double pool_seconds,
                        double solo_seconds) {
  std::vector<bool> seen;
  for (int i = 0; i < windows; ++i) {
    seen.push_back(choice.solo());
    window(choice, choice.solo() ? solo_seconds : pool_seconds);
  }
  return seen;
}

int solo_windows(const std::vector<bool>& seen) {
  int count = 0;
  for (bool solo : seen) count += solo ? 1 : 0;
  return count;
}

TEST(ThreadChoice, TimesBothWaysThenKeepsThePoolWhenItIsFaster) {
  ThreadChoice choice(true);
  const std::vector<bool> seen = modes(choice, 4 * ThreadChoice::kExploreEvery, 5e-5, 1e-4);
  EXPECT_FALSE(seen[0]);  // the pool first
  EXPECT_TRUE(seen[1]);   // then solo, once
  EXPECT_FALSE(seen[2]);
  // Solo again only when timed again: after 2, 4, 8 ... windows at first, then
  // one window in kExploreEvery.
  EXPECT_LE(solo_windows(seen), 1 + 5 + 4);
  const std::vector<bool> later(seen.end() - 2 * ThreadChoice::kExploreEvery, seen.end());
  EXPECT_EQ(solo_windows(later), 2);
}

TEST(ThreadChoice, GoesSoloWhenTheOtherCoreIsTakenAndBackWhenItReturns) {
  ThreadChoice choice(true);
  modes(choice, 4, 5e-5, 1e-4);  // a quiet machine: the pool
  EXPECT_FALSE(choice.solo());
  // A core taken away: the pool now takes twice solo's time. Within one
  // exploration period the choice is solo, and stays so.
  const std::vector<bool> busy = modes(choice, 2 * ThreadChoice::kExploreEvery, 2e-4, 1e-4);
  EXPECT_TRUE(busy.back());
  EXPECT_GE(solo_windows(busy), ThreadChoice::kExploreEvery - 2);
  // The core back: the pool again within one period.
  const std::vector<bool> quiet = modes(choice, 2 * ThreadChoice::kExploreEvery, 5e-5, 1e-4);
  EXPECT_FALSE(quiet.back());
  EXPECT_LE(solo_windows(quiet), ThreadChoice::kExploreEvery + 2);
}

TEST(ThreadChoice, OneThreadIsAlwaysSoloAndMeasuresNothing) {
  ThreadChoice choice(false);
  EXPECT_EQ(solo_windows(modes(choice, 10, 1e-4, 5e-5)), 10);
}

TEST(ThreadPoolSolo, RunsEveryTaskOnTheCallerInOrder) {
  ThreadPool pool(2);
  pool.set_solo(true);
  std::vector<int> order, workers;
  pool.run(50, [&](std::size_t index, int worker) {
    order.push_back(static_cast<int>(index));  // no lock: only the caller runs tasks
    workers.push_back(worker);
  });
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[i], i);
    EXPECT_EQ(workers[i], 0);
  }
  // A task waiting for one of lower index still finishes.
  pool.run(2, [&](std::size_t index, int) {
    if (index == 1) {
      EXPECT_EQ(order.size(), 51u);
    } else {
      order.push_back(-1);
    }
  });
}

}  // namespace
}  // namespace spikeae
