#include <cmath>
#include <string>

#include "spikeae/ann.h"
#include "spikeae/error.h"

namespace spikeae {

std::string_view activation_name(Activation activation) {
  switch (activation) {
    case Activation::relu:
      return "relu";
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::elu:
      return "elu";
    case Activation::tanh:
      return "tanh";
    case Activation::gaussian:
      return "gaussian";
  }
  return "unknown";
}

Activation parse_activation(std::string_view name) {
  std::string valid;
  for (Activation activation : kActivations) {
    if (name == activation_name(activation)) return activation;
    valid += (valid.empty() ? "" : ", ") + std::string(activation_name(activation));
  }
  throw Error("unknown activation \"" + std::string(name) + "\": must be one of " + valid);
}

double activate(Activation activation, double z) {
  switch (activation) {
    case Activation::relu:
      return z > 0.0 ? z : 0.0;
    case Activation::sigmoid:
      return 1.0 / (1.0 + std::exp(-z));
    case Activation::elu:
      return z > 0.0 ? z : std::expm1(z);
    case Activation::tanh:
      return std::tanh(z);
    case Activation::gaussian:
      return std::exp(-z * z);
  }
  return z;
}

double activation_slope(Activation activation, double z, double y) {
  switch (activation) {
    case Activation::relu:
      return z > 0.0 ? 1.0 : 0.0;
    case Activation::sigmoid:
      return y * (1.0 - y);
    case Activation::elu:
      return z > 0.0 ? 1.0 : y + 1.0;
    case Activation::tanh:
      return 1.0 - y * y;
    case Activation::gaussian:
      return -2.0 * z * y;
  }
  return 1.0;
}

}  // namespace spikeae
