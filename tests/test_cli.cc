// End-to-end tests of the spikeae command-line tool: every subcommand runs as a separate
// process on tiny synthetic IDX data, and each test checks what it prints and writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.h"
#include "cli_runner.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/idx.h"
#include "spikeae/image_grid.h"
#include "spikeae/model_file.h"
#include "spikeae/nir_file.h"

namespace spikeae {
namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::uint32_t big_endian_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<std::uint8_t>(bytes[at + i]);
  return value;
}

// Width and height from a PNG's IHDR chunk, which must come right after the signature.
std::pair<std::int64_t, std::int64_t> png_size(const std::string& png) {
  EXPECT_GE(png.size(), 24u);
  if (png.size() < 24) return {-1, -1};
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  return {big_endian_u32(png, 16), big_endian_u32(png, 20)};
}

// The size the tool's reconstruction picture must have: 3 labelled rows of `columns`
// tiles under a caption (whose digits do not change its width).
std::pair<std::int64_t, std::int64_t> reconstruction_size(int columns) {
  ImageGrid grid;
  grid.tile_rows = grid.tile_cols = kSide;
  grid.grid_rows = 3;
  grid.grid_cols = columns;
  grid.tiles.assign(static_cast<std::size_t>(3 * columns * kSide * kSide), 0.0f);
  grid.row_labels = {"clean", "input", "output"};
  grid.caption = "loss 0.00000 (mean of these " + std::to_string(columns) + ")";
  return {image_grid_width(grid), image_grid_height(grid)};
}

bool starts_with_png_signature(const std::string& bytes) {
  return bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

// The header dictionary of a .npy file ("" when the magic is wrong).
std::string npy_header(const std::string& bytes) {
  if (bytes.size() < 10 || bytes.substr(0, 6) != "\x93NUMPY") return "";
  const std::size_t length = static_cast<std::uint8_t>(bytes[8]) |
                             static_cast<std::size_t>(static_cast<std::uint8_t>(bytes[9])) << 8;
  return bytes.substr(10, length);
}

std::size_t npy_data_offset(const std::string& bytes) { return 10 + npy_header(bytes).size(); }

// --- train -------------------------------------------------------------------

TEST_F(CliTest, TrainPrintsHeaderEpochsAndTestLoss) {
  const RunResult& r = train_run();
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "64-6-64 with 3 pulses per layer"));
  EXPECT_TRUE(Contains(r.output, "40 training, 20 validation, 20 test images"));
  EXPECT_TRUE(Contains(r.output, "2 epochs, batch 5, 2 threads, seed 1"));
  EXPECT_TRUE(Contains(r.output, "epoch 1/2: train loss"));
  EXPECT_TRUE(Contains(r.output, "epoch 2/2: train loss"));
  EXPECT_EQ(printed_test_losses(r.output).size(), 1u) << r.output;
  EXPECT_TRUE(Contains(r.output, "model.spikeae, metrics.jsonl, reconstructions.png"));
}

TEST_F(CliTest, TrainSavesModelWithTheFlagsGiven) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const SavedModel saved = load_model(model_path());
  EXPECT_EQ(saved.network.architecture.layer_sizes, (std::vector<int>{64, kHidden, 64}));
  EXPECT_EQ(saved.network.architecture.n_pulses, kPulses);
  const TrainingConfig& c = saved.config;
  EXPECT_EQ(c.architecture, saved.network.architecture);
  EXPECT_EQ(c.train.batch_size, 5);
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_EQ(c.train.threads, 0);  // not stored: it does not change the result
  EXPECT_EQ(c.train.seed, 1u);
  EXPECT_EQ(c.adam.learning_rate, 0.01);
  EXPECT_EQ(c.init.nonpulse_weight_mean_multiplier, 0.5);
  EXPECT_EQ(c.init.pulse_weight_mean_multiplier, 3.0);
  EXPECT_EQ(c.encoding.noise_factor, 0.0);
  EXPECT_EQ(c.neuron.fire_threshold, HyperparameterRow{}.fire_threshold);  // untouched default
  // Own data are named by the training image file, with the split.
  EXPECT_EQ(saved.dataset, data()[1] + " (split shuffled 40/20)");
  EXPECT_GE(saved.epochs_trained, 1);
  EXPECT_LE(saved.epochs_trained, 2);
}

