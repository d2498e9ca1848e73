#include "engine/cpu/thread_pool.h"

#include <stdexcept>

namespace spikeae {
namespace {

// Task indices take the low 32 bits of a ticket, the round number the high 32.
constexpr std::uint64_t kIndexMask = 0xffffffffu;

}  // namespace

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

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
  stopping_ = true;
  generation_.fetch_add(1);
  generation_.notify_all();
  for (auto& thread : workers_) thread.join();
}

// Takes task indices of the current round until none are left.
void ThreadPool::drain(int worker) {
  std::uint64_t ticket = ticket_.load();
  const std::uint64_t round = ticket >> 32;
  while ((ticket >> 32) == round && (ticket & kIndexMask) < count_.load()) {
    if (!ticket_.compare_exchange_weak(ticket, ticket + 1)) continue;  // reloaded: retry
    try {
      (*task_.load())(static_cast<std::size_t>(ticket & kIndexMask), worker);
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    // The last task of the round wakes the caller if it sleeps.
    if (finished_.fetch_add(1) + 1 == count_.load()) finished_.notify_one();
    ticket = ticket_.load();
  }
}

// True when a new round started; false when the pool is stopping.
bool ThreadPool::wait_for_generation(std::size_t seen) {
  for (int spin = 0; spin < kPollRounds && generation_.load() == seen; ++spin) cpu_relax();
  generation_.wait(seen);  // returns at once if a new round (or the stop) came
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
  if (count > kIndexMask) throw std::length_error("thread pool: too many tasks in one round");
  // Close the previous round first (its index field full): a late worker's
  // compare-and-swap on an old ticket fails, so it cannot pair an old ticket with
  // the new count or task. Then set up this round and open it.
  const std::uint64_t round = (++round_ & kIndexMask) << 32;
  ticket_.store(round | kIndexMask);
  task_ = &task;
  count_ = count;
  error_ = nullptr;
  finished_.store(0);
  ticket_.store(round);
  if (count > 1 && !workers_.empty() && !solo_) {
    generation_.fetch_add(1);
    generation_.notify_all();
  }
  drain(0);
  // Poll briefly, then sleep until the last task is done: a worker may share its
  // core with another process, and polling would take time from it.
  for (int spin = 0; spin < kPollRounds && finished_.load() < count; ++spin) cpu_relax();
  for (std::size_t done = finished_.load(); done < count; done = finished_.load()) {
    finished_.wait(done);
  }
  if (error_) std::rethrow_exception(error_);
}

}  // namespace spikeae
