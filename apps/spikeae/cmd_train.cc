// spikeae train: the full protocol (split, train, validate every epoch, test the
// best-validation model) with a saved model, metrics and a picture.
#include <cstdio>
#include <memory>
#include <optional>
#include <set>

#include "commands.h"
#include "data_flags.h"
#include "hyperparameter_flags.h"
#include "interrupts.h"
#include "resume_flags.h"
#include "spikeae/error.h"
#include "spikeae/run.h"
#include "train_report.h"

namespace spikeae::cli {
namespace {

struct TrainFlags {
  HyperparameterFlags hyperparameters;
  DataFlags data;
  SplitFlags split;
  std::string out = "runs/default";
  bool test_every_epoch = false;
  bool resume = false;
  bool overwrite = false;
  std::set<std::string> given;  // flags typed on the command line, by their first name
};

RunFolderMode folder_mode(const TrainFlags& flags) {
  if (flags.resume && flags.overwrite) throw Error("--resume and --overwrite cannot be combined");
  if (flags.resume) return RunFolderMode::kResume;
  return flags.overwrite ? RunFolderMode::kOverwrite : RunFolderMode::kNew;
}

void run_train(const TrainFlags& flags) {
  // Options first: a bad flag fails before the data are read or the folder touched.
  resolve_config(flags.hyperparameters);
  const RunFolderMode mode = folder_mode(flags);
  TrainTestData data = load_data(flags.data);
  RunSpec spec;
  spec.config = resolve_config(flags.hyperparameters, data.train.pixels_per_image());
  spec.split = split_options(flags.split);
  spec.data_name = data_name(flags.data);
  spec.folder = flags.out;
  spec.folder_mode = mode;
  spec.test_every_epoch = flags.test_every_epoch;
  spec.on_resume = [&flags](const Checkpoint& checkpoint) {
    return resumed_config(flags.hyperparameters, flags.given, checkpoint, flags.out);
  };
  spec.test_name =
      uses_own_files(flags.data) ? flags.data.test_images : flags.data.dataset + " test set";
  std::optional<ProgressPrinter> printer;
  const RunOutcome outcome = [&] {
    const InterruptHandlers interrupts;
    return run_training(spec, {std::move(data.train), std::move(data.test)},
                        terminal_callbacks(flags.out, flags.test_every_epoch, printer));
  }();
  if (!outcome.report_problem.empty()) {
    std::fprintf(stderr, "warning: no report written: %s\n", outcome.report_problem.c_str());
  }
  print_end(outcome, flags.out);
  if (outcome.result.stopped) {
    throw Error("training was interrupted after epoch " +
                std::to_string(outcome.result.history.size()));
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* command = app.add_subcommand(
      "train", "Train a spiking autoencoder, test its best-validation model, save it");
  add_hyperparameter_flags(*command, flags->hyperparameters);
  add_data_flags(*command, flags->data);
  add_split_flags(*command, flags->split);
  command->add_option("--out", flags->out, "Output folder (one run per folder)")
      ->capture_default_str();
  command->add_flag(both_spellings("--test-every-epoch"), flags->test_every_epoch,
                    "Also measure the test loss after every epoch (a learning curve)");
  command->add_flag("--resume", flags->resume,
                    "Continue the run in --out from its checkpoint.spikeae (bit-identical to an "
                    "uninterrupted run; only --epochs and --threads may change); starts it if "
                    "the folder holds no run");
  command->add_flag("--overwrite", flags->overwrite,
                    "Replace the run that --out holds (its files are removed when training "
                    "starts); without it such a folder is refused");
  command->callback([flags, command] {
    flags->given.clear();
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() > 0) flags->given.insert(option->get_name());
    }
    run_train(*flags);
  });
}

}  // namespace spikeae::cli
