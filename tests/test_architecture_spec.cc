// The architecture string (docs/model.md section 2.2): stages in, a mirrored
// stack out; its errors; reading a stack back; its agreement with the other options.
#include <gtest/gtest.h>

#include "spikeae/architecture_spec.h"
#include "spikeae/config.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/option_table.h"
#include "test_support.h"

namespace spikeae {
namespace {

using test_support::Contains;

std::string parse_error(std::string_view text) {
  return test_support::error_message([&] { parse_architecture(text); });
}

TEST(ArchitectureSpec, ConvStagesAreMirroredByTransposedConvolutions) {
  const Architecture a = parse_architecture("28x28,conv:8:4:2:1,conv:16:4:2:1,dense:32");
  EXPECT_EQ(a.layer_sizes, (std::vector<int>{784, 1568, 784, 32, 784, 1568, 784}));
  EXPECT_EQ(layer_specs_text(a.connections),
            "conv:1:28:28:8:4:2:1,conv:8:14:14:16:4:2:1,dense,dense,"
            "tconv:16:7:7:8:4:2:1,tconv:8:14:14:1:4:2:1");
  EXPECT_NO_THROW(check_layer_specs(a.connections, a.layer_sizes));
}

TEST(ArchitectureSpec, TheMirrorFindsItsOwnPadding) {
  // 3x3 kernels of stride 1 and padding 0 shrink 8 to 6; the mirror pads by 0 and grows
  // 6 back to 8. Stride 3 on 9 with K=3, P=0 gives 3, and back: (3-1)*3+3 = 9.
  EXPECT_EQ(layer_specs_text(parse_architecture("2x8x8,conv:3:3:1:0,dense:5").connections),
            "conv:2:8:8:3:3:1:0,dense,dense,tconv:3:6:6:2:3:1:0");
  EXPECT_EQ(layer_specs_text(parse_architecture("9x9,conv:2:3:3:0,dense:4").connections),
            "conv:1:9:9:2:3:3:0,dense,dense,tconv:2:3:3:1:3:3:0");
}

TEST(ArchitectureSpec, DenseStagesMakeAPlainDenseStack) {
  const Architecture a = parse_architecture("784,dense:256,dense:32");
  EXPECT_EQ(a.layer_sizes, (std::vector<int>{784, 256, 32, 256, 784}));
  EXPECT_TRUE(a.connections.empty());
  EXPECT_EQ(architecture_text(a), "784,dense:256,dense:32");
}

TEST(ArchitectureSpec, ErrorsNameTheStage) {
  EXPECT_TRUE(Contains(parse_error("28x28,conv:8:5:2:2,dense:32"),
                       "\"conv:8:5:2:2\" maps 28x28 to 14x14, which no transposed convolution"));
  EXPECT_TRUE(Contains(parse_error("784,dense:32,conv:8:4:2:1"),
                       "follows a dense stage: a conv stage needs an image below it"));
  EXPECT_TRUE(Contains(parse_error("28x28"), "it needs the input and at least one stage"));
  EXPECT_TRUE(
      Contains(parse_error("28y28,dense:32"), "the input \"28y28\" is not N, HxW or CxHxW"));
  EXPECT_TRUE(Contains(parse_error("28x28,pool:2"), "unknown stage \"pool:2\""));
  EXPECT_TRUE(Contains(parse_error("28x28,dense:0"), "is not dense:N with N at least 1"));
  EXPECT_TRUE(Contains(parse_error("28x28,conv:8:4:2"), "is not conv:C_out:K:S:P"));
  EXPECT_TRUE(Contains(parse_error("28x28,conv:8:4:0:1,dense:3"),
                       "the kernel size and stride must be at least 1"));
  EXPECT_TRUE(Contains(parse_error("4x4,conv:8:5:1:0,dense:3"), "the kernel is larger"));
  EXPECT_TRUE(Contains(parse_error("2147483647x2147483647,dense:3"), "more than 100000 neurons"));
  EXPECT_TRUE(Contains(parse_error("28x28,dense:2147483647"), "more than 100000 neurons"));
  EXPECT_TRUE(Contains(parse_error("28x28,conv:2147483647:4:2:1,dense:3"), "too many channels"));
  EXPECT_TRUE(Contains(parse_error("28x28,conv:1000:4:2:1,dense:3"),
                       "makes a layer of more than 100000 neurons"));
}

TEST(ArchitectureSpec, StacksReadBackOnlyWhenMirrored) {
  for (const char* text :
       {"28x28,conv:8:4:2:1,dense:32", "3x8x8,conv:4:3:1:1,conv:2:2:2:0,dense:7", "100,dense:10"}) {
    EXPECT_EQ(architecture_text(parse_architecture(text)), text);
  }
  Architecture lopsided = parse_architecture("784,dense:256,dense:32");
  lopsided.layer_sizes[3] = 255;
  EXPECT_EQ(architecture_text(lopsided), std::nullopt);
  Architecture local = lopsided;
  local.layer_sizes[3] = 256;
  local.connections = parse_layer_specs("local:98,dense,dense,dense");
  EXPECT_EQ(architecture_text(local), std::nullopt);
}

TEST(ArchitectureSpec, OtherStackOptionsMayOnlyAgree) {
  ArchitectureRequest request;
  request.architecture = "28x28,conv:8:4:2:1,dense:32";
  EXPECT_EQ(resolve_layer_sizes(request), (std::vector<int>{784, 1568, 32, 1568, 784}));
  request.layer_sizes = std::vector<int>{784, 1568, 32, 1568, 784};
  request.layers = "conv:1:28:28:8:4:2:1,dense,dense,tconv:8:14:14:1:4:2:1";
  EXPECT_NO_THROW(resolve_layer_sizes(request));
  request.layer_sizes = std::vector<int>{784, 32, 784};
  EXPECT_TRUE(Contains(test_support::error_message([&] { resolve_layer_sizes(request); }),
                       "conflicts with layer_sizes 784-32-784"));
  request.layer_sizes.reset();
  request.layers = "dense";
  EXPECT_THROW(resolve_layer_sizes(request), Error);
  request.layers.reset();
  request.n_hidden = 16;  // the embedding is 32
  EXPECT_THROW(resolve_layer_sizes(request), Error);
  request.n_hidden.reset();
  request.input_size = 100;
  EXPECT_THROW(resolve_layer_sizes(request), Error);
}

TEST(ArchitectureSpec, TheOptionSetsTheWholeStackAndReadsItBack) {
  const OptionSpec& option = *find_option("architecture");
  TrainingConfig config;
  option.access.set(config, std::string("28x28,conv:8:4:2:1,dense:32"));
  EXPECT_EQ(config.architecture.layer_sizes, (std::vector<int>{784, 1568, 32, 1568, 784}));
  EXPECT_EQ(config.architecture.connections.size(), 4u);
  EXPECT_NO_THROW(validate(config));
  EXPECT_EQ(option.access.get(config), OptionValue(std::string("28x28,conv:8:4:2:1,dense:32")));
}

}  // namespace
}  // namespace spikeae
