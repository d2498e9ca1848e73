// spikeae export: a model file as a NIR graph for other simulators and hardware.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "spikeae/model_file.h"
#include "spikeae/nir_file.h"

namespace spikeae::cli {

void add_export_command(CLI::App& app) {
  struct Flags {
    std::string model;
    std::string output = "model.nir";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "export", "A model as a NIR graph (HDF5) of CubaLIF neurons (docs/nir.md)");
  command->add_option("model", flags->model, "Model file written by spikeae train")->required();
  command->add_option("-o,--output", flags->output, "Output file, a NIR graph")
      ->capture_default_str();
  command->callback([flags] {
    const SavedModel model = load_model(flags->model);
    save_nir(flags->output, model);
    std::printf("wrote %s: NIR graph of %zu layers, %d pulses per layer\n", flags->output.c_str(),
                model.network.architecture.layer_sizes.size(), model.network.n_pulses());
  });
}

}  // namespace spikeae::cli
