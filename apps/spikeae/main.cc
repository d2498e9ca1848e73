// spikeae: train and inspect spiking autoencoders with temporal coding.
#include <cstdio>
#include <exception>
#include <string>

#include "commands.h"
#include "spikeae/error.h"

int main(int argc, char** argv) {
  CLI::App app{"spikeae: spiking autoencoders with temporal coding, exact spike-time gradients"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("spikeae ") + SPIKEAE_VERSION);
  app.get_formatter()->column_width(40);
  spikeae::cli::add_train_command(app);
  spikeae::cli::add_eval_command(app);
  spikeae::cli::add_reconstruct_command(app);
  spikeae::cli::add_embed_command(app);
  spikeae::cli::add_export_command(app);
  spikeae::cli::add_bench_command(app);
  spikeae::cli::add_options_command(app);
  spikeae::cli::add_report_command(app);
  spikeae::cli::add_ann_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version exit 0; every refused command line exits 1, as refused input does.
    if (error.get_exit_code() == 0) return app.exit(error);
    std::fprintf(stderr, "error: %s\nRun with --help for more information.\n", error.what());
    return 1;
  } catch (const spikeae::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "internal error: %s\n", error.what());
    return 2;
  }
  return 0;
}