TEST_F(CliTest, TrainWritesOneMetricsLinePerEpochThenTheTest) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const std::vector<std::string> lines = lines_of(read_bytes(run_dir() / "metrics.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  for (int epoch = 1; epoch <= 2; ++epoch) {
    const std::string& line = lines[epoch - 1];
    EXPECT_EQ(json_value(line, "epoch"), epoch) << line;
    EXPECT_TRUE(std::isfinite(json_value(line, "validation_loss"))) << line;
    EXPECT_TRUE(std::isfinite(json_value(line, "train_loss"))) << line;
  }
  const double test_loss = json_value(lines[2], "test_loss");
  ASSERT_TRUE(std::isfinite(test_loss)) << lines[2];
  // The saved model is the best-validation epoch that the last line names.
  const SavedModel saved = load_model(model_path());
  EXPECT_EQ(json_value(lines[2], "best_epoch"), saved.epochs_trained);
  EXPECT_EQ(json_value(lines[saved.epochs_trained - 1], "validation_loss"), saved.validation_loss);
  const std::vector<std::string> printed = printed_test_losses(train_run().output);
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0], format("%.5f", test_loss));
}

TEST_F(CliTest, EpochLinesLeaveTheTestLossUnmeasuredByDefault) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const std::vector<std::string> lines = lines_of(read_bytes(run_dir() / "metrics.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(Contains(lines[0], "\"test_loss\":null"));
  EXPECT_TRUE(Contains(lines[1], "\"test_loss\":null"));
  EXPECT_FALSE(Contains(train_run().output, "test loss after epoch"));
}

