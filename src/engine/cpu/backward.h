// Exact gradients of the loss wrt weights and pulse times (docs/model.md section 4).
#pragma once

#include <span>
#include <vector>

#include "engine/cpu/forward.h"
#include "spikeae/adam.h"
#include "spikeae/loss.h"
#include "spikeae/network.h"

namespace spikeae {

// Per-neuron terms of one layer's backward pass (sized for the widest layer),
// stored as separate arrays so the per-input loop vectorises.
struct NeuronTerms {
  std::vector<double> delta;                 // error signal; 0 for neurons passing none
  std::vector<double> causal_count;          // causal inputs; 0 for neurons passing no error
  std::vector<double> factor[kFactorCount];  // the neuron kind's Factors, one array each

  void resize(std::size_t n);
};

// Working memory of one backward pass, allocated once per worker.
struct BackwardState {
  std::vector<std::vector<double>> delta;  // [c]: dL/dt of the fan_in(c) inputs of layer c + 1
  std::vector<double> output_delta;        // dL/dt_out of the output layer
  NeuronTerms terms;
};

BackwardState make_backward_state(const Network& network);

// Output error signal delta_k = t_out_k - l - x_k for spiking outputs, 0 for silent
// ones (they get the no-spike penalty instead); any range of outputs.
void output_deltas(std::span<const double> output_times, std::span<const double> target_times,
                   double latency, std::span<double> delta);

// output_deltas of all outputs; returns the example's loss.
double output_error(std::span<const double> output_times, std::span<const double> target_times,
                    double latency, std::span<double> delta);

// The backward pass of neurons [first, first + n) of connection c (a block,
// block_width of forward.h) given the error post_delta of every neuron of the layer: adds
// their columns of the weight gradient (and the no-spike penalty) to `gradients`
// and adds to input_delta[source] (fan_in(c) entries) the error they send to each
// input. Uses `terms` at indices [first, first + n) as scratch, so
// threads may handle different neurons of one example at once. backward() calls it
// block by block, adding every block's sums into one input_delta in block order.
void backpropagate_neurons(const Network& network, int c, const ForwardState& state,
                           std::span<const double> post_delta, const LossOptions& options,
                           std::size_t first, std::size_t n, Gradients& gradients,
                           NeuronTerms& terms, std::span<double> input_delta);

// Adds the pulse entries of connection c's input error to the pulse gradients.
void add_pulse_gradients(const Network& network, int c, std::span<const double> input_delta,
                         Gradients& gradients);

// The backward pass of connections c - 1, ..., 0, given the error of layer c's
// input neurons (the first n_pre(c) entries of post_delta).
void backward_below(const Network& network, int c, const ForwardState& state,
                    std::span<const double> post_delta, const LossOptions& options,
                    Gradients& gradients, BackwardState& backward_state);

// Adds this example's gradients to `gradients` (not averaged). `state` must hold the
// forward pass of the same example; the output error is taken from backward.output_delta.
void backward(const Network& network, const ForwardState& state, const LossOptions& options,
              Gradients& gradients, BackwardState& backward_state);

}  // namespace spikeae
