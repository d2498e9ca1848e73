// The subcommands of the spikeae command-line tool, one file each.
#pragma once

#include <CLI/CLI.hpp>

namespace spikeae::cli {

void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);
void add_embed_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_options_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_ann_command(CLI::App& app);

}  // namespace spikeae::cli
