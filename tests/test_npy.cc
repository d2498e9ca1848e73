#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/npy.h"

namespace spikeae {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The header dictionary as NumPy stores it, without the padding.
std::string dict_of(const std::string& bytes) {
  const std::size_t length =
      static_cast<std::uint8_t>(bytes.at(8)) |
      (static_cast<std::size_t>(static_cast<std::uint8_t>(bytes.at(9))) << 8);
  std::string dict = bytes.substr(10, length);
  EXPECT_EQ(dict.back(), '\n');
  dict.pop_back();
  while (!dict.empty() && dict.back() == ' ') dict.pop_back();
  return dict;
}

std::size_t data_offset(const std::string& bytes) {
  return 10 + (static_cast<std::uint8_t>(bytes.at(8)) |
               (static_cast<std::size_t>(static_cast<std::uint8_t>(bytes.at(9))) << 8));
}

TEST(NpyTest, Float64HeaderIsVersionOneAlignedTo64) {
  const std::vector<double> data = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0};
  const std::string bytes = encode_npy(data, 2, 3);
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 6), std::string("\x93NUMPY"));
  EXPECT_EQ(bytes[6], '\x01');
  EXPECT_EQ(bytes[7], '\x00');
  EXPECT_EQ(data_offset(bytes) % 64, 0u);
  EXPECT_EQ(data_offset(bytes), 128u);  // this dictionary needs two 64-byte blocks
  EXPECT_EQ(dict_of(bytes), "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(bytes.size(), data_offset(bytes) + 6 * 8);
}

TEST(NpyTest, Float64DataIsLittleEndianIeee) {
  const std::vector<double> data = {1.0, -2.5, kInf, -kInf};
  const std::string bytes = encode_npy(data, 1, 4);
  const std::string payload = bytes.substr(data_offset(bytes));
  const std::string expected(
      "\x00\x00\x00\x00\x00\x00\xf0\x3f"   // 1.0
      "\x00\x00\x00\x00\x00\x00\x04\xc0"   // -2.5
      "\x00\x00\x00\x00\x00\x00\xf0\x7f"   // inf
      "\x00\x00\x00\x00\x00\x00\xf0\xff",  // -inf
      32);
  EXPECT_EQ(payload, expected);
}

TEST(NpyTest, Uint8HeaderAndData) {
  const std::vector<std::uint8_t> data = {0, 1, 128, 255, 7};
  const std::string bytes = encode_npy(data);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(data_offset(bytes) % 64, 0u);
  EXPECT_EQ(dict_of(bytes), "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
  EXPECT_EQ(bytes.substr(data_offset(bytes)), std::string("\x00\x01\x80\xff\x07", 5));
}

TEST(NpyTest, EmptyArraysHaveZeroShapes) {
  const std::string doubles = encode_npy(std::span<const double>(), 0, 4);
  EXPECT_EQ(dict_of(doubles), "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }");
  EXPECT_EQ(doubles.size(), data_offset(doubles));
  const std::string bytes = encode_npy(std::span<const std::uint8_t>());
  EXPECT_EQ(dict_of(bytes), "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }");
  EXPECT_EQ(bytes.size() % 64, 0u);
}

TEST(NpyTest, HeaderStaysAlignedForLongShapes) {
  // Shapes of growing width move the dictionary's length through every residue.
  for (std::size_t rows = 1; rows <= 1'000'000'000; rows *= 10) {
    const std::string bytes = encode_npy(std::span<const double>(), rows, 0);
    EXPECT_EQ(data_offset(bytes) % 64, 0u) << rows;
    EXPECT_EQ(bytes.size(), data_offset(bytes));
  }
}

TEST(NpyTest, ShapeMismatchThrows) {
  const std::vector<double> data(5, 0.0);
  try {
    encode_npy(data, 2, 3);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("5 values"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("2x3"), std::string::npos) << error.what();
  }
  const std::size_t huge = std::size_t{1} << 33;
  EXPECT_THROW(encode_npy(data, huge, huge), Error);  // rows * cols overflows
}

// A fresh folder under the system's temporary folder, removed afterwards.
class NpyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "spikeae_npy_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // Runs /usr/bin/python3 on `script` with the file as its argument; returns stdout.
  std::string run_python(const std::string& script, const std::filesystem::path& file) {
    const std::filesystem::path script_path = dir_ / "check.py";
    std::ofstream(script_path) << script;
    const std::string command =
        "/usr/bin/python3 '" + script_path.string() + "' '" + file.string() + "' 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return "(cannot run python3)";
    char buffer[256];
    while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
    pclose(pipe);
    return output;
  }

  static bool numpy_available() {
    return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
  }

  std::filesystem::path dir_;
};

TEST_F(NpyFileTest, WritesTheEncodedBytes) {
  const std::vector<double> doubles = {0.5, -kInf};
  write_npy(dir_ / "a.npy", doubles, 2, 1);
  EXPECT_EQ(read_all(dir_ / "a.npy"), encode_npy(doubles, 2, 1));
  const std::vector<std::uint8_t> bytes = {3, 1, 4};
  write_npy(dir_ / "b.npy", bytes);
  EXPECT_EQ(read_all(dir_ / "b.npy"), encode_npy(bytes));
}

TEST_F(NpyFileTest, ShapeErrorNamesTheFileAndWritesNothing) {
  const std::vector<double> data(3, 1.0);
  const std::filesystem::path path = dir_ / "bad.npy";
  try {
    write_npy(path, data, 2, 2);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

constexpr char kDescribe[] =
    "import sys\n"
    "import numpy as np\n"
    "a = np.load(sys.argv[1])\n"
    "print(a.dtype.str, a.shape, a.flags.c_contiguous, a.tolist())\n";

TEST_F(NpyFileTest, NumpyLoadsFloat64WithInfinities) {
  if (!numpy_available()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  const std::vector<double> data = {0.0, -1.5, kInf, -kInf, 1e-300, 3.25};
  write_npy(dir_ / "f8.npy", data, 2, 3);
  EXPECT_EQ(run_python(kDescribe, dir_ / "f8.npy"),
            "<f8 (2, 3) True [[0.0, -1.5, inf], [-inf, 1e-300, 3.25]]\n");
}

TEST_F(NpyFileTest, NumpyLoadsUint8) {
  if (!numpy_available()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  const std::vector<std::uint8_t> data = {0, 1, 128, 255};
  write_npy(dir_ / "u1.npy", data);
  EXPECT_EQ(run_python(kDescribe, dir_ / "u1.npy"), "|u1 (4,) True [0, 1, 128, 255]\n");
}

TEST_F(NpyFileTest, NumpyLoadsEmptyArrays) {
  if (!numpy_available()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not available";
  write_npy(dir_ / "e.npy", std::span<const double>(), 0, 5);
  EXPECT_EQ(run_python(kDescribe, dir_ / "e.npy"), "<f8 (0, 5) True []\n");
}

}  // namespace
}  // namespace spikeae