TEST_F(CliTest, TestEveryEpochLogsALearningCurve) {
  const fs::path out = path("curve");
  const RunResult r = train({"--test-every-epoch", "--threads", "2", "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "test loss after epoch 1: "));
  EXPECT_TRUE(Contains(r.output, "test loss after epoch 2: "));
  const std::vector<std::string> lines = lines_of(read_bytes(out / "metrics.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(std::isfinite(json_value(lines[0], "test_loss"))) << lines[0];
  // The best epoch's curve point is the final test loss: same network, same test set.
  const int best = static_cast<int>(json_value(lines[2], "best_epoch"));
  ASSERT_TRUE(best == 1 || best == 2) << lines[2];
  EXPECT_EQ(json_value(lines[best - 1], "test_loss"), json_value(lines[2], "test_loss"));
  // Measuring the test set does not change training.
  EXPECT_EQ(read_bytes(out / "model.spikeae"), read_bytes(model_path()));
}

TEST_F(CliTest, TrainWritesPictureAndHyperparameterTable) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const std::string png = read_bytes(run_dir() / "reconstructions.png");
  ASSERT_TRUE(starts_with_png_signature(png));
  EXPECT_EQ(png_size(png), reconstruction_size(10));  // the first ten test images
  const std::vector<HyperparameterRow> rows =
      parse_hyperparameter_table(read_bytes(run_dir() / "hyperparameters.tsv"), "table");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].batch_size, 5);
  EXPECT_EQ(rows[0].n_hidden, kHidden);
  EXPECT_EQ(rows[0].n_pulses, kPulses);
  EXPECT_EQ(rows[0].learning_rate, 0.01);
  EXPECT_EQ(rows[0].pulse_weight_mean_multiplier, 3.0);
}

TEST_F(CliTest, FlagsOverrideThePresetRow) {
  const fs::path out = path("preset");
  const RunResult r = train({"--preset", "0.2", "1", "32", "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  const TrainingConfig config = load_model(out / "model.spikeae").config;
  const HyperparameterRow preset = paper_preset(0.2, 1, 32);
  EXPECT_EQ(config.encoding.noise_factor, 0.2);                    // from the preset
  EXPECT_EQ(config.neuron.fire_threshold, preset.fire_threshold);  // from the preset
  EXPECT_EQ(config.architecture.layer_sizes, (std::vector<int>{64, kHidden, 64}));  // flag
  EXPECT_EQ(config.train.batch_size, 5);                                            // flag
  EXPECT_TRUE(Contains(r.output, "noise 0.2"));
}

// --- Determinism -------------------------------------------------------------

// Runs `train_args` with --out `out` and loads the model it saved there.
SavedModel train_model(const std::vector<std::string>& train_args, const fs::path& out) {
  const RunResult r = run(train_args + std::vector<std::string>{"--out", out.string()});
  EXPECT_EQ(r.status, 0) << r.output;
  return load_model(out / "model.spikeae");
}

TEST_F(CliTest, NeuronKindFlagTrainsAndSavesTheKind) {
  const std::vector<std::string> args = std::vector<std::string>{"train"} + data() +
                                        tiny_training_flags() +
                                        std::vector<std::string>{"--decay_rate", "1"};
  const fs::path out = path("exponential");
  const RunResult r =
      run(args + std::vector<std::string>{"--neuron-kind", "exponential", "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  const SavedModel saved = load_model(out / "model.spikeae");
  EXPECT_EQ(saved.network.neuron.kind, NeuronKind::exponential);
  EXPECT_EQ(saved.config.neuron.kind, NeuronKind::exponential);
  // The other spelling, and the default.
  EXPECT_EQ(train_model(args + std::vector<std::string>{"--neuron_kind", "alpha"}, path("alpha"))
                .network.neuron.kind,
            NeuronKind::alpha);
  EXPECT_EQ(load_model(model_path()).network.neuron.kind, NeuronKind::alpha);
  const RunResult bad =
      run(args + std::vector<std::string>{"--neuron-kind", "lif", "--out", path("no").string()});
  EXPECT_NE(bad.status, 0);
  EXPECT_TRUE(Contains(bad.output, "--neuron-kind")) << bad.output;
  // A run continues with the kind it started with.
  const RunResult resumed = run(
      args + std::vector<std::string>{"--neuron-kind", "alpha", "--resume", "--out", out.string()});
  EXPECT_EQ(resumed.status, 1) << resumed.output;
  EXPECT_TRUE(Contains(resumed.output, "--neuron-kind alpha (checkpoint: exponential)"))
      << resumed.output;
}

TEST_F(CliTest, ThreadCountDoesNotChangeTheModel) {
  const std::vector<std::string> args =
      std::vector<std::string>{"train"} + data() + tiny_training_flags();
  train_model(args + std::vector<std::string>{"--threads", "1"}, path("t1"));
  train_model(args + std::vector<std::string>{"--threads", "2"}, path("t2"));
  EXPECT_EQ(read_bytes(path("t1") / "model.spikeae"), read_bytes(path("t2") / "model.spikeae"));
  // The training histories agree too, apart from timings.
  const auto losses = [](const fs::path& dir) {
    std::vector<double> values;
    for (const std::string& line : lines_of(read_bytes(dir / "metrics.jsonl"))) {
      for (const char* key : {"train_loss", "validation_loss", "test_loss"}) {
        values.push_back(json_value(line, key));
      }
    }
    return values;
  };
  const std::vector<double> a = losses(path("t1")), b = losses(path("t2"));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(std::memcmp(&a[i], &b[i], sizeof(double)) == 0)
        << i << ": " << a[i] << " vs " << b[i];
  }
}

TEST_F(CliTest, SameFlagsGiveByteIdenticalFilesAndAnotherSeedDoesNot) {
  const std::vector<std::string> args = std::vector<std::string>{"train"} + data() +
                                        tiny_training_flags() +
                                        std::vector<std::string>{"--threads", "2"};
  train_model(args, path("again"));
  EXPECT_EQ(read_bytes(path("again") / "model.spikeae"), read_bytes(model_path()));
  EXPECT_EQ(read_bytes(path("again") / "reconstructions.png"),
            read_bytes(run_dir() / "reconstructions.png"));
  const SavedModel other = train_model(args + std::vector<std::string>{"--seed", "2"}, path("s2"));
  EXPECT_EQ(other.config.train.seed, 2u);
  EXPECT_NE(other.network.weights, load_model(model_path()).network.weights);
}

// --- eval --------------------------------------------------------------------

TEST_F(CliTest, EvalWithoutNoiseReproducesTrainsTestLoss) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const RunResult r = inspect("eval", {"--threads", "2"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "on 20 images of "));
  EXPECT_TRUE(Contains(r.output, "(noise 0, latency 1)"));
  const std::vector<std::string> printed = printed_test_losses(r.output);
  ASSERT_EQ(printed.size(), 1u) << r.output;
  const double logged =
      json_value(lines_of(read_bytes(run_dir() / "metrics.jsonl")).back(), "test_loss");
  EXPECT_EQ(printed[0], format("%.6f", logged));
  EXPECT_EQ(printed_test_losses(train_run().output)[0], format("%.5f", std::stod(printed[0])));
}

// The loss printed by eval of `model` at a noise level.
double eval_loss(const fs::path& model, const std::vector<std::string>& data, const char* noise) {
  const RunResult r =
      run(std::vector<std::string>{"eval", model.string(), "--noise", noise} + data);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, std::string("(noise ") + noise + ", latency 1)"));
  const std::vector<std::string> printed = printed_test_losses(r.output);
  return printed.empty() ? std::nan("") : std::stod(printed[0]);
}

TEST_F(CliTest, EvalWithMoreNoiseGivesAHigherLoss) {
  // Two epochs leave the network too poor for noise to matter reliably; ten do not.
  const fs::path out = path("ten-epochs");
  const RunResult trained = run(std::vector<std::string>{"train"} + data() +
                                with_flag(tiny_training_flags(), "--epochs", "10") +
                                std::vector<std::string>{"--out", out.string()});
  ASSERT_EQ(trained.status, 0) << trained.output;
  const fs::path model = out / "model.spikeae";
  const double clean = eval_loss(model, data(), "0"), half = eval_loss(model, data(), "0.5");
  EXPECT_GT(half, clean);
  EXPECT_GT(eval_loss(model, data(), "1"), half);
}

TEST_F(CliTest, EvalWithTheTrainingSeedReproducesANoisyTestLoss) {
  const fs::path out = path("noisy");
  const RunResult trained =
      train({"--noise_factor_ae", "0.2", "--seed", "3", "--out", out.string()});
  ASSERT_EQ(trained.status, 0) << trained.output;
  // eval's test-set noise defaults to the model's training seed.
  const RunResult r =
      run(std::vector<std::string>{"eval", (out / "model.spikeae").string()} + data());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "(noise 0.2, latency 1)"));
  const double logged = json_value(lines_of(read_bytes(out / "metrics.jsonl")).back(), "test_loss");
  EXPECT_EQ(printed_test_losses(r.output).at(0), format("%.6f", logged));
}

