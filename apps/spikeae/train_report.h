// What spikeae train prints about a run: a header when it starts, the best epoch
// and the files written when it ends.
#pragma once

#include <string>

#include "spikeae/run.h"

namespace spikeae::cli {

// The network, data sizes and training settings; a resumed run says where it resumes.
void print_start(const RunStart& start, const std::string& out);

// The best epoch's losses, a plateau warning and the files in `out`; throws Error
// when no epoch completed (nothing was saved).
void print_end(const RunOutcome& outcome, const std::string& out);

}  // namespace spikeae::cli
