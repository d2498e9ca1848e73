// NIR graphs: export and import give the network back bit for bit, and every
// kind of bad file is refused with a message that names the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "io/hdf5_file.h"
#include "spikeae/config.h"
#include "spikeae/error.h"
#include "spikeae/nir_file.h"
#include "test_support.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;
using test_support::Contains;
using test_support::same_bits;

SavedModel sample_model(std::vector<int> sizes, int pulses) {
  TrainingConfig config;
  config.architecture.layer_sizes = std::move(sizes);
  config.architecture.n_pulses = pulses;
  config.neuron.decay_rate = 0.3;
  config.neuron.fire_threshold = 1.1;
  config.encoding = {.inverted = false, .noise_factor = 0.25};
  config.loss.latency = 1.5;
  config.train.seed = 18446744073709551557ull;  // needs all 64 bits
  Network network = make_network(config.architecture, config.neuron, config.init, 7);
  for (int c = 0; c < network.num_connections(); ++c) {
    for (double& t : network.pulses[c]) t *= 1.0 + 0.37 * c;  // not the initial grid
  }
  return SavedModel{std::move(network), config, 12, 0.0123, "mnist"};
}

std::string load_error(const fs::path& path) {
  try {
    load_nir(path);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// Changes a written file in place with the HDF5 C API.
void edit(const fs::path& path, const std::function<void(hid_t)>& change) {
  const io::h5::Session session;
  const io::h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  ASSERT_GE(file.get(), 0);
  change(file.get());
}

class NirFile : public ::testing::Test {
 protected:
  test_support::TempFolder folder{"spikeae_nir"};
  fs::path path = folder.path() / "model.nir";
  SavedModel model = sample_model({6, 4, 5}, 3);
  void SetUp() override { save_nir(path, model); }
};

TEST_F(NirFile, RoundTripIsBitExact) {
  const SavedModel loaded = load_nir(path);
  EXPECT_TRUE(same_bits(loaded.network, model.network));
  EXPECT_EQ(loaded.network, model.network);
  EXPECT_EQ(loaded.config.architecture, model.config.architecture);
  EXPECT_EQ(loaded.config.neuron, model.config.neuron);
  EXPECT_EQ(loaded.config.encoding, model.config.encoding);
  EXPECT_EQ(loaded.config.loss.latency, model.config.loss.latency);
  EXPECT_EQ(loaded.config.train.seed, model.config.train.seed);
  EXPECT_EQ(loaded.dataset, "mnist");
  EXPECT_EQ(loaded.epochs_trained, 12);
  EXPECT_EQ(loaded.validation_loss, 0.0123);
}

TEST_F(NirFile, RoundTripWithoutPulsesAndDeeper) {
  model = sample_model({5, 3, 2, 3, 5}, 0);
  save_nir(path, model);  // replaces the file
  EXPECT_TRUE(same_bits(load_nir(path).network, model.network));
}

TEST_F(NirFile, LocalLayersComeBackDenseWithTheSameWeights) {
  model.config.architecture.connections = parse_layer_specs("local:2,dense");
  model.network = make_network(model.config.architecture, model.config.neuron, {}, 3);
  save_nir(path, model);
  const Network loaded = load_nir(path).network;
  EXPECT_TRUE(loaded.all_dense());
  for (int c = 0; c < 2; ++c) {
    for (int source = 0; source < model.network.fan_in(c); ++source) {
      for (int post = 0; post < model.network.n_post(c); ++post) {
        EXPECT_TRUE(same_bits(loaded.weight(c, source, post),
                              input_weight(model.network, c, source, post)));
      }
    }
  }
}

TEST_F(NirFile, ExponentialKindIsRefused) {
  model.network.neuron.kind = model.config.neuron.kind = NeuronKind::exponential;
  try {
    save_nir(folder.path() / "exp.nir", model);
    FAIL() << "exported";
  } catch (const Error& error) {
    EXPECT_TRUE(Contains(error.what(), "no node for the exponential neuron kind"));
  }
  EXPECT_FALSE(fs::exists(folder.path() / "exp.nir"));
}

TEST_F(NirFile, MissingAndForeignFilesAreRefused) {
  EXPECT_TRUE(Contains(load_error(folder.path() / "none.nir"), "none.nir: no such file"));
  std::ofstream(folder.path() / "text.nir") << "not hdf5\n";
  EXPECT_TRUE(Contains(load_error(folder.path() / "text.nir"), "is not an HDF5 file"));
  EXPECT_TRUE(Contains(load_error(folder.path()), "is a folder"));
}

TEST_F(NirFile, TruncatedFileIsRefused) {
  fs::resize_file(path, fs::file_size(path) / 2);
  EXPECT_TRUE(Contains(load_error(path), "damaged or truncated"));
}

TEST_F(NirFile, MissingNodeIsRefused) {
  edit(path, [](hid_t file) { H5Ldelete(file, "/node/nodes/lif1", H5P_DEFAULT); });
  EXPECT_TRUE(Contains(load_error(path), "model.nir: node lif1 is missing"));
}

TEST_F(NirFile, WrongShapeIsRefused) {
  edit(path, [](hid_t file) {
    H5Ldelete(file, "/node/nodes/linear1/weight", H5P_DEFAULT);
    const io::h5::Handle node(H5Gopen2(file, "/node/nodes/linear1", H5P_DEFAULT), H5Gclose);
    io::h5::write_doubles(node.get(), "weight", std::vector<double>(6), {2, 3});
  });
  EXPECT_TRUE(Contains(load_error(path), "node linear1: weight has shape (2, 3), expected (4, 6)"));
}

TEST_F(NirFile, OtherNodeTypesAreRefused) {
  edit(path, [](hid_t file) {
    H5Ldelete(file, "/node/nodes/lif2/type", H5P_DEFAULT);
    const io::h5::Handle node(H5Gopen2(file, "/node/nodes/lif2", H5P_DEFAULT), H5Gclose);
    io::h5::write_string(node.get(), "type", "LIF");
  });
  EXPECT_TRUE(Contains(load_error(path), "node lif2 is a LIF, expected a CubaLIF"));
}

TEST_F(NirFile, ExtraNodeIsRefused) {
  edit(path, [](hid_t file) {
    const io::h5::Handle nodes(H5Gopen2(file, "/node/nodes", H5P_DEFAULT), H5Gclose);
    const io::h5::Handle node = io::h5::create_group(nodes.get(), "conv");
    io::h5::write_string(node.get(), "type", "Conv2d");
  });
  EXPECT_TRUE(Contains(load_error(path), "unsupported node conv (type Conv2d)"));
}

TEST_F(NirFile, GraphOfAnotherProducerIsRefused) {
  edit(path, [](hid_t file) { H5Ldelete(file, "/node/metadata", H5P_DEFAULT); });
  EXPECT_TRUE(Contains(load_error(path), "spikeae imports only the NIR graphs it exports"));
}

TEST_F(NirFile, ChangedNeuronConstantIsRefused) {
  edit(path, [](hid_t file) {
    H5Ldelete(file, "/node/nodes/lif1/tau_mem", H5P_DEFAULT);
    const io::h5::Handle node(H5Gopen2(file, "/node/nodes/lif1", H5P_DEFAULT), H5Gclose);
    io::h5::write_doubles(node.get(), "tau_mem", std::vector<double>(4, 20.0), {4});
  });
  EXPECT_TRUE(Contains(load_error(path), "node lif1: tau_mem is not the alpha kernel's"));
}

}  // namespace
}  // namespace spikeae
