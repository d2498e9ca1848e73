// Ctrl-C and SIGTERM during training: they ask the run to stop after the current
// batch (it still checkpoints, tests and saves) instead of killing the process.
#pragma once

namespace spikeae::cli {

// While one lives, SIGINT and SIGTERM set the flag that interrupt_requested reads;
// the default handlers come back however the run ends (an Error included).
class InterruptHandlers {
 public:
  InterruptHandlers();
  ~InterruptHandlers();
  InterruptHandlers(const InterruptHandlers&) = delete;
  InterruptHandlers& operator=(const InterruptHandlers&) = delete;
};

bool interrupt_requested();

}  // namespace spikeae::cli
