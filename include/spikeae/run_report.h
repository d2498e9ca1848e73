// report.html: one self-contained page describing a finished run folder (learning
// curves, reconstructions, a spike raster, spike counts per layer, hyperparameters,
// timing, the plateau warning). Written by `spikeae report` and at the end of
// `spikeae train`; everything is inline, so the page can be mailed or archived alone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "spikeae/dataset.h"
#include "spikeae/run_folder.h"

namespace spikeae {

// The run's test images, which the raster, the histograms and the picture's caption
// need; without them the page says why (`description`) and shows the rest.
struct ReportTestImages {
  std::optional<Dataset> images;
  std::string description;  // where the images came from, or why they are missing
};

// The test set of the named data set the run's model was trained on, searched as
// locate_dataset does (`data_dir`, $SPIKEAE_DATA_DIR, ...). Never throws for missing
// data: the reason goes into the description.
ReportTestImages find_run_test_images(const std::filesystem::path& folder,
                                      const std::optional<std::filesystem::path>& data_dir);

// The page for `folder`. Throws Error naming the folder or file when the folder is
// missing, holds no finished run, or metrics.jsonl or the model is damaged.
std::string render_run_report(const std::filesystem::path& folder, const ReportTestImages& test);

// Renders the page and writes it to folder/report.html atomically (nothing is left
// behind on failure); returns the path written.
std::filesystem::path write_run_report(const std::filesystem::path& folder,
                                       const ReportTestImages& test);

}  // namespace spikeae
