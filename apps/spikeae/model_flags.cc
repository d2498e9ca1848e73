#include "model_flags.h"

#include "spikeae/error.h"
#include "spikeae/random.h"

namespace spikeae::cli {

void add_model_flags(CLI::App& command, ModelFlags& flags) {
  command.add_option("model", flags.model, "Model file written by spikeae train")->required();
  add_data_flags(command, flags.data);
  command.add_option("--noise", flags.noise,
                     "Noise factor of the test inputs (default: the model's training noise)");
  command.add_option("--seed", flags.seed,
                     "Seed of the test-input noise (default: the model's training seed, which "
                     "reproduces the test loss train reported)");
  command.add_option("--threads", flags.threads, "Worker threads (0: all cores)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
}

LoadedModel load_model_and_test_set(const ModelFlags& flags) {
  LoadedModel loaded{load_model(flags.model), {}};
  EncodingOptions encoding = loaded.saved.config.encoding;
  if (flags.noise) encoding.noise_factor = *flags.noise;
  if (!(encoding.noise_factor >= 0.0 && encoding.noise_factor <= 1.0)) {
    throw Error("invalid --noise: must be in [0, 1], got " + std::to_string(encoding.noise_factor));
  }
  TrainTestData data = load_data(flags.data);
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
