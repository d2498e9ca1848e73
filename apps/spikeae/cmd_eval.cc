// spikeae eval: test loss of a saved model on a data set at a noise level.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "model_flags.h"
#include "spikeae/engine.h"

namespace spikeae::cli {

void add_eval_command(CLI::App& app) {
  auto flags = std::make_shared<ModelFlags>();
  CLI::App* command = app.add_subcommand("eval", "Test reconstruction loss of a saved model");
  add_model_flags(*command, *flags);
  command->callback([flags] {
    const LoadedModel loaded = load_model_and_test_set(*flags);
    const std::unique_ptr<Engine> engine = make_cpu_engine(flags->threads);
    const double latency = loaded.saved.config.loss.latency;
    const double loss = evaluate_loss(loaded.saved.network, loaded.test, latency, *engine);
    std::printf("test loss %.6f on %zu images of %s (noise %g, latency %g)\n", loss,
                loaded.test.size(), loaded.test_name.c_str(),
                flags->noise.value_or(loaded.saved.config.encoding.noise_factor), latency);
  });
}

}  // namespace spikeae::cli
