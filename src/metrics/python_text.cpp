#include "metrics/python_text.h"

#include <utf8proc.h>

#include <cstdint>

namespace clinbench {
namespace {

// Decodes one code point at `position`; returns its length in bytes, or 0 when the bytes there
// are not valid UTF-8 (or at the end).
size_t decode_at(std::string_view text, size_t position, char32_t& code_point) {
  if (position >= text.size()) return 0;
  utf8proc_int32_t decoded = 0;
  utf8proc_ssize_t length =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + position),
                       static_cast<utf8proc_ssize_t>(text.size() - position), &decoded);
  if (length <= 0 || decoded < 0) return 0;
  code_point = static_cast<char32_t>(decoded);
  return static_cast<size_t>(length);
}

// Python's str.upper() maps these characters to strings that contain ASCII letters (Unicode
// SpecialCasing.txt, unconditional mappings); utf8proc's simple mapping leaves most unchanged.
struct FullUpper {
  char32_t code_point;
  const char* upper;  // UTF-8
};
constexpr FullUpper kFullUpperWithAscii[] = {
    {0x00DF, "SS"},      {0x0131, "I"},       {0x0149, "\u02BCN"}, {0x017F, "S"},
    {0x01F0, "J\u030C"}, {0x1E96, "H\u0331"}, {0x1E97, "T\u0308"}, {0x1E98, "W\u030A"},
    {0x1E99, "Y\u030A"}, {0x1E9A, "A\u02BE"}, {0xFB00, "FF"},      {0xFB01, "FI"},
    {0xFB02, "FL"},      {0xFB03, "FFI"},     {0xFB04, "FFL"},     {0xFB05, "ST"},
    {0xFB06, "ST"},
};

}  // namespace

bool python_is_word_code_point(char32_t code_point) {
  if (code_point < 0x80) {
    return code_point == '_' || (code_point >= '0' && code_point <= '9') ||
           (code_point >= 'a' && code_point <= 'z') || (code_point >= 'A' && code_point <= 'Z');
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(code_point))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool python_word_at(std::string_view text, size_t position, size_t* length) {
  char32_t code_point = 0;
  size_t decoded_length = decode_at(text, position, code_point);
  if (decoded_length == 0 || !python_is_word_code_point(code_point)) return false;
  if (length != nullptr) *length = decoded_length;
  return true;
}

bool python_word_before(std::string_view text, size_t position) {
  if (position == 0 || position > text.size()) return false;
  // Step back over at most three continuation bytes to the lead byte of the last character.
  size_t start = position - 1;
  while (start > 0 && position - start < 4 &&
         (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  char32_t code_point = 0;
  size_t length = decode_at(text, start, code_point);
  if (length == 0 || start + length != position) return false;
  return python_is_word_code_point(code_point);
}

std::string python_upper(std::string_view text) {
  std::string upper;
  upper.reserve(text.size());
  size_t position = 0;
  while (position < text.size()) {
    unsigned char byte = static_cast<unsigned char>(text[position]);
    if (byte < 0x80) {
      upper.push_back((byte >= 'a' && byte <= 'z') ? static_cast<char>(byte - 'a' + 'A')
                                                   : static_cast<char>(byte));
      ++position;
      continue;
    }
    char32_t code_point = 0;
    size_t length = decode_at(text, position, code_point);
    if (length == 0) {  // invalid byte: keep it
      upper.push_back(static_cast<char>(byte));
      ++position;
      continue;
    }
    position += length;
    const char* full = nullptr;
    for (const FullUpper& entry : kFullUpperWithAscii) {
      if (entry.code_point == code_point) full = entry.upper;
    }
    if (full != nullptr) {
      upper += full;
      continue;
    }
    utf8proc_int32_t mapped = utf8proc_toupper(static_cast<utf8proc_int32_t>(code_point));
    utf8proc_uint8_t encoded[4];
    utf8proc_ssize_t encoded_length = utf8proc_encode_char(mapped, encoded);
    upper.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(encoded_length));
  }
  return upper;
}

bool python_is_space_code_point(char32_t code_point) {
  // CPython's _PyUnicode_IsWhitespace: bidirectional types WS, B, S, plus Zs.
  switch (code_point) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
    case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return code_point >= 0x2000 && code_point <= 0x200A;
  }
}

std::string_view python_strip(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size()) {
    char32_t code_point = 0;
    size_t length = decode_at(text, begin, code_point);
    if (length == 0 || !python_is_space_code_point(code_point)) break;
    begin += length;
  }
  size_t end = text.size();
  while (end > begin) {
    // The lead byte of the last character: back over at most three continuation bytes.
    size_t start = end - 1;
    while (start > begin && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    char32_t code_point = 0;
    size_t length = decode_at(text, start, code_point);
    if (length == 0 || start + length != end || !python_is_space_code_point(code_point)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

}  // namespace clinbench
