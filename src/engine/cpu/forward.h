// Forward pass: spike times of every layer for one example, plus what the
// backward pass needs (docs/model.md section 2).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "neuron/neuron.h"
#include "spikeae/network.h"

namespace spikeae {

// The inputs of one layer (previous layer's spikes and this layer's pulses),
// sorted by (time, source); sources >= n_pre are pulses.
struct LayerEvents {
  std::vector<double> time;
  std::vector<double> exp_decay;  // exp(decay_rate * time)
  std::vector<std::uint32_t> source;
  std::vector<std::pair<double, std::uint32_t>> sort_buffer;
  std::size_t count = 0;

  EventView view() const {
    return {{time.data(), count}, {exp_decay.data(), count}, {source.data(), count}};
  }
};

// Crossings are solved this many at a time (an AVX2 vector of doubles); the
// arrays they are solved from and into have kSolveLanes - 1 spare entries.
inline constexpr std::size_t kSolveLanes = 4;

// Running sums of a layer while its inputs are scanned (docs/model.md sections 1.2, 1.4).
struct LayerScratch {
  std::vector<double> a, b;          // the kind's two sums per neuron; b = NaN once fired
  std::vector<std::uint32_t> fired;  // the neurons that fired, in order
  std::vector<std::uint8_t> silent;  // 1 for those that did not (filled only if some did not)
  // The candidates of one input event, packed so they are solved in one vector loop.
  std::vector<std::uint32_t> packed_index;
  std::vector<double> packed_a, packed_b, packed_time;
  std::vector<double> packed_extra;  // the kind's extra term of each (SpikeSolution::lambert)
  std::vector<double> packed_check;  // what tells whether the fast solve was exact (alpha: W0's p)

  explicit LayerScratch(std::size_t width = 0);
};

// Each neuron's own input events, for kinds whose neurons see different inputs:
// made by the forward pass per connection and read again by the backward pass.
struct NeuronInputs {
  // [c][post][row]: (event << 32 | weight index), in event order; rows of weight_shape.
  std::vector<std::vector<std::uint64_t>> lists;
  std::vector<std::vector<std::uint32_t>> counts;  // [c][post]: the entries of each list
  // One neuron's events as solve_spike reads them (sources: weight indices).
  std::vector<double> time, exp_decay;
  std::vector<std::uint32_t> source;
};

// Lists for the non-dense connections only (empty for an all-dense network).
NeuronInputs make_neuron_inputs(const Network& network);

// Working memory of one forward pass, allocated once per worker and reused.
struct ForwardState {
  std::vector<LayerEvents> inputs;                    // [c]: events into layer c + 1
  std::vector<std::vector<SpikeSolution>> solutions;  // [c][post]
  std::vector<std::vector<double>> spike_times;       // [c][post]: times of layer c + 1
  LayerScratch scratch;                               // sized for the widest layer
  NeuronInputs neuron_inputs;

  std::span<const double> output_times() const { return spike_times.back(); }
};

ForwardState make_forward_state(const Network& network);

// Runs the network on one input spike train sorted by (time, source), as
// produced by encode_dataset (sources are input indices, silent inputs absent).
void forward(const Network& network, std::span<const std::uint16_t> input_sources,
             std::span<const double> input_times, ForwardState& state);

// The neurons of a dense layer go through the forward and backward passes in blocks
// (the unit of fire_neurons and backpropagate_neurons, and of the training
// step's output tasks): every input event then updates a whole block in one
// vector loop. Wide blocks spread each event's fixed cost over more neurons; a
// block's per-neuron terms must still fit the L1 cache (docs/performance.md).
inline constexpr std::size_t kMaxBlockWidth = 512;

// Neurons per block of a layer of `width` neurons: the fewest blocks of at most
// kMaxBlockWidth, of equal width rounded up to a multiple of 8 (the last one
// may be narrower); e.g. 784 neurons make two blocks of 392.
constexpr std::size_t block_width(std::size_t width) {
  const std::size_t blocks = (width + kMaxBlockWidth - 1) / kMaxBlockWidth;
  return blocks == 0 ? 0 : ((width + blocks - 1) / blocks + 7) / 8 * 8;
}

// The first part of forward(): every connection but the last, then the last
// connection's input events (state.inputs.back()). Together with fire_neurons
// on all neurons of the last connection it equals forward().
void forward_to_last_connection(const Network& network,
                                std::span<const std::uint16_t> input_sources,
                                std::span<const double> input_times, ForwardState& state);

// Fires neurons [first, first + n) of connection c (n <= block_width) from
// state.inputs[c]: writes their state.solutions[c] and state.spike_times[c]
// only, using `scratch` (sized like state.scratch), so threads may fire
// different neurons of one state at once.
void fire_neurons(const Network& network, int c, std::size_t first, std::size_t n,
                  ForwardState& state, LayerScratch& scratch);

// Same, for a dense vector of input times (kNoSpike for silent inputs).
void forward_dense(const Network& network, std::span<const double> input_times,
                   ForwardState& state);

// Runs connections first_connection.. only, from given spike times of layer
// first_connection (dense, kNoSpike for silent neurons), e.g. to decode an embedding.
void forward_from_layer(const Network& network, int first_connection,
                        std::span<const double> layer_times, ForwardState& state);

}  // namespace spikeae
