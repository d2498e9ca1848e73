// Thread counts as options give them: 0 asks for one thread per hardware thread.
#pragma once

namespace spikeae {

// The number of threads a pool asked for `requested` threads will have (0: hardware).
int resolve_thread_count(int requested);

}  // namespace spikeae
