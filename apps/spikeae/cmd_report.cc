// spikeae report: report.html, one self-contained page describing a run folder.
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.h"
#include "hyperparameter_flags.h"
#include "spikeae/run_report.h"

namespace spikeae::cli {

void add_report_command(CLI::App& app) {
  struct Flags {
    std::string folder;
    std::string data_dir;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "report", "Write RUN_DIR/report.html: learning curves, reconstructions, spikes, options");
  command->add_option("run_dir", flags->folder, "Run folder written by spikeae train --out")
      ->required();
  command->add_option(both_spellings("--data-dir"), flags->data_dir,
                      "Folder holding the model's data set, for the raster and histograms "
                      "(default: $SPIKEAE_DATA_DIR, ./data, then the build's data folder)");
  command->callback([flags] {
    std::optional<std::filesystem::path> data_dir;
    if (!flags->data_dir.empty()) data_dir = flags->data_dir;
    const ReportTestImages test = find_run_test_images(flags->folder, data_dir);
    const std::filesystem::path path = write_run_report(flags->folder, test);
    std::printf("wrote %s\n", path.c_str());
    if (!test.images) std::printf("no raster or histograms: %s\n", test.description.c_str());
  });
}

}  // namespace spikeae::cli
