// Data set lookup. An explicit or environment data dir is authoritative (a typo must not
// silently fall back to other data); otherwise ./data and then the source tree are tried.
#include "spikeae/data_paths.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/idx.h"

namespace spikeae {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDataDirEnv = "SPIKEAE_DATA_DIR";
constexpr std::array<const char*, 4> kFileNames = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

// A data dir to search and why it was chosen, for the not-found message.
struct Place {
  fs::path dir;
  std::string origin;
  bool chosen_by_user = false;  // then the fetch command must target it
};

// The outcome of searching one <data dir>/<name> folder.
struct Search {
  std::optional<DatasetFiles> files;
  std::string problem;  // why the set is not there, when it is not
};

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);  // follows symlinks; errors count as absent
}

// The raw file when present, else its .gz, else nothing.
std::optional<fs::path> find_variant(const fs::path& set_dir, const char* name) {
  const fs::path raw = set_dir / name;
  if (is_file(raw)) return raw;
  fs::path gz = raw;
  gz += ".gz";
  if (is_file(gz)) return gz;
  return std::nullopt;
}

Search search_set_dir(const fs::path& set_dir) {
  std::error_code ec;
  if (!fs::is_directory(set_dir, ec)) return {std::nullopt, "folder does not exist"};
  std::array<fs::path, 4> found;
  std::string missing;
  for (std::size_t i = 0; i < kFileNames.size(); ++i) {
    const std::optional<fs::path> file = find_variant(set_dir, kFileNames[i]);
    if (file) {
      found[i] = *file;
    } else {
      missing += std::string(missing.empty() ? "" : ", ") + kFileNames[i] + "[.gz]";
    }
  }
  if (!missing.empty()) return {std::nullopt, "missing " + missing};
  return {DatasetFiles{found[0], found[1], found[2], found[3]}, ""};
}

// Searches <place>/<name>, spotting the common slip of giving the set folder itself.
Search search_place(const Place& place, std::string_view name) {
  Search search = search_set_dir(place.dir / name);
  if (!search.files && search_set_dir(place.dir).files) {
    search.problem += "; but " + place.dir.string() +
                      " itself holds the IDX files: give its parent folder as the data directory";
  }
  return search;
}

void check_name(std::string_view name) {
  const std::vector<std::string>& names = known_dataset_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string list;
  for (const std::string& known : names) list += (list.empty() ? "" : ", ") + known;
  throw Error("unknown data set \"" + std::string(name) + "\"; valid names: " + list);
}

std::optional<fs::path> default_data_dir() {
#ifdef SPIKEAE_DEFAULT_DATA_DIR
  return fs::path(SPIKEAE_DEFAULT_DATA_DIR);
#else
  return std::nullopt;
#endif
}

bool same_dir(const fs::path& a, const fs::path& b) {
  std::error_code ec_a;
  std::error_code ec_b;
  const fs::path canonical_a = fs::weakly_canonical(a, ec_a);
  const fs::path canonical_b = fs::weakly_canonical(b, ec_b);
  return !ec_a && !ec_b && canonical_a == canonical_b;
}

// The data dirs to search, in order, following the documented precedence.
std::vector<Place> places_to_search(const std::optional<fs::path>& data_dir) {
  if (data_dir) return {{*data_dir, "the --data-dir given", true}};
  const char* env = std::getenv(kDataDirEnv);
  if (env != nullptr && *env != '\0') {
    return {{fs::path(env), std::string("from ") + kDataDirEnv, true}};
  }
  std::error_code ec;
  const fs::path local = fs::absolute("data", ec);  // absolute, so later chdirs do not matter
  std::vector<Place> places = {{ec ? fs::path("data") : local, "./data in the current directory"}};
  const std::optional<fs::path> fallback = default_data_dir();
  if (fallback && !same_dir(*fallback, places[0].dir)) {
    places.push_back({*fallback, "the source tree's data folder"});
  }
  return places;
}

// Quotes a path for a POSIX shell when it holds anything beyond safe characters.
std::string shell_quote(const std::string& text) {
  const bool safe = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("/._-+=:,@").find(c) != std::string_view::npos;
  });
  if (safe && !text.empty()) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The command that downloads the set; the script's own default dir is the source tree's.
std::string fetch_command(std::string_view name, const Place& first_place) {
  const std::optional<fs::path> fallback = default_data_dir();
  // SPIKEAE_DEFAULT_DATA_DIR is <source>/data, so the script sits beside it.
  std::string command =
      fallback ? shell_quote((fallback->parent_path() / "scripts" / "fetch_data.sh").string())
               : std::string("scripts/fetch_data.sh");
  if (first_place.chosen_by_user) command += " --data-dir " + shell_quote(first_place.dir.string());
  return command + " " + std::string(name);
}

[[noreturn]] void fail_not_found(std::string_view name, const std::vector<Place>& places,
                                 const std::vector<Search>& searches) {
  std::string message = "data set \"" + std::string(name) + "\" not found. Looked in:";
  for (std::size_t i = 0; i < places.size(); ++i) {
    message += "\n  " + (places[i].dir / name).string() + " (" + places[i].origin +
               "): " + searches[i].problem;
  }
  message += "\nFetch it with: " + fetch_command(name, places.front());
  if (name == "fashion-mnist") {
    message +=
        "\n(it copies the files of the Debian package dataset-fashion-mnist; install that first "
        "with: apt-get install dataset-fashion-mnist)";
  }
  throw Error(message);
}

void check_same_shape(const DatasetFiles& files, const TrainTestData& data) {
  if (data.train.rows == data.test.rows && data.train.cols == data.test.cols) return;
  throw Error("train and test images differ in size: " + files.train_images.string() + " has " +
              std::to_string(data.train.rows) + "x" + std::to_string(data.train.cols) +
              " pixels but " + files.test_images.string() + " has " +
              std::to_string(data.test.rows) + "x" + std::to_string(data.test.cols));
}

}  // namespace

const std::vector<std::string>& known_dataset_names() {
  static const std::vector<std::string> names = {"mnist", "fashion-mnist"};
  return names;
}

DatasetFiles locate_dataset(std::string_view name, const std::optional<fs::path>& data_dir) {
  check_name(name);
  const std::vector<Place> places = places_to_search(data_dir);
  std::vector<Search> searches;
  for (const Place& place : places) {
    searches.push_back(search_place(place, name));
    if (searches.back().files) return *searches.back().files;
  }
  fail_not_found(name, places, searches);
}

TrainTestData load_dataset_files(const DatasetFiles& files) {
  TrainTestData data{load_idx_dataset(files.train_images, files.train_labels),
                     load_idx_dataset(files.test_images, files.test_labels)};
  check_same_shape(files, data);
  return data;
}

}  // namespace spikeae
