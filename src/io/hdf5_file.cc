#include "hdf5_file.h"

#include <cstring>
#include <functional>
#include <numeric>

#include "spikeae/error.h"

namespace spikeae::io::h5 {
namespace {

std::mutex& library_mutex() {
  static std::mutex mutex;
  return mutex;
}

[[noreturn]] void fail(const std::string& message) { throw Error(message); }

Handle checked(hid_t id, herr_t (*close)(hid_t), const std::string& what) {
  if (id < 0) fail(what);
  return Handle(id, close);
}

Handle string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

Handle dataspace(const Dims& dims) {
  const hid_t id = dims.empty()
                       ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  return checked(id, H5Sclose, "cannot make an HDF5 dataspace");
}

void write_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t memory_type,
                   const Dims& dims, const void* data) {
  const Handle space = dataspace(dims);
  const Handle set = checked(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, "cannot create dataset " + name);
  if (H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail("cannot write dataset " + name);
  }
}

std::size_t element_count(const Dims& dims) {
  return std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
}

Handle open_dataset(hid_t parent, const std::string& name) {
  if (!has_child(parent, name)) fail(name + " is missing");
  return checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, name + " is not a dataset");
}

Handle open_string_dataset(hid_t parent, const std::string& name, Handle& type) {
  Handle set = open_dataset(parent, name);
  type = Handle(H5Dget_type(set.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(name + " is not a string");
  return set;
}

// Reads `count` strings of a string dataset of either length kind.
std::vector<std::string> read_string_values(hid_t set, hid_t file_type, std::size_t count) {
  std::vector<std::string> values;
  if (H5Tis_variable_str(file_type) > 0) {
    const Handle memory = string_type();
    std::vector<char*> pointers(count, nullptr);
    if (H5Dread(set, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) return {};
    for (char* p : pointers) values.emplace_back(p == nullptr ? "" : p);
    const Handle space(H5Dget_space(set), H5Sclose);
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
    return values;
  }
  const std::size_t size = H5Tget_size(file_type);
  const Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory.get(), size);
  std::string buffer(size * count, '\0');
  if (H5Dread(set, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) return {};
  for (std::size_t i = 0; i < count; ++i) {
    const char* start = buffer.data() + i * size;
    values.emplace_back(start, strnlen(start, size));
  }
  return values;
}

}  // namespace

Session::Session() : lock_(library_mutex()) {
  H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Session::~Session() { H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_); }

Handle create_memory_file() {
  const Handle access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "cannot configure HDF5");
  // The core driver without a backing store: the file exists only in memory.
  H5Pset_fapl_core(access.get(), 1 << 16, 0);
  return checked(H5Fcreate("spikeae.nir", H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose,
                 "cannot create an HDF5 file in memory");
}

std::string file_image(hid_t file) {
  H5Fflush(file, H5F_SCOPE_GLOBAL);
  const ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size < 0) fail("cannot take the HDF5 file's image");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file, bytes.data(), bytes.size()) != size) {
    fail("cannot take the HDF5 file's image");
  }
  return bytes;
}

Handle create_group(hid_t parent, const std::string& name) {
  return checked(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                 "cannot create group " + name);
}

void write_string(hid_t parent, const std::string& name, const std::string& value) {
  const Handle type = string_type();
  const char* text = value.c_str();
  write_dataset(parent, name, type.get(), type.get(), {}, &text);
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   const Dims& dims) {
  const Handle type = string_type();
  std::vector<const char*> texts;
  for (const std::string& value : values) texts.push_back(value.c_str());
  write_dataset(parent, name, type.get(), type.get(), dims, texts.data());
}

void write_doubles(hid_t parent, const std::string& name, std::span<const double> values,
                   const Dims& dims) {
  write_dataset(parent, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, values.data());
}

void write_integers(hid_t parent, const std::string& name, std::span<const std::int64_t> values,
                    const Dims& dims) {
  write_dataset(parent, name, H5T_STD_I64LE, H5T_NATIVE_INT64, dims, values.data());
}

Handle open_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    fail("cannot open " + path.string() + ": no such file");
  if (std::filesystem::is_directory(path, error)) fail(path.string() + " is a folder, not a file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    fail(path.string() + " is not an HDF5 file (a NIR file is one)");
  }
  return checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                 path.string() + ": cannot read the HDF5 file: it is damaged or truncated");
}

bool has_child(hid_t parent, const std::string& name) {
  return name.find('/') == std::string::npos && H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0;
}

Handle open_group(hid_t parent, const std::string& name) {
  if (!has_child(parent, name)) fail(name + " is missing");
  return checked(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, name + " is not a group");
}

Dims dataset_dims(hid_t parent, const std::string& name) {
  const Handle set = open_dataset(parent, name);
  const Handle space(H5Dget_space(set.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("cannot read the shape of " + name);
  Dims dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string read_string(hid_t parent, const std::string& name) {
  if (element_count(dataset_dims(parent, name)) != 1) fail(name + " is not a single string");
  Handle type(-1, H5Tclose);
  const Handle set = open_string_dataset(parent, name, type);
  const std::vector<std::string> values = read_string_values(set.get(), type.get(), 1);
  if (values.size() != 1) fail("cannot read " + name);
  return values.front();
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name, std::size_t limit) {
  const std::size_t count = element_count(dataset_dims(parent, name));
  if (count > limit) fail(name + " holds " + std::to_string(count) + " strings, too many");
  Handle type(-1, H5Tclose);
  const Handle set = open_string_dataset(parent, name, type);
  std::vector<std::string> values = read_string_values(set.get(), type.get(), count);
  if (values.size() != count) fail("cannot read " + name);
  return values;
}

std::vector<double> read_doubles(hid_t parent, const std::string& name, std::size_t limit) {
  const std::size_t count = element_count(dataset_dims(parent, name));
  if (count > limit) fail(name + " holds " + std::to_string(count) + " values, too many");
  const Handle set = open_dataset(parent, name);
  const Handle type(H5Dget_type(set.get()), H5Tclose);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) fail(name + " is not numeric");
  std::vector<double> values(count);
  if (H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    fail("cannot read " + name + ": the data is damaged");
  }
  return values;
}

std::vector<std::string> child_names(hid_t group) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) fail("cannot list a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) fail("cannot list a group");
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace spikeae::io::h5
