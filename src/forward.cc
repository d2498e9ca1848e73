#include "spikeae/forward.h"

#include <algorithm>
#include <cmath>

namespace spikeae {
namespace {

void reserve_events(LayerEvents& events, std::size_t capacity) {
  events.time.resize(capacity);
  events.exp_decay.resize(capacity);
  events.source.resize(capacity);
  events.sort_buffer.reserve(capacity);
}

// Sorts the buffered (time, source) pairs into the event arrays.
void finish_events(LayerEvents& events, double decay_rate) {
  std::sort(events.sort_buffer.begin(), events.sort_buffer.end());
  events.count = events.sort_buffer.size();
  for (std::size_t e = 0; e < events.count; ++e) {
    events.time[e] = events.sort_buffer[e].first;
    events.source[e] = events.sort_buffer[e].second;
    events.exp_decay[e] = std::exp(decay_rate * events.time[e]);
  }
}

void add_pulses(const Network& network, int c, LayerEvents& events) {
  const auto first_pulse = static_cast<std::uint32_t>(network.n_pre(c));
  for (int i = 0; i < network.n_pulses(); ++i) {
    events.sort_buffer.emplace_back(network.pulses[c][i], first_pulse + i);
  }
}

void collect_hidden_events(const Network& network, int c, std::span<const double> times,
                           LayerEvents& events) {
  events.sort_buffer.clear();
  for (std::size_t j = 0; j < times.size(); ++j) {
    if (times[j] != kNoSpike) events.sort_buffer.emplace_back(times[j], std::uint32_t(j));
  }
  add_pulses(network, c, events);
  finish_events(events, network.neuron.decay_rate);
}

void run_layer(const Network& network, int c, ForwardState& state) {
  const EventView view = state.inputs[c].view();
  const std::size_t fan_in = network.fan_in(c);
  const std::vector<double>& weights = network.weights[c];
  std::vector<SpikeSolution>& solutions = state.solutions[c];
  std::vector<double>& times = state.spike_times[c];
  for (int post = 0; post < network.n_post(c); ++post) {
    const std::span<const double> row(weights.data() + post * fan_in, fan_in);
    solutions[post] = solve_spike(view, row, network.neuron);
    times[post] = solutions[post].time;
  }
}

void run_layers(const Network& network, ForwardState& state) {
  for (int c = 0; c < network.num_connections(); ++c) {
    if (c > 0) collect_hidden_events(network, c, state.spike_times[c - 1], state.inputs[c]);
    run_layer(network, c, state);
  }
}

}  // namespace

ForwardState make_forward_state(const Network& network) {
  ForwardState state;
  for (int c = 0; c < network.num_connections(); ++c) {
    reserve_events(state.inputs.emplace_back(), network.fan_in(c));
    state.solutions.emplace_back(network.n_post(c));
    state.spike_times.emplace_back(network.n_post(c), kNoSpike);
  }
  return state;
}

void forward(const Network& network, std::span<const std::uint16_t> input_sources,
             std::span<const double> input_times, ForwardState& state) {
  LayerEvents& events = state.inputs[0];
  events.sort_buffer.clear();
  for (std::size_t e = 0; e < input_times.size(); ++e) {
    events.sort_buffer.emplace_back(input_times[e], input_sources[e]);
  }
  add_pulses(network, 0, events);
  finish_events(events, network.neuron.decay_rate);
  run_layers(network, state);
}

void forward_dense(const Network& network, std::span<const double> input_times,
                   ForwardState& state) {
  collect_hidden_events(network, 0, input_times, state.inputs[0]);
  run_layers(network, state);
}

}  // namespace spikeae
