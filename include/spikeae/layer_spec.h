// How the neurons of a layer are connected to the layer below: the kind of a
// connection and its shape (docs/model.md section 2.1). Plain data, stored in the
// architecture and the model file; what a kind does lives behind the layer seam
// (docs/architecture.md, "Layers").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spikeae {

// The numbers are stored in model files: never reuse one.
enum class LayerKind : std::uint32_t {
  dense = 0,  // every neuron sees every neuron below and every pulse
  local = 1,  // every neuron sees `window` consecutive neurons below and every pulse
  conv = 2,   // a 2-D convolution with weights shared per output channel, and every pulse
  tconv = 3,  // a transposed 2-D convolution (a decoder's upsampling), likewise
};

// A conv or tconv connection: the layer below seen as (in_channels, height, width),
// the neurons as (out_channels, out_height(kind), out_width(kind)), channel-major.
struct ConvShape {
  int in_channels = 0, height = 0, width = 0, out_channels = 0, kernel = 0, stride = 0, padding = 0;

  // Meaningful once check_layer_specs passed (stride >= 1, kernel within the padded input).
  int out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  int out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  // A transposed convolution's output: the input spread out by the stride, each
  // neuron below reaching a K x K patch, P rows and columns cut from each border.
  int transposed_out_height() const { return (height - 1) * stride + kernel - 2 * padding; }
  int transposed_out_width() const { return (width - 1) * stride + kernel - 2 * padding; }

  friend bool operator==(const ConvShape&, const ConvShape&) = default;
};

struct LayerSpec {
  constexpr LayerSpec() = default;
  // A constructor, not an aggregate: specs name only the fields their kind has.
  constexpr LayerSpec(LayerKind kind_, int window_ = 0, ConvShape conv_ = {})
      : kind(kind_), window(window_), conv(conv_) {}

  LayerKind kind = LayerKind::dense;
  int window = 0;  // local: neurons below each neuron sees, 1..n_pre; otherwise 0
  ConvShape conv;  // conv and tconv: its shape; otherwise all zero

  friend bool operator==(const LayerSpec&, const LayerSpec&) = default;
};

// "dense", "local", "conv" or "tconv", as specs spell them.
constexpr std::string_view layer_kind_name(LayerKind kind) {
  if (kind == LayerKind::conv) return "conv";
  if (kind == LayerKind::tconv) return "tconv";
  return kind == LayerKind::local ? "local" : "dense";
}
// The one of four per-kind objects that `kind` names (dense for any other number),
// e.g. a kind's model or kernels.
template <class T>
const T& for_kind(LayerKind kind, const T& dense, const T& local, const T& conv, const T& tconv) {
  if (kind == LayerKind::local) return local;
  if (kind == LayerKind::conv) return conv;
  return kind == LayerKind::tconv ? tconv : dense;
}

constexpr bool is_convolution(LayerKind kind) {
  return kind == LayerKind::conv || kind == LayerKind::tconv;
}
std::optional<LayerKind> layer_kind_from_number(std::uint32_t number);

// "dense", "local:W", "conv:C_in:H:W:C_out:K:S:P" (ConvShape's fields in order) or
// "tconv:C_in:H:W:C_out:K:S:P",
// and back. parse_layer_specs reads a comma-separated list, one per connection,
// e.g. "local:64,dense"; it throws Error naming what is wrong.
std::string layer_spec_text(const LayerSpec& spec);
std::string layer_specs_text(const std::vector<LayerSpec>& specs);
std::vector<LayerSpec> parse_layer_specs(std::string_view text);

// A spec's integer fields in their stored order (dense: none; local: the window;
// conv and tconv: ConvShape's seven fields),
// and the spec of a kind from them; layer_spec_from_fields throws Error naming the
// kind when the count is wrong. The model file stores specs this way, so a kind
// with more fields needs no new format.
std::vector<std::int64_t> layer_spec_fields(const LayerSpec& spec);
void check_layer_spec_field_count(LayerKind kind, std::size_t count);
LayerSpec layer_spec_from_fields(LayerKind kind, const std::vector<std::int64_t>& fields);

// Throws Error unless a conv or tconv shape makes sense on its own (sizes and
// channels of at least 1, 0 <= P < K, K within the input, ...), whatever the layer sizes.
void check_conv_shape(LayerKind kind, const ConvShape& shape);

// Throws Error unless every spec fits the layer sizes (one spec per connection, or
// none for an all-dense network; a local window of 1..n_pre neurons; a conv or
// tconv shape whose input and output sizes are the layers').
void check_layer_specs(const std::vector<LayerSpec>& specs, const std::vector<int>& layer_sizes);

}  // namespace spikeae
