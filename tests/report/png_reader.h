// A minimal PNG reader for screenshot checks: 8-bit RGB or RGBA, not interlaced (what Chromium
// writes). zlib does the inflating; the five scanline filters are undone here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace clinbench::testing {

struct PngImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, row-major, alpha dropped
};

// Throws std::runtime_error naming the file for anything it cannot read.
PngImage png_read(const std::filesystem::path& file);

// Pixels in the rectangle (clipped to the image) that are not near-white: any channel < 235.
int64_t png_count_ink(const PngImage& image, int x, int y, int width, int height);

// Distinct colours in the rectangle, quantised to 5 bits per channel.
int64_t png_count_colours(const PngImage& image, int x, int y, int width, int height);

}  // namespace clinbench::testing
