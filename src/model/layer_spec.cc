#include "spikeae/layer_spec.h"

#include <charconv>
#include <limits>
#include <utility>

#include "spikeae/error.h"

namespace spikeae {
namespace {

constexpr std::size_t kConvFields = 7;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Colon-separated non-negative integers, or nothing when any is malformed.
std::optional<std::vector<int>> parse_numbers(std::string_view text) {
  std::vector<int> numbers;
  for (std::size_t start = 0;;) {
    const std::size_t colon = text.find(':', start);
    const std::string_view digits = text.substr(start, colon - start);
    int number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error != std::errc() || end != digits.data() + digits.size() || number < 0) return {};
    numbers.push_back(number);
    if (colon == std::string_view::npos) return numbers;
    start = colon + 1;
  }
}

ConvShape conv_shape(const std::vector<int>& n) {
  return {n[0], n[1], n[2], n[3], n[4], n[5], n[6]};
}

LayerSpec parse_one(std::string_view text) {
  if (text == "dense") return {};
  if (starts_with(text, "local:")) {
    const auto numbers = parse_numbers(text.substr(6));
    if (numbers && numbers->size() == 1 && numbers->front() >= 1) {
      return {LayerKind::local, numbers->front()};
    }
  }
  for (const LayerKind kind : {LayerKind::conv, LayerKind::tconv}) {
    const std::string prefix = std::string(layer_kind_name(kind)) + ':';
    if (!starts_with(text, prefix)) continue;
    const auto numbers = parse_numbers(text.substr(prefix.size()));
    if (numbers && numbers->size() == kConvFields) return {kind, 0, conv_shape(*numbers)};
  }
  throw Error("invalid layer spec \"" + std::string(text) +
              "\": must be dense, local:W with W a window of at least 1 neuron, "
              "conv:C_in:H:W:C_out:K:S:P or tconv:C_in:H:W:C_out:K:S:P with seven whole numbers");
}

std::string conv_fields_text(const ConvShape& s) {
  std::string text;
  for (int n : {s.in_channels, s.height, s.width, s.out_channels, s.kernel, s.stride, s.padding}) {
    text += ':' + std::to_string(n);
  }
  return text;
}

// A conv or tconv's output height and width, in 64 bits whatever the fields hold.
std::pair<long long, long long> out_size(LayerKind kind, const ConvShape& s) {
  const auto size = [&](long long in) {
    if (kind == LayerKind::conv) return (in + 2LL * s.padding - s.kernel) / s.stride + 1;
    return (in - 1) * s.stride + s.kernel - 2LL * s.padding;
  };
  return {size(s.height), size(s.width)};
}

// The shape's own sense, whatever the layer sizes; throws through `fail`.
template <class Fail>
void check_shape(LayerKind kind, const ConvShape& s, const Fail& fail) {
  if (s.in_channels < 1 || s.height < 1 || s.width < 1 || s.out_channels < 1) {
    fail("the channels, height and width must be at least 1");
  }
  if (s.kernel < 1 || s.stride < 1) fail("the kernel size and stride must be at least 1");
  if (s.padding >= s.kernel) fail("the padding must be less than the kernel size");
  if (kind == LayerKind::conv) {
    if (s.kernel > s.height + 2LL * s.padding || s.kernel > s.width + 2LL * s.padding) {
      fail("the kernel is larger than the padded input");
    }
    // Also bounds each channel's weights (C_in*K*K <= C_in*H*W, the layer below), so
    // no weight count can overflow whatever a file holds.
    if (s.kernel > s.height || s.kernel > s.width) fail("the kernel is larger than the input");
    return;
  }
  if (s.stride > s.kernel)
    fail("the stride must be at most the kernel size (or outputs see nothing)");
  // Bounds the weights as for conv: C_in*K*K*C_out <= C_in * (the layer's neurons).
  const auto [height, width] = out_size(kind, s);
  if (s.kernel > height || s.kernel > width) {
    fail("the kernel is larger than the output (too much padding)");
  }
}

// channels * height * width, or -1 when it would not fit an int (the factors are
// checked first, so the product stays within 64 bits).
long long neurons(long long channels, long long height, long long width) {
  constexpr long long kLargest = std::numeric_limits<int>::max();
  if (height > kLargest || width > kLargest || height * width > kLargest) return -1;
  const long long count = channels * height * width;
  return count <= kLargest ? count : -1;
}

std::string neurons_text(long long channels, long long height, long long width, long long count) {
  return std::to_string(channels) + "*" + std::to_string(height) + "*" + std::to_string(width) +
         (count >= 0 ? " = " + std::to_string(count) : "");
}

// Throws Error unless the shape is a conv or tconv from n_pre to n_post neurons.
void check_conv(const std::string& where, LayerKind kind, const ConvShape& s, int n_pre,
                int n_post) {
  const auto fail = [&](const std::string& why) { throw Error(where + ": " + why); };
  check_shape(kind, s, fail);
  const long long inputs = neurons(s.in_channels, s.height, s.width);
  if (inputs != n_pre) {
    fail("C_in*H*W is " + neurons_text(s.in_channels, s.height, s.width, inputs) +
         ", but the layer below has " + std::to_string(n_pre) + " neurons");
  }
  const auto [height, width] = out_size(kind, s);
  const long long outputs = neurons(s.out_channels, height, width);
  if (outputs != n_post) {
    fail("C_out*H_out*W_out is " + neurons_text(s.out_channels, height, width, outputs) +
         ", but the layer has " + std::to_string(n_post) + " neurons");
  }
}

}  // namespace

