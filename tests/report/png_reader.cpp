#include "png_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

namespace clinbench::testing {

namespace {

uint32_t big_endian(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

uint8_t paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return uint8_t(a);
  return uint8_t(pb <= pc ? b : c);
}

}  // namespace

PngImage png_read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto fail = [&file](const std::string& why) {
    throw std::runtime_error(file.string() + ": " + why);
  };
  static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (bytes.size() < 8 || !std::equal(signature, signature + 8, bytes.begin())) fail("not a PNG");
  PngImage image;
  int channels = 0;
  std::vector<uint8_t> compressed;
  for (size_t at = 8; at + 8 <= bytes.size();) {
    uint32_t length = big_endian(&bytes[at]);
    std::string type(bytes.begin() + long(at) + 4, bytes.begin() + long(at) + 8);
    if (at + 12 + length > bytes.size()) fail("truncated chunk " + type);
    const uint8_t* data = &bytes[at + 8];
    if (type == "IHDR") {
      image.width = int(big_endian(data));
      image.height = int(big_endian(data + 4));
      if (data[8] != 8 || data[12] != 0) fail("only 8-bit, non-interlaced images are read");
      if (data[9] == 2)
        channels = 3;
      else if (data[9] == 6)
        channels = 4;
      else
        fail("only RGB and RGBA images are read");
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0) fail("no IHDR");
  const size_t stride = size_t(image.width) * size_t(channels);
  std::vector<uint8_t> raw((stride + 1) * size_t(image.height));
  uLongf raw_size = uLongf(raw.size());
  if (uncompress(raw.data(), &raw_size, compressed.data(), uLong(compressed.size())) != Z_OK ||
      raw_size != raw.size()) {
    fail("image data does not inflate to its size");
  }
  std::vector<uint8_t> previous(stride, 0), row(stride);
  image.rgb.resize(size_t(image.width) * size_t(image.height) * 3);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* line = &raw[size_t(y) * (stride + 1)];
    uint8_t filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= size_t(channels) ? row[i - size_t(channels)] : 0;
      int b = previous[i];
      int c = i >= size_t(channels) ? previous[i - size_t(channels)] : 0;
      int x = line[1 + i];
      switch (filter) {
        case 0:
          row[i] = uint8_t(x);
          break;
        case 1:
          row[i] = uint8_t(x + a);
          break;
        case 2:
          row[i] = uint8_t(x + b);
          break;
        case 3:
          row[i] = uint8_t(x + (a + b) / 2);
          break;
        case 4:
          row[i] = uint8_t(x + paeth(a, b, c));
          break;
        default:
          fail("unknown filter " + std::to_string(filter));
      }
    }
    for (int x = 0; x < image.width; ++x) {
      for (int k = 0; k < 3; ++k)
        image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3 + size_t(k)] =
            row[size_t(x) * size_t(channels) + size_t(k)];
    }
    std::swap(previous, row);
  }
  return image;
}

int64_t png_count_ink(const PngImage& image, int x0, int y0, int width, int height) {
  int64_t ink = 0;
  for (int y = std::max(0, y0); y < std::min(image.height, y0 + height); ++y) {
    for (int x = std::max(0, x0); x < std::min(image.width, x0 + width); ++x) {
      const uint8_t* p = &image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3];
      if (p[0] < 235 || p[1] < 235 || p[2] < 235) ++ink;
    }
  }
  return ink;
}

int64_t png_count_colours(const PngImage& image, int x0, int y0, int width, int height) {
  std::set<int> colours;
  for (int y = std::max(0, y0); y < std::min(image.height, y0 + height); ++y) {
    for (int x = std::max(0, x0); x < std::min(image.width, x0 + width); ++x) {
      const uint8_t* p = &image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3];
      colours.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
    }
  }
  return int64_t(colours.size());
}

}  // namespace clinbench::testing
