#include "engine/cpu/forward.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/cpu/layer_kernels.h"
#include "engine/cpu/vector_clones.h"
#include "neuron/neuron_kinds.h"

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

// Adds input event e to the running sums of neurons [0, n) (Neuron::add_input),
// from zero when kFirst (so the sums need no clearing beforehand: 0 + x, the
// same bits), and tells whether some neuron then passes its kind's bound.
template <class Neuron, bool kFirst>
[[gnu::always_inline]] inline bool add_event(std::size_t n, const double* __restrict weights,
                                             std::size_t row_stride, const EventView& events,
                                             std::size_t e,
                                             const typename Neuron::Constants& constants,
                                             double* __restrict a, double* __restrict b) {
  const double* __restrict row = weights + events.source[e] * row_stride;
  const double exp_k = events.exp_decay[e], t_k = events.time[e];
  const typename Neuron::Window window = Neuron::window(event_window(events, e), constants);
  std::int64_t any = 0;
  // Two vectors per iteration: the loop's own three instructions are a fifth of it.
#pragma GCC unroll 2
  for (std::size_t j = 0; j < n; ++j) {
    double aj = kFirst ? 0.0 : a[j], bj = kFirst ? 0.0 : b[j];
    Neuron::add_input(row[j], exp_k, t_k, aj, bj);
    a[j] = aj;
    b[j] = bj;
    any |= Neuron::passes_bound(aj, bj, window) ? std::int64_t{-1} : std::int64_t{0};
  }
  return any != 0;
}

// Adds input events e = first_event, first_event + 1, ... to the running sums
// of every neuron until, after adding one, some neuron passes its kind's bound
// (Neuron::passes_bound; docs/model.md sections 1.2 and 1.4), without which V
// cannot reach theta before the next event. Returns that event, or the event
// count if none passes. Event 0 starts the sums from zero. Neurons that fired
// have b = NaN and never pass. The neuron loop is branch-free, so it
// vectorises; events loop inside, so there is no call per event.
template <class Neuron>
SPIKEAE_VECTOR_CLONES std::size_t accumulate_until_bound(
    std::size_t n, const double* __restrict weights, std::size_t row_stride,
    const EventView& events, std::size_t first_event, const typename Neuron::Constants& constants,
    double* __restrict a, double* __restrict b) {
  const typename Neuron::Constants k = constants;
  const std::size_t n_events = events.time.size();
  std::size_t e = first_event;
  if (e == 0 && n_events > 0) {
    if (add_event<Neuron, true>(n, weights, row_stride, events, 0, k, a, b)) return 0;
    e = 1;
  }
  for (; e < n_events; ++e) {
    if (add_event<Neuron, false>(n, weights, row_stride, events, e, k, a, b)) return e;
  }
  return n_events;
}

// Packs the neurons [0, n) that pass the bound of accumulate_until_bound and
// the exact pre-check (Neuron::is_candidate) to the front of the scratch
// arrays: index, A and B. Returns how many. Eight neurons at a time: most fail
// the one-comparison bound (a fired neuron's B is NaN) and are skipped after
// it. The stores are branch-free: a candidate's entry is kept, the others are
// overwritten.
template <class Neuron>
SPIKEAE_VECTOR_CLONES std::size_t pack_candidates(std::size_t n, const double* __restrict a,
                                                  const double* __restrict b,
                                                  const typename Neuron::Window& event_window,
                                                  std::uint32_t* __restrict index,
                                                  double* __restrict packed_a,
                                                  double* __restrict packed_b) {
  const typename Neuron::Window window = event_window;
  std::size_t count = 0, j = 0;
  // Neurons at..at+3, their sums loaded: appends the candidates.
  const auto pack_four = [&](std::size_t at, const Vec4& a4, const Vec4& b4) {
    Mask4 candidate;
    Neuron::candidate_lanes(a4, b4, window, candidate);
    for (int lane = 0; lane < 4; ++lane) {
      index[count] = static_cast<std::uint32_t>(at + lane);
      packed_a[count] = a4[lane];
      packed_b[count] = b4[lane];
      count += static_cast<std::size_t>(candidate[lane] != 0);
    }
  };
  for (; j + 8 <= n; j += 8) {
    Vec4 a_low, b_low, a_high, b_high;
    load4(a_low, a + j);
    load4(b_low, b + j);
    load4(a_high, a + j + 4);
    load4(b_high, b + j + 4);
    Mask4 low, high;
    Neuron::bound_lanes(a_low, b_low, window, low);
    Neuron::bound_lanes(a_high, b_high, window, high);
    if (!any_lane(low | high)) continue;
    pack_four(j, a_low, b_low);
    pack_four(j + 4, a_high, b_high);
  }
  for (; j < n; ++j) {
    index[count] = static_cast<std::uint32_t>(j);
    packed_a[count] = a[j];
    packed_b[count] = b[j];
    count += static_cast<std::size_t>(Neuron::is_candidate(a[j], b[j], window));
  }
  return count;
}

// Whether the fast solve may have been inexact in some of the n lanes
// (Neuron::needs_exact_solve of their checks). Branch-free, so it vectorises.
template <class Neuron>
SPIKEAE_VECTOR_CLONES bool may_need_exact_solve(std::size_t n, const double* __restrict check) {
  std::int64_t any = 0;
  for (std::size_t i = 0; i < n; ++i) {
    any |= Neuron::needs_exact_solve(check[i]) ? std::int64_t{-1} : std::int64_t{0};
  }
  return any != 0;
}

