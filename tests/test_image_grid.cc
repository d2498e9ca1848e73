#include <gtest/gtest.h>
#include <png.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "spikeae/error.h"
#include "spikeae/image_grid.h"
#include "test_support.h"

namespace spikeae {
namespace {

struct Decoded {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  int bit_depth = 0;
  int color_type = 0;
  std::vector<std::uint8_t> pixels;  // row-major, one byte per pixel

  std::uint8_t at(std::uint32_t x, std::uint32_t y) const { return pixels.at(y * width + x); }
};

// Big-endian 32-bit field of the PNG header.
std::uint32_t read_be32(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes.at(offset + i));
  }
  return value;
}

// Decodes with libpng's simplified read API, which reports errors without longjmp.
Decoded decode(const std::string& bytes) {
  Decoded out;
  // The IHDR chunk follows the 8-byte signature, its length and its type.
  out.width = read_be32(bytes, 16);
  out.height = read_be32(bytes, 20);
  out.bit_depth = static_cast<std::uint8_t>(bytes.at(24));
  out.color_type = static_cast<std::uint8_t>(bytes.at(25));
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    ADD_FAILURE() << "libpng cannot read the bytes: " << image.message;
    return out;
  }
  EXPECT_EQ(image.width, out.width);
  EXPECT_EQ(image.height, out.height);
  image.format = PNG_FORMAT_GRAY;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
    ADD_FAILURE() << "libpng cannot decode the bytes: " << image.message;
  }
  return out;
}

// A grid whose tiles hold `value` everywhere.
ImageGrid uniform_grid(int grid_rows, int grid_cols, float value) {
  ImageGrid grid;
  grid.grid_rows = grid_rows;
  grid.grid_cols = grid_cols;
  grid.tiles.assign(static_cast<std::size_t>(grid_rows) * grid_cols * 28 * 28, value);
  return grid;
}

