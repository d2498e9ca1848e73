// The architecture string (docs/model.md section 2.2): parsed into encoder stages,
// then mirrored into the decoder.
#include "spikeae/architecture_spec.h"

#include <array>
#include <charconv>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"
#include "spikeae/layer_spec.h"
#include "spikeae/option_table.h"

namespace spikeae {
namespace {

// The largest layer any option accepts (n_hidden's range); larger is refused here
// so that no product overflows, and validate() words the range for the others.
long long largest_layer() { return static_cast<long long>(find_option("n_hidden")->range.high); }

// A layer seen as an image: channels x height x width (a flat layer: n x 1 x 1).
struct Shape {
  int channels = 0, height = 1, width = 1;
  bool spatial = false;
  int neurons() const { return channels * height * width; }
};

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw Error("invalid architecture \"" + std::string(text) + "\": " + why +
              " (expected e.g. 28x28,conv:8:4:2:1,dense:32: the input as N, HxW or CxHxW, "
              "then conv:C_out:K:S:P and dense:N stages; the decoder is mirrored)");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Whole numbers of at least `least`, separated by `separator`; nothing if malformed.
std::optional<std::vector<int>> numbers(std::string_view text, char separator, int least) {
  std::vector<int> values;
  for (std::string_view part : split(text, separator)) {
    int value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size() || value < least) return {};
    values.push_back(value);
  }
  return values;
}

Shape input_shape(std::string_view text, std::string_view part) {
  const auto dims = numbers(part, 'x', 1);
  if (!dims || dims->size() > 3)
    fail(text, "the input \"" + std::string(part) + "\" is not N, HxW or CxHxW");
  if (dims->size() == 1) return {dims->at(0), 1, 1, false};
  const bool has_channels = dims->size() == 3;
  const long long neurons = 1LL * dims->at(0) * dims->at(1) * (has_channels ? dims->at(2) : 1);
  if (neurons > largest_layer()) {
    fail(text, "the input has more than " + std::to_string(largest_layer()) + " neurons");
  }
  if (has_channels) return {dims->at(0), dims->at(1), dims->at(2), true};
  return {1, dims->at(0), dims->at(1), true};
}

// The transposed convolution that takes a conv's output back to its input, or
// nothing when no whole padding does.
std::optional<int> mirror_padding(int in, int out, int kernel, int stride) {
  const int twice = (out - 1) * stride + kernel - in;
  if (twice < 0 || twice % 2 != 0 || twice / 2 >= kernel) return {};
  return twice / 2;
}

struct Stage {
  LayerSpec encoder, decoder;
  Shape out;
};

Stage conv_stage(std::string_view text, std::string_view part, const Shape& in) {
  const auto fields = numbers(part.substr(5), ':', 0);
  if (!fields || fields->size() != 4)
    fail(text, "\"" + std::string(part) + "\" is not conv:C_out:K:S:P");
  if (!in.spatial)
    fail(text, "\"" + std::string(part) +
                   "\" follows a dense stage: a conv stage needs an image below it");
  const auto [out_channels, kernel, stride, padding] =
      std::array{fields->at(0), fields->at(1), fields->at(2), fields->at(3)};
  const ConvShape shape{in.channels, in.height, in.width, out_channels, kernel, stride, padding};
  const LayerSpec encoder{LayerKind::conv, 0, shape};
  if (out_channels > largest_layer())
    fail(text, "\"" + std::string(part) + "\" has too many channels");
  try {
    check_conv_shape(LayerKind::conv, shape);
  } catch (const Error& error) {
    fail(text, "\"" + std::string(part) + "\": " + error.what());
  }
  Stage stage;
  stage.encoder = encoder;
  stage.out = {out_channels, shape.out_height(), shape.out_width(), true};
  if (1LL * stage.out.channels * stage.out.height * stage.out.width > largest_layer()) {
    fail(text, "\"" + std::string(part) + "\" makes a layer of more than " +
                   std::to_string(largest_layer()) + " neurons");
  }
  const auto pad_y = mirror_padding(in.height, stage.out.height, kernel, stride);
  const auto pad_x = mirror_padding(in.width, stage.out.width, kernel, stride);
  if (!pad_y || !pad_x || *pad_y != *pad_x) {
    fail(text, "\"" + std::string(part) + "\" maps " + std::to_string(in.height) + "x" +
                   std::to_string(in.width) + " to " + std::to_string(stage.out.height) + "x" +
                   std::to_string(stage.out.width) +
                   ", which no transposed convolution of that kernel and stride maps back; "
                   "choose K, S, P with H + 2P - K a multiple of S (e.g. K=4, S=2, P=1 halves an "
                   "even size)");
  }
  stage.decoder = {
      LayerKind::tconv,
      0,
      {out_channels, stage.out.height, stage.out.width, in.channels, kernel, stride, *pad_y}};
  return stage;
}

Stage dense_stage(std::string_view text, std::string_view part) {
  const auto fields = numbers(part.substr(6), ':', 1);
  if (!fields || fields->size() != 1)
    fail(text, "\"" + std::string(part) + "\" is not dense:N with N at least 1");
  if (fields->front() > largest_layer()) {
    fail(text, "\"" + std::string(part) + "\" has more than " + std::to_string(largest_layer()) +
                   " neurons");
  }
  return {{}, {}, {fields->front(), 1, 1, false}};
}

}  // namespace

