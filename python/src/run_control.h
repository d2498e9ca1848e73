// How a training run started from Python stops: Ctrl-C (Python's signal handlers
// run between batches) or an exception raised by a callback, kept to re-raise
// after the engine has returned.
#pragma once

#include <pybind11/pybind11.h>

#include <chrono>
#include <limits>

namespace spikeae::python {

namespace py = pybind11;

struct RunControl {
  // The first exception that stopped the run; call with the GIL held.
  void remember(const py::error_already_set& error) {
    if (pending.is_none()) {
      pending = error.value();
      if (error.trace()) PyException_SetTraceback(pending.ptr(), error.trace().ptr());
    }
    stop = true;
  }

  // The engine asks between batches, without the GIL; signals are checked at most
  // every check_seconds so that a busy interpreter does not slow training down.
  bool stop_requested() {
    if (stop) return true;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_check).count() < check_seconds) return false;
    last_check = now;
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) remember(py::error_already_set());
    return stop;
  }

  double check_seconds;
  py::object pending = py::none();  // touched only with the GIL held
  bool stop = false;
  std::chrono::steady_clock::time_point last_check = std::chrono::steady_clock::now();
};

// What spikeae.fit and spikeae.fit_ann get back besides their models (the best
// validation loss NaN when no epoch completed); call with the GIL held.
inline py::dict run_result_dict(int best_epoch, double best_validation_loss, bool stopped,
                                double test_loss, const RunControl& run) {
  py::dict out;
  out["best_epoch"] = best_epoch;
  out["best_validation_loss"] =
      best_epoch > 0 ? best_validation_loss : std::numeric_limits<double>::quiet_NaN();
  out["stopped"] = stopped;
  out["test_loss"] = test_loss;
  out["pending"] = run.pending;
  return out;
}

}  // namespace spikeae::python
