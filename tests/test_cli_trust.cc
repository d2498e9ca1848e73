// The command-line tool never gives a silent wrong result and never mixes or loses
// a run's history: explicit architectures, the model's own data set, resume flags,
// run folders (locks, refusals, stale temporary files) and strict integer flags.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli_fixture.h"
#include "spikeae/checkpoint.h"
#include "spikeae/data_paths.h"
#include "spikeae/error.h"
#include "spikeae/model_file.h"

namespace spikeae {
namespace {

// `flags` without `name` and its value.
std::vector<std::string> without_flag(const std::vector<std::string>& flags,
                                      const std::string& name) {
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (flags[i] == name && i + 1 < flags.size()) {
      ++i;
      continue;
    }
    kept.push_back(flags[i]);
  }
  return kept;
}

class CliTrust : public CliTest {
 protected:
  // A run into `folder` with the tiny flags (without --n_hidden), `extra` replacing them.
  static RunResult train_into(const std::string& folder, const std::vector<std::string>& extra) {
    std::vector<std::string> base = without_flag(tiny_training_flags(), "--n_hidden");
    for (const std::string& word : extra) {
      if (word.rfind("--", 0) == 0) base = without_flag(base, word);
    }
    return run(std::vector<std::string>{"train"} + data() + base +
               std::vector<std::string>{"--threads", "1", "--out", path(folder).string()} + extra);
  }
  // `train` with the tiny flags for `epochs` epochs into `folder`, on one thread.
  static std::vector<std::string> long_run(const std::string& folder, const std::string& epochs) {
    return std::vector<std::string>{"train"} + data() +
           with_flag(tiny_training_flags(), "--epochs", epochs) +
           std::vector<std::string>{"--threads", "1", "--out", path(folder).string()};
  }
  // Starts the tool and reads its output until `text` appears (or the output ends).
  static testing::Child spawn_until(const std::vector<std::string>& args, const std::string& text,
                                    std::string& output) {
    const testing::Child child = spawn(args);
    while (output.find(text) == std::string::npos && read_some(child, output)) {
    }
    return child;
  }
  static std::vector<int> trained_sizes(const std::string& folder) {
    return load_model(path(folder) / "model.spikeae").network.architecture.layer_sizes;
  }
};

// --- 1. An explicit architecture is the architecture ------------------------------

TEST_F(CliTrust, LayerSizesAreTrainedAsGiven) {
  ASSERT_EQ(train_into("three", {"--layer-sizes", "64,10,64"}).status, 0);
  EXPECT_EQ(trained_sizes("three"), (std::vector<int>{64, 10, 64}));
  ASSERT_EQ(train_into("five", {"--layer_sizes", "64,12,4,12,64"}).status, 0);
  EXPECT_EQ(trained_sizes("five"), (std::vector<int>{64, 12, 4, 12, 64}));
  ASSERT_EQ(train_into("agree", {"--layer-sizes", "64,7,64", "--n_hidden", "7"}).status, 0);
  EXPECT_EQ(trained_sizes("agree"), (std::vector<int>{64, 7, 64}));
}

TEST_F(CliTrust, ConflictingLayerSizesAreRefusedNamingBothValues) {
  RunResult r = train_into("x1", {"--layer-sizes", "64,10,64", "--n_hidden", "6"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "n_hidden = 6"));
  EXPECT_TRUE(Contains(r.output, "middle layer 10"));
  r = train_into("x2", {"--layer-sizes", "64,6,10"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "64 inputs but 10 outputs"));
  r = train_into("x3", {"--layer-sizes", "100,6,100"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "100 inputs but the images have 64 pixels"));
  r = train_into("x4", {"--layer-sizes", "64,10,64", "--preset", "0", "1", "32"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "--preset 0 1 32 has n_hidden = 32"));
  EXPECT_FALSE(fs::exists(path("x1") / "model.spikeae"));
}

// --- 2. eval, embed and reconstruct use the model's data set -----------------------

bool named_data_available() {
  try {
    locate_dataset("mnist", std::nullopt);
    locate_dataset("fashion-mnist", std::nullopt);
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST_F(CliTrust, InspectionUsesTheModelsDataSetUnlessAnotherIsNamed) {
  if (!named_data_available()) GTEST_SKIP() << "MNIST and Fashion-MNIST are not fetched";
  const std::vector<std::string> small = {"--test-size", "50", "--threads", "1"};
  const RunResult trained =
      run(std::vector<std::string>{"train", "--dataset", "fashion-mnist", "--train-size", "40",
                                   "--validation-size", "20", "--epochs", "1", "--n_hidden", "4",
                                   "--n_pulses", "2", "--out", path("fashion").string()} +
          small);
  ASSERT_EQ(trained.status, 0) << trained.output;
  const std::string model = (path("fashion") / "model.spikeae").string();
  const RunResult own = run(std::vector<std::string>{"eval", model} + small);
  ASSERT_EQ(own.status, 0) << own.output;
  EXPECT_TRUE(Contains(own.output, "of fashion-mnist (the model's data set)"));
  // The test loss train reported, to the printed digits.
  ASSERT_FALSE(printed_test_losses(trained.output).empty());
  EXPECT_TRUE(Contains(own.output, "test loss " + printed_test_losses(trained.output).back()));
  const RunResult other =
      run(std::vector<std::string>{"eval", model, "--dataset", "mnist"} + small);
  ASSERT_EQ(other.status, 0) << other.output;
  EXPECT_TRUE(Contains(other.output, "of mnist (the model was trained on fashion-mnist)"));
  EXPECT_NE(printed_test_losses(other.output), printed_test_losses(own.output));
  const RunResult embedded = run(std::vector<std::string>{
      "embed", model, "-o", path("fashion.csv").string(), "--test-size", "50"});
  ASSERT_EQ(embedded.status, 0) << embedded.output;
  EXPECT_TRUE(Contains(embedded.output, "50 test images of fashion-mnist"));
}

TEST_F(CliTrust, ModelOfOwnFilesNeedsItsDataNamed) {
  const RunResult r = run({"eval", model_path().string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "not on a named data set"));
  EXPECT_TRUE(Contains(r.output, "--test-images"));
}

// --- 4. --resume keeps the run's hyperparameters -----------------------------------

TEST_F(CliTrust, ResumeRefusesChangedHyperparametersAndAppliesMoreEpochs) {
  ASSERT_EQ(train_into("resumed", {"--epochs", "1"}).status, 0);
  for (const std::vector<std::string>& changed : {std::vector<std::string>{"--n_hidden", "16"},
                                                  {"--learning_rate", "0.02"},
                                                  {"--batch_size", "50"},
                                                  {"--seed", "7"},
                                                  {"--layer-sizes", "64,9,64"}}) {
    const RunResult r = train_into("resumed", std::vector<std::string>{"--resume"} + changed);
    EXPECT_EQ(r.status, 1) << changed[0];
    EXPECT_TRUE(Contains(r.output, changed[0] + " " + changed[1] + " (checkpoint: ")) << r.output;
  }
  const RunResult more =
      train_into("resumed", {"--resume", "--epochs", "3", "--learning_rate", "0.01"});
  ASSERT_EQ(more.status, 0) << more.output;
  EXPECT_TRUE(Contains(more.output, "resuming after epoch 1"));
  EXPECT_TRUE(Contains(more.output, "to epoch 3"));
  EXPECT_TRUE(Contains(more.output, "epoch 3/3: train loss"));
  const RunResult fewer = train_into("resumed", {"--resume", "--epochs", "2"});
  EXPECT_EQ(fewer.status, 1);
  EXPECT_TRUE(Contains(fewer.output, "fewer than the 3 epochs"));
}

// --- 5, 6, 8. Refusals of flags that used to be reinterpreted ------------------------

TEST_F(CliTrust, FlagsThatWereSilentlyReinterpretedAreRefused) {
  struct Case {
    std::vector<std::string> flags;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {{"--validation-size", "0"}, {"--validation-size", "got 0"}},
      {{"--preset", "0", "1", "32", "--preset-file", "x.tsv"}, {"--preset", "--preset-file"}},
      {{"--train-size", "-1"}, {"--train-size", "got -1"}},
      {{"--seed", "18446744073709551616"}, {"--seed", "18446744073709551616"}},
      {{"--threads", "1.5"}, {"--threads", "1.5"}},
  };
  for (const Case& c : cases) {
    const RunResult r = train_into("refused", c.flags);
    EXPECT_EQ(r.status, 1) << c.flags[0] << ": " << r.output;
    for (const std::string& part : c.expected) EXPECT_TRUE(Contains(r.output, part));
  }
  EXPECT_FALSE(fs::exists(path("refused") / "metrics.jsonl"));
}

// --- 11, 12. Absurd values and sizes fail before any work -------------------------

TEST_F(CliTrust, AbsurdValuesAreRefusedBeforeTrainingNamingTheFlag) {
  for (const std::string flag :
       {"--learning_rate", "--learning_rate_pulses", "--penalty_no_spike", "--latency_ae"}) {
    const RunResult r = train_into("absurd", {flag, "1e308"});
    EXPECT_EQ(r.status, 1) << flag;
    EXPECT_TRUE(Contains(r.output, "invalid " + flag.substr(2))) << r.output;
    EXPECT_FALSE(Contains(r.output, "epoch 1/")) << r.output;
  }
  std::string deep = "64";
  for (int i = 0; i < 64; ++i) deep += ",4";
  const RunResult r = train_into("absurd", {"--layer-sizes", deep + ",64"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.output, "2 to 64 layers"));
}

TEST_F(CliTrust, ConfigurationsTooLargeForMemoryAreRefusedWithTheFigure) {
  const RunResult r = train_into("huge", {"--layer-sizes", "64,100000,100000,100000,64"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "this configuration needs about"));
  EXPECT_TRUE(Contains(r.output, "more than this machine's"));
  EXPECT_FALSE(Contains(r.output, "bad_alloc"));
}

TEST_F(CliTrust, EmbedRefusesLayersOutsideTheHiddenOnesAndUnknownExtensions) {
  for (const std::string layer : {"0", "-1", "2"}) {
    const RunResult r = inspect("embed", {"--layer", layer, "-o", path("e.csv").string()});
    EXPECT_EQ(r.status, 1) << layer;
    EXPECT_TRUE(Contains(r.output, "--layer must name a hidden layer, 1 to 1, got " + layer));
  }
  const RunResult upper = inspect("embed", {"-o", path("e.NPY").string()});
  ASSERT_EQ(upper.status, 0) << upper.output;
  EXPECT_EQ(read_bytes(path("e.NPY")).rfind("\x93NUMPY", 0), 0u);
  const RunResult other = inspect("embed", {"-o", path("e.txt").string()});
  EXPECT_EQ(other.status, 1);
  EXPECT_TRUE(Contains(other.output, ".csv or .npy"));
}

// --- 9, 10. One run per folder -------------------------------------------------------

TEST_F(CliTrust, AFolderHoldingARunIsRefusedUnlessResumedOrOverwritten) {
  ASSERT_EQ(train_into("kept", {"--epochs", "1"}).status, 0);
  const std::string model = read_bytes(path("kept") / "model.spikeae");
  const std::string metrics = read_bytes(path("kept") / "metrics.jsonl");
  const RunResult again = train_into("kept", {"--epochs", "1", "--seed", "5"});
  EXPECT_EQ(again.status, 1);
  EXPECT_TRUE(Contains(again.output, "already holds a run"));
  EXPECT_TRUE(Contains(again.output, "--overwrite"));
  EXPECT_EQ(read_bytes(path("kept") / "model.spikeae"), model);
  EXPECT_EQ(read_bytes(path("kept") / "metrics.jsonl"), metrics);
  // A run whose checkpoint is gone cannot be resumed (it would start over silently).
  fs::create_directories(path("no_checkpoint"));
  fs::copy_file(path("kept") / "model.spikeae", path("no_checkpoint") / "model.spikeae");
  const RunResult resumed = train_into("no_checkpoint", {"--resume"});
  EXPECT_EQ(resumed.status, 1);
  EXPECT_TRUE(Contains(resumed.output, "holds a run without a checkpoint"));
  const RunResult replaced = train_into("kept", {"--epochs", "1", "--seed", "5", "--overwrite"});
  ASSERT_EQ(replaced.status, 0) << replaced.output;
  EXPECT_NE(read_bytes(path("kept") / "model.spikeae"), model);
  EXPECT_EQ(load_model(path("kept") / "model.spikeae").config.train.seed, 5u);
}

// Two trainings started together on one folder: one runs, the other is refused, and
// the folder then holds exactly the run that ran.
TEST_F(CliTrust, TwoRunsOnOneFolderOneIsRefused) {
  const std::vector<std::string> flags = long_run("shared", "300");
  std::string first_output;
  // The second starts once the first has started training (its header is printed).
  const testing::Child first = spawn_until(flags, "training:", first_output);
  const RunResult second = run(flags);
  const RunResult first_result = finish(first, first_output);
  ASSERT_EQ(first_result.status, 0) << first_result.output;
  EXPECT_EQ(second.status, 1) << second.output;
  EXPECT_TRUE(Contains(second.output,
                       "in use by another spikeae run (pid " + std::to_string(first.pid) + ")"));
  const std::vector<std::string> lines = lines_of(read_bytes(path("shared") / "metrics.jsonl"));
  ASSERT_EQ(lines.size(), 301u);  // 300 epochs and the test line, each once
  for (int epoch = 1; epoch <= 300; ++epoch) {
    EXPECT_EQ(json_value(lines[epoch - 1], "epoch"), epoch);
  }
  EXPECT_EQ(load_model(path("shared") / "model.spikeae").config.train.epochs, 300);
}

TEST_F(CliTrust, TemporaryFilesOfDeadProcessesAreRemovedAtTheNextStart) {
  fs::create_directories(path("stale"));
  // A pid that cannot be running: beyond the kernel's largest.
  const fs::path stale = path("stale") / ".checkpoint.spikeae.tmp-2147483646-0";
  const fs::path live = path("stale") / (".model.spikeae.tmp-" + std::to_string(getpid()) + "-0");
  const fs::path foreign = path("stale") / "notes.tmp-1-0";
  for (const fs::path& file : {stale, live, foreign}) std::ofstream(file) << "partial";
  const RunResult r = train_into("stale", {"--epochs", "1"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "removed 1 temporary file(s)"));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));     // its process (this test) still runs
  EXPECT_TRUE(fs::exists(foreign));  // not a name spikeae writes
}

// A run killed mid-way leaves a log that agrees with its checkpoint; resuming rewrites it.
TEST_F(CliTrust, MetricsLogStaysConsistentAfterSigkill) {
  const std::vector<std::string> flags = long_run("killed", "400");
  std::string output;
  const testing::Child child = spawn_until(flags, "epoch 3/400: train loss", output);
  kill(child.pid, SIGKILL);
  finish(child, output);
  const std::vector<std::string> lines = lines_of(read_bytes(path("killed") / "metrics.jsonl"));
  ASSERT_GE(lines.size(), 2u);  // epoch 3 is printed before it is logged
  const Checkpoint checkpoint = load_checkpoint(path("killed") / "checkpoint.spikeae");
  EXPECT_GE(checkpoint.state.epoch, static_cast<int>(lines.size()));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(json_value(lines[i], "epoch"), static_cast<double>(i + 1)) << lines[i];
  }
  EXPECT_FALSE(fs::exists(path("killed") / "model.spikeae"));
  const RunResult fresh = run(flags);
  EXPECT_EQ(fresh.status, 1);
  EXPECT_TRUE(Contains(fresh.output, "--resume"));
}

