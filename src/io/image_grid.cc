#include "spikeae/image_grid.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "pixel_font.h"
#include "spikeae/atomic_file.h"
#include "spikeae/error.h"

namespace spikeae {
namespace {

// State shared with libpng's C callbacks. Plain data only: libpng leaves via
// longjmp, which must not skip any destructor.
struct PngContext {
  std::string* out;
  bool out_of_memory;
  char error[256];
  char warning[256];
};

void on_png_error(png_structp png, png_const_charp message) {
  auto* context = static_cast<PngContext*>(png_get_error_ptr(png));
  std::snprintf(context->error, sizeof(context->error), "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp png, png_const_charp message) {
  auto* context = static_cast<PngContext*>(png_get_error_ptr(png));
  std::snprintf(context->warning, sizeof(context->warning), "%s", message);
}

void on_png_write(png_structp png, png_bytep data, png_size_t length) {
  auto* context = static_cast<PngContext*>(png_get_io_ptr(png));
  try {
    context->out->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::exception&) {
    context->out_of_memory = true;
  }
  // Reported outside the catch block: a C++ exception must not cross libpng's C frames.
  if (context->out_of_memory) png_error(png, "out of memory for the PNG buffer");
}

void on_png_flush(png_structp) {}

// Runs libpng over `pixels` (height rows of width bytes). Holds no object with a
// destructor, so libpng's longjmp cannot skip one. Returns false on failure with
// context->error set.
bool run_png_writer(PngContext* context, const png_byte* pixels, png_uint_32 width,
                    png_uint_32 height) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, context, on_png_error, on_png_warning);
  if (png == nullptr) {
    std::snprintf(context->error, sizeof(context->error), "cannot create the PNG writer");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::snprintf(context->error, sizeof(context->error), "cannot create the PNG header");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, context, on_png_write, on_png_flush);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (png_uint_32 row = 0; row < height; ++row) {
    png_write_row(png, pixels + static_cast<std::size_t>(row) * width);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

[[noreturn]] void fail(const std::string& problem) { throw Error("image grid: " + problem); }

void check_at_least(int value, int minimum, const char* name) {
  if (value < minimum) {
    fail(std::string(name) + " is " + std::to_string(value) + ", must be at least " +
         std::to_string(minimum));
  }
}

// Unscaled extent of `count` tiles of `size` pixels with `padding` between them.
std::int64_t unscaled_extent(int count, int size, int padding) {
  return std::int64_t{count} * size + std::int64_t{count - 1} * padding;
}

constexpr int kTextGap = 2;            // unscaled pixels around labels and the caption
constexpr std::size_t kMaxText = 256;  // characters of one label or the caption

// Where the tiles start, and the whole picture's size, before magnification.
struct Layout {
  std::int64_t left = 0, top = 0, width = 0, height = 0;
};

Layout layout_of(const ImageGrid& grid) {
  Layout layout;
  int label_width = 0;
  for (const std::string& label : grid.row_labels)
    label_width = std::max(label_width, io::text_width(label));
  if (!grid.row_labels.empty()) layout.left = label_width + 2 * kTextGap;
  if (!grid.caption.empty()) layout.top = io::kGlyphHeight + 2 * kTextGap;
  const std::int64_t grid_width = unscaled_extent(grid.grid_cols, grid.tile_cols, grid.padding);
  const std::int64_t caption_width = io::text_width(grid.caption) + 2 * kTextGap;
  layout.width = std::max(layout.left + grid_width, grid.caption.empty() ? 0 : caption_width);
  layout.height = layout.top + unscaled_extent(grid.grid_rows, grid.tile_rows, grid.padding);
  return layout;
}

void validate_text(const ImageGrid& grid) {
  if (!grid.row_labels.empty() &&
      grid.row_labels.size() != static_cast<std::size_t>(grid.grid_rows)) {
    fail(std::to_string(grid.row_labels.size()) + " row labels for " +
         std::to_string(grid.grid_rows) + " rows");
  }
  for (const std::string& label : grid.row_labels) {
    if (label.size() > kMaxText)
      fail("a row label is longer than " + std::to_string(kMaxText) + " characters");
  }
  if (grid.caption.size() > kMaxText) {
    fail("the caption is longer than " + std::to_string(kMaxText) + " characters");
  }
}

// Throws Error unless the grid describes a picture we can draw.
void validate(const ImageGrid& grid) {
  check_at_least(grid.tile_rows, 1, "tile_rows");
  check_at_least(grid.tile_cols, 1, "tile_cols");
  check_at_least(grid.grid_rows, 1, "grid_rows");
  check_at_least(grid.grid_cols, 1, "grid_cols");
  check_at_least(grid.padding, 0, "padding");
  check_at_least(grid.scale, 1, "scale");
  // All factors are < 2^31, so these products fit in 64 bits.
  const std::int64_t expected =
      std::int64_t{grid.grid_rows} * grid.grid_cols * std::int64_t{grid.tile_rows} * grid.tile_cols;
  if (static_cast<std::uint64_t>(expected) != grid.tiles.size()) {
    fail("tiles holds " + std::to_string(grid.tiles.size()) + " values, expected " +
         std::to_string(expected) + " (" + std::to_string(grid.grid_rows) + "x" +
         std::to_string(grid.grid_cols) + " tiles of " + std::to_string(grid.tile_rows) + "x" +
         std::to_string(grid.tile_cols) + ")");
  }
  validate_text(grid);
  const Layout layout = layout_of(grid);
  const std::int64_t width = layout.width, height = layout.height;
  // Each factor is checked first so the product below cannot overflow.
  const std::int64_t scale2 = std::int64_t{grid.scale} * grid.scale;
  if (width > kMaxImageGridPixels || height > kMaxImageGridPixels || scale2 > kMaxImageGridPixels ||
      width * height > kMaxImageGridPixels / scale2) {
    fail("picture of " + std::to_string(width) + "x" + std::to_string(height) +
         " pixels at scale " + std::to_string(grid.scale) + " exceeds " +
         std::to_string(kMaxImageGridPixels) + " pixels");
  }
}

std::uint8_t to_byte(float value, std::uint8_t background) {
  if (std::isnan(value)) return background;
  const float clamped = value < 0.0f ? 0.0f : (value > 1.0f ? 1.0f : value);
  return static_cast<std::uint8_t>(std::lround(clamped * 255.0f));
}

// Labels in white, each centred on its row of tiles; the caption above the grid.
void draw_labels(const ImageGrid& grid, const Layout& layout, std::vector<std::uint8_t>& canvas) {
  const auto width = static_cast<std::size_t>(layout.width);
  if (!grid.caption.empty()) io::draw_text(canvas, width, kTextGap, kTextGap, grid.caption, 255);
  for (std::size_t row = 0; row < grid.row_labels.size(); ++row) {
    const std::int64_t centre = layout.top +
                                static_cast<std::int64_t>(row) * (grid.tile_rows + grid.padding) +
                                grid.tile_rows / 2;
    const std::int64_t top = std::max<std::int64_t>(0, centre - io::kGlyphHeight / 2);
    io::draw_text(canvas, width, static_cast<std::size_t>(top), kTextGap, grid.row_labels[row],
                  255);
  }
}

// The picture before magnification, one byte per pixel, row-major.
std::vector<std::uint8_t> compose(const ImageGrid& grid, const Layout& layout) {
  const auto width = static_cast<std::size_t>(layout.width);
  const auto height = static_cast<std::size_t>(layout.height);
  std::vector<std::uint8_t> canvas(width * height, grid.background);
  draw_labels(grid, layout, canvas);
  const std::size_t tile_size = static_cast<std::size_t>(grid.tile_rows) * grid.tile_cols;
  for (int t = 0; t < grid.grid_rows * grid.grid_cols; ++t) {
    const std::size_t top =
        static_cast<std::size_t>(layout.top) +
        static_cast<std::size_t>(t / grid.grid_cols) * (grid.tile_rows + grid.padding);
    const std::size_t left =
        static_cast<std::size_t>(layout.left) +
        static_cast<std::size_t>(t % grid.grid_cols) * (grid.tile_cols + grid.padding);
    const float* tile = grid.tiles.data() + t * tile_size;
    for (int r = 0; r < grid.tile_rows; ++r) {
      for (int c = 0; c < grid.tile_cols; ++c) {
        canvas[(top + r) * width + left + c] =
            to_byte(tile[r * grid.tile_cols + c], grid.background);
      }
    }
  }
  return canvas;
}

// Each canvas pixel becomes a scale x scale block.
std::vector<std::uint8_t> magnify(const std::vector<std::uint8_t>& canvas, std::size_t width,
                                  std::size_t height, std::size_t scale) {
  std::vector<std::uint8_t> out(width * height * scale * scale);
  const std::size_t out_width = width * scale;
  for (std::size_t y = 0; y < height * scale; ++y) {
    const std::uint8_t* source = canvas.data() + (y / scale) * width;
    std::uint8_t* target = out.data() + y * out_width;
    for (std::size_t x = 0; x < out_width; ++x) target[x] = source[x / scale];
  }
  return out;
}

}  // namespace

std::int64_t image_grid_width(const ImageGrid& grid) {
  validate(grid);
  return layout_of(grid).width * grid.scale;
}

std::int64_t image_grid_height(const ImageGrid& grid) {
  validate(grid);
  return layout_of(grid).height * grid.scale;
}

std::string encode_png(const ImageGrid& grid) {
  validate(grid);
  const Layout layout = layout_of(grid);
  const auto width = static_cast<std::size_t>(layout.width);
  const auto height = static_cast<std::size_t>(layout.height);
  const auto scale = static_cast<std::size_t>(grid.scale);
  const std::vector<std::uint8_t> pixels = magnify(compose(grid, layout), width, height, scale);

  std::string png_bytes;
  PngContext context{&png_bytes, false, {}, {}};
  if (!run_png_writer(&context, pixels.data(), static_cast<png_uint_32>(width * scale),
                      static_cast<png_uint_32>(height * scale))) {
    std::string problem = std::string("PNG encoding failed: ") + context.error;
    if (context.warning[0] != '\0') problem += std::string(" (") + context.warning + ")";
    fail(problem);
  }
  return png_bytes;
}

void write_png(const std::filesystem::path& path, const ImageGrid& grid) {
  std::string bytes;
  try {
    bytes = encode_png(grid);
  } catch (const Error& error) {
    throw Error(path.string() + ": " + error.what());
  }
  write_file_atomically(path, bytes);
}

}  // namespace spikeae
