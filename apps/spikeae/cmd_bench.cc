// spikeae bench: training and inference throughput on real data, per thread
// count, with peak memory and the event-driven work per layer. Every speed
// figure in docs/performance.md comes from this command.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include "commands.h"
#include "data_flags.h"
#include "hyperparameter_flags.h"
#include "integer_flags.h"
#include "spikeae/activity.h"
#include "spikeae/engine.h"
#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae::cli {
namespace {

struct BenchFlags {
  HyperparameterFlags hyperparameters;
  DataFlags data;
  std::size_t train_size = 10000;
  std::string thread_counts = "1,2";
  int repeats = 3;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<int> parse_thread_counts(const std::string& text) {
  std::vector<int> counts;
  std::istringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    try {
      counts.push_back(std::stoi(part));
    } catch (const std::exception&) {
      throw Error("invalid --threads-list \"" + text + "\": expected e.g. 1,2");
    }
    if (counts.back() < 1 || counts.back() > 1024) {
      throw Error("invalid --threads-list: each count must be in [1, 1024]");
    }
  }
  if (counts.empty()) throw Error("--threads-list is empty");
  return counts;
}

double peak_resident_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports kilobytes
}

// One epoch over `set` from the same starting network: training examples/s.
double training_rate(const Network& start, TrainingConfig config, const ExampleSet& set,
                     int threads) {
  config.train.epochs = 1;
  config.train.threads = threads;
  const TrainResult result = train_network(start, config, set, ExampleSet{});
  return result.history.front().examples_per_second;
}

double inference_rate(const Network& network, const ExampleSet& set, double latency, int threads) {
  const std::unique_ptr<Engine> engine = make_cpu_engine(threads);
  const auto start = std::chrono::steady_clock::now();
  evaluate_loss(network, set, latency, *engine);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return set.size() / std::max(seconds, 1e-9);
}

void print_activity(const Network& network, const ExampleSet& set) {
  const std::vector<LayerActivity> activity = measure_activity(network, set, 0);
  std::printf("\nevent-driven work per example (test images):\n");
  std::printf("  layer  neurons  input spikes  neurons firing  causal inputs per firing neuron\n");
  for (std::size_t c = 0; c < activity.size(); ++c) {
    std::printf("  %5zu  %7d  %12.1f  %13.1f%%  %30.1f\n", c + 1, network.n_post(c),
                activity[c].input_events, 100.0 * activity[c].spiking_fraction,
                activity[c].causal_inputs);
  }
}

// The medians per thread count; with a one-thread row, each count's training
// speed-up over it too (the scaling that docs/performance.md quotes).
void print_rates(const std::vector<int>& thread_counts,
                 const std::vector<std::vector<double>>& training,
                 const std::vector<std::vector<double>>& inference) {
  const auto one = std::find(thread_counts.begin(), thread_counts.end(), 1);
  const bool scaling = one != thread_counts.end();
  const double one_thread = scaling ? median(training[one - thread_counts.begin()]) : 0.0;
  std::printf("  threads  training ex/s  inference ex/s%s\n",
              scaling ? "  training vs 1 thread" : "");
  for (std::size_t k = 0; k < thread_counts.size(); ++k) {
    std::printf("  %7d  %13.0f  %14.0f", thread_counts[k], median(training[k]),
                median(inference[k]));
    if (scaling) std::printf("  %19.2fx", median(training[k]) / one_thread);
    std::printf("\n");
  }
}

void run_bench(const BenchFlags& flags) {
  const std::vector<int> thread_counts = parse_thread_counts(flags.thread_counts);
  if (flags.repeats < 1) throw Error("--repeats must be at least 1");
  TrainTestData data = load_data(flags.data);
  const TrainingConfig config =
      resolve_config(flags.hyperparameters, data.train.pixels_per_image());
  if (flags.train_size > data.train.size()) throw Error("--train-size exceeds the training file");
  const std::uint64_t seed = config.train.seed;
  const ExampleSet train_set =
      make_example_set(data.train.slice(0, flags.train_size), config.encoding,
                       derive_seed(seed, Stream::kTrainNoise));
  const ExampleSet test_set = make_example_set(std::move(data.test), config.encoding,
                                               derive_seed(seed, Stream::kTestNoise));
  // Warm up: one epoch, so spike counts are those of a network that has learned.
  std::printf("warm-up: one epoch on %zu images...\n", train_set.size());
  std::fflush(stdout);
  TrainingConfig warm = config;
  warm.train.epochs = 1;
  const Network network = train(warm, train_set, ExampleSet{}).final_network;

  std::printf("\n%zu training images, %zu test images, batch %d, median of %d runs\n",
              train_set.size(), test_set.size(), config.train.batch_size, flags.repeats);
  // Thread counts alternate within each repeat, so that on a machine whose speed
  // drifts every count is sampled over the same period.
  std::vector<std::vector<double>> training(thread_counts.size()), inference(thread_counts.size());
  for (int r = 0; r < flags.repeats; ++r) {
    for (std::size_t k = 0; k < thread_counts.size(); ++k) {
      training[k].push_back(training_rate(network, config, train_set, thread_counts[k]));
      inference[k].push_back(
          inference_rate(network, test_set, config.loss.latency, thread_counts[k]));
    }
    std::printf("  run %d of %d done\n", r + 1, flags.repeats);
    std::fflush(stdout);
  }
  print_rates(thread_counts, training, inference);
  print_activity(network, test_set);
  std::printf("\npeak resident memory: %.0f MB\n", peak_resident_megabytes());
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* command = app.add_subcommand(
      "bench", "Measure training and inference throughput on real data per thread count");
  add_hyperparameter_flags(*command, flags->hyperparameters, EpochsFlag::kHidden);
  add_data_flags(*command, flags->data);
  command
      ->add_option(both_spellings("--train-size"), flags->train_size,
                   "Training images per measured epoch")
      ->check(integer_in(1, std::uint64_t{1} << 31))
      ->capture_default_str();
  command
      ->add_option(both_spellings("--threads-list"), flags->thread_counts,
                   "Thread counts to measure")
      ->capture_default_str();
  command->add_option("--repeats", flags->repeats, "Runs per thread count (median reported)")
      ->check(integer_in(1, 1000))
      ->capture_default_str();
  command->callback([flags] { run_bench(*flags); });
}

}  // namespace spikeae::cli
