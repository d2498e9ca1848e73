#include "model_flags.h"

#include "hyperparameter_flags.h"
#include "integer_flags.h"
#include "spikeae/data_description.h"
#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae::cli {

void add_model_flags(CLI::App& command, ModelFlags& flags) {
  command.add_option("model", flags.model, "Model file written by spikeae train")->required();
  add_data_flags(command, flags.data);
  flags.dataset_option = command.get_option("--dataset");
  command.add_option("--noise", flags.noise,
                     "Noise factor of the test inputs (default: the model's training noise)");
  command
      .add_option("--seed", flags.seed,
                  "Seed of the test-input noise (default: the model's training seed, which "
                  "reproduces the test loss train reported)")
      ->check(integer_in(*find_option("seed")));
  const OptionSpec& threads = *find_option("threads");
  command.add_option(std::string(threads.flag), flags.threads, flag_help(threads))
      ->check(integer_in(threads))
      ->capture_default_str();
}

namespace {

// The model's own data set unless other data are named; says which in `test_name`.
DataFlags choose_data(const ModelFlags& flags, const SavedModel& saved, std::string& test_name) {
  DataFlags data = flags.data;
  const DataDescription trained_on = parse_data_description(saved.dataset);
  const std::optional<std::string> model_dataset = named_dataset(trained_on);
  if (uses_own_files(data)) {
    test_name = data.test_images;
  } else if (flags.dataset_option != nullptr && flags.dataset_option->count() > 0) {
    const bool same = model_dataset && *model_dataset == data.dataset;
    test_name = data.dataset + (same ? "" : " (the model was trained on " + trained_on.name + ")");
  } else if (model_dataset) {
    data.dataset = *model_dataset;
    test_name = data.dataset + " (the model's data set)";
  } else {
    throw Error(flags.model + " was trained on \"" + trained_on.name +
                "\", not on a named data set: give its test images with --train-images, "
                "--train-labels, --test-images and --test-labels, or a data set with --dataset");
  }
  return data;
}

}  // namespace

LoadedModel load_model_and_test_set(const ModelFlags& flags) {
  LoadedModel loaded{load_model(flags.model), {}, {}};
  EncodingOptions encoding = loaded.saved.config.encoding;
  if (flags.noise) encoding.noise_factor = *flags.noise;
  if (!(encoding.noise_factor >= 0.0 && encoding.noise_factor <= 1.0)) {
    throw Error("invalid --noise: must be in [0, 1], got " + std::to_string(encoding.noise_factor));
  }
  TrainTestData data = load_data(choose_data(flags, loaded.saved, loaded.test_name));
  const std::size_t n_inputs = loaded.saved.network.n_inputs();
  if (data.test.pixels_per_image() != n_inputs) {
    throw Error(flags.model + " expects images of " + std::to_string(n_inputs) +
                " pixels but the test images have " + std::to_string(data.test.pixels_per_image()));
  }
  loaded.test = make_example_set(
      std::move(data.test), encoding,
      derive_seed(flags.seed.value_or(loaded.saved.config.train.seed), Stream::kTestNoise));
  return loaded;
}

}  // namespace spikeae::cli
