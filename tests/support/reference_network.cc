#include "reference_network.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace spikeae::reference {
namespace {

std::vector<double> weight_column(const Network& network, int c, int post) {
  std::vector<double> column(network.fan_in(c));
  for (int pre = 0; pre < network.fan_in(c); ++pre) column[pre] = network.weight(c, pre, post);
  return column;
}

double clip(double value, double limit) { return std::max(-limit, std::min(limit, value)); }

}  // namespace

Pass forward(const Network& network, std::span<const double> input_times) {
  Pass pass;
  pass.layer_times.emplace_back(input_times.begin(), input_times.end());
  for (int c = 0; c < network.num_connections(); ++c) {
    std::vector<std::pair<double, std::uint32_t>> events;
    const std::vector<double>& previous = pass.layer_times.back();
    for (std::size_t i = 0; i < previous.size(); ++i) {
      if (previous[i] != kNoSpike) events.emplace_back(previous[i], i);
    }
    for (int p = 0; p < network.n_pulses(); ++p) {
      events.emplace_back(network.pulses[c][p], network.n_pre(c) + p);
    }
    std::sort(events.begin(), events.end());
    auto& time = pass.event_time.emplace_back();
    auto& exp_decay = pass.event_exp.emplace_back();
    auto& source = pass.event_source.emplace_back();
    for (const auto& [t, s] : events) {
      time.push_back(t);
      exp_decay.push_back(std::exp(network.neuron.decay_rate * t));
      source.push_back(s);
    }
    auto& solutions = pass.solutions.emplace_back();
    auto& times = pass.layer_times.emplace_back();
    for (int post = 0; post < network.n_post(c); ++post) {
      const std::vector<double> column = weight_column(network, c, post);
      solutions.push_back(solve_spike({time, exp_decay, source}, column, network.neuron));
      times.push_back(solutions.back().time);
    }
  }
  return pass;
}

Gradients backward(const Network& network, const Pass& pass, std::span<const double> target_times,
                   const LossOptions& options) {
  Gradients gradients = make_gradients(network);
  std::vector<double> post_delta(network.n_outputs());
  const std::vector<double>& outputs = pass.layer_times.back();
  for (int k = 0; k < network.n_outputs(); ++k) {
    post_delta[k] = outputs[k] == kNoSpike ? 0.0 : outputs[k] - options.latency - target_times[k];
  }
  for (int c = network.num_connections() - 1; c >= 0; --c) {
    std::vector<double> input_delta(network.fan_in(c), 0.0);
    for (int post = 0; post < network.n_post(c); ++post) {
      const SpikeSolution& spike = pass.solutions[c][post];
      if (!spike.spiked()) {
        for (int pre = 0; pre < network.fan_in(c); ++pre) {
          gradients.weights[c][pre * network.n_post(c) + post] -= options.penalty_no_spike;
        }
        continue;
      }
      const DerivativeFactors factors = derivative_factors(spike, network.neuron);
      for (int e = 0; e < spike.n_causal; ++e) {
        const std::uint32_t s = pass.event_source[c][e];
        const SpikeDerivatives d =
            spike_derivatives(factors, network.weight(c, s, post), pass.event_time[c][e],
                              pass.event_exp[c][e], network.neuron);
        gradients.weights[c][s * network.n_post(c) + post] +=
            post_delta[post] * clip(d.d_weight, options.clip_derivative);
        input_delta[s] += post_delta[post] * clip(d.d_time, options.clip_derivative);
      }
    }
    for (int p = 0; p < network.n_pulses(); ++p) {
      gradients.pulses[c][p] += input_delta[network.n_pre(c) + p];
    }
    post_delta.assign(input_delta.begin(), input_delta.begin() + network.n_pre(c));
  }
  return gradients;
}

}  // namespace spikeae::reference
