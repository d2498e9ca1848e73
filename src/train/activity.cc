#include "spikeae/activity.h"

#include "engine/cpu/forward.h"
#include "engine/cpu/thread_pool.h"
#include "engine/input_train.h"

namespace spikeae {
namespace {

// Sums of one example, kept per example so the totals are added in a fixed order.
struct Counts {
  std::vector<double> events, spiking, causal;
};

}  // namespace

std::vector<LayerActivity> measure_activity(const Network& network, const ExampleSet& set,
                                            int threads) {
  ThreadPool pool(threads);
  const int n_connections = network.num_connections();
  std::vector<ForwardState> states(pool.size(), make_forward_state(network));
  std::vector<Counts> counts(set.size());
  pool.run(set.size(), [&](std::size_t i, int w) {
    const auto [sources, times] = input_train(set, i);
    forward(network, sources, times, states[w]);
    Counts& c = counts[i];
    for (int k = 0; k < n_connections; ++k) {
      double spiking = 0.0, causal = 0.0;
      for (const SpikeSolution& s : states[w].solutions[k]) {
        if (!s.spiked()) continue;
        spiking += 1.0;
        causal += s.n_causal;
      }
      c.events.push_back(static_cast<double>(states[w].inputs[k].count));
      c.spiking.push_back(spiking);
      c.causal.push_back(causal);
    }
  });
  std::vector<LayerActivity> result(n_connections);
  for (int k = 0; k < n_connections; ++k) {
    double events = 0.0, spiking = 0.0, causal = 0.0;
    for (const Counts& c : counts) {
      events += c.events[k];
      spiking += c.spiking[k];
      causal += c.causal[k];
    }
    const double n = static_cast<double>(set.size());
    result[k] = {events / n, spiking / (n * network.n_post(k)), spiking > 0 ? causal / spiking : 0};
  }
  return result;
}

}  // namespace spikeae