TEST_F(CliTest, EvalTestSizeUsesTheFirstImages) {
  const RunResult r = inspect("eval", {"--test-size", "5"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "on 5 images"));
}

// --- reconstruct -------------------------------------------------------------

TEST_F(CliTest, ReconstructWritesAGridOfThreeRows) {
  const fs::path png_path = path("four.png");
  const RunResult r = inspect("reconstruct", {"-o", png_path.string(), "--count", "4"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "(4 test images of "));
  const std::string png = read_bytes(png_path);
  ASSERT_TRUE(starts_with_png_signature(png));
  EXPECT_EQ(png_size(png), reconstruction_size(4));
  // At scale 2: the caption (30 glyphs of 6 pixels, less 1, plus 2 margins of 2) is
  // wider than labels and tiles; the caption's 11 rows sit above 3 tiles of 8 and 2 paddings.
  EXPECT_EQ(reconstruction_size(4), std::make_pair(std::int64_t{366}, std::int64_t{78}));
}

TEST_F(CliTest, ReconstructShowsChosenIndices) {
  const fs::path png_path = path("chosen.png");
  const RunResult r = inspect("reconstruct", {"-o", png_path.string(), "--indices", "19", "0"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(png_size(read_bytes(png_path)), reconstruction_size(2));
}

TEST_F(CliTest, ReconstructRefusesAnIndexOutOfRange) {
  const fs::path png_path = path("never.png");
  const RunResult r = inspect("reconstruct", {"-o", png_path.string(), "--indices", "999"});
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(Contains(r.output, "999"));
  EXPECT_TRUE(Contains(r.output, "out of range"));
  EXPECT_FALSE(fs::exists(png_path));
}

// --- embed -------------------------------------------------------------------

TEST_F(CliTest, EmbedWritesCsvWithLabelsFirst) {
  const fs::path csv_path = path("e.csv");
  const RunResult r = inspect("embed", {"-o", csv_path.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "(20 x 6)"));
  const std::vector<std::string> lines = lines_of(read_bytes(csv_path));
  ASSERT_EQ(lines.size(), 1u + kTestImages);
  EXPECT_EQ(lines[0], "label,h0,h1,h2,h3,h4,h5");
  int finite = 0;
  for (int i = 0; i < kTestImages; ++i) {
    const std::vector<std::string> fields = split(lines[i + 1], ',');
    ASSERT_EQ(fields.size(), 1u + kHidden) << lines[i + 1];
    EXPECT_EQ(fields[0], std::to_string(i % 10));
    for (int j = 1; j <= kHidden; ++j) finite += std::isfinite(std::stod(fields[j])) ? 1 : 0;
  }
  EXPECT_GT(finite, 0);  // the hidden layer spikes on the test images
}

TEST_F(CliTest, EmbedWritesNpyPairMatchingTheCsv) {
  const fs::path npy_path = path("e.npy"), csv_path = path("same.csv");
  const RunResult r = inspect("embed", {"-o", npy_path.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_EQ(inspect("embed", {"-o", csv_path.string()}).status, 0);
  const std::string times = read_bytes(npy_path), labels = read_bytes(path("e_labels.npy"));
  EXPECT_TRUE(Contains(npy_header(times), "'descr': '<f8'"));
  EXPECT_TRUE(Contains(npy_header(times), "'shape': (20, 6)"));
  EXPECT_TRUE(Contains(npy_header(labels), "'descr': '|u1'"));
  EXPECT_TRUE(Contains(npy_header(labels), "'shape': (20,)"));
  ASSERT_EQ(times.size(), npy_data_offset(times) + kTestImages * kHidden * sizeof(double));
  ASSERT_EQ(labels.size(), npy_data_offset(labels) + kTestImages);
  const std::vector<std::string> rows = lines_of(read_bytes(csv_path));
  ASSERT_EQ(rows.size(), 1u + kTestImages);
  for (int i = 0; i < kTestImages; ++i) {
    EXPECT_EQ(labels[npy_data_offset(labels) + i], i % 10);
    const std::vector<std::string> fields = split(rows[i + 1], ',');
    for (int j = 0; j < kHidden; ++j) {
      double value = 0;  // the CSV's 17 digits give back the stored double exactly
      std::memcpy(&value, times.data() + npy_data_offset(times) + (i * kHidden + j) * 8, 8);
      EXPECT_EQ(value, std::stod(fields.at(j + 1))) << "row " << i << " column " << j;
    }
  }
}

// --- export ------------------------------------------------------------------

TEST_F(CliTest, ExportWritesANirGraphThatLoadsBack) {
  const fs::path nir_path = path("model.nir");
  const RunResult r = run({"export", model_path().string(), "-o", nir_path.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "wrote " + nir_path.string()));
  EXPECT_EQ(read_bytes(nir_path).substr(1, 3), "HDF");
  EXPECT_EQ(load_nir(nir_path).network, load_model(model_path()).network);
}

TEST_F(CliTest, ExportOfAMissingModelIsNamed) {
  const fs::path missing = path("missing.spikeae");
  const RunResult r = run({"export", missing.string(), "-o", path("x.nir").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, missing.string()));
  EXPECT_TRUE(Contains(r.output, "No such file"));
  EXPECT_FALSE(fs::exists(path("x.nir")));
}

// --- report ------------------------------------------------------------------

TEST_F(CliTest, TrainWritesTheReportWithTheRunsTestImages) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const std::string html = read_bytes(run_dir() / "report.html");
  EXPECT_TRUE(Contains(html, "<section id=\"raster\">"));
  EXPECT_TRUE(Contains(html, "Over the first 20 test images"));
  EXPECT_TRUE(Contains(html, "data:image/png;base64,"));
}

TEST_F(CliTest, ReportTakesOwnTestImages) {
  ASSERT_EQ(train_run().status, 0) << train_run().output;
  const fs::path folder = path("report_copy");
  fs::create_directories(folder);
  for (const char* name : {"model.spikeae", "metrics.jsonl", "reconstructions.png"}) {
    fs::copy_file(run_dir() / name, folder / name);
  }
  const RunResult without = run({"report", folder.string()});
  ASSERT_EQ(without.status, 0) << without.output;
  EXPECT_TRUE(Contains(without.output, "no raster or histograms: the model was trained on"));
  const std::vector<std::string>& own = data();
  const RunResult with = run({"report", folder.string(), own[4], own[5], own[6], own[7]});
  ASSERT_EQ(with.status, 0) << with.output;
  EXPECT_TRUE(Contains(read_bytes(folder / "report.html"), "Over the first 20 test images"));
}

TEST_F(CliTest, ReportRefusesAFolderWithoutARun) {
  const fs::path folder = path("not_a_run");
  fs::create_directories(folder);
  const RunResult r = run({"report", folder.string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "holds no finished run: metrics.jsonl is missing"));
  EXPECT_FALSE(fs::exists(folder / "report.html"));
}

// --- bench -------------------------------------------------------------------

// One row of bench's table: the rates and, with a one-thread row, the speed-up
// (its "1.23x"); all -1 when `threads` has no row.
struct BenchRow {
  double training = -1.0, inference = -1.0, speedup = -1.0;
};
BenchRow bench_row(const std::string& output, int threads) {
  std::istringstream lines(output.substr(output.find("threads  training ex/s")));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream row(line);
    int count = 0;
    BenchRow values;
    if (row >> count >> values.training >> values.inference && count == threads) {
      row >> values.speedup;
      return values;
    }
  }
  return {};
}

TEST_F(CliTest, BenchReportsEveryThreadCountAfterAlternatingRuns) {
  const RunResult r =
      run(std::vector<std::string>{"bench"} + data() +
          split("--train-size 40 --repeats 2 --threads-list 1,2 --batch_size 5 --n_hidden 6 "
                "--n_pulses 3 --nonpulse_weight_mean_multiplier 0.5 "
                "--pulse_weight_mean_multiplier 3",
                ' '));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "run 1 of 2 done"));
  EXPECT_TRUE(Contains(r.output, "run 2 of 2 done"));
  for (int threads : {1, 2}) {
    const BenchRow row = bench_row(r.output, threads);
    EXPECT_GT(row.training, 0.0) << threads << " threads: " << r.output;
    EXPECT_GT(row.inference, 0.0) << threads << " threads: " << r.output;
  }
  // The last column: each count's training rate over the one-thread rate.
  const BenchRow one = bench_row(r.output, 1), two = bench_row(r.output, 2);
  EXPECT_TRUE(Contains(r.output, "training vs 1 thread"));
  EXPECT_NEAR(one.speedup, 1.0, 1e-9) << r.output;
  EXPECT_NEAR(two.speedup, two.training / one.training,
              0.006 + 0.5 * (two.training + one.training) / (one.training * one.training))
      << r.output;
  EXPECT_TRUE(Contains(r.output, "causal inputs per firing neuron"));
  EXPECT_TRUE(Contains(r.output, "peak resident memory"));
}

