// The ANN shape a front end asks for, read as the spiking model reads it.
#include <string>

#include "spikeae/ann_stack.h"
#include "spikeae/architecture_spec.h"
#include "spikeae/error.h"
#include "spikeae/hyperparameters.h"

namespace spikeae {
namespace {

// Layer sizes and connections of the request; none for input-hidden-input.
std::optional<Architecture> requested_stack(const AnnShapeRequest& request) {
  if (request.architecture) {
    Architecture parsed = parse_architecture(*request.architecture);
    check_architecture_agrees(*request.architecture, parsed, request.layer_sizes, request.layers);
    return parsed;
  }
  if (!request.layer_sizes) {
    if (request.layers) {
      throw Error("layers \"" + *request.layers + "\" need layer sizes (or an architecture)");
    }
    return std::nullopt;
  }
  Architecture stack;
  stack.layer_sizes = *request.layer_sizes;
  if (request.layers) stack.connections = parse_layer_specs(*request.layers);
  return stack;
}

}  // namespace

AnnModel make_requested_ann_model(int input_size, const AnnShapeRequest& request,
                                  const AnnOptions& options) {
  const std::optional<Architecture> stack = requested_stack(request);
  if (!stack) return make_ann_model(input_size, options);
  if (!stack->layer_sizes.empty() && stack->layer_sizes.front() != input_size) {
    throw Error("the ANN's input layer has " + std::to_string(stack->layer_sizes.front()) +
                " neurons but the images have " + std::to_string(input_size) + " pixels");
  }
  const int middle = bottleneck_size(stack->layer_sizes);
  if (request.hidden && *request.hidden != middle) {
    throw Error("hidden = " + std::to_string(*request.hidden) +
                " conflicts with the stack's middle layer of " + std::to_string(middle) +
                " neurons: give only one of them");
  }
  return make_ann_model(stack->layer_sizes, stack->connections, options);
}

}  // namespace spikeae
