#include "clinbench/utf8.h"

#include <cstdint>
#include <cstring>

namespace clinbench {

size_t utf8_find_invalid(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // Most of a clinical data set is ASCII: skip it a word at a time.
    if (i + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      second_low = 0xA0;  // below is an overlong form
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3;
      second_high = 0x9F;  // above are the UTF-16 surrogates
    } else if (lead == 0xF0) {
      length = 4;
      second_low = 0x90;  // below is an overlong form
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4;
      second_high = 0x8F;  // above is beyond U+10FFFF
    } else {
      return i;  // 0x80..0xC1 (continuation or overlong lead) or 0xF5..0xFF
    }
    if (i + length > size) return i;
    if (bytes[i + 1] < second_low || bytes[i + 1] > second_high) return i;
    for (size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::string utf8_describe_invalid(std::string_view text, size_t offset) {
  static const char digits[] = "0123456789ABCDEF";
  if (offset >= text.size()) return "end of text";
  const auto byte = static_cast<unsigned char>(text[offset]);
  std::string out = "byte 0x";
  out += digits[byte >> 4];
  out += digits[byte & 15];
  return out;
}

}  // namespace clinbench