TEST_F(CliTest, BenchRefusesABadThreadList) {
  const RunResult r = run(std::vector<std::string>{"bench"} + data() +
                          split("--train-size 40 --threads-list 1,x", ' '));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(Contains(r.output, "invalid --threads-list")) << r.output;
}

// --- Bad input ---------------------------------------------------------------

TEST_F(CliTest, TruncatedIdxFileIsNamed) {
  const fs::path truncated = path("truncated-images");
  fs::copy_file(data()[1], truncated);
  fs::resize_file(truncated, 100);
  std::vector<std::string> args = data();
  args[1] = truncated.string();
  const RunResult r = run(std::vector<std::string>{"train"} + args + tiny_training_flags() +
                          std::vector<std::string>{"--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "truncated"));
  EXPECT_TRUE(Contains(r.output, truncated.string()));
  EXPECT_FALSE(fs::exists(path("never") / "model.spikeae"));
}

TEST_F(CliTest, GarbageModelIsRefused) {
  const fs::path garbage = path("garbage.spikeae");
  std::ofstream(garbage) << "this is not a model\n";
  const RunResult r = run(std::vector<std::string>{"eval", garbage.string()} + data());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "not a spikeae model"));
  EXPECT_TRUE(Contains(r.output, garbage.string()));
}

