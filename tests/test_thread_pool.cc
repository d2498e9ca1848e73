// The thread pool: every task index of every round runs exactly once, on a worker
// in range, before run() returns; exceptions reach the caller.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/cpu/thread_pool.h"

namespace spikeae {
namespace {

// Many short rounds of varying size, as training runs them (a few per batch). A
// worker late from one round must neither take an index of the next round nor run
// the previous round's task: each (round, index) is counted, and counted again at
// the end to catch executions after run() returned.
void expect_each_task_once(int threads, int rounds) {
  ThreadPool pool(threads);
  constexpr std::size_t kMaxCount = 7;
  std::vector<std::atomic<int>> hits(static_cast<std::size_t>(rounds) * kMaxCount);
  std::atomic<bool> bad_worker{false};
  for (int round = 0; round < rounds; ++round) {
    const std::size_t count = 1 + static_cast<std::size_t>(round) % kMaxCount;
    std::atomic<int>* row = &hits[static_cast<std::size_t>(round) * kMaxCount];
    // A fresh task object every round, like the trainer's lambdas.
    auto task = std::make_unique<std::function<void(std::size_t, int)>>(
        [row, &bad_worker, &pool](std::size_t index, int worker) {
          if (worker < 0 || worker >= pool.size()) bad_worker = true;
          row[index].fetch_add(1);
        });
    pool.run(count, *task);
    for (std::size_t index = 0; index < count; ++index) {
      ASSERT_EQ(row[index].load(), 1) << "round " << round << " index " << index;
    }
  }
  for (int round = 0; round < rounds; ++round) {
    const std::size_t count = 1 + static_cast<std::size_t>(round) % kMaxCount;
    for (std::size_t index = 0; index < kMaxCount; ++index) {
      const int expected = index < count ? 1 : 0;
      ASSERT_EQ(hits[static_cast<std::size_t>(round) * kMaxCount + index].load(), expected)
          << "round " << round << " index " << index;
    }
  }
  EXPECT_FALSE(bad_worker.load());
}

TEST(ThreadPoolTest, EveryTaskOfEveryRoundRunsOnceWithTwoThreads) {
  expect_each_task_once(2, 200000);
}

TEST(ThreadPoolTest, EveryTaskOfEveryRoundRunsOnceWhenOversubscribed) {
  expect_each_task_once(4, 100000);  // more threads than this machine's cores
}

TEST(ThreadPoolTest, SingleThreadPoolRunsOnTheCaller) {
  ThreadPool pool(1);
  EXPECT_EQ(pool.size(), 1);
  std::vector<int> workers;
  pool.run(5, [&](std::size_t, int worker) { workers.push_back(worker); });
  EXPECT_EQ(workers, std::vector<int>(5, 0));
}

TEST(ThreadPoolTest, AnExceptionOfATaskReachesTheCaller) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.run(10,
                        [&](std::size_t index, int) {
                          ran.fetch_add(1);
                          if (index == 3) throw std::runtime_error("task 3 failed");
                        }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 10);                                 // the other tasks still ran
  pool.run(2, [&](std::size_t, int) { ran.fetch_add(1); });  // and the pool still works
  EXPECT_EQ(ran.load(), 12);
}

TEST(ThreadPoolTest, ThreadCountResolution) {
  EXPECT_EQ(resolve_thread_count(3), 3);
  EXPECT_GE(resolve_thread_count(0), 1);
}

}  // namespace
}  // namespace spikeae
