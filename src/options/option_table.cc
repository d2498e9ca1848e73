// The table of every training option: each option's names, type, range, help and
// accessor are written here once; defaults are read from the concern structs.
#include "spikeae/option_table.h"

#include <array>
#include <type_traits>

#include "spikeae/architecture_spec.h"

namespace spikeae {
namespace {

// Accessors for a field of one concern struct, e.g. config.adam.learning_rate.
template <auto Concern, auto Field>
OptionValue get_field(const TrainingConfig& config) {
  return OptionValue{config.*Concern.*Field};
}

template <auto Concern, auto Field>
void set_field(TrainingConfig& config, const OptionValue& value) {
  using Type = std::remove_cvref_t<decltype(config.*Concern.*Field)>;
  config.*Concern.*Field = std::get<Type>(value);
}

template <auto Concern, auto Field>
constexpr OptionAccess field() {
  return {&get_field<Concern, Field>, &set_field<Concern, Field>};
}

// n_hidden is the bottleneck of the stack, not a field of its own.
OptionValue get_hidden(const TrainingConfig& config) {
  return bottleneck_size(config.architecture.layer_sizes);
}

void set_hidden(TrainingConfig& config, const OptionValue& value) {
  config.architecture.layer_sizes =
      with_bottleneck(config.architecture.layer_sizes, std::get<int>(value));
}

OptionValue get_layers(const TrainingConfig& config) { return config.architecture.layer_sizes; }

void set_layers(TrainingConfig& config, const OptionValue& value) {
  config.architecture.layer_sizes = std::get<std::vector<int>>(value);
}

// architecture sets the whole stack; it reads back only from a mirrored one.
OptionValue get_architecture(const TrainingConfig& config) {
  const std::optional<std::string> text = architecture_text(config.architecture);
  return text ? OptionValue(*text) : OptionValue{};
}

void set_architecture(TrainingConfig& config, const OptionValue& value) {
  const Architecture described = parse_architecture(std::get<std::string>(value));
  config.architecture.layer_sizes = described.layer_sizes;
  config.architecture.connections = described.connections;
}

// neuron_kind is an enum in NeuronParams and its name in the table.
OptionValue get_neuron_kind(const TrainingConfig& config) {
  return std::string(neuron_kind_name(config.neuron.kind));
}

void set_neuron_kind(TrainingConfig& config, const OptionValue& value) {
  config.neuron.kind = parse_neuron_kind(std::get<std::string>(value));
}

// layers is a vector of LayerSpec in Architecture and its text in the table.
OptionValue get_layer_specs(const TrainingConfig& config) {
  return layer_specs_text(config.architecture.connections);
}

void set_layer_specs(TrainingConfig& config, const OptionValue& value) {
  config.architecture.connections = parse_layer_specs(std::get<std::string>(value));
}

constexpr std::array<std::string_view, 2> kNeuronKinds = {"alpha", "exponential"};

using C = TrainingConfig;
using R = HyperparameterRow;
using T = OptionType;

constexpr OptionRange interval(double low, double high) {
  return {RangeStyle::kInterval, low, high, true};
}
constexpr OptionRange above(double low, double guard) {
  return {RangeStyle::kLowerBound, low, guard, false};
}
constexpr OptionRange at_least(double low, double guard) {
  return {RangeStyle::kLowerBound, low, guard, true};
}
constexpr OptionRange magnitude(double bound) { return {RangeStyle::kMagnitude, 0.0, bound, true}; }
constexpr OptionRange any() { return {}; }

// The upper guards are far outside the paper's tuned values (docs/robustness.md,
// "Bounds") yet keep a whole run finite, so absurd values fail by name up front.
constexpr std::array<OptionSpec, 24> kOptions = {{
    // The paper's 13 columns, in the order of its table.
    {"noise_factor_ae", "--noise_factor_ae", T::kDouble, interval(0.0, 1.0),
     "input noise eta (docs/model.md section 3)", "encoding",
     field<&C::encoding, &EncodingOptions::noise_factor>(), &R::noise_factor_ae},
    {"latency_ae", "--latency_ae", T::kDouble, above(0.0, 1e3),
     "output k should spike at latency_ae + its target time", "loss",
     field<&C::loss, &LossOptions::latency>(), &R::latency_ae},
    {"batch_size", "--batch_size", T::kInt, at_least(1, 10'000'000), "examples per Adam step",
     "train", field<&C::train, &TrainOptions::batch_size>(), &R::batch_size},
    {"clip_derivative", "--clip_derivative", T::kDouble, above(0.0, 1e12),
     "bound on |d t_out / d w| and |d t_out / d t_in|", "loss",
     field<&C::loss, &LossOptions::clip_derivative>(), &R::clip_derivative},
    {"decay_rate", "--decay_rate", T::kDouble, above(0.0, 1e3), "tau, the synaptic decay rate",
     "neuron", field<&C::neuron, &NeuronParams::decay_rate>(), &R::decay_rate},
    {"fire_threshold", "--fire_threshold", T::kDouble, above(0.0, 1e6),
     "theta, the firing threshold", "neuron", field<&C::neuron, &NeuronParams::fire_threshold>(),
     &R::fire_threshold},
    {"learning_rate", "--learning_rate", T::kDouble, at_least(0.0, 10.0),
     "Adam step size of the weights", "adam", field<&C::adam, &AdamOptions::learning_rate>(),
     &R::learning_rate},
    {"learning_rate_pulses", "--learning_rate_pulses", T::kDouble, at_least(0.0, 10.0),
     "Adam step size of the pulse times", "adam",
     field<&C::adam, &AdamOptions::learning_rate_pulses>(), &R::learning_rate_pulses},
    {"n_hidden", "--n_hidden", T::kInt, interval(1, 100'000),
     "neurons of the middle (bottleneck) layer", "architecture",
     OptionAccess{&get_hidden, &set_hidden}, &R::n_hidden},
    {"n_pulses", "--n_pulses", T::kInt, interval(0, 1000), "synchronisation pulses per layer",
     "architecture", field<&C::architecture, &Architecture::n_pulses>(), &R::n_pulses},
    {"nonpulse_weight_mean_multiplier", "--nonpulse_weight_mean_multiplier", T::kDouble,
     magnitude(1e3), "initial mean of neuron weights, in units of sigma", "init",
     field<&C::init, &InitOptions::nonpulse_weight_mean_multiplier>(),
     &R::nonpulse_weight_mean_multiplier},
    {"penalty_no_spike", "--penalty_no_spike", T::kDouble, at_least(0.0, 1e6),
     "gradient pushing up the weights of a silent neuron", "loss",
     field<&C::loss, &LossOptions::penalty_no_spike>(), &R::penalty_no_spike},
    {"pulse_weight_mean_multiplier", "--pulse_weight_mean_multiplier", T::kDouble, magnitude(1e3),
     "initial mean of pulse weights, in units of sigma", "init",
     field<&C::init, &InitOptions::pulse_weight_mean_multiplier>(),
     &R::pulse_weight_mean_multiplier},
    // Where the row starts from: the library defaults, a paper row or a table file.
    {"preset", "--preset", T::kPreset, any(),
     "the paper's tuned row for (noise, latency, hidden), e.g. 0.2 1 32", "preset", OptionAccess{},
     RowField{}},
    {"preset_file", "--preset-file", T::kPath, any(),
     "the single row of this tab-separated table (paper column names)", "preset", OptionAccess{},
     RowField{}},
    // Outside the paper's table.
    {"layer_sizes", "--layer-sizes", T::kIntList, any(),
     "an explicit stack, e.g. 784,128,32,128,784 (n_hidden may only agree with its middle "
     "layer)",
     "architecture", OptionAccess{&get_layers, &set_layers}, RowField{}, true},
    {"layers", "--layers", T::kText, any(),
     "how each layer sees the one below, one spec per connection: dense, local:W (a window "
     "of W neurons), conv:C_in:H:W:C_out:K:S:P (a convolution of the layer below as "
     "C_in*H*W channel-major, K*K kernels, stride S, zero padding P) or tconv:... (the "
     "transposed convolution; docs/model.md section 2.1), e.g. local:98,dense or "
     "conv:1:8:8:2:3:2:1,dense",
     "architecture", OptionAccess{&get_layer_specs, &set_layer_specs}, RowField{}},
    {"architecture", "--architecture", T::kText, any(),
     "the whole autoencoder in one string: the input (N, HxW or CxHxW), then encoder "
     "stages conv:C_out:K:S:P and dense:N, the last one the embedding; the decoder mirrors "
     "them with dense layers and transposed convolutions (docs/model.md section 2.2), e.g. "
     "28x28,conv:8:4:2:1,dense:32 or 784,dense:256,dense:32",
     "architecture", OptionAccess{&get_architecture, &set_architecture}, RowField{}, true},
    {"inverted", "--non-inverted", T::kBool, any(),
     "encode brightness b as spike time 1 - b (--non-inverted, inverted=False: as b)", "encoding",
     field<&C::encoding, &EncodingOptions::inverted>(), RowField{}},
    {"neuron_kind", "--neuron-kind", T::kChoice, any(),
     "membrane potential kernel (exponential: non-leaky, exponentially decaying current; "
     "docs/model.md section 1.4)",
     "neuron", OptionAccess{&get_neuron_kind, &set_neuron_kind}, RowField{}, false, kNeuronKinds},
    {"epochs", "--epochs", T::kInt, at_least(0, 1'000'000), "training epochs", "train",
     field<&C::train, &TrainOptions::epochs>(), RowField{}},
    {"threads", "--threads", T::kInt, interval(0, 1024),
     "worker threads (0: all cores); results do not depend on it", "train",
     field<&C::train, &TrainOptions::threads>(), RowField{}},
    {"gradient_shards", "--gradient-shards", T::kInt, interval(1, 4096),
     "fixed partial sums per batch; results depend on this, not on threads", "train",
     field<&C::train, &TrainOptions::gradient_shards>(), RowField{}},
    {"seed", "--seed", T::kUint64, any(), "seed of weights, noise, split and shuffling", "train",
     field<&C::train, &TrainOptions::seed>(), RowField{}},
}};

}  // namespace

std::span<const OptionSpec> option_table() { return kOptions; }

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

TrainingConfig default_run_config() {
  TrainingConfig config;
  config.train.epochs = kDefaultRunEpochs;
  return config;
}

OptionValue option_default(const OptionSpec& spec) {
  if (spec.default_is_none || spec.access.get == nullptr) return {};
  return spec.access.get(default_run_config());
}

OptionValue row_value(const HyperparameterRow& row, const OptionSpec& spec) {
  if (const auto* field = std::get_if<double R::*>(&spec.column)) return row.**field;
  return row.*std::get<int R::*>(spec.column);
}

void set_row_value(HyperparameterRow& row, const OptionSpec& spec, const OptionValue& value) {
  if (const auto* field = std::get_if<double R::*>(&spec.column)) {
    row.** field = std::get<double>(value);
  } else {
    row.*std::get<int R::*>(spec.column) = std::get<int>(value);
  }
}

}  // namespace spikeae