TEST_F(CliTest, MissingModelIsNamed) {
  const fs::path missing = path("missing.spikeae");
  const RunResult r = run(std::vector<std::string>{"embed", missing.string()} + data());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, missing.string()));
  EXPECT_TRUE(Contains(r.output, "No such file"));
}

TEST_F(CliTest, ModelAndImagesOfDifferentSizesAreRefused) {
  const std::vector<std::string> big = write_data_set(path("big"), 10);
  const RunResult r = run(std::vector<std::string>{"eval", model_path().string()} + big);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "expects images of 64 pixels"));
  EXPECT_TRUE(Contains(r.output, "100"));
}

TEST_F(CliTest, OutOfRangeHyperparameterIsNamed) {
  const RunResult r = train({"--fire_threshold", "-1", "--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "fire_threshold"));
  EXPECT_TRUE(Contains(r.output, "-1"));
}

TEST_F(CliTest, NonNumericHyperparameterIsNamed) {
  const RunResult r = train({"--learning_rate_pulses", "abc", "--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"abc\""));
  EXPECT_TRUE(Contains(r.output, "learning_rate_pulses"));
}

TEST_F(CliTest, UnknownPresetListsTheValidValues) {
  const RunResult r = train({"--preset", "0.3", "1", "32", "--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "no paper preset"));
  EXPECT_TRUE(Contains(r.output, "valid noise: 0, 0.2, 0.4, 0.6, 0.8"));
  EXPECT_TRUE(Contains(r.output, "valid hidden: 8, 16, 32"));
}

TEST_F(CliTest, UnknownDatasetIsRefusedByTheParser) {
  const RunResult r = run({"train", "--dataset", "nosuch", "--out", path("never").string()});
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "nosuch"));
  EXPECT_TRUE(Contains(r.output, "{mnist,fashion-mnist}"));
}

TEST_F(CliTest, EmptyDataDirPointsToTheFetchScript) {
  const fs::path empty = path("empty");
  fs::create_directories(empty);
  const RunResult r = run({"train", "--data-dir", empty.string(), "--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"mnist\" not found"));
  EXPECT_TRUE(Contains(r.output, (empty / "mnist").string()));
  EXPECT_TRUE(Contains(r.output, "fetch_data.sh"));
}

TEST_F(CliTest, SplitLargerThanTheFileIsRefused) {
  const std::vector<std::string> flags = with_flag(tiny_training_flags(), "--train-size", "100");
  const RunResult r = run(std::vector<std::string>{"train"} + data() + flags +
                          std::vector<std::string>{"--out", path("never").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "60 images"));
  EXPECT_TRUE(Contains(r.output, "100 + 20"));
}

TEST_F(CliTest, PartialOwnDataIsRefused) {
  const RunResult r = run({"eval", model_path().string(), "--test-images", data()[5]});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "own data needs all four"));
}

