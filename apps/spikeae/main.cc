// spikeae: train and inspect spiking autoencoders with temporal coding.
#include <cstdio>
#include <exception>

#include "commands.h"
#include "spikeae/error.h"

int main(int argc, char** argv) {
  CLI::App app{"spikeae: spiking autoencoders with temporal coding, exact spike-time gradients"};
  app.require_subcommand(1);
  app.get_formatter()->column_width(40);
  spikeae::cli::add_train_command(app);
  spikeae::cli::add_eval_command(app);
  spikeae::cli::add_reconstruct_command(app);
  spikeae::cli::add_embed_command(app);
  spikeae::cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "internal error: %s\n", error.what());
    return 2;
  }
  return 0;
}
