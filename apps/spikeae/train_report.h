// What spikeae train prints about a run: a header when it starts, progress and
// every epoch while it trains, the best epoch and the files written when it ends.
#pragma once

#include <optional>
#include <string>

#include "progress.h"
#include "spikeae/run.h"

namespace spikeae::cli {

// Callbacks that print the run as it goes (into `printer`, made when it starts)
// and stop it on Ctrl-C; with test_every_epoch also each epoch's test loss.
RunCallbacks terminal_callbacks(const std::string& out, bool test_every_epoch,
                                std::optional<ProgressPrinter>& printer);

// The network, data sizes and training settings; a resumed run says where it resumes.
void print_start(const RunStart& start, const std::string& out);

// The best epoch's losses, a plateau warning and the files in `out`; throws Error
// when no epoch completed (nothing was saved).
void print_end(const RunOutcome& outcome, const std::string& out);

}  // namespace spikeae::cli