// Threshold crossings of the packed candidates, one vector lane per neuron.
// Callers solve whole vectors of kSolveLanes (LayerScratch has room for them).
// The vector loop may leave out the rare costly cases of the exact solve (the
// alpha neuron's W0 series, which about one lane in 7,000 needs in the first
// training epoch of the README network); if any lane may need them, the lanes
// are solved again exactly. Either way each lane gets the bits of Neuron::crossing.
template <class Neuron>
SPIKEAE_VECTOR_CLONES void solve_packed(std::size_t count,
                                        const typename Neuron::Constants& constants,
                                        const double* __restrict a, const double* __restrict b,
                                        double* __restrict time, double* __restrict extra,
                                        double* __restrict check) {
  const typename Neuron::Constants k = constants;
  for (std::size_t i = 0; i < count; ++i) {
    time[i] = Neuron::fast_crossing(a[i], b[i], k, &extra[i], &check[i]);
  }
  if constexpr (Neuron::kFastSolveMayBeInexact) {
    if (!may_need_exact_solve<Neuron>(count, check)) return;
    for (std::size_t i = 0; i < count; ++i) time[i] = Neuron::crossing(a[i], b[i], k, &extra[i]);
  }
}

// The neurons of a block that did not fire (those not in s.fired) get no spike.
void mark_silent(std::size_t n, std::size_t n_events, std::size_t fired, LayerScratch& s,
                 SpikeSolution* solutions) {
  std::fill_n(s.silent.begin(), n, std::uint8_t{1});
  for (std::size_t i = 0; i < fired; ++i) s.silent[s.fired[i]] = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (s.silent[j]) solutions[j] = {kNoSpike, static_cast<int>(n_events), 0.0, 0.0, 0.0};
  }
}

// Scans the events for neurons [first, first + n) of connection c: each event
// updates the running sums of all of them at once (the same arithmetic as
// solve_spike, per neuron); the candidates are then solved together.
template <class Neuron>
void fire_block(const Network& network, int c, std::size_t first, std::size_t n,
                ForwardState& state, LayerScratch& s) {
  const EventView events = state.inputs[c].view();
  const std::size_t n_post = network.n_post(c);
  const std::size_t n_events = events.time.size();
  const typename Neuron::Constants constants(network.neuron);
  double* a = s.a.data();
  double* b = s.b.data();
  SpikeSolution* solutions = state.solutions[c].data() + first;
  std::size_t fired = 0;
  const double* weights = network.weights[c].data() + first;
  for (std::size_t e = 0; e < n_events && fired < n; ++e) {
    e = accumulate_until_bound<Neuron>(n, weights, n_post, events, e, constants, a, b);
    if (e == n_events) break;
    const EventWindow window = event_window(events, e);
    const std::size_t count =
        pack_candidates<Neuron>(n, a, b, Neuron::window(window, constants), s.packed_index.data(),
                                s.packed_a.data(), s.packed_b.data());
    if (count == 0) continue;
    // Rounded up to whole vectors: the scalar remainder loop would cost more
    // than the extra lanes, whose stale inputs give results nobody reads.
    const std::size_t lanes = (count + kSolveLanes - 1) / kSolveLanes * kSolveLanes;
    solve_packed<Neuron>(lanes, constants, s.packed_a.data(), s.packed_b.data(),
                         s.packed_time.data(), s.packed_extra.data(), s.packed_check.data());
    for (std::size_t i = 0; i < count; ++i) {
      const double t_out = s.packed_time[i];
      if (!(t_out >= window.t_k) || t_out > window.t_next) continue;
      const std::size_t j = s.packed_index[i];
      solutions[j] = {t_out, static_cast<int>(e + 1), a[j], b[j], s.packed_extra[i]};
      b[j] = std::numeric_limits<double>::quiet_NaN();  // never passes the bound again
      s.fired[fired++] = static_cast<std::uint32_t>(j);
    }
  }
  if (fired < n) mark_silent(n, n_events, fired, s, solutions);
}

void run_layers(const Network& network, int first_connection, int end_connection,
                ForwardState& state) {
  for (int c = first_connection; c < end_connection; ++c) {
    if (c > first_connection) {
      collect_hidden_events(network, c, state.spike_times[c - 1], state.inputs[c]);
    }
    layer_kernels(network.layer(c).kind).fire(network, c, state);
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
      fired(width),
      silent(width),
      packed_index(width),
      packed_a(width + kSolveLanes - 1),
      packed_b(width + kSolveLanes - 1),
      packed_time(width + kSolveLanes - 1),
      packed_extra(width + kSolveLanes - 1),
      packed_check(width + kSolveLanes - 1) {}

NeuronInputs make_neuron_inputs(const Network& network) {
  NeuronInputs inputs;
  std::size_t row = 0;
  for (int c = 0; c < network.num_connections(); ++c) {
    const bool dense = network.layer(c).kind == LayerKind::dense;
    const std::size_t n_post = dense ? 0 : static_cast<std::size_t>(network.n_post(c));
    const std::size_t columns = dense ? 0 : weight_shape(network, c)[1];  // inputs a neuron may see
    inputs.lists.emplace_back(n_post * columns);
    inputs.counts.emplace_back(n_post);
    row = std::max(row, columns);
  }
  inputs.time.resize(row);
  inputs.exp_decay.resize(row);
  inputs.source.resize(row);
  return inputs;
}

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
  state.neuron_inputs = make_neuron_inputs(network);
  return state;
}

void fire_neurons(const Network& network, int c, std::size_t first, std::size_t n,
                  ForwardState& state, LayerScratch& scratch) {
  // The one branch on the neuron kind of a block's forward pass.
  with_neuron_kind(network.neuron.kind, [&](auto neuron) {
    fire_block<decltype(neuron)>(network, c, first, n, state, scratch);
  });
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