void check_conv_shape(LayerKind kind, const ConvShape& shape) {
  check_shape(kind, shape, [](const std::string& why) { throw Error(why); });
}

std::optional<LayerKind> layer_kind_from_number(std::uint32_t number) {
  if (number == static_cast<std::uint32_t>(LayerKind::dense)) return LayerKind::dense;
  if (number == static_cast<std::uint32_t>(LayerKind::local)) return LayerKind::local;
  if (number == static_cast<std::uint32_t>(LayerKind::conv)) return LayerKind::conv;
  if (number == static_cast<std::uint32_t>(LayerKind::tconv)) return LayerKind::tconv;
  return std::nullopt;
}

std::string layer_spec_text(const LayerSpec& spec) {
  if (spec.kind == LayerKind::local) return "local:" + std::to_string(spec.window);
  if (is_convolution(spec.kind)) {
    return std::string(layer_kind_name(spec.kind)) + conv_fields_text(spec.conv);
  }
  return std::string(layer_kind_name(spec.kind));
}

std::string layer_specs_text(const std::vector<LayerSpec>& specs) {
  if (specs.empty()) return "dense";
  std::string text;
  for (const LayerSpec& spec : specs) {
    if (!text.empty()) text += ',';
    text += layer_spec_text(spec);
  }
  return text;
}

std::vector<LayerSpec> parse_layer_specs(std::string_view text) {
  std::vector<LayerSpec> specs;
  bool all_dense = true;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    specs.push_back(parse_one(text.substr(start, comma - start)));
    all_dense = all_dense && specs.back().kind == LayerKind::dense;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // One spelling per network: an all-dense one has no specs (as before layer kinds).
  if (all_dense) specs.clear();
  return specs;
}

std::vector<std::int64_t> layer_spec_fields(const LayerSpec& spec) {
  if (spec.kind == LayerKind::local) return {spec.window};
  if (is_convolution(spec.kind)) {
    const ConvShape& s = spec.conv;
    return {s.in_channels, s.height, s.width, s.out_channels, s.kernel, s.stride, s.padding};
  }
  return {};
}

void check_layer_spec_field_count(LayerKind kind, std::size_t count) {
  const std::size_t expected =
      is_convolution(kind) ? kConvFields : (kind == LayerKind::local ? 1 : 0);
  if (count != expected) {
    throw Error(std::string(layer_kind_name(kind)) + " layers have " + std::to_string(expected) +
                " spec field" + (expected == 1 ? "" : "s") + ", not " + std::to_string(count));
  }
}

LayerSpec layer_spec_from_fields(LayerKind kind, const std::vector<std::int64_t>& fields) {
  check_layer_spec_field_count(kind, fields.size());
  // Fields are range-checked by the reader, and check_layer_specs checks their sense.
  std::vector<int> numbers;
  for (std::int64_t field : fields) numbers.push_back(static_cast<int>(field));
  if (is_convolution(kind)) return {kind, 0, conv_shape(numbers)};
  return kind == LayerKind::local ? LayerSpec{kind, numbers[0]} : LayerSpec{kind};
}

void check_layer_specs(const std::vector<LayerSpec>& specs, const std::vector<int>& layer_sizes) {
  if (specs.empty()) return;
  const std::size_t connections = layer_sizes.empty() ? 0 : layer_sizes.size() - 1;
  if (specs.size() != connections) {
    throw Error("the layer specs \"" + layer_specs_text(specs) + "\" name " +
                std::to_string(specs.size()) + " connections, but the " +
                std::to_string(layer_sizes.size()) + " layer sizes make " +
                std::to_string(connections) + ": give one spec per connection");
  }
  for (std::size_t c = 0; c < specs.size(); ++c) {
    const LayerSpec& spec = specs[c];
    if (!layer_kind_from_number(static_cast<std::uint32_t>(spec.kind))) {
      throw Error("connection " + std::to_string(c) + " has unknown layer kind " +
                  std::to_string(static_cast<std::uint32_t>(spec.kind)));
    }
    const std::string kind_name(layer_kind_name(spec.kind));
    if (!is_convolution(spec.kind) && spec.conv != ConvShape{}) {
      throw Error("connection " + std::to_string(c) + " is " + kind_name + " but has a conv shape");
    }
    if (is_convolution(spec.kind)) {
      if (spec.window != 0) {
        throw Error("connection " + std::to_string(c) + " is " + kind_name +
                    " but has a window of " + std::to_string(spec.window) +
                    " neurons: " + kind_name + " layers have none");
      }
      check_conv("connection " + std::to_string(c) + " (" + layer_spec_text(spec) + ")", spec.kind,
                 spec.conv, layer_sizes[c], layer_sizes[c + 1]);
    }
    if (spec.kind == LayerKind::dense && spec.window != 0) {
      throw Error("connection " + std::to_string(c) + " is dense but has a window of " +
                  std::to_string(spec.window) + " neurons: dense layers have none");
    }
    if (spec.kind == LayerKind::local && (spec.window < 1 || spec.window > layer_sizes[c])) {
      throw Error("connection " + std::to_string(c) + " (" + layer_spec_text(spec) +
                  "): the window must be 1 to " + std::to_string(layer_sizes[c]) +
                  " neurons, the size of layer " + std::to_string(c));
    }
  }
}

}  // namespace spikeae
