// What data a model was trained on, as stored in model files and checkpoints:
// "NAME (split ORDER TRAIN/VALIDATION)", e.g. "mnist (split shuffled 54000/6000)".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace spikeae {

struct DataDescription {
  std::string name;   // a named data set ("mnist"), a training file path, or "arrays"
  std::string split;  // "shuffled" or "sequential"; empty when not recorded
  std::size_t train_size = 0;
  std::size_t validation_size = 0;

  std::string text() const;  // the stored form
};

// The parts of a stored description; text that does not have the form (older or
// foreign files) comes back whole as the name, with no split.
DataDescription parse_data_description(std::string_view text);

// The named data set a description refers to, when it is one of known_dataset_names().
std::optional<std::string> named_dataset(const DataDescription& description);

}  // namespace spikeae
