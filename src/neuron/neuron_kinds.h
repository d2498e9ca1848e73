// The one branch on NeuronParams::kind: a layer pass (or a scalar solve) picks
// its neuron policy here once, then runs code compiled for that kind alone.
#pragma once

#include "neuron/alpha.h"
#include "neuron/exponential.h"

namespace spikeae {

// run(AlphaNeuron{}) or run(ExponentialNeuron{}), by kind.
template <class Run>
decltype(auto) with_neuron_kind(NeuronKind kind, Run&& run) {
  if (kind == NeuronKind::exponential) return run(ExponentialNeuron{});
  return run(AlphaNeuron{});
}

}  // namespace spikeae
