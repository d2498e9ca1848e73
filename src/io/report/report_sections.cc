#include "io/report/report_sections.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>

#include "io/report/html_text.h"
#include "io/report/svg_chart.h"
#include "io/report/svg_raster.h"
#include "spikeae/data_description.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/trainer.h"

namespace spikeae::report {
namespace {

constexpr std::size_t kPictureColumns = 10;  // what write_run_files puts in the picture
constexpr std::size_t kHistogramBins = 20;

std::string row(const std::vector<std::string>& cells, const char* tag = "td") {
  std::string html = "<tr>";
  for (const std::string& cell : cells) {
    html += std::string("<") + tag + ">" + html_escape(cell) + "</" + tag + ">";
  }
  return html + "</tr>\n";
}

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + html_escape(title) + "</h2>\n" + body +
         "</section>\n";
}

std::string note(const std::string& text) {
  return "<p class=\"note\">" + html_escape(text) + "</p>\n";
}

double best_validation(const RunRecord& run) {
  double best = run.model.validation_loss;
  for (const EpochRecord& e : run.epochs) {
    if (e.metrics.best) best = e.metrics.validation_loss;
  }
  return best;
}

// Twice the PNG's own size (read from its IHDR chunk), so small tiles stay legible.
std::string doubled_size(const std::string& png) {
  if (png.size() < 24) return "";
  auto big_endian = [&png](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t k = 0; k < 4; ++k) value = value << 8 | static_cast<std::uint8_t>(png[at + k]);
    return value;
  };
  return " width=\"" + std::to_string(2 * big_endian(16)) + "\" height=\"" +
         std::to_string(2 * big_endian(20)) + "\"";
}

std::vector<std::size_t> histogram(const LayerCounts& layer) {
  std::vector<std::size_t> bins(kHistogramBins, 0);
  const std::size_t size = std::max<std::size_t>(layer.size, 1);
  for (std::size_t fired : layer.per_image) {
    ++bins[std::min(kHistogramBins - 1, fired * kHistogramBins / size)];
  }
  return bins;
}

}  // namespace

std::string summary_section(const RunRecord& run, const std::string& folder_name) {
  const Network& net = run.model.network;
  const int best_epoch = run.summary ? run.summary->best_epoch : run.model.epochs_trained;
  std::string html = "<table class=\"summary\">\n";
  html += row({"run folder", folder_name});
  html += row({"data", parse_data_description(run.model.dataset).text()});
  html += row({"layers", format_layer_sizes(net.architecture.layer_sizes)});
  html += row({"parameters", std::to_string(net.parameter_count())});
  html += row({"epochs", std::to_string(run.epochs.size())});
  html += row({"best epoch", std::to_string(best_epoch)});
  html += row({"best validation loss", format_number(best_validation(run))});
  html += row({"test loss (best model)",
               run.summary ? format_number(run.summary->test_loss) : "not measured"});
  return section("summary", "Summary", html + "</table>\n");
}

std::string plateau_section(const RunRecord& run) {
  if (!run.summary || !run.summary->plateau) return "";
  const std::string advice =
      mean_image_plateau_advice(best_validation(run), run.summary->mean_image_loss);
  return "<div class=\"warning\" id=\"plateau\"><strong>Warning:</strong> " + html_escape(advice) +
         "</div>\n";
}

std::string curves_section(const RunRecord& run) {
  Series train{"train", "#4c72b0", {}}, validation{"validation", "#dd8452", {}};
  Series test{"test", "#55a868", {}};
  for (const EpochRecord& e : run.epochs) {
    const double x = e.metrics.epoch;
    train.points.emplace_back(x, e.metrics.train_loss);
    validation.points.emplace_back(x, e.metrics.validation_loss);
    test.points.emplace_back(x, e.test_loss);
  }
  std::vector<Series> series = {train, validation};
  if (std::ranges::any_of(test.points, [](const auto& p) { return std::isfinite(p.second); })) {
    series.push_back(test);
  }
  return section("curves", "Learning curves",
                 svg_line_chart(series, "epoch", "reconstruction loss") +
                     note("Training loss: the mean over each epoch's examples as they were "
                          "trained on; validation (and test, with --test-every-epoch) after it."));
}

