// Spike times against an independent oracle: a brute-force, time-stepped
// simulation of the membrane potential V(t) from its definition.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "neuron/neuron.h"
#include "spikeae/random.h"

namespace spikeae {
namespace {

struct RandomNeuron {
  NeuronParams params;
  std::vector<double> times;  // sorted
  std::vector<double> weights;
  std::vector<double> exp_decay;
  std::vector<std::uint32_t> source;

  EventView view() const { return {times, exp_decay, source}; }
};

RandomNeuron make_random_neuron(Rng& rng, NeuronKind kind = NeuronKind::alpha) {
  RandomNeuron n;
  n.params.kind = kind;
  n.params.decay_rate = 0.5 + 1.5 * rng.uniform();
  n.params.fire_threshold = 0.2 + rng.uniform();
  const int count = 1 + static_cast<int>(rng.below(30));
  for (int i = 0; i < count; ++i) n.times.push_back(2.0 * rng.uniform());
  std::sort(n.times.begin(), n.times.end());
  for (int i = 0; i < count; ++i) {
    // Mostly excitatory with frequent inhibition, so candidates get cancelled.
    n.weights.push_back(rng.normal() * 1.5 + 0.6);
    n.exp_decay.push_back(std::exp(n.params.decay_rate * n.times[i]));
    n.source.push_back(i);
  }
  return n;
}

// First time V reaches theta, scanning a grid of step dt plus the input times
// (a short excursion above theta ends at an inhibitory input), refined by
// bisection; kNoSpike if none.
double oracle_spike_time(const RandomNeuron& n, double dt, double* max_potential) {
  const double end = n.times.back() + 25.0 / n.params.decay_rate;
  std::vector<double> samples(n.times);
  for (double t = dt; t <= end; t += dt) samples.push_back(t);
  std::sort(samples.begin(), samples.end());
  double previous_t = 0.0;
  *max_potential = -1e300;
  for (double t : samples) {
    const double v = membrane_potential(t, n.times, n.weights, n.params);
    *max_potential = std::max(*max_potential, v);
    if (v >= n.params.fire_threshold) {
      double low = previous_t, high = t;
      for (int i = 0; i < 80; ++i) {
        const double mid = 0.5 * (low + high);
        const double vm = membrane_potential(mid, n.times, n.weights, n.params);
        (vm >= n.params.fire_threshold ? high : low) = mid;
      }
      return high;
    }
    previous_t = t;
  }
  return kNoSpike;
}

// Threshold crossing predicted from the first k inputs alone.
double prefix_crossing(const RandomNeuron& n, int k) {
  double a = 0.0, b = 0.0;
  with_neuron_kind(n.params.kind, [&](auto neuron) {
    for (int i = 0; i < k; ++i) {
      decltype(neuron)::add_input(n.weights[i], n.exp_decay[i], n.times[i], a, b);
    }
  });
  return crossing_time(a, b, n.params, nullptr);
}

// True when the first k < n_causal inputs predicted a spike after input k arrived.
bool had_overruled_candidate(const RandomNeuron& n, int n_causal) {
  for (int k = 1; k < n_causal; ++k) {
    const double candidate = prefix_crossing(n, k);
    if (candidate >= n.times[k - 1] && candidate > n.times[k]) return true;
  }
  return false;
}

struct OracleCounts {
  int spiking = 0, silent = 0, grazing = 0, cancelled = 0, delayed = 0;
};

// 3,000 random neurons of one kind against the brute-force oracle.
OracleCounts compare_with_brute_force(NeuronKind kind, std::uint64_t seed) {
  Rng rng(seed);
  OracleCounts counts;
  auto& [spiking, silent, grazing, cancelled, delayed] = counts;
  for (int trial = 0; trial < 3000; ++trial) {
    const RandomNeuron n = make_random_neuron(rng, kind);
    const SpikeSolution spike = solve_spike(n.view(), n.weights, n.params);
    double max_potential = 0.0;
    const double oracle = oracle_spike_time(n, 0.004, &max_potential);
    if (spike.spiked() != (oracle != kNoSpike)) {
      // Only a potential that grazes the threshold between grid points may disagree.
      EXPECT_NEAR(max_potential, n.params.fire_threshold, 1e-4) << "trial " << trial;
      ++grazing;
      continue;
    }
    if (had_overruled_candidate(n, spike.n_causal)) ++(spike.spiked() ? delayed : cancelled);
    if (!spike.spiked()) {
      ++silent;
      continue;
    }
    ++spiking;
    EXPECT_NEAR(spike.time, oracle, 1e-9 * std::max(1.0, oracle)) << "trial " << trial;
    // Causal set: exactly the inputs that arrived before the spike.
    const auto arrived =
        std::count_if(n.times.begin(), n.times.end(), [&](double t) { return t < spike.time; });
    EXPECT_EQ(spike.n_causal, arrived) << "trial " << trial;
  }
  return counts;
}

TEST(SolveSpike, MatchesBruteForceSimulationOnRandomNeurons) {
  const auto [spiking, silent, grazing, cancelled, delayed] =
      compare_with_brute_force(NeuronKind::alpha, 20261128);
  EXPECT_GT(spiking, 1000);
  EXPECT_GT(silent, 200);
  EXPECT_LT(grazing, 10);
  // Coverage: later inputs overruled a predicted spike, cancelling or moving it.
  EXPECT_GT(cancelled, 20);
  EXPECT_GT(delayed, 20);
}

TEST(SolveSpike, ExponentialNeuronMatchesBruteForceSimulationOnRandomNeurons) {
  const auto [spiking, silent, grazing, cancelled, delayed] =
      compare_with_brute_force(NeuronKind::exponential, 20261203);
  EXPECT_GT(spiking, 1000);
  EXPECT_GT(silent, 200);
  EXPECT_LT(grazing, 10);
  EXPECT_GT(cancelled, 20);
  EXPECT_GT(delayed, 20);
}

TEST(SolveSpike, InhibitoryInputCancelsPredictedSpike) {
  const NeuronParams params{1.0, 0.5};
  const std::vector<double> times = {0.0, 0.3};
  std::vector<double> exp_decay = {1.0, std::exp(0.3)};
  const std::vector<std::uint32_t> source = {0, 1};
  // Alone, the first input crosses theta at about t = 0.72; the second prevents it.
  const std::vector<double> excitatory_only = {2.0, 0.0};
  const SpikeSolution alone = solve_spike({times, exp_decay, source}, excitatory_only, params);
  ASSERT_TRUE(alone.spiked());
  EXPECT_GT(alone.time, 0.3);
  const std::vector<double> with_inhibition = {2.0, -3.0};
  EXPECT_FALSE(solve_spike({times, exp_decay, source}, with_inhibition, params).spiked());
}

TEST(SolveSpike, ReproducesPaperFigureOne) {
  // Figure 1 of the paper: theta = 0.5, tau = 1, spike at 19.39.
  const NeuronParams params{1.0, 0.5};
  const std::vector<double> times = {1, 4, 5, 8, 12, 17, 19};
  const std::vector<double> weights = {0.5, 0.3, 0.4, -0.2, -0.3, 1.2, 0.9};
  std::vector<double> exp_decay;
  std::vector<std::uint32_t> source;
  for (std::size_t i = 0; i < times.size(); ++i) {
    exp_decay.push_back(std::exp(times[i]));
    source.push_back(i);
  }
  const SpikeSolution spike = solve_spike({times, exp_decay, source}, weights, params);
  EXPECT_NEAR(spike.time, 19.39, 0.005);
  EXPECT_EQ(spike.n_causal, 7);
  EXPECT_NEAR(membrane_potential(spike.time, times, weights, params), 0.5, 1e-12);
}

// True when the spike only just reaches the threshold, where finite differences break down.
bool grazes(const RandomNeuron& n, const SpikeSolution& spike) {
  if (n.params.kind == NeuronKind::alpha) return spike.lambert < -0.9;  // W near -1
  // Exponential: S - theta small puts the spike far out, where V is nearly flat.
  return spike.b - n.params.fire_threshold < 0.05;
}

// Both derivatives of every causal input against central differences of solve_spike.
void check_derivatives(const RandomNeuron& n, const SpikeSolution& spike) {
  for (int p = 0; p < spike.n_causal; ++p) {
    const SpikeDerivatives d = spike_derivatives(derivative_factors(spike, n.params), n.weights[p],
                                                 n.times[p], n.exp_decay[p], n.params);
    const double h = 1e-6;
    auto time_with_weight = [&](double w) {
      RandomNeuron m = n;
      m.weights[p] = w;
      return solve_spike(m.view(), m.weights, m.params).time;
    };
    const double fd_w =
        (time_with_weight(n.weights[p] + h) - time_with_weight(n.weights[p] - h)) / (2 * h);
    EXPECT_NEAR(d.d_weight, fd_w, 1e-5 * std::max(1.0, std::abs(fd_w)));
    auto time_with_input = [&](double t) {
      RandomNeuron m = n;
      m.times[p] = t;
      m.exp_decay[p] = std::exp(m.params.decay_rate * t);
      return solve_spike(m.view(), m.weights, m.params).time;
    };
    // Moving an input must not reorder the events.
    const double lo = p > 0 ? n.times[p - 1] : 0.0;
    const double hi = p + 1 < static_cast<int>(n.times.size()) ? n.times[p + 1] : 1e9;
    if (n.times[p] - h <= lo || n.times[p] + h >= std::min(hi, spike.time)) continue;
    const double fd_t =
        (time_with_input(n.times[p] + h) - time_with_input(n.times[p] - h)) / (2 * h);
    EXPECT_NEAR(d.d_time, fd_t, 1e-5 * std::max(1.0, std::abs(fd_t)));
  }
}

// Random spiking neurons of one kind, grazing ones skipped; returns how many were checked.
int check_random_derivatives(NeuronKind kind, std::uint64_t seed) {
  Rng rng(seed);
  int checked = 0;
  for (int trial = 0; trial < 400 && checked < 200; ++trial) {
    const RandomNeuron n = make_random_neuron(rng, kind);
    const SpikeSolution spike = solve_spike(n.view(), n.weights, n.params);
    if (!spike.spiked() || grazes(n, spike)) continue;
    check_derivatives(n, spike);
    ++checked;
  }
  return checked;
}

TEST(SpikeDerivatives, MatchFiniteDifferencesOfSpikeTime) {
  EXPECT_GE(check_random_derivatives(NeuronKind::alpha, 7), 100);
}

TEST(SpikeDerivatives, ExponentialNeuronMatchesFiniteDifferencesOfSpikeTime) {
  EXPECT_GE(check_random_derivatives(NeuronKind::exponential, 8), 100);
}

// The exponential neuron's closed form on a hand-made case: one input of weight
// w at t0 crosses theta at t0 + ln(w / (w - theta)) / tau.
TEST(SolveSpike, ExponentialNeuronSingleInputClosedForm) {
  const NeuronParams params{0.5, 0.75, NeuronKind::exponential};
  const std::vector<double> times = {0.25};
  const std::vector<double> exp_decay = {std::exp(0.5 * 0.25)};
  const std::vector<std::uint32_t> source = {0};
  const std::vector<double> weights = {2.0};
  const SpikeSolution spike = solve_spike({times, exp_decay, source}, weights, params);
  ASSERT_TRUE(spike.spiked());
  EXPECT_NEAR(spike.time, 0.25 + std::log(2.0 / 1.25) / 0.5, 1e-14);
  EXPECT_NEAR(membrane_potential(spike.time, times, weights, params), 0.75, 1e-14);
  // A weight at or below theta never reaches it: V tends to w.
  const std::vector<double> weak = {0.75};
  EXPECT_FALSE(solve_spike({times, exp_decay, source}, weak, params).spiked());
}

}  // namespace
}  // namespace spikeae