TEST_F(CliTest, NoiseOutsideTheUnitIntervalIsRefused) {
  const RunResult r = inspect("eval", {"--noise", "2"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "--noise"));
}

// Like train, the inspection commands refuse thread counts outside [0, 1024].
TEST_F(CliTest, InspectionCommandsRefuseANegativeThreadCount) {
  const RunResult r = inspect("eval", {"--threads", "-1"});
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "threads"));
}

TEST_F(CliTest, ZeroEpochsSavesNothing) {
  const fs::path out = path("zero");
  const RunResult r =
      run(std::vector<std::string>{"train", "--preset", "0.2", "1", "32", "--epochs", "0",
                                   "--train-size", "40", "--validation-size", "20", "--out",
                                   out.string()} +
          data());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "0 epochs"));
  EXPECT_TRUE(Contains(r.output, "no epoch completed"));
  EXPECT_FALSE(fs::exists(out / "model.spikeae"));
}

// SIGINT ends training after the current batch; the best completed epoch is still saved.
TEST_F(CliTest, InterruptKeepsTheBestEpochAndFails) {
  // Far more epochs than can finish before the signal.
  const std::vector<std::string> flags = with_flag(tiny_training_flags(), "--epochs", "1000000");
  const fs::path out = path("interrupted");
  const Child child = spawn(std::vector<std::string>{"train"} + data() + flags +
                            std::vector<std::string>{"--out", out.string()});
  ASSERT_GT(child.pid, 0);
  std::string output;
  while (output.find("epoch 2/") == std::string::npos && read_some(child, output)) {
  }
  kill(child.pid, SIGINT);
  const RunResult r = finish(child, output);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "interrupted: checkpoint saved; continue with --resume"));
  EXPECT_TRUE(fs::exists(out / "checkpoint.spikeae"));
  EXPECT_TRUE(Contains(r.output, "training was interrupted after epoch"));
  const SavedModel saved = load_model(out / "model.spikeae");
  EXPECT_GE(saved.epochs_trained, 1);
  const std::vector<std::string> lines = lines_of(read_bytes(out / "metrics.jsonl"));
  ASSERT_GE(lines.size(), 3u);  // at least two epochs, then the test
  EXPECT_TRUE(std::isfinite(json_value(lines.back(), "test_loss")));
}

