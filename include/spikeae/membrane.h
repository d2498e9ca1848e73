// The membrane potential of one neuron, by its definition (docs/model.md section 1):
// for plots and for checking spike times, not for the event-driven engines.
#pragma once

#include <span>

#include "spikeae/neuron_params.h"

namespace spikeae {

// Input i's term of V(t): its weight times the kernel at t - input_time (0 before
// the input arrives, and for a silent input, input_time == kNoSpike).
double input_contribution(double t, double input_time, double weight, const NeuronParams& neuron);

// V(t) of a neuron whose inputs arrive at input_times with these weights, ignoring
// its own spike: the sum of the inputs' terms.
double membrane_potential(double t, std::span<const double> input_times,
                          std::span<const double> weights, const NeuronParams& neuron);

}  // namespace spikeae