std::string reconstruction_section(const RunRecord& run, const std::optional<TestView>& test) {
  if (run.picture_png.empty()) {
    return section("reconstructions", "Reconstructions",
                   note("The folder holds no reconstructions.png (a run without test images)."));
  }
  std::string caption =
      "Rows: clean test image, noisy input, reconstruction. Columns: the first test images";
  if (test) {
    const std::size_t shown = std::min({kPictureColumns, test->labels.size(), test->losses.size()});
    caption += " (label, loss):";
    for (std::size_t i = 0; i < shown; ++i) {
      char column[80];
      std::snprintf(column, sizeof column, " %zu: %d (%s)%c", i, int{test->labels[i]},
                    format_number(test->losses[i], 4).c_str(), i + 1 < shown ? ',' : '.');
      caption += column;
    }
  } else {
    caption += ", from left to right.";
  }
  return section("reconstructions", "Reconstructions",
                 "<figure><img alt=\"reconstructions of the first test images\"" +
                     doubled_size(run.picture_png) + " src=\"data:image/png;base64," +
                     base64_encode(run.picture_png) + "\">\n<figcaption>" + html_escape(caption) +
                     "</figcaption></figure>\n");
}

std::string raster_section(const std::optional<TestView>& test, const std::string& missing) {
  if (!test || test->labels.empty()) {
    return section("raster", "Spike raster", note("No raster: " + missing));
  }
  return section("raster", "Spike raster",
                 note("Test image 0 (label " + std::to_string(test->labels[0]) +
                      "): each neuron fires at most once; one row per neuron, time to the right.") +
                     svg_raster(test->activity.raster));
}

std::string histogram_section(const std::optional<TestView>& test, const std::string& missing) {
  if (!test || test->labels.empty()) {
    return section("histograms", "Spike counts per layer", note("No histograms: " + missing));
  }
  std::string charts,
      table = "<table>\n" + row({"layer", "neurons", "mean fired", "firing fraction"}, "th");
  for (const LayerCounts& layer : test->activity.counts) {
    const double mean = std::accumulate(layer.per_image.begin(), layer.per_image.end(), 0.0) /
                        static_cast<double>(std::max<std::size_t>(layer.per_image.size(), 1));
    table +=
        row({layer.name, std::to_string(layer.size), format_number(mean, 4),
             format_number(mean / static_cast<double>(std::max<std::size_t>(layer.size, 1)), 3)});
    charts += svg_histogram(histogram(layer), 0, static_cast<double>(layer.size),
                            "neurons that fired", layer.name);
  }
  return section("histograms", "Spike counts per layer",
                 note("Over the first " + std::to_string(test->labels.size()) + " test images (" +
                      test->description + ").") +
                     table + "</table>\n" + charts);
}

std::string hyperparameter_section(const RunRecord& run) {
  if (run.hyperparameters.empty()) {
    return section("hyperparameters", "Hyperparameters",
                   note("The folder holds no hyperparameters.tsv."));
  }
  std::string html = "<table>\n" + row({"name", "value"}, "th");
  for (const auto& [name, value] : run.hyperparameters) html += row({name, value});
  return section("hyperparameters", "Hyperparameters", html + "</table>\n");
}

std::string timing_section(const RunRecord& run) {
  std::string html = "<table>\n" + row({"epoch", "train loss", "validation loss", "test loss",
                                        "seconds", "examples/s", "best"},
                                       "th");
  double seconds = 0.0;
  for (const EpochRecord& e : run.epochs) {
    const EpochMetrics& m = e.metrics;
    seconds += m.seconds;
    html +=
        row({std::to_string(m.epoch), format_number(m.train_loss), format_number(m.validation_loss),
             format_number(e.test_loss), format_number(m.seconds, 4),
             format_number(m.examples_per_second, 4), m.best ? "yes" : ""});
  }
  return section("timing", "Timing",
                 note("Training time (without validation): " + format_number(seconds, 4) +
                      " s over " + std::to_string(run.epochs.size()) + " epochs.") +
                     html + "</table>\n");
}

}  // namespace spikeae::report
