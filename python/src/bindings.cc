// The extension module spikeae._core. The public API, with its documentation,
// is the pure-Python package around it (python/spikeae/__init__.py).
#include "convert.h"
#include "spikeae/error.h"

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  namespace sp = spikeae::python;
  m.doc() = "Low-level bindings of the spikeae library; use the spikeae package instead.";
  m.attr("__version__") = SPIKEAE_VERSION;
  // spikeae::Error -> spikeae.SpikeaeError, with the library's message.
  py::register_exception<spikeae::Error>(m, "SpikeaeError", PyExc_ValueError);
  sp::bind_config(m);
  sp::bind_data(m);
  sp::bind_model(m);
  sp::bind_train(m);
  sp::bind_ann(m);
  sp::bind_nir(m);
}
