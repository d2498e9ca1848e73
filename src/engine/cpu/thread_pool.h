// A fixed set of worker threads that run numbered tasks. Which worker runs which
// task varies; callers keep results per task, so outcomes never depend on it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "spikeae/threads.h"

namespace spikeae {

// A hint to the processor that the caller is polling (x86 pause).
void cpu_relax();

// Polls (cpu_relax) before a waiting thread sleeps or yields: long enough to
// catch the next round of a training step, short enough that a thread whose
// partner lost its core stops burning the time slice it shares.
inline constexpr int kPollRounds = 4000;

class ThreadPool {
 public:
  // threads == 0: one per hardware thread. The calling thread is worker 0.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls task(index, worker) for every index in [0, count) and waits for all;
  // worker is in [0, size()). Rethrows the first exception a task threw.
  void run(std::size_t count, const std::function<void(std::size_t, int)>& task);

  // Solo: run() takes every task on the calling thread (worker 0), in index
  // order, and leaves the other workers asleep. Tasks that wait only for
  // tasks of lower index (the training step's) still finish.
  void set_solo(bool solo) { solo_ = solo; }

 private:
  void work(int worker);
  void drain(int worker);
  bool wait_for_generation(std::size_t seen);

  std::vector<std::thread> workers_;
  // Training runs a few short rounds per mini-batch: workers poll briefly for
  // the next round, then sleep in generation_.wait (a futex: no lock, and no
  // system call to wake them unless one sleeps).
  std::atomic<std::size_t> generation_{0};
  // (round << 32) | next task index of that round. A worker takes an index with a
  // compare-and-swap that also checks the round, so one late from the previous
  // round can take nothing of the next one (nor run the previous task again).
  std::atomic<std::uint64_t> ticket_{0};
  std::uint64_t round_ = 0;  // the caller's; only run() touches it
  bool solo_ = false;        // the caller's, likewise
  // Tasks done this round; the caller sleeps on it once it has polled briefly.
  std::atomic<std::size_t> finished_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<const std::function<void(std::size_t, int)>*> task_{nullptr};
  std::atomic<std::size_t> count_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace spikeae
