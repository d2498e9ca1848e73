#include "spikeae/thread_pool.h"

namespace spikeae {

int resolve_thread_count(int requested) {
  const int total =
      requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  return total < 1 ? 1 : total;
}

ThreadPool::ThreadPool(int threads) {
  const int total = resolve_thread_count(threads);
  for (int worker = 1; worker < total; ++worker)
    workers_.emplace_back([this, worker] { work(worker); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : workers_) thread.join();
}

// Takes task indices until none are left; the lock is held only to pick one.
void ThreadPool::drain(int worker) {
  std::unique_lock lock(mutex_);
  while (next_ < count_) {
    const std::size_t index = next_++;
    lock.unlock();
    try {
      (*task_)(index, worker);
    } catch (...) {
      std::lock_guard error_lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    lock.lock();
    if (++finished_ == count_) done_.notify_all();
  }
}

void ThreadPool::work(int worker) {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    drain(worker);
  }
}

void ThreadPool::run(std::size_t count, const std::function<void(std::size_t, int)>& task) {
  if (count == 0) return;
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    count_ = count;
    next_ = 0;
    finished_ = 0;
    error_ = nullptr;
    ++generation_;
  }
  if (count > 1) wake_.notify_all();
  drain(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return finished_ == count_; });
  count_ = 0;
  if (error_) std::rethrow_exception(error_);
}

}  // namespace spikeae
