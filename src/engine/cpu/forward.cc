#include "engine/cpu/forward.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "neuron/crossing.h"
#include "engine/cpu/vector_clones.h"

namespace spikeae {
namespace {

void reserve_events(LayerEvents& events, std::size_t capacity) {
  events.time.resize(capacity);
  events.exp_decay.resize(capacity);
  events.source.resize(capacity);
  events.sort_buffer.reserve(capacity);
}

// Event e: a spike at `time` from `source`, with exp_decay = exp(tau t).
void set_event(LayerEvents& events, std::size_t e, double time, std::uint32_t source,
               double exp_decay) {
  events.time[e] = time;
  events.source[e] = source;
  events.exp_decay[e] = exp_decay;
}

// Sorts the buffered (time, source) pairs into the event arrays.
void finish_events(LayerEvents& events, double decay_rate) {
  std::sort(events.sort_buffer.begin(), events.sort_buffer.end());
  events.count = events.sort_buffer.size();
  for (std::size_t e = 0; e < events.count; ++e) {
    const auto [time, source] = events.sort_buffer[e];
    set_event(events, e, time, source, std::exp(decay_rate * time));
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

// Adds input events e = first_event, first_event + 1, ... (weight row,
// exp(tau t_e), t_e) to A and B of every neuron until, after adding one, some
// neuron passes the one-comparison bound of docs/model.md section 1.2,
// A t_next - B >= theta exp(tau t_e), without which V cannot reach theta in
// [t_e, t_next]. Returns that event, or the event count if none passes.
// Neurons that fired have B = NaN and never pass. The neuron loop is
// branch-free, so it vectorises; events loop inside, so there is no call per event.
SPIKEAE_VECTOR_CLONES
std::size_t accumulate_until_bound(std::size_t n, const double* __restrict weights,
                                   std::size_t row_stride, const EventView& events,
                                   std::size_t first_event, double threshold, double* __restrict a,
                                   double* __restrict b) {
  const std::size_t n_events = events.time.size();
  for (std::size_t e = first_event; e < n_events; ++e) {
    const double* __restrict row = weights + events.source[e] * row_stride;
    const double exp_k = events.exp_decay[e], t_k = events.time[e];
    // With t_next infinite (last input) the bound is A > 0.
    const double t_next = e + 1 == n_events ? kNoSpike : events.time[e + 1];
    const double limit = threshold * exp_k;
    std::int64_t any = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double weighted = row[j] * exp_k;
      const double aj = a[j] + weighted;
      const double bj = b[j] + weighted * t_k;
      a[j] = aj;
      b[j] = bj;
      any |= aj * t_next - bj >= limit ? std::int64_t{-1} : std::int64_t{0};
    }
    if (any != 0) return e;
  }
  return n_events;
}

// Marks the neurons that pass the bound of accumulate_until_bound and the exact
// pre-check (may_cross of neuron.h). Branch-free, so it vectorises. Returns how
// many there are.
SPIKEAE_VECTOR_CLONES
std::size_t mark_candidates(std::size_t n, const double* __restrict a, const double* __restrict b,
                            double inverse_tau, double t_k, double t_next, double bound_limit,
                            double exact_limit, std::int64_t last,
                            std::int64_t* __restrict candidate) {
  std::int64_t count = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const std::int64_t bound = a[j] * t_next - b[j] >= bound_limit;
    const double peak_times_a = b[j] + a[j] * inverse_tau;
    const std::int64_t rising = peak_times_a > a[j] * t_k;
    const std::int64_t before_next = peak_times_a < a[j] * t_next;
    const std::int64_t reaches_next = a[j] * t_next - b[j] >= exact_limit;
    candidate[j] = bound & rising & (last | before_next | reaches_next);
    count += candidate[j];
  }
  return static_cast<std::size_t>(count);
}

// Packs the marked neurons (index, A, B) to the front of the scratch arrays:
// the indices without branches (one store per neuron: a candidate's index is
// kept, the others are overwritten), then A and B of the `count` candidates only.
void pack_candidates(std::size_t n, std::size_t count, const double* a, const double* b,
                     LayerScratch& s) {
  std::size_t packed = 0;
  for (std::size_t j = 0; j < n; ++j) {
    s.packed_index[packed] = static_cast<std::uint32_t>(j);
    packed += static_cast<std::size_t>(s.candidate[j]);
  }
  for (std::size_t i = 0; i < count; ++i) {
    s.packed_a[i] = a[s.packed_index[i]];
    s.packed_b[i] = b[s.packed_index[i]];
  }
}

// Whether W0 may need a series at some of the n distances p. Branch-free, so
// it vectorises.
SPIKEAE_VECTOR_CLONES
bool may_need_series(std::size_t n, const double* __restrict distance) {
  std::int64_t any = 0;
  for (std::size_t i = 0; i < n; ++i) {
    any |=
        vector_math::lambert_w0_may_need_series(distance[i]) ? std::int64_t{-1} : std::int64_t{0};
  }
  return any != 0;
}

// Threshold crossings of the packed candidates, one vector lane per neuron.
// Callers solve whole vectors of kSolveLanes (LayerScratch has room for them).
// The vector loop leaves out W0's series, which about one lane in 7,000 needs
// (the first training epoch of the README network); if any may, the lanes are
// solved again with them. Either way each lane gets the bits of crossing().
SPIKEAE_VECTOR_CLONES
void solve_packed(std::size_t count, const CrossingConstants& constants, const double* __restrict a,
                  const double* __restrict b, double* __restrict time, double* __restrict lambert,
                  double* __restrict distance) {
  const CrossingConstants k = constants;
  for (std::size_t i = 0; i < count; ++i) {
    const CrossingArgument x = crossing_argument(a[i], b[i], k);
    const double z = lambert_argument(x);
    distance[i] = vector_math::branch_distance(z);
    time[i] = crossing_time(x, vector_math::lambert_w0_halley(z, distance[i]), k, &lambert[i]);
  }
  if (!may_need_series(count, distance)) return;
  for (std::size_t i = 0; i < count; ++i) time[i] = crossing(a[i], b[i], k, &lambert[i]);
}

// Scans the events for neurons [first, first + n) of connection c: each event
// updates A and B of all of them at once (the same arithmetic as solve_spike,
// per neuron); the candidates are then solved together (crossing.h).
void fire_block(const Network& network, int c, std::size_t first, std::size_t n,
                ForwardState& state, LayerScratch& s) {
  const EventView events = state.inputs[c].view();
  const std::size_t n_post = network.n_post(c);
  const std::size_t n_events = events.time.size();
  const NeuronParams& params = network.neuron;
  const CrossingConstants constants(params);
  const double inverse_tau = 1.0 / params.decay_rate;
  double* a = s.a.data();
  double* b = s.b.data();
  std::fill_n(a, n, 0.0);
  std::fill_n(b, n, 0.0);
  std::fill_n(s.open.begin(), n, std::uint8_t{1});
  SpikeSolution* solutions = state.solutions[c].data() + first;
  std::size_t still_open = n;
  const double* weights = network.weights[c].data() + first;
  for (std::size_t e = 0; e < n_events && still_open > 0; ++e) {
    e = accumulate_until_bound(n, weights, n_post, events, e, params.fire_threshold, a, b);
    if (e == n_events) break;
    const double t_k = events.time[e];
    const bool last = e + 1 == n_events;
    const double t_next = last ? kNoSpike : events.time[e + 1];
    const double exp_next = last ? kNoSpike : events.exp_decay[e + 1];
    const double bound_limit = params.fire_threshold * events.exp_decay[e];
    const std::size_t count =
        mark_candidates(n, a, b, inverse_tau, t_k, t_next, bound_limit,
                        params.fire_threshold * exp_next, last, s.candidate.data());
    // All of them (typical at a layer's last input): solved in place, unpacked.
    const bool all = count == n;
    if (!all) pack_candidates(n, count, a, b, s);
    // Rounded up to whole vectors: the scalar remainder loop would cost more
    // than the extra lanes, whose stale inputs give results nobody reads.
    const std::size_t lanes = (count + kSolveLanes - 1) / kSolveLanes * kSolveLanes;
    solve_packed(lanes, constants, all ? a : s.packed_a.data(), all ? b : s.packed_b.data(),
                 s.packed_time.data(), s.packed_lambert.data(), s.packed_distance.data());
    for (std::size_t i = 0; i < count; ++i) {
      const double t_out = s.packed_time[i];
      if (!(t_out >= t_k) || t_out > t_next) continue;
      const std::size_t j = all ? i : s.packed_index[i];
      solutions[j] = {t_out, static_cast<int>(e + 1), a[j], b[j], s.packed_lambert[i]};
      s.open[j] = 0;
      b[j] = std::numeric_limits<double>::quiet_NaN();  // never passes the bound again
      --still_open;
    }
  }
  for (std::size_t j = 0; still_open > 0 && j < n; ++j) {
    if (!s.open[j]) continue;
    solutions[j] = {kNoSpike, static_cast<int>(n_events), 0.0, 0.0, 0.0};
    --still_open;
  }
}

void fire_layer(const Network& network, int c, ForwardState& state) {
  const std::size_t n_post = network.n_post(c), width = block_width(n_post);
  for (std::size_t first = 0; first < n_post; first += width) {
    fire_neurons(network, c, first, std::min(width, n_post - first), state, state.scratch);
  }
}

void run_layers(const Network& network, int first_connection, int end_connection,
                ForwardState& state) {
  for (int c = first_connection; c < end_connection; ++c) {
    if (c > first_connection) {
      collect_hidden_events(network, c, state.spike_times[c - 1], state.inputs[c]);
    }
    fire_layer(network, c, state);
  }
}

// Sorts the input train (by time, source) and the first layer's pulses into its events.
void collect_input_events(const Network& network, std::span<const std::uint16_t> input_sources,
                          std::span<const double> input_times, LayerEvents& events) {
  // The input train is already sorted by (time, source) (encode_dataset): only the
  // pulses are sorted, then both lists are merged in that same order.
  events.sort_buffer.clear();
  add_pulses(network, 0, events);
  std::sort(events.sort_buffer.begin(), events.sort_buffer.end());
  const double decay_rate = network.neuron.decay_rate;
  const std::size_t n_inputs = input_times.size(), n_pulses = events.sort_buffer.size();
  std::size_t i = 0, p = 0, e = 0;
  for (; i < n_inputs || p < n_pulses; ++e) {
    const std::pair<double, std::uint32_t> input =
        i < n_inputs ? std::pair<double, std::uint32_t>(input_times[i], input_sources[i])
                     : std::pair<double, std::uint32_t>(kNoSpike, 0);
    const bool from_input = p == n_pulses || (i < n_inputs && input < events.sort_buffer[p]);
    const auto [time, source] = from_input ? input : events.sort_buffer[p];
    // Pixels of equal brightness spike together: their exp(tau t) is computed once.
    const bool same_time = e > 0 && time == events.time[e - 1];
    set_event(events, e, time, source,
              same_time ? events.exp_decay[e - 1] : std::exp(decay_rate * time));
    if (from_input) {
      ++i;
    } else {
      ++p;
    }
  }
  events.count = e;
}

}  // namespace

LayerScratch::LayerScratch(std::size_t width)
    : a(width + kSolveLanes - 1),
      b(width + kSolveLanes - 1),
      open(width),
      candidate(width),
      packed_index(width),
      packed_a(width + kSolveLanes - 1),
      packed_b(width + kSolveLanes - 1),
      packed_time(width + kSolveLanes - 1),
      packed_lambert(width + kSolveLanes - 1),
      packed_distance(width + kSolveLanes - 1) {}

ForwardState make_forward_state(const Network& network) {
  ForwardState state;
  std::size_t widest = 0;
  for (int c = 0; c < network.num_connections(); ++c) {
    reserve_events(state.inputs.emplace_back(), network.fan_in(c));
    state.solutions.emplace_back(network.n_post(c));
    state.spike_times.emplace_back(network.n_post(c), kNoSpike);
    widest = std::max(widest, block_width(network.n_post(c)));
  }
  state.scratch = LayerScratch(widest);
  return state;
}

void fire_neurons(const Network& network, int c, std::size_t first, std::size_t n,
                  ForwardState& state, LayerScratch& scratch) {
  fire_block(network, c, first, n, state, scratch);
  for (std::size_t j = first; j < first + n; ++j) {
    state.spike_times[c][j] = state.solutions[c][j].time;
  }
}

void forward(const Network& network, std::span<const std::uint16_t> input_sources,
             std::span<const double> input_times, ForwardState& state) {
  collect_input_events(network, input_sources, input_times, state.inputs[0]);
  run_layers(network, 0, network.num_connections(), state);
}

void forward_to_last_connection(const Network& network,
                                std::span<const std::uint16_t> input_sources,
                                std::span<const double> input_times, ForwardState& state) {
  collect_input_events(network, input_sources, input_times, state.inputs[0]);
  const int last = network.num_connections() - 1;
  run_layers(network, 0, last, state);
  if (last > 0)
    collect_hidden_events(network, last, state.spike_times[last - 1], state.inputs[last]);
}

void forward_dense(const Network& network, std::span<const double> input_times,
                   ForwardState& state) {
  forward_from_layer(network, 0, input_times, state);
}

void forward_from_layer(const Network& network, int first_connection,
                        std::span<const double> layer_times, ForwardState& state) {
  collect_hidden_events(network, first_connection, layer_times, state.inputs[first_connection]);
  run_layers(network, first_connection, network.num_connections(), state);
}

}  // namespace spikeae
