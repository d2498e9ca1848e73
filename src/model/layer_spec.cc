#include "spikeae/layer_spec.h"

#include <charconv>

#include "spikeae/error.h"

namespace spikeae {
namespace {

LayerSpec parse_one(std::string_view text) {
  if (text == "dense") return {};
  const std::string_view prefix = "local:";
  if (text.substr(0, prefix.size()) == prefix) {
    const std::string_view digits = text.substr(prefix.size());
    int window = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), window);
    if (error == std::errc() && end == digits.data() + digits.size() && window >= 1) {
      return {LayerKind::local, window};
    }
  }
  throw Error("invalid layer spec \"" + std::string(text) +
              "\": must be dense or local:W with W a window of at least 1 neuron");
}

}  // namespace

std::optional<LayerKind> layer_kind_from_number(std::uint32_t number) {
  if (number == static_cast<std::uint32_t>(LayerKind::dense)) return LayerKind::dense;
  if (number == static_cast<std::uint32_t>(LayerKind::local)) return LayerKind::local;
  return std::nullopt;
}

std::string layer_spec_text(const LayerSpec& spec) {
  if (spec.kind == LayerKind::local) return "local:" + std::to_string(spec.window);
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
  return {};
}

void check_layer_spec_field_count(LayerKind kind, std::size_t count) {
  const std::size_t expected = kind == LayerKind::local ? 1 : 0;
  if (count != expected) {
    throw Error(std::string(layer_kind_name(kind)) + " layers have " + std::to_string(expected) +
                " spec field" + (expected == 1 ? "" : "s") + ", not " + std::to_string(count));
  }
}

LayerSpec layer_spec_from_fields(LayerKind kind, const std::vector<std::int64_t>& fields) {
  check_layer_spec_field_count(kind, fields.size());
  // Fields are range-checked by the reader, and check_layer_specs checks the window.
  return kind == LayerKind::local ? LayerSpec{kind, static_cast<int>(fields[0])} : LayerSpec{kind};
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
