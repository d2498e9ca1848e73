// spikeae._core.save_nir / load_nir: models as NIR graphs (docs/nir.md).
#include "convert.h"
#include "spikeae/nir_file.h"

namespace spikeae::python {

// HDF5 calls are serialised inside the library, so the GIL stays held: a
// second Python thread would only wait on the library's lock.
void bind_nir(py::module_& m) {
  m.def(
      "save_nir",
      [](const Model& model, const std::filesystem::path& path) { save_nir(path, model.saved); },
      py::arg("model"), py::arg("path"), "Writes the model as a NIR graph (atomically).");
  m.def(
      "load_nir", [](const std::filesystem::path& path) { return Model{load_nir(path)}; },
      py::arg("path"), "Reads a NIR graph that save_nir wrote.");
}

}  // namespace spikeae::python