std::string error_message(const ImageGrid& grid) {
  try {
    encode_png(grid);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ImageGridTest, SingleTileHasScaledSizeAndIsEightBitGray) {
  const Decoded png = decode(encode_png(uniform_grid(1, 1, 1.0f)));
  EXPECT_EQ(png.width, 56u);
  EXPECT_EQ(png.height, 56u);
  EXPECT_EQ(png.bit_depth, 8);
  EXPECT_EQ(png.color_type, PNG_COLOR_TYPE_GRAY);
  EXPECT_EQ(png.at(0, 0), 255);
  EXPECT_EQ(png.at(55, 55), 255);
}

TEST(ImageGridTest, PaddingSitsBetweenTilesOnly) {
  ImageGrid grid = uniform_grid(2, 3, 0.0f);
  grid.scale = 1;
  grid.padding = 2;
  grid.background = 77;
  EXPECT_EQ(image_grid_width(grid), 3 * 28 + 2 * 2);
  EXPECT_EQ(image_grid_height(grid), 2 * 28 + 1 * 2);
  const Decoded png = decode(encode_png(grid));
  ASSERT_EQ(png.width, 88u);
  ASSERT_EQ(png.height, 58u);
  EXPECT_EQ(png.at(0, 0), 0);    // first tile's corner: no outer border
  EXPECT_EQ(png.at(27, 0), 0);   // first tile's last column
  EXPECT_EQ(png.at(28, 0), 77);  // vertical padding
  EXPECT_EQ(png.at(29, 5), 77);
  EXPECT_EQ(png.at(30, 0), 0);    // second tile
  EXPECT_EQ(png.at(5, 28), 77);   // horizontal padding
  EXPECT_EQ(png.at(28, 28), 77);  // where paddings cross
  EXPECT_EQ(png.at(87, 57), 0);   // last tile's far corner
}

TEST(ImageGridTest, TilesArePlacedRowMajor) {
  ImageGrid grid;
  grid.tile_rows = 2;
  grid.tile_cols = 3;
  grid.grid_rows = 2;
  grid.grid_cols = 2;
  grid.padding = 1;
  grid.scale = 1;
  grid.background = 9;
  // Pixel p = r * 3 + c of tile t holds byte t * 50 + p, so every pixel is distinct.
  for (int t = 0; t < 4; ++t) {
    for (int p = 0; p < 6; ++p) grid.tiles.push_back((t * 50 + p) / 255.0f);
  }
  const Decoded png = decode(encode_png(grid));
  ASSERT_EQ(png.width, 7u);
  ASSERT_EQ(png.height, 5u);
  EXPECT_EQ(png.at(0, 0), 0);    // tile 0 (0, 0)
  EXPECT_EQ(png.at(2, 1), 5);    // tile 0 (1, 2)
  EXPECT_EQ(png.at(4, 0), 50);   // tile 1 (0, 0)
  EXPECT_EQ(png.at(5, 1), 54);   // tile 1 (1, 1)
  EXPECT_EQ(png.at(0, 3), 100);  // tile 2 (0, 0)
  EXPECT_EQ(png.at(6, 4), 155);  // tile 3 (1, 2)
  EXPECT_EQ(png.at(3, 2), 9);    // padding
}

// Labels sit left of their rows and the caption above the grid; the tiles move right
// and down by exactly the margins the text needs.
TEST(ImageGridTest, RowLabelsAndCaptionAddMarginsAndWhiteText) {
  ImageGrid grid = uniform_grid(2, 1, 0.0f);
  grid.scale = 1;
  grid.padding = 2;
  grid.background = 77;
  grid.row_labels = {"ab", "l"};  // widest: 2 glyphs = 11 pixels, plus 2 on each side
  grid.caption = "x";
  const Decoded png = decode(encode_png(grid));
  const std::uint32_t left = 11 + 4, top = 7 + 4;
  ASSERT_EQ(png.width, left + 28);
  ASSERT_EQ(png.height, top + 2 * 28 + 2);
  EXPECT_EQ(png.at(left, top), 0);       // the first tile's corner
  EXPECT_EQ(png.at(left - 1, top), 77);  // margin
  EXPECT_EQ(png.at(2, 2), 77);           // "x" has no ink in its top rows,
  EXPECT_EQ(png.at(2, 2 + 2), 255);      // ink at its third row's ends
  EXPECT_EQ(png.at(3, 2 + 2), 77);
  // "l" of the second row: its stem is column 2 of the glyph, rows 0-6, centred on the row.
  const std::uint32_t label_top = top + 30 + 14 - 3;
  EXPECT_EQ(png.at(2 + 2, label_top + 3), 255);
  EXPECT_EQ(png.at(2 + 4, label_top + 3), 77);
  EXPECT_EQ(image_grid_width(grid), static_cast<std::int64_t>(png.width));
  EXPECT_EQ(image_grid_height(grid), static_cast<std::int64_t>(png.height));
}

TEST(ImageGridTest, LabelsMustMatchTheRowsAndStayShort) {
  ImageGrid grid = uniform_grid(2, 1, 0.0f);
  grid.row_labels = {"one"};
  EXPECT_NE(error_message(grid).find("1 row labels for 2 rows"), std::string::npos);
  grid.row_labels = {"one", std::string(300, 'a')};
  EXPECT_NE(error_message(grid).find("longer than 256"), std::string::npos);
  grid.row_labels.clear();
  grid.caption = std::string(257, 'a');
  EXPECT_NE(error_message(grid).find("caption is longer"), std::string::npos);
}

TEST(ImageGridTest, ValuesAreClampedRoundedAndNanIsBackground) {
  ImageGrid grid;
  grid.tile_rows = 1;
  grid.tile_cols = 8;
  grid.scale = 1;
  grid.background = 42;
  const float inf = std::numeric_limits<float>::infinity();
  grid.tiles = {-0.5f, 0.0f, 0.5f, 1.0f, 3.0f, std::nanf(""), inf, -inf};
  const Decoded png = decode(encode_png(grid));
  ASSERT_EQ(png.width, 8u);
  const std::vector<std::uint8_t> expected = {0, 0, 128, 255, 255, 42, 255, 0};
  EXPECT_EQ(png.pixels, expected);
}

TEST(ImageGridTest, ScaleDrawsEachPixelAsABlock) {
  ImageGrid grid;
  grid.tile_rows = 2;
  grid.tile_cols = 2;
  grid.grid_cols = 2;
  grid.padding = 1;
  grid.scale = 3;
  grid.background = 200;
  grid.tiles = {0.0f, 1.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  const Decoded png = decode(encode_png(grid));
  ASSERT_EQ(png.width, 15u);  // (2 + 1 + 2) * 3
  ASSERT_EQ(png.height, 6u);
  for (std::uint32_t y = 0; y < 3; ++y) {
    for (std::uint32_t x = 0; x < 3; ++x) {
      EXPECT_EQ(png.at(x, y), 0) << x << "," << y;
      EXPECT_EQ(png.at(x + 3, y), 255) << x << "," << y;
      EXPECT_EQ(png.at(x, y + 3), 255) << x << "," << y;
      EXPECT_EQ(png.at(x + 6, y), 200) << x << "," << y;  // padding is magnified too
    }
  }
}

TEST(ImageGridTest, WrongTileCountThrows) {
  ImageGrid grid = uniform_grid(2, 2, 0.5f);
  grid.tiles.pop_back();
  const std::string message = error_message(grid);
  EXPECT_NE(message.find("image grid"), std::string::npos) << message;
  EXPECT_NE(message.find("3135"), std::string::npos) << message;
  EXPECT_NE(message.find("3136"), std::string::npos) << message;
}

TEST(ImageGridTest, NonPositiveDimensionsThrow) {
  ImageGrid grid = uniform_grid(1, 1, 0.5f);
  grid.scale = 0;
  EXPECT_NE(error_message(grid).find("scale is 0"), std::string::npos) << error_message(grid);
  grid = uniform_grid(1, 1, 0.5f);
  grid.padding = -1;
  EXPECT_NE(error_message(grid).find("padding is -1"), std::string::npos);
  grid = uniform_grid(1, 1, 0.5f);
  grid.grid_cols = 0;
  EXPECT_NE(error_message(grid).find("grid_cols is 0"), std::string::npos);
  grid = uniform_grid(1, 1, 0.5f);
  grid.tile_rows = -3;
  EXPECT_NE(error_message(grid).find("tile_rows is -3"), std::string::npos);
  EXPECT_THROW(image_grid_width(grid), Error);
}

TEST(ImageGridTest, OversizedPictureThrowsBeforeAllocating) {
  ImageGrid grid = uniform_grid(1, 1, 0.5f);
  grid.scale = 1 << 20;  // 28 x 28 pixels magnified far beyond the limit
  const std::string message = error_message(grid);
  EXPECT_NE(message.find("exceeds"), std::string::npos) << message;
}

TEST(ImageGridTest, LibpngErrorsBecomeErrors) {
  // Within our pixel limit but wider than libpng's default 1,000,000-pixel row limit.
  ImageGrid grid;
  grid.tile_rows = 1;
  grid.tile_cols = 1'000'001;
  grid.scale = 1;
  grid.tiles.assign(1'000'001, 0.5f);
  const std::string message = error_message(grid);
  EXPECT_NE(message.find("PNG encoding failed"), std::string::npos) << message;
}

// A fresh folder under the system's temporary folder, removed afterwards.
class ImageGridFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.empty()); }
  test_support::TempFolder folder_{"spikeae_png"};
  const std::filesystem::path& dir_ = folder_.path();
};

TEST_F(ImageGridFileTest, WritesTheEncodedBytes) {
  const ImageGrid grid = uniform_grid(2, 5, 0.25f);
  const std::filesystem::path path = dir_ / "grid.png";
  write_png(path, grid);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, encode_png(grid));
  const Decoded png = decode(bytes);
  EXPECT_EQ(png.width, static_cast<std::uint32_t>(image_grid_width(grid)));
  EXPECT_EQ(png.height, static_cast<std::uint32_t>(image_grid_height(grid)));
  EXPECT_EQ(png.at(0, 0), 64);
}

TEST_F(ImageGridFileTest, BadGridErrorNamesTheFileAndWritesNothing) {
  ImageGrid grid = uniform_grid(1, 1, 0.5f);
  grid.tiles.clear();
  const std::filesystem::path path = dir_ / "bad.png";
  try {
    write_png(path, grid);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace spikeae
