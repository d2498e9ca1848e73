// A small layer over the HDF5 C API for the NIR files (docs/nir.md): owned
// handles, datasets of doubles, integers and UTF-8 strings, and errors as
// spikeae::Error. Every call must hold a Session: the Debian library is not
// thread-safe, and its own error printing is switched off while one is held.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace spikeae::io::h5 {

// Serialises HDF5 calls and silences the library's error stack for its lifetime.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

// An HDF5 identifier closed by its own close function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    std::swap(id_, other.id_);
    std::swap(close_, other.close_);
    return *this;
  }
  Handle(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

using Dims = std::vector<hsize_t>;

// Writing. A file lives in memory until its image is taken, so that it reaches
// the disk through write_file_atomically.
Handle create_memory_file();
std::string file_image(hid_t file);
Handle create_group(hid_t parent, const std::string& name);
void write_string(hid_t parent, const std::string& name, const std::string& value);
// Strings of shape `dims`, row-major (an edge list is (n, 2)).
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   const Dims& dims);
void write_doubles(hid_t parent, const std::string& name, std::span<const double> values,
                   const Dims& dims);
void write_integers(hid_t parent, const std::string& name, std::span<const std::int64_t> values,
                    const Dims& dims);

// Reading: these throw Error with a message naming `name`; callers add the file.
Handle open_file(const std::filesystem::path& path);
bool has_child(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
Dims dataset_dims(hid_t parent, const std::string& name);
// A scalar string, variable or fixed length.
std::string read_string(hid_t parent, const std::string& name);
std::vector<std::string> read_strings(hid_t parent, const std::string& name, std::size_t limit);
// Any numeric dataset as doubles; refuses more than `limit` values before reading.
std::vector<double> read_doubles(hid_t parent, const std::string& name, std::size_t limit);
// The names of a group's members, in HDF5's name order.
std::vector<std::string> child_names(hid_t group);

}  // namespace spikeae::io::h5
