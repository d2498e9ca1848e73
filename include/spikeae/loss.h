// Latency-aligned reconstruction loss and the output error signal (docs/model.md section 4).
#pragma once

#include <span>

namespace spikeae {

struct LossOptions {
  double latency = 1.0;                 // l > 0: output k should spike at l + t_k
  double clip_derivative = 386.058227;  // |d t_out / d w|, |d t_out / d t_in| clipped to this; > 0
  double penalty_no_spike = 6.250341;   // >= 0, pushes the weights of a silent neuron up
};

// Per-pixel MSE of one example: mean_k (o_k - x_k)^2 with o_k = t_out_k - l (1 if no
// spike) and x_k the clean target time (1 for a silent pixel).
double reconstruction_loss(std::span<const double> output_times,
                           std::span<const double> target_times, double latency);

}  // namespace spikeae
