// The run report: its sections and values, escaping, base64, and refused folders.
#include <gtest/gtest.h>

#include <fstream>
#include <numeric>

#include "io/report/html_text.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/model_file.h"
#include "spikeae/reconstruction_picture.h"
#include "spikeae/run_folder.h"
#include "spikeae/run_report.h"
#include "synthetic_data.h"
#include "test_support.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;
using test_support::Contains;
using test_support::TempFolder;

const char* const kOddName = "blobs <b>&\"quoted\" 'set'";

TrainingConfig small_config() {
  TrainingConfig config;
  config.architecture.layer_sizes = {64, 8, 64};
  config.train.epochs = 2;
  return config;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A finished two-epoch run of an 8x8 network, written as spikeae train writes one.
void write_run(const fs::path& folder, bool plateau) {
  SavedModel model;
  model.config = small_config();
  model.network =
      make_network(model.config.architecture, model.config.neuron, model.config.init, 7);
  model.epochs_trained = 2;
  model.validation_loss = 0.0421;
  model.dataset = kOddName;
  save_model(folder / kModelFile, model);
  write_text(folder / kMetricsFile,
             "{\"epoch\":1,\"train_loss\":0.0712,\"validation_loss\":0.0533,\"test_loss\":null,"
             "\"seconds\":1.5,\"examples_per_second\":640,\"best\":true}\n"
             "{\"epoch\":2,\"train_loss\":0.0498,\"validation_loss\":0.0421,\"test_loss\":null,"
             "\"seconds\":1.25,\"examples_per_second\":768,\"best\":true}\n"
             "{\"test_loss\":0.0437,\"best_epoch\":2,\"mean_image_loss\":0.044,\"plateau\":" +
                 std::string(plateau ? "true" : "false") + "}\n");
  write_text(folder / kHyperparameterFile,
             format_hyperparameter_table({row_from_config(model.config)}));
  const ExampleSet test = make_example_set(testing::ink_blobs(20, 3), model.config.encoding, 5);
  std::vector<std::size_t> shown(10);
  std::iota(shown.begin(), shown.end(), std::size_t{0});
  write_reconstruction_png(folder / kPictureFile, model.network, test, model.config.loss.latency,
                           shown);
}

ReportTestImages blob_test_images() { return {testing::ink_blobs(50, 3), "blob test set"}; }

TEST(RunReport, HoldsEverySectionAndTheRunsValues) {
  const TempFolder folder("report");
  write_run(folder.path(), false);
  const std::string html = render_run_report(folder.path(), blob_test_images());
  for (const char* id : {"summary", "curves", "reconstructions", "raster", "histograms",
                         "hyperparameters", "timing"}) {
    EXPECT_TRUE(Contains(html, std::string("<section id=\"") + id + "\">"));
  }
  // Each epoch's losses are in the chart's data and the timing table.
  EXPECT_TRUE(Contains(html, "data-series=\"train\" data-values=\"0.0712 0.0498\""));
  EXPECT_TRUE(Contains(html, "data-series=\"validation\" data-values=\"0.0533 0.0421\""));
  EXPECT_TRUE(Contains(html, "<td>1.5</td><td>640</td>"));
  EXPECT_TRUE(Contains(html, "<td>0.0437</td>"));  // the best model's test loss
  EXPECT_TRUE(Contains(html, "<td>layer_sizes</td><td>64-8-64</td>") || Contains(html, "64-8-64"));
  EXPECT_TRUE(Contains(html, "src=\"data:image/png;base64,iVBORw0KGgo"));
  EXPECT_TRUE(Contains(html, "Test image 0 (label "));
  EXPECT_TRUE(Contains(html, "data-layer=\"hidden 1\""));
  EXPECT_TRUE(Contains(html, "Over the first 50 test images"));
  EXPECT_FALSE(Contains(html, "id=\"plateau\""));
  EXPECT_FALSE(Contains(html, "<script"));  // self-contained and inert
}

TEST(RunReport, NamesEveryHyperparameter) {
  const TempFolder folder("report");
  write_run(folder.path(), false);
  const std::string html = render_run_report(folder.path(), blob_test_images());
  const HyperparameterRow row = row_from_config(small_config());
  const std::string table = format_hyperparameter_table({row});
  const std::string names = table.substr(0, table.find('\n'));
  std::size_t begin = 0;
  for (std::size_t tab; begin < names.size(); begin = tab + 1) {
    tab = names.find('\t', begin);
    if (tab == std::string::npos) tab = names.size();
    EXPECT_TRUE(Contains(html, "<td>" + names.substr(begin, tab - begin) + "</td>"));
  }
}

TEST(RunReport, WarnsOfThePlateau) {
  const TempFolder folder("report");
  write_run(folder.path(), true);
  const std::string html = render_run_report(folder.path(), blob_test_images());
  EXPECT_TRUE(Contains(html, "id=\"plateau\""));
  EXPECT_TRUE(Contains(html, "mean-image loss 0.04400"));
}

TEST(RunReport, EscapesOddDataSetNames) {
  const TempFolder folder("report");
  write_run(folder.path(), false);
  const std::string html = render_run_report(folder.path(), blob_test_images());
  EXPECT_FALSE(Contains(html, kOddName));
  EXPECT_TRUE(Contains(html, "blobs &lt;b&gt;&amp;&quot;quoted&quot; &#39;set&#39;"));
}

TEST(RunReport, SaysWhyTestImagesAreMissing) {
  const TempFolder folder("report");
  write_run(folder.path(), false);
  const std::string html =
      render_run_report(folder.path(), {std::nullopt, "the <odd> set is not available"});
  EXPECT_TRUE(Contains(html, "No raster: the &lt;odd&gt; set is not available"));
  EXPECT_TRUE(Contains(html, "No histograms:"));
  EXPECT_TRUE(Contains(html, "data:image/png;base64,"));  // the picture is still there
  const ReportTestImages found = find_run_test_images(folder.path(), folder.path());
  EXPECT_FALSE(found.images);
  EXPECT_TRUE(Contains(found.description, "not on a named data set"));
}

TEST(RunReport, WritesTheFileBesideTheRun) {
  const TempFolder folder("report");
  write_run(folder.path(), false);
  EXPECT_EQ(write_run_report(folder.path(), blob_test_images()), folder.path() / kReportFile);
  EXPECT_TRUE(fs::file_size(folder.path() / kReportFile) > 1000);
}

void expect_refused(const fs::path& folder, const std::string& message) {
  try {
    write_run_report(folder, blob_test_images());
    ADD_FAILURE() << "no error for " << folder;
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), message));
  }
  EXPECT_FALSE(fs::exists(folder / kReportFile));
}

TEST(RunReport, RefusesMissingForeignAndDamagedFolders) {
  const TempFolder folder("report");
  expect_refused(folder.path() / "absent", "no such run folder");
  expect_refused(folder.path(), "holds no finished run: metrics.jsonl is missing");
  write_run(folder.path(), false);
  write_text(folder.path() / kMetricsFile, "{\"epoch\":1,\"train_loss\":0.07,\n");
  expect_refused(folder.path(), "metrics.jsonl line 1: not a metrics record");
  write_text(folder.path() / kMetricsFile, "{\"epoch\":1}\n");
  expect_refused(folder.path(), "has no \"train_loss\"");
  write_run(folder.path(), false);
  write_text(folder.path() / kModelFile, "not a model");
  expect_refused(folder.path(), "model.spikeae");
}

TEST(HtmlText, Base64MatchesTheStandardVectors) {
  using report::base64_encode;
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(HtmlText, EscapesMarkupCharacters) {
  EXPECT_EQ(report::html_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(report::html_escape("plain"), "plain");
}

}  // namespace
}  // namespace spikeae
