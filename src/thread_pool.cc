#include "spikeae/thread_pool.h"

namespace spikeae {
namespace {

// About 50 microseconds of polling before a worker goes to sleep.
constexpr int kSpinRounds = 20000;

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

int resolve_thread_count(int requested) {
  const int total =
      requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  return total < 1 ? 1 : total;
}

ThreadPool::ThreadPool(int threads) {
  const int total = resolve_thread_count(threads);
  for (int worker = 1; worker < total; ++worker) {
    workers_.emplace_back([this, worker] { work(worker); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : workers_) thread.join();
}

// Takes task indices until none are left.
void ThreadPool::drain(int worker) {
  for (std::size_t index = next_.fetch_add(1); index < count_; index = next_.fetch_add(1)) {
    try {
      (*task_.load())(index, worker);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    finished_.fetch_add(1);
  }
}

// True when a new round started; false when the pool is stopping.
bool ThreadPool::wait_for_generation(std::size_t seen) {
  for (int spin = 0; spin < kSpinRounds; ++spin) {
    if (generation_.load() != seen) return true;
    if (stopping_.load()) return false;
    cpu_relax();
  }
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [&] { return stopping_.load() || generation_.load() != seen; });
  return !stopping_.load();
}

void ThreadPool::work(int worker) {
  std::size_t seen = 0;
  while (wait_for_generation(seen)) {
    seen = generation_.load();
    drain(worker);
  }
}

void ThreadPool::run(std::size_t count, const std::function<void(std::size_t, int)>& task) {
  if (count == 0) return;
  // A worker still leaving the previous round sees next_ >= count_ and takes nothing.
  task_ = &task;
  count_ = count;
  error_ = nullptr;
  finished_.store(0);
  next_.store(0);
  if (count > 1 && !workers_.empty()) {
    {
      std::lock_guard lock(mutex_);
      generation_.fetch_add(1);
    }
    wake_.notify_all();
  }
  drain(0);
  // Poll briefly, then give the core away: a worker may share it with another process.
  for (int spin = 0; finished_.load() < count; ++spin) {
    if (spin < kSpinRounds) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  if (error_) std::rethrow_exception(error_);
}

}  // namespace spikeae