// SIGKILL at a random moment, then --resume: the final model is the one an
// uninterrupted run makes, byte for byte.
TEST_F(CliTest, KilledRunResumesToTheUninterruptedModel) {
  const std::vector<std::string> args = std::vector<std::string>{"train"} + data() +
                                        with_flag(tiny_training_flags(), "--epochs", "40");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run(args + std::vector<std::string>{"--out", path("straight").string()}).status, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::mt19937 random(std::random_device{}());
  int resumed_mid_run = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const fs::path out = path("killed" + std::to_string(attempt));
    const double fraction = std::uniform_real_distribution<double>(0.05, 0.95)(random);
    const Child child = spawn(args + std::vector<std::string>{"--out", out.string()});
    ASSERT_GT(child.pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(fraction * seconds));
    kill(child.pid, SIGKILL);
    std::string output;
    finish(child, output);
    const RunResult resumed =
        run(args + std::vector<std::string>{"--resume", "--out", out.string()});
    ASSERT_EQ(resumed.status, 0) << "killed at " << fraction << " of the run\n" << resumed.output;
    resumed_mid_run += Contains(resumed.output, "resuming after epoch") ? 1 : 0;
    EXPECT_EQ(read_bytes(out / "model.spikeae"), read_bytes(path("straight") / "model.spikeae"))
        << "killed at " << fraction << " of the run";
  }
  EXPECT_GT(resumed_mid_run, 0) << "every kill came before the first checkpoint";
}

TEST_F(CliTest, ResumeRefusesOtherData) {
  const fs::path out = path("other_data");
  const std::vector<std::string> args =
      std::vector<std::string>{"train"} + data() + tiny_training_flags();
  ASSERT_EQ(run(args + std::vector<std::string>{"--out", out.string()}).status, 0);
  const RunResult r = run(with_flag(args, "--validation-size", "10") +
                          std::vector<std::string>{"--resume", "--out", out.string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "resume with the same data flags"));
}

// --- Help --------------------------------------------------------------------

TEST_F(CliTest, HelpShowsEverySubcommandAndItsDefaults) {
  const RunResult top = run({"--help"});
  EXPECT_EQ(top.status, 0) << top.output;
  for (const char* name : {"train", "eval", "reconstruct", "embed"}) {
    EXPECT_TRUE(Contains(top.output, name));
  }
  const RunResult train_help = run({"train", "--help"});
  EXPECT_EQ(train_help.status, 0);
  for (const char* text : {"--learning_rate", "0.001676", "--epochs INT=20", "--preset",
                           "--train-images", "--out TEXT=runs/default"}) {
    EXPECT_TRUE(Contains(train_help.output, text));
  }
  const RunResult eval_help = run({"eval", "--help"});
  EXPECT_EQ(eval_help.status, 0);
  EXPECT_TRUE(Contains(eval_help.output, "--noise"));
  EXPECT_TRUE(Contains(eval_help.output, "--seed"));
  const RunResult reconstruct_help = run({"reconstruct", "--help"});
  EXPECT_EQ(reconstruct_help.status, 0);
  EXPECT_TRUE(Contains(reconstruct_help.output, "--count UINT=10"));
  EXPECT_TRUE(Contains(reconstruct_help.output, "reconstructions.png"));
  const RunResult embed_help = run({"embed", "--help"});
  EXPECT_EQ(embed_help.status, 0);
  EXPECT_TRUE(Contains(embed_help.output, "embeddings.csv"));
  EXPECT_TRUE(Contains(embed_help.output, "--layer"));
}

// --- ann -------------------------------------------------------------------

TEST_F(CliTest, AnnTrainsAConvStackAndPrintsItsTestLoss) {
  const RunResult r = run(std::vector<std::string>{"ann"} + data() +
                          split("--architecture 8x8,conv:2:4:2:1,dense:5 --train-size 40 "
                                "--validation-size 20 --epochs 2 --threads 1",
                                ' '));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "epoch 2/2"));
  EXPECT_TRUE(Contains(r.output, "best epoch"));
  EXPECT_TRUE(Contains(r.output, "test 0."));
}

TEST_F(CliTest, AnnRefusesAStackThatDoesNotFitTheImages) {
  const RunResult r = run(std::vector<std::string>{"ann"} + data() +
                          split("--layer-sizes 49,5,49 --train-size 40 --validation-size 20", ' '));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(Contains(r.output, "images have 64 pixels")) << r.output;
  const RunResult help = run({"ann", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(Contains(help.output, "--architecture"));
}

TEST_F(CliTest, NoSubcommandFails) {
  const RunResult r = run({});
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(Contains(r.output, "subcommand"));
}

}  // namespace
}  // namespace spikeae
