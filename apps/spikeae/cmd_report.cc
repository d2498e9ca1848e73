// spikeae report: report.html, one self-contained page describing a run folder.
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.h"
#include "hyperparameter_flags.h"
#include "spikeae/error.h"
#include "spikeae/idx.h"
#include "spikeae/run_report.h"

namespace spikeae::cli {
namespace {

struct ReportFlags {
  std::string folder;
  std::string data_dir;
  std::string test_images, test_labels;  // own IDX files, for runs not on a named set
};

// The own files when given (bad ones are an error), else the model's named data set.
ReportTestImages report_test_images(const ReportFlags& flags) {
  if (flags.test_images.empty() != flags.test_labels.empty()) {
    throw Error("--test-images and --test-labels go together");
  }
  if (!flags.test_images.empty()) {
    return {load_idx_dataset(flags.test_images, flags.test_labels), flags.test_images};
  }
  std::optional<std::filesystem::path> data_dir;
  if (!flags.data_dir.empty()) data_dir = flags.data_dir;
  return find_run_test_images(flags.folder, data_dir);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* command = app.add_subcommand(
      "report", "Write RUN_DIR/report.html: learning curves, reconstructions, spikes, options");
  command->add_option("run_dir", flags->folder, "Run folder written by spikeae train --out")
      ->required();
  command->add_option(both_spellings("--data-dir"), flags->data_dir,
                      "Folder holding the model's data set, for the raster and histograms "
                      "(default: $SPIKEAE_DATA_DIR, ./data, then the build's data folder)");
  command->add_option(both_spellings("--test-images"), flags->test_images,
                      "IDX test images of a run trained on own files (with --test-labels)");
  command->add_option(both_spellings("--test-labels"), flags->test_labels,
                      "IDX test labels of a run trained on own files (with --test-images)");
  command->callback([flags] {
    const ReportTestImages test = report_test_images(*flags);
    const std::filesystem::path path = write_run_report(flags->folder, test);
    std::printf("wrote %s\n", path.c_str());
    if (!test.images) std::printf("no raster or histograms: %s\n", test.description.c_str());
  });
}

}  // namespace spikeae::cli