// --- Rough edges --------------------------------------------------------------------

TEST_F(CliTrust, VersionAndParseErrorsExitWithTheDocumentedCodes) {
  const RunResult version = run({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(Contains(version.output, "spikeae 0."));
  const RunResult unknown = run({"train", "--no-such-flag"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(Contains(unknown.output, "error: "));
  const RunResult help = run({"train", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(Contains(help.output, "--learning_rate,--learning-rate FLOAT"));
  EXPECT_TRUE(Contains(help.output, "--n_hidden,--n-hidden INT"));
  EXPECT_FALSE(Contains(run({"bench", "--help"}).output, "--epochs"));
}

TEST_F(CliTrust, PlateauIsReportedInTheLogAndOnTheTerminal) {
  // One epoch at a zero learning rate cannot leave the initial network's level.
  const RunResult r = train_into(
      "plateau", {"--epochs", "1", "--learning_rate", "0", "--learning_rate_pulses", "0"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "warning: the best validation loss"));
  const std::vector<std::string> lines = lines_of(read_bytes(path("plateau") / "metrics.jsonl"));
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(Contains(lines.back(), "\"plateau\":true"));
  EXPECT_GT(json_value(lines.back(), "mean_image_loss"), 0.0);
  // A run that learns past the average image gets no warning.
  const RunResult learned = train_into("learned", {"--epochs", "60"});
  ASSERT_EQ(learned.status, 0) << learned.output;
  EXPECT_FALSE(Contains(learned.output, "warning: the best validation loss")) << learned.output;
  EXPECT_TRUE(Contains(read_bytes(path("learned") / "metrics.jsonl"), "\"plateau\":false"));
}

}  // namespace
}  // namespace spikeae
