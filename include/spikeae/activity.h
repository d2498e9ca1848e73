// How much work the event-driven simulation does: spikes and causal inputs per layer.
#pragma once

#include <vector>

#include "spikeae/network.h"
#include "spikeae/trainer.h"

namespace spikeae {

struct LayerActivity {
  double input_events = 0.0;      // mean spiking inputs (incl. pulses) per example
  double spiking_fraction = 0.0;  // neurons that fired / all neurons
  double causal_inputs = 0.0;     // mean causal inputs per neuron that fired
};

// Per connection c (into layer c + 1), averaged over the examples of `set`, on
// `threads` threads (0: all; the result does not depend on it). A view into the CPU
// engine's event-driven kernels: what they do, not only what they output.
std::vector<LayerActivity> measure_activity(const Network& network, const ExampleSet& set,
                                            int threads);

}  // namespace spikeae
