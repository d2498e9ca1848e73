#include "spikeae/run_report.h"

#include "io/report/html_text.h"
#include "io/report/report_sections.h"
#include "io/report/run_record.h"
#include "spikeae/atomic_file.h"
#include "spikeae/data_description.h"
#include "spikeae/data_paths.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/random.h"
#include "spikeae/run_folder.h"

namespace spikeae {
namespace {

using report::TestView;

// Enough images for smooth histograms, few enough to keep the report quick.
constexpr std::size_t kMeasuredImages = 300;

constexpr const char* kStyle =
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
    "text-align:left}.note{color:#555}.warning{background:#fff3cd;border:1px solid #e0b000;"
    "padding:0.8em;margin:1em 0}figure{margin:0}img{image-rendering:pixelated;max-width:100%}"
    "svg{margin:0.3em;vertical-align:top}";

// Encodes the first images as the run did (the model's encoding and test-noise seed)
// and measures losses and spikes on them.
TestView measure_test_images(const SavedModel& model, const ReportTestImages& test) {
  const Dataset& images = *test.images;
  const std::size_t count = std::min(kMeasuredImages, images.size());
  const ExampleSet set = make_example_set(images.slice(0, count), model.config.encoding,
                                          derive_seed(model.config.train.seed, Stream::kTestNoise));
  TestView view{test.description, set.images.labels, std::vector<double>(count), {}};
  make_cpu_engine(0)->losses(model.network, set, model.config.loss.latency, view.losses);
  view.activity = report::measure_report_activity(model.network, set);
  return view;
}

// Empty when the test images can be measured; otherwise why not, for the page.
std::string unusable_reason(const SavedModel& model, const ReportTestImages& test) {
  if (!test.images) return test.description;
  if (test.images->pixels_per_image() != static_cast<std::size_t>(model.network.n_inputs())) {
    return "the test images have " + std::to_string(test.images->pixels_per_image()) +
           " pixels but the model expects " + std::to_string(model.network.n_inputs()) + ".";
  }
  if (test.images->size() == 0) return "the test set is empty.";
  return "";
}

}  // namespace

ReportTestImages find_run_test_images(const std::filesystem::path& folder,
                                      const std::optional<std::filesystem::path>& data_dir) {
  std::error_code ec;
  // A folder without a model gets its clear error from render_run_report.
  if (!std::filesystem::exists(folder / kModelFile, ec)) return {std::nullopt, "no model"};
  const SavedModel model = load_model(folder / kModelFile);
  const DataDescription trained_on = parse_data_description(model.dataset);
  const std::optional<std::string> name = named_dataset(trained_on);
  if (!name) {
    return {std::nullopt, "the model was trained on \"" + trained_on.name +
                              "\", not on a named data set, so its test images are unknown."};
  }
  try {
    return {load_dataset_files(locate_dataset(*name, data_dir)).test, *name + " test set"};
  } catch (const Error& error) {
    return {std::nullopt, "the " + *name + " test set is not available here: " + error.what()};
  }
}

std::string render_run_report(const std::filesystem::path& folder, const ReportTestImages& test) {
  const report::RunRecord run = report::read_run_record(folder);
  std::optional<TestView> view;
  const std::string missing = unusable_reason(run.model, test);
  if (missing.empty()) view = measure_test_images(run.model, test);
  const std::string name = report::html_escape(folder.filename().string());
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<title>spikeae run report: " +
         name + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n<h1>spikeae run report</h1>\n" + report::plateau_section(run) +
         report::summary_section(run, folder.string()) + report::curves_section(run) +
         report::reconstruction_section(run, view) + report::raster_section(view, missing) +
         report::histogram_section(view, missing) + report::hyperparameter_section(run) +
         report::timing_section(run) + "</body>\n</html>\n";
}

std::filesystem::path write_run_report(const std::filesystem::path& folder,
                                       const ReportTestImages& test) {
  const std::string html = render_run_report(folder, test);
  const std::filesystem::path path = folder / kReportFile;
  write_file_atomically(path, html);
  return path;
}

}  // namespace spikeae
