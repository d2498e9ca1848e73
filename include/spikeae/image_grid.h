// Grids of grayscale tiles (inputs, reconstructions, weights) saved as PNG pictures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spikeae {

// Tiles laid out row-major in a grid, separated by `padding` background pixels
// (between tiles only, no outer border). The whole picture is then magnified so
// that every pixel, padding included, becomes a scale x scale block.
struct ImageGrid {
  int tile_rows = 28, tile_cols = 28;  // pixels per tile
  int grid_rows = 1, grid_cols = 1;    // tiles
  int padding = 2;                     // unscaled pixels between tiles (background value)
  int scale = 2;                       // each pixel drawn as scale x scale
  std::uint8_t background = 128;
  // grid_rows * grid_cols tiles back to back, each tile row-major: pixel (r, c) of
  // tile t is tiles[t * tile_rows * tile_cols + r * tile_cols + c]. Values in [0, 1]
  // map to 0..255 (black..white); values outside are clamped, NaN is drawn as background.
  std::vector<float> tiles;
  // Optional text in a 5x7 pixel font (lower case, digits, . , : - ( ) / =): one label
  // per grid row, drawn left of it, and a caption above the grid; at most 256 characters each.
  std::vector<std::string> row_labels;  // empty, or grid_rows labels
  std::string caption;
};

// Largest picture accepted, in output pixels.
inline constexpr std::int64_t kMaxImageGridPixels = std::int64_t{1} << 28;

// Width and height of the picture in output pixels; throws Error when the grid's
// sizes are invalid (dimension < 1, padding < 0, wrong tile count, too large).
std::int64_t image_grid_width(const ImageGrid& grid);
std::int64_t image_grid_height(const ImageGrid& grid);

// The picture as 8-bit grayscale PNG bytes; throws Error on invalid sizes or a
// libpng failure.
std::string encode_png(const ImageGrid& grid);

// Saves the picture at `path` atomically; throws Error naming `path` on failure.
void write_png(const std::filesystem::path& path, const ImageGrid& grid);

}  // namespace spikeae
