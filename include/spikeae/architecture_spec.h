// One string for a whole autoencoder: the input's shape and the encoder's stages,
// the decoder mirrored (docs/model.md section 2.2). For example
// "28x28,conv:8:4:2:1,dense:32" is 784 -> 8x14x14 -> 32 -> 8x14x14 -> 784: a
// convolution, a dense embedding of 32, a dense layer back and a transposed
// convolution to the image.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spikeae/network.h"

namespace spikeae {

// Layer sizes and connections of the text (n_pulses left at its default); throws
// Error naming the stage that is wrong, e.g. a conv stage whose transposed mirror
// cannot return to the stage's input size.
Architecture parse_architecture(std::string_view text);

// The text of an architecture that is such a mirrored stack, or nothing.
std::optional<std::string> architecture_text(const Architecture& architecture);

// An architecture option given beside layer_sizes or layers must agree with them;
// throws Error naming both otherwise.
void check_architecture_agrees(std::string_view text, const Architecture& parsed,
                               const std::optional<std::vector<int>>& layer_sizes,
                               const std::optional<std::string>& layers);

}  // namespace spikeae