Architecture parse_architecture(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() < 2) fail(text, "it needs the input and at least one stage");
  std::vector<Shape> shapes{input_shape(text, parts[0])};
  std::vector<Stage> stages;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (part.substr(0, 5) == "conv:") {
      stages.push_back(conv_stage(text, part, shapes.back()));
    } else if (part.substr(0, 6) == "dense:") {
      stages.push_back(dense_stage(text, part));
    } else {
      fail(text, "unknown stage \"" + std::string(part) + "\"");
    }
    shapes.push_back(stages.back().out);
  }
  Architecture architecture;
  architecture.layer_sizes.clear();
  for (const Shape& shape : shapes) architecture.layer_sizes.push_back(shape.neurons());
  for (std::size_t i = shapes.size() - 1; i-- > 0;)
    architecture.layer_sizes.push_back(shapes[i].neurons());
  for (const Stage& stage : stages) architecture.connections.push_back(stage.encoder);
  for (std::size_t i = stages.size(); i-- > 0;)
    architecture.connections.push_back(stages[i].decoder);
  // An all-dense stack keeps no specs (its one spelling).
  architecture.connections = parse_layer_specs(layer_specs_text(architecture.connections));
  return architecture;
}

}  // namespace spikeae

namespace spikeae {
namespace {

// The stage text of the encoder's connection c, or nothing for a kind stages lack.
std::optional<std::string> stage_text(const Architecture& architecture, std::size_t c) {
  if (architecture.connections.empty()) {
    return "dense:" + std::to_string(architecture.layer_sizes[c + 1]);
  }
  const LayerSpec& spec = architecture.connections[c];
  if (spec.kind == LayerKind::dense)
    return "dense:" + std::to_string(architecture.layer_sizes[c + 1]);
  if (spec.kind != LayerKind::conv) return {};
  const ConvShape& s = spec.conv;
  return "conv:" + std::to_string(s.out_channels) + ":" + std::to_string(s.kernel) + ":" +
         std::to_string(s.stride) + ":" + std::to_string(s.padding);
}

std::string input_text(const Architecture& architecture) {
  const bool image =
      !architecture.connections.empty() && architecture.connections.front().kind == LayerKind::conv;
  if (!image) return std::to_string(architecture.layer_sizes.front());
  const ConvShape& s = architecture.connections.front().conv;
  const std::string plane = std::to_string(s.height) + "x" + std::to_string(s.width);
  return s.in_channels == 1 ? plane : std::to_string(s.in_channels) + "x" + plane;
}

}  // namespace

std::optional<std::string> architecture_text(const Architecture& architecture) {
  const std::size_t connections = architecture.layer_sizes.size() - 1;
  if (architecture.layer_sizes.size() < 2 || connections % 2 != 0) return {};
  std::string text = input_text(architecture);
  for (std::size_t c = 0; c < connections / 2; ++c) {
    const std::optional<std::string> stage = stage_text(architecture, c);
    if (!stage) return {};
    text += "," + *stage;
  }
  try {
    const Architecture mirrored = parse_architecture(text);
    const bool same = mirrored.layer_sizes == architecture.layer_sizes &&
                      mirrored.connections == architecture.connections;
    return same ? std::optional<std::string>(text) : std::nullopt;
  } catch (const Error&) {
    return {};
  }
}

void check_architecture_agrees(std::string_view text, const Architecture& parsed,
                               const std::optional<std::vector<int>>& layer_sizes,
                               const std::optional<std::string>& layers) {
  const std::string what = "architecture \"" + std::string(text) + "\"";
  if (layer_sizes && *layer_sizes != parsed.layer_sizes) {
    throw Error(what + " makes layer_sizes " + format_layer_sizes(parsed.layer_sizes) +
                ", which conflicts with layer_sizes " + format_layer_sizes(*layer_sizes) +
                ": give only one of them");
  }
  if (layers && parse_layer_specs(*layers) != parsed.connections) {
    throw Error(what + " makes layers " + layer_specs_text(parsed.connections) +
                ", which conflicts with layers " + *layers + ": give only one of them");
  }
}

}  // namespace spikeae
