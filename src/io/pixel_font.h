// A 5x7 pixel font for the labels of PNG pictures (lower-case letters, digits and
// a little punctuation), so pictures explain themselves without a font library.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace spikeae::io {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 7;
inline constexpr int kGlyphAdvance = kGlyphWidth + 1;  // one blank column between letters

// Unscaled width of `text` in pixels.
int text_width(std::string_view text);

// Draws `text` into a row-major canvas of `width` bytes per row, its top-left corner
// at (top, left), in `ink`. Upper case is drawn as lower case; characters without a
// glyph are left blank. Pixels outside the canvas are skipped.
void draw_text(std::vector<std::uint8_t>& canvas, std::size_t width, std::size_t top,
               std::size_t left, std::string_view text, std::uint8_t ink);

}  // namespace spikeae::io
