// The backend that runs spiking networks (docs/architecture.md, "Engines"). The
// trainer, the run protocol, the CLI and the Python bindings talk to an Engine;
// the CPU kernels, their SIMD and thread scheduling stay behind it. A GPU backend
// would be a third implementation of this interface.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "spikeae/config.h"
#include "spikeae/network.h"

namespace spikeae {

struct ExampleSet;
struct TrainingState;

// One optimiser step per call, on a batch of examples of one set; built once per run.
class TrainingStepper {
 public:
  virtual ~TrainingStepper() = default;
  // Trains on set examples `batch` (one Adam step) and writes each example's loss
  // (before the step) into `losses` (batch.size() entries).
  virtual void step(const ExampleSet& set, std::span<const std::size_t> batch,
                    std::span<double> losses) = 0;
};

// Spike times of the layers an example reached: layers[k] holds layer first_layer + 1 + k
// (kNoSpike for silent neurons). Valid during the call only.
using LayerSink =
    std::function<void(std::size_t example, std::span<const std::vector<double>> layers)>;
// Writes the spike times of layer first_layer for one example (kNoSpike: silent).
using LayerSource = std::function<void(std::size_t example, std::span<double> times)>;

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string_view name() const = 0;
  // Worker threads it runs on (results never depend on it).
  virtual int threads() const = 0;

  // Runs examples [0, count) from given times of layer first_layer through the layers
  // above. `source` and `sink` may be called from several threads at once, for
  // different examples.
  virtual void propagate(const Network& network, int first_layer, std::size_t count,
                         const LayerSource& source, const LayerSink& sink) = 0;
  // The same from the encoded input spike trains of a set (first_layer 0).
  virtual void propagate(const Network& network, const ExampleSet& set, const LayerSink& sink) = 0;
  // Each example's reconstruction loss (docs/model.md section 3) into `losses`.
  virtual void losses(const Network& network, const ExampleSet& set, double latency,
                      std::span<double> losses) = 0;
  // A stepper that trains state.network and state.adam with config's options; both
  // must outlive it and keep their shapes.
  virtual std::unique_ptr<TrainingStepper> make_stepper(TrainingState& state,
                                                        const TrainingConfig& config) = 0;
};

// The CPU engine: vectorised event-driven kernels on `threads` threads (0: all).
std::unique_ptr<Engine> make_cpu_engine(int threads);

// The reference engine: one thread, one example at a time through the plain
// forward and backward passes. Slow; it gives the CPU engine's bits, and tests
// hold the CPU engine to it.
std::unique_ptr<Engine> make_reference_engine();

}  // namespace spikeae
